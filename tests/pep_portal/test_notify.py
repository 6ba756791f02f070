"""GOV.UK Notify as the email backend, against a local stub of Notify's HTTP API that checks
each request as Notify would: the JWT in the Authorization header (HS256, signed with the
key's secret, issued by the service id, fresh), the template id of the message's kind, and
exactly that template's personalisation fields."""

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from django.core import mail
from django.core.mail import mail_admins

from pep_portal.emails import KINDS, email_send
from pep_portal.notify import NotifyRejected, NotifyUnavailable

SERVICE_ID = str(uuid.uuid4())
SECRET = str(uuid.uuid4())
API_KEY = f"pep_portal_test-{SERVICE_ID}-{SECRET}"
TEMPLATES = {kind: str(uuid.uuid4()) for kind in KINDS}
FIELDS_OF = {TEMPLATES[kind]: set(spec.fields) for kind, spec in KINDS.items()}


class StubNotify(BaseHTTPRequestHandler):
    received: list = []
    answer_with: int | None = None

    def log_message(self, *args):  # keep the test output clean
        pass

    def _refuse(self, status: int, message: str):
        body = json.dumps({"status_code": status, "errors": [{"error": "BadRequestError",
                                                              "message": message}]})  # fmt: skip
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def do_POST(self):
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        if scheme != "Bearer":
            return self._refuse(401, "Unauthorized: authentication token must be provided")
        try:
            claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_iat": True})
        except jwt.PyJWTError as error:
            return self._refuse(403, f"Invalid token: {error}")
        if claims.get("iss") != SERVICE_ID or abs(time.time() - claims["iat"]) > 30:
            return self._refuse(403, "Invalid token: iss or iat")
        if self.path != "/v2/notifications/email":
            return self._refuse(404, "Not found")
        if type(self).answer_with:
            return self._refuse(type(self).answer_with, "Stub told to refuse")
        template = payload.get("template_id")
        if template not in FIELDS_OF:
            return self._refuse(400, "Template not found")
        if set(payload.get("personalisation") or {}) != FIELDS_OF[template]:
            return self._refuse(400, "Missing personalisation")
        type(self).received.append(payload)
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"id": str(uuid.uuid4()), "template": {"id": template},
                                     "content": {}, "uri": "x"}).encode())  # fmt: skip


@pytest.fixture
def notify(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), StubNotify)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    StubNotify.received, StubNotify.answer_with = [], None
    settings.EMAIL_BACKEND = "pep_portal.notify.NotifyEmailBackend"
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    settings.NOTIFY_TEMPLATE_IDS = TEMPLATES
    settings.NOTIFY_REPLY_TO_ID = None
    yield StubNotify
    server.shutdown()
    server.server_close()


def _sample(kind: str) -> dict:
    return {field: ["Overdue PEPs: 2", "Waiting for you: 1"] if field == "reminders"
            else f"sample {field}" for field in KINDS[kind].fields}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_of_email_goes_to_its_notify_template(notify, kind):
    email_send(kind=kind, to="someone@example.org", personalisation=_sample(kind))
    (request,) = notify.received
    assert request["email_address"] == "someone@example.org"
    assert request["template_id"] == TEMPLATES[kind]
    assert request["personalisation"] == _sample(kind)
    assert mail.outbox == []  # it went through Notify, not the test outbox


def test_a_real_task_sends_through_notify(notify, carer, django_capture_on_commit_callbacks):
    from accounts.services import password_reset_request

    with django_capture_on_commit_callbacks(execute=True):
        password_reset_request(email=carer.email, ip_address="127.0.0.1")
    (request,) = notify.received
    assert request["template_id"] == TEMPLATES["password_reset"]
    assert request["personalisation"]["link"].startswith("http")


def test_django_error_mail_to_the_admins_uses_the_plain_template(notify, settings):
    settings.ADMINS = [("Ops", "ops@example.gov.uk")]
    mail_admins("Server error", "Traceback (names removed)")
    (request,) = notify.received
    assert request["template_id"] == TEMPLATES["error_report"]
    assert request["personalisation"]["body"] == "Traceback (names removed)"


def test_a_refusal_that_will_not_change_is_not_retried(notify):
    notify.answer_with = 400
    with pytest.raises(NotifyRejected):
        email_send(kind="pep_returned", to="a@example.org", personalisation={"link": "x"})


def test_notify_being_down_is_an_oserror_the_tasks_retry(notify):
    notify.answer_with = 500
    with pytest.raises(NotifyUnavailable) as raised:
        email_send(kind="pep_returned", to="a@example.org", personalisation={"link": "x"})
    assert isinstance(raised.value, OSError)


def test_a_wrong_api_key_is_refused_by_the_stub(notify, settings):
    settings.NOTIFY_API_KEY = f"pep_portal_test-{SERVICE_ID}-{uuid.uuid4()}"
    with pytest.raises(NotifyRejected):
        email_send(kind="pep_returned", to="a@example.org", personalisation={"link": "x"})
    assert notify.received == []


def test_a_message_missing_a_field_is_refused_before_it_is_sent(notify):
    with pytest.raises(ValueError, match="needs the fields"):
        email_send(kind="copy_ready", to="a@example.org", personalisation={"name": "Jo"})


def test_no_subject_names_a_child_or_anyone():
    """Subjects are fixed text: no field can put a name in one (the error report's subject
    is Django's own, to the ADMINS)."""
    for kind, spec in KINDS.items():
        if kind != "error_report":
            assert "((" not in spec.subject, kind


def test_smtp_renders_the_same_text_as_the_notify_template(settings):
    email_send(kind="pep_reminders", to="a@example.org", personalisation=_sample("pep_reminders"))
    (message,) = mail.outbox
    assert message.subject == "Your PEP reminders"
    assert "* Overdue PEPs: 2\n* Waiting for you: 1" in message.body
    assert "((" not in message.body
