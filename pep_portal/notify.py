"""An email backend that sends through GOV.UK Notify (EMAIL_BACKEND, or NOTIFY_API_KEY set).

Each message made by `pep_portal.emails.email_send` names its kind; the kind's Notify
template (NOTIFY_TEMPLATE_IDS) is sent with the message's personalisation fields, one request
per recipient. Django's own mail (the error report to ADMINS) goes through the `error_report`
template with its subject and body. Notify cannot attach calendar files, so a meeting's
calendar entry travels only by SMTP (the email says when and where in either case).

A refusal that will not change on a retry (a bad key, an unknown template, a missing field)
is raised as `NotifyRejected`; Notify being unreachable or busy as `NotifyUnavailable`, an
OSError, which the email tasks retry.
"""

import logging

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

logger = logging.getLogger(__name__)


class NotifyRejected(Exception):
    """Notify refused the request: configuration, not a passing fault."""


class NotifyUnavailable(OSError):
    """Notify could not be reached or is busy: worth trying again."""


class NotifyEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        self.client = NotificationsAPIClient(
            settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=30
        )

    def send_messages(self, email_messages) -> int:
        sent = 0
        for message in email_messages:
            try:
                sent += self._send(message)
            except Exception:
                if not self.fail_silently:
                    raise
        return sent

    def _send(self, message) -> int:
        kind = getattr(message, "notify_kind", None)
        if kind is None:  # Django's own mail: the error report to ADMINS
            kind, personalisation = (
                "error_report",
                {"subject": message.subject, "body": message.body},
            )
        else:
            personalisation = message.notify_personalisation
        template_id = settings.NOTIFY_TEMPLATE_IDS[kind]
        count = 0
        for address in message.recipients():
            try:
                self.client.send_email_notification(
                    email_address=address,
                    template_id=template_id,
                    personalisation=personalisation,
                    email_reply_to_id=settings.NOTIFY_REPLY_TO_ID,
                )
            except HTTPError as error:
                logger.warning("Notify refused a %s email (HTTP %s)", kind, error.status_code)
                if error.status_code in (429,) or error.status_code >= 500:
                    raise NotifyUnavailable(f"Notify answered {error.status_code}") from error
                raise NotifyRejected(
                    f"Notify refused the {kind} email ({error.status_code}): {error.message}"
                ) from error
            except OSError as error:  # requests' connection errors are OSErrors
                raise NotifyUnavailable(
                    f"Notify could not be reached: {type(error).__name__}"
                ) from error
            count += 1
        return 1 if count else 0
