"""What a file is, from its bytes; and the clamd client against a real clamd."""

import io
import zipfile

import pytest

from attachments import content, scanning
from tests.attachments.clamd import EICAR, SIGNATURE_NAME


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("setup.exe", b"MZ\x90\x00")
    return buffer.getvalue()


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n...", content.PDF),
        (_docx(), content.DOCX),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le"), content.DOC),
        (b"\x89PNG\r\n\x1a\n\x00\x00", content.PNG),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", content.JPEG),
        (b"GIF89a\x01\x00", content.GIF),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", content.WEBP),
        (b"Ava's reading log: 20 minutes a night.\r\n", content.TEXT),
        ("\ufeffÉcole, naïve, 中文\n".encode(), content.TEXT),
    ],
)
def test_accepted_kinds_are_known_by_their_bytes(data, kind):
    assert content.file_kind(data) == kind


@pytest.mark.parametrize(
    "data",
    [
        WINDOWS_EXE,
        ELF,
        _zip(),  # a zip that is not a Word document
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,  # OLE2 without a Word stream
        b"\x00\x01\x02binary",
        b"\xff\xfe\x00\x00",  # not UTF-8
        b"   \n",  # nothing written
    ],
)
def test_anything_else_is_refused_whatever_its_name(data):
    with pytest.raises(content.NotAccepted, match="whatever its name says"):
        content.file_kind(data)


def test_clamd_finds_the_eicar_file_and_passes_a_clean_one(clamd):
    assert scanning.scan_bytes(b"A school report") == scanning.ScanResult(clean=True)
    verdict = scanning.scan_bytes(b"Some text before it " + EICAR)
    assert not verdict.clean
    assert SIGNATURE_NAME in verdict.signature


def test_a_large_clean_file_is_sent_in_chunks(clamd):
    assert scanning.scan_bytes(b"%PDF-1.4 " + b"x" * (3 * scanning.CHUNK + 17)).clean


def test_an_unreachable_clamd_is_an_error_not_a_verdict(settings, tmp_path):
    settings.CLAMD_ADDRESS = f"unix://{tmp_path}/nothing-here.sock"
    with pytest.raises(scanning.ScannerUnavailable):
        scanning.scan_bytes(b"text")
    settings.CLAMD_ADDRESS = "tcp://127.0.0.1:1"
    with pytest.raises(scanning.ScannerUnavailable):
        scanning.scan_bytes(b"text")
    settings.CLAMD_ADDRESS = "http://example"
    with pytest.raises(scanning.ScannerUnavailable):
        scanning.scan_bytes(b"text")
