"""What a file is, from its bytes alone: its name and the browser's content type are the
sender's to choose, so neither is trusted. Only PDFs, Word documents, images and plain text
are accepted."""

import io
import zipfile
from dataclasses import dataclass

MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    extension: str


PDF = FileKind("PDF", "application/pdf", "pdf")
DOCX = FileKind(
    "Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
)
DOC = FileKind("Word document (97-2003)", "application/msword", "doc")
PNG = FileKind("PNG image", "image/png", "png")
JPEG = FileKind("JPEG image", "image/jpeg", "jpg")
GIF = FileKind("GIF image", "image/gif", "gif")
WEBP = FileKind("WebP image", "image/webp", "webp")
TEXT = FileKind("Plain text", "text/plain; charset=utf-8", "txt")

ACCEPTED = "PDF, Word document (.docx or .doc), image (PNG, JPEG, GIF or WebP) or plain text"

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An OLE2 file's directory names its streams in UTF-16: a Word 97-2003 document has this one
# (an Excel sheet or an installer package, which share the container, do not).
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_TEXT_CONTROLS = set(range(32)) - {9, 10, 12, 13}


class NotAccepted(ValueError):
    """The file is not a kind that may be attached; the message says so to the person."""


def file_kind(content: bytes) -> FileKind:
    """The kind of file these bytes are, or NotAccepted."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"PK\x03\x04"):
        if _is_docx(content):
            return DOCX
    elif content.startswith(_OLE2):
        if _WORD_STREAM in content:
            return DOC
    elif content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    elif content.startswith(b"\xff\xd8\xff"):
        return JPEG
    elif content.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    elif content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return WEBP
    elif _is_text(content):
        return TEXT
    raise NotAccepted(
        f"The file is not a {ACCEPTED}, whatever its name says. Save it as one of those "
        "and attach it again"
    )


def _is_docx(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return False
    return "[Content_Types].xml" in names and "word/document.xml" in names


def _is_text(content: bytes) -> bool:
    """UTF-8 (with or without a byte-order mark) and no control characters but tabs, line
    and page breaks: an executable or any other binary fails at once."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return bool(text.strip()) and not any(ord(char) in _TEXT_CONTROLS for char in text)
