"""Request ids, JSON logs that carry no personal data, and error reports without it."""

import json
import logging
import sys

from django.test import RequestFactory

from pep_portal.observability import (
    PersonalDataFreeExceptionReporter,
    PersonalDataFreeJsonFormatter,
    PersonalDataFreeReporterFilter,
    RequestIdFilter,
)
from pep_portal.sentry import sentry_before_send


def test_every_response_has_a_request_id(client, db):
    first = client.get("/account/sign-in/")["X-Request-ID"]
    second = client.get("/account/sign-in/")["X-Request-ID"]
    assert len(first) == 32 and first != second
    offered = client.get("/account/sign-in/", HTTP_X_REQUEST_ID="proxy-id-12345")
    assert offered["X-Request-ID"] == "proxy-id-12345"
    hostile = client.get("/account/sign-in/", HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    assert hostile["X-Request-ID"] != "<script>alert(1)</script>"


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []
        self.setFormatter(PersonalDataFreeJsonFormatter())
        self.addFilter(RequestIdFilter())

    def emit(self, record):
        self.lines.append(self.format(record))


def test_a_log_line_is_json_with_the_request_id_and_nothing_a_library_attached(client, db):
    capture = _Capture()
    logger = logging.getLogger("django.request")
    logger.addHandler(capture)
    try:
        response = client.get("/no-such-page/?child=Ava+Smith&email=ava@example.org")
    finally:
        logger.removeHandler(capture)
    (line,) = capture.lines
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["message"] == "Not Found: /no-such-page/"
    assert entry["request_id"] == response["X-Request-ID"]
    assert entry["status_code"] == 404
    assert "Ava" not in line and "example.org" not in line and "request" not in entry


QUOTING_A_ROW = "Key (legal_first_name)=(Ava) already exists"


def test_the_error_email_hides_every_form_value_variable_and_name(rf: RequestFactory):
    class Person:
        pk = 7
        is_authenticated = True

        def __str__(self):
            return "Sam Okafor"

    request = rf.post(
        "/children/1/?search=Ava+Smith", {"legal_first_name": "Ava", "notes": "lives with gran"}
    )
    request.COOKIES["sessionid"] = "secret-session"
    request.user = Person()
    child_name = "Ava Smith"  # noqa: F841 - a local the report must not show
    try:
        raise ValueError(QUOTING_A_ROW)  # the report prints this line of code, not its value
    except ValueError:
        report = PersonalDataFreeExceptionReporter(request, *sys.exc_info())
        assert isinstance(report.filter, PersonalDataFreeReporterFilter)  # from the settings
        text = report.get_traceback_text()
    assert "ValueError" in text and "user 7" in text
    for secret in ("Ava", "lives with gran", "secret-session", "Sam Okafor"):
        assert secret not in text


def test_sentry_events_are_stripped_of_personal_data():
    event = {
        "request": {
            "url": "https://pep.example.gov.uk/children/?q=Ava",
            "query_string": "q=Ava",
            "data": {"legal_first_name": "Ava"},
            "cookies": {"sessionid": "x"},
            "headers": {"Cookie": "sessionid=x", "X-Request-ID": "abc", "Referer": "q=Ava"},
        },
        "user": {"id": "7", "email": "sam@example.org", "ip_address": "10.0.0.1"},
        "exception": {"values": [{"type": "IntegrityError", "value": "Key (email)=(sam@x.org)",
                                  "stacktrace": {"frames": [{"vars": {"name": "Ava"}}]}}]},
        "breadcrumbs": {"values": [{"category": "query", "message": "WHERE name = 'Ava'",
                                    "data": {"params": ["Ava"]}}]},
        "extra": {"sys.argv": ["Ava"]},
    }  # fmt: skip
    cleaned = json.dumps(sentry_before_send(event))
    assert "Ava" not in cleaned and "sam@" not in cleaned and "sessionid" not in cleaned
    assert '"id": "7"' in cleaned and "IntegrityError" in cleaned and "abc" in cleaned
