"""Virus scanning by ClamAV's daemon (clamd), over its INSTREAM command: the bytes are sent in
chunks and clamd answers `stream: OK` or `stream: <signature> FOUND`. Nothing is stored unless
clamd said OK; if clamd cannot be reached or answers anything else, the upload is refused.

`CLAMD_ADDRESS` is `unix:///path/to/clamd.ctl` or `tcp://host:port`."""

import socket
import struct
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

CHUNK = 64 * 1024


class ScannerUnavailable(Exception):
    """clamd could not be reached, or gave no clear answer: the file cannot be checked."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""


def _connect() -> socket.socket:
    address = urlsplit(settings.CLAMD_ADDRESS)
    timeout = settings.CLAMD_TIMEOUT
    try:
        if address.scheme == "unix":
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            sock.connect(address.path)
            return sock
        if address.scheme == "tcp" and address.hostname and address.port:
            return socket.create_connection((address.hostname, address.port), timeout=timeout)
    except OSError as error:
        raise ScannerUnavailable(f"clamd did not answer: {type(error).__name__}") from error
    raise ScannerUnavailable("CLAMD_ADDRESS must be unix:///path or tcp://host:port")


def scan_bytes(content: bytes) -> ScanResult:
    """Send the bytes to clamd and read its verdict."""
    sock = _connect()
    try:
        sock.sendall(b"zINSTREAM\0")
        for start in range(0, len(content), CHUNK):
            chunk = content[start : start + CHUNK]
            sock.sendall(struct.pack(">I", len(chunk)) + chunk)
        sock.sendall(struct.pack(">I", 0))
        reply = b""
        while not reply.endswith(b"\0"):
            part = sock.recv(4096)
            if not part:
                break
            reply += part
    except OSError as error:
        raise ScannerUnavailable(f"clamd stopped answering: {type(error).__name__}") from error
    finally:
        sock.close()
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if answer == "stream: OK":
        return ScanResult(clean=True)
    if answer.startswith("stream: ") and answer.endswith(" FOUND"):
        return ScanResult(clean=False, signature=answer[len("stream: ") : -len(" FOUND")][:100])
    # "INSTREAM size limit exceeded. ERROR", an empty reply, anything else: not a verdict.
    raise ScannerUnavailable("clamd gave no verdict")
