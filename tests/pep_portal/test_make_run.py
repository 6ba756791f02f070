"""`make run PORT=8101` serves on that port, and the links in emails follow it."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def recording_python(tmp_path):
    """A stand-in for .venv/bin/python that prints SITE_URL and its arguments."""
    script = tmp_path / "python"
    script.write_text('#!/bin/sh\necho "$SITE_URL $*"\n')
    script.chmod(0o755)
    return tmp_path


def _make_run(bin_dir, *args, site_url=None):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    if site_url:
        env["SITE_URL"] = site_url
    result = subprocess.run(  # noqa: S603 - our own Makefile with fixed arguments
        ["make", "-s", "-o", "install", f"BIN={bin_dir}", "run", *args],  # noqa: S607
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_make_run_serves_on_the_port_given_and_links_follow_it(recording_python):
    lines = _make_run(recording_python, "PORT=8101")
    assert lines == [
        "http://127.0.0.1:8101 manage.py migrate --no-input",
        "http://127.0.0.1:8101 manage.py seed_demo",
        "http://127.0.0.1:8101 manage.py runserver 127.0.0.1:8101",
    ]


def test_make_run_defaults_to_port_8000(recording_python):
    assert _make_run(recording_python)[-1] == (
        "http://127.0.0.1:8000 manage.py runserver 127.0.0.1:8000"
    )


def test_a_site_url_set_by_hand_wins_over_the_port(recording_python):
    lines = _make_run(recording_python, "PORT=8101", site_url="https://pep.example.gov.uk")
    assert lines[-1] == "https://pep.example.gov.uk manage.py runserver 127.0.0.1:8101"


def test_settings_read_site_url_from_the_environment():
    env = {**os.environ, "SITE_URL": "http://127.0.0.1:8101/", "DEBUG": "true"}
    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.SITE_URL)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "http://127.0.0.1:8101"


def test_email_links_use_site_url(client, carer, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "http://127.0.0.1:8101"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": carer.email})
    assert "http://127.0.0.1:8101/account/password-reset/" in mail.outbox[0].body
