"""No search term, name or UPN reaches a log line: access lines (gunicorn's and runserver's) keep
the path without its query string, and WeasyPrint's glyph warnings, which quote the text being
printed, are not logged."""

import logging
import logging.config
import os
import runpy
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings

from pep_portal.observability import QueryStringFilter, without_query_strings
from peps.documents.printing import html_to_pdf

ROOT = Path(settings.BASE_DIR)
SEARCH = "/children/?search=Maya+Jones&upn=A123456789012"


def test_a_query_string_is_removed_wherever_it_is_in_a_line():
    assert (
        without_query_strings(f'"GET {SEARCH} HTTP/1.1" 200 12')
        == '"GET /children/ HTTP/1.1" 200 12'
    )
    assert without_query_strings("Is the key set?") == "Is the key set?"


@pytest.fixture
def project_logging(capsys):
    """The project's LOGGING, its console writing to the captured stderr."""
    logging.config.dictConfig(settings.LOGGING)
    yield lambda: capsys.readouterr().err
    logging.config.dictConfig(settings.LOGGING)


def test_runservers_and_djangos_request_lines_keep_no_query_string(project_logging):
    logging.getLogger("django.server").warning('"%s" %s %s', f"GET {SEARCH} HTTP/1.1", 404, 179)
    logging.getLogger("django.request").warning("Not Found: %s", SEARCH)
    logging.getLogger("pep_portal.anything").warning("Looked up %s", SEARCH)
    output = project_logging()
    assert output.count("/children/") == 3
    assert "Maya" not in output and "search=" not in output and "A123456789012" not in output


def test_the_json_lines_keep_none_either(project_logging, settings):
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler))
    assert any(isinstance(f, QueryStringFilter) for f in handler.filters)
    mail = settings.LOGGING["handlers"]["mail_admins"]
    assert "no_query_strings" in mail["filters"]


def _gunicorn_logger():
    from gunicorn.config import Config

    with mock.patch.dict(os.environ):  # what it sets for the web process stays there
        conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    cfg = Config()
    for name in ("accesslog", "access_log_format", "logger_class", "bind", "workers"):
        cfg.set(name, conf[name])
    return cfg.logger_class(cfg)


class _Response:
    status = "200 OK"
    sent = 1234
    headers = [("X-Request-ID", "abcdef123456")]


def _environ(format_uri=SEARCH):
    path, _, query = format_uri.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "RAW_URI": format_uri,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.1",
        "HTTP_REFERER": f"https://pep.example.gov.uk{SEARCH}",
    }


def test_gunicorns_access_line_has_the_path_the_status_and_the_request_id(capsys):
    logger = _gunicorn_logger()
    logger.access(_Response(), [], _environ(), timedelta(milliseconds=42))
    line = capsys.readouterr().out
    assert '"GET /children/" 200 1234 42ms abcdef123456' in line
    assert "Maya" not in line and "search" not in line


def test_no_format_brings_the_query_string_back(capsys):
    logger = _gunicorn_logger()
    logger.cfg.set("access_log_format", "%(r)s %(q)s %(f)s %({raw_uri}e)s %({referer}i)s")
    logger.access(_Response(), [("Referer", SEARCH)], _environ(), timedelta(milliseconds=1))
    logger.exception("Error handling request %s", SEARCH)
    output = capsys.readouterr()
    assert "GET /children/ HTTP/1.1" in output.out
    assert "Error handling request /children/" in output.err
    for text in (output.out, output.err):
        assert "Maya" not in text and "search=" not in text


def test_the_image_and_the_stack_run_gunicorn_with_that_config():
    for name in ("Dockerfile", "docker-compose.yml"):
        text = (ROOT / name).read_text()
        assert "--config" in text and "gunicorn.conf.py" in text, name
        assert "access-logformat" not in text, name


def test_weasyprints_glyph_warnings_with_a_name_are_not_logged(project_logging, caplog):
    """A name in a script the fonts do not cover makes WeasyPrint warn, quoting each letter."""
    html_to_pdf("<html lang='en'><body><p>李小龙 Maya</p><p lang='ti'>ሰላም</p></body></html>")
    output = project_logging()
    assert "李" not in output and "ሰ" not in output and "glyph" not in output
    assert not [r for r in caplog.records if r.name.startswith(("weasyprint", "fontTools"))
                and r.levelno < logging.ERROR]  # fmt: skip
    assert logging.getLogger("weasyprint").getEffectiveLevel() == logging.ERROR
    assert logging.getLogger("fontTools").getEffectiveLevel() == logging.ERROR
