"""A real ClamAV daemon for the test run, with a signature database of one: the EICAR test
file (https://www.eicar.org), which every antivirus recognises and which does no harm. The
official signatures cannot be downloaded here, and a test needs only to know that clamd's
verdict is obeyed."""

import shutil
import socket
import subprocess
import time
from pathlib import Path

# The EICAR test string, built from parts so that this file itself is not "infected".
EICAR = ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-" + "TEST-FILE!$H+H*").encode()
SIGNATURE_NAME = "Test.EICAR"


def start_clamd(folder: Path) -> tuple[subprocess.Popen, str]:
    """Start clamd in the foreground on a unix socket in `folder`; returns the process and its
    address (`unix://...`) once it answers PING."""
    clamd = shutil.which("clamd") or "/usr/sbin/clamd"
    database = folder / "db"
    database.mkdir()
    # An extended (.ndb) signature: any file type, anywhere in the file, these bytes.
    (database / "eicar.ndb").write_text(f"{SIGNATURE_NAME}:0:*:{EICAR.hex()}\n")
    sock = folder / "clamd.sock"
    config = folder / "clamd.conf"
    config.write_text(
        "\n".join(
            [
                "Foreground yes",
                f"LocalSocket {sock}",
                f"DatabaseDirectory {database}",
                f"LogFile {folder / 'clamd.log'}",
                "StreamMaxLength 25M",
                "MaxThreads 2",
                "",
            ]
        )
    )
    process = subprocess.Popen(  # noqa: S603 - clamd, with a config this test wrote
        [clamd, "--config-file", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (folder / "clamd.log").read_text() if (folder / "clamd.log").exists() else ""
            raise RuntimeError(f"clamd stopped at start: {log[-2000:]}")
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
                probe.settimeout(2)
                probe.connect(str(sock))
                probe.sendall(b"zPING\0")
                if probe.recv(16).startswith(b"PONG"):
                    return process, f"unix://{sock}"
        except OSError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("clamd did not answer within a minute")
