"""Reading the PDFs the service makes, as a screen reader or a search would."""

from io import BytesIO

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject


def pdf_pages(pdf: bytes) -> list[str]:
    """Each page's text, with runs of white space (line breaks in a table cell) made one, and
    a word broken after its hyphen at the end of a line ("full-\ntime") whole again."""
    return [
        " ".join(page.extract_text().replace("-\n", "-").split())
        for page in PdfReader(BytesIO(pdf)).pages
    ]


def pdf_text(pdf: bytes) -> str:
    return " ".join(pdf_pages(pdf))


def pdf_catalog(pdf: bytes):
    return PdfReader(BytesIO(pdf)).trailer["/Root"]


def pdf_xmp(pdf: bytes) -> str:
    return pdf_catalog(pdf)["/Metadata"].get_object().get_data().decode()


def pdf_structure_tags(pdf: bytes) -> set[str]:
    """The structure types in the tag tree (/H1, /Table, /TH...): what assistive technology
    reads, as opposed to what is drawn."""
    seen: set[str] = set()
    stack = [pdf_catalog(pdf)["/StructTreeRoot"]]
    while stack:
        node = stack.pop().get_object()
        if not isinstance(node, DictionaryObject):
            continue  # a marked-content id: drawn content, no structure below it
        if "/S" in node:
            seen.add(str(node["/S"]))
        kids = node.get("/K")
        if isinstance(kids, ArrayObject):
            stack.extend(kids)
        elif kids is not None:
            stack.append(kids)
    return seen
