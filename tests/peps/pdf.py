"""Reading the PDFs the service makes, as a screen reader or a search would."""

import re
from io import BytesIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    ContentStream,
    DictionaryObject,
    TextStringObject,
)


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


def _cids(font) -> dict[int, int] | None:
    """A font's codes to glyph ids, where they are not the same: WeasyPrint maps each letter
    its fonts lacked to glyph 0 in the font's own encoding."""
    encoding = font["/Encoding"]
    if encoding == "/Identity-H":
        return None
    cmap = encoding.get_object().get_data().decode("latin-1")
    return {int(code, 16): int(cid) for code, cid in re.findall(r"<([0-9a-fA-F]{4})> (\d+)", cmap)}


def pdf_glyphs(pdf: bytes) -> dict[str, set[int]]:
    """The glyph ids each font draws, by the font's name (`ABCDEF+NotoSansArabic`): what is
    on the paper, whatever the text layer says. Glyph 0 is `.notdef`, the empty box a font
    draws for a letter it does not have."""
    used: dict[str, set[int]] = {}

    def walk(content, resources):
        fonts = resources.get("/Font", {}) if resources else {}
        font = cids = None
        for operands, operator in ContentStream(content, None).operations:
            if operator == b"Tf":
                font = fonts[operands[0]].get_object()
                cids = _cids(font)
            elif operator in (b"Tj", b"TJ"):
                glyphs = used.setdefault(str(font["/BaseFont"]), set())
                for string in operands[0] if operator == b"TJ" else operands:
                    if isinstance(string, (ByteStringObject, TextStringObject)):
                        data = bytes(string.original_bytes)
                        codes = [int.from_bytes(data[i : i + 2]) for i in range(0, len(data), 2)]
                        glyphs.update(cids.get(code, code) if cids else code for code in codes)
            elif operator == b"Do":
                xobject = resources["/XObject"][operands[0]].get_object()
                if xobject.get("/Subtype") == "/Form":
                    walk(xobject, xobject.get("/Resources", resources))

    for page in PdfReader(BytesIO(pdf)).pages:
        walk(page.get_contents(), page.get("/Resources"))
    return used
