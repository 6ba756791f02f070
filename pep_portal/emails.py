"""Every email the product sends, one kind per message, each written once.

A kind's subject and body are written in GOV.UK Notify's template syntax, with `((field))`
for each personalisation field. Through SMTP (the default) this module fills the fields in;
through Notify (`pep_portal.notify`), the Notify template of the same text is chosen by the
kind and the fields are sent as its personalisation. `manage.py email_templates` prints every
kind for pasting into Notify. No subject names a child, and no body does either: what is about
a child is behind sign-in, behind the link.

Module-level code here imports nothing from Django's settings, so the settings may read KINDS.
"""

import re
from dataclasses import dataclass

_FIELD = re.compile(r"\(\(([a-z_]+)\)\)")


@dataclass(frozen=True)
class EmailKind:
    key: str
    who: str  # who receives it and when, for the README
    subject: str
    body: str
    attachment: str = ""  # what SMTP attaches (Notify cannot: see the README)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(sorted(set(_FIELD.findall(self.subject + self.body))))

    def render(self, text: str, personalisation: dict) -> str:
        def value(match):
            item = personalisation[match.group(1)]
            if isinstance(item, list | tuple):
                return "\n".join(f"* {line}" for line in item)
            return str(item)

        return _FIELD.sub(value, text)


KINDS: dict[str, EmailKind] = {
    kind.key: kind
    for kind in (
        EmailKind(
            key="account_invitation",
            who="A person an administrator or Virtual School head has just added (or invited "
            "again), to choose their password.",
            subject="You have been given a PEP Portal account",
            body="Hello ((name)),\n\n((inviter)) has given you a PEP Portal account, as a "
            "((role)).\n\nChoose your password here. The link works once, for 3 days:\n\n"
            "((link))\n\nYou will then set up two-factor sign-in if your role needs it.\n\n"
            "If you did not expect this email, tell ((inviter)) or ignore it.\n\nPEP Portal",
        ),
        EmailKind(
            key="account_invitation_council_sign_in",
            who="A person just added whose council signs them in (single sign-on): no "
            "password to choose.",
            subject="You have been given a PEP Portal account",
            body="Hello ((name)),\n\n((inviter)) has given you a PEP Portal account, as a "
            "((role)).\n\nYou sign in with your council account, the one you use for your "
            "council email:\n\n((link))\n\nPEP Portal",
        ),
        EmailKind(
            key="password_reset",
            who="A person who asked to reset their password (only if the address has an "
            "account that signs in with a password).",
            subject="Reset your PEP Portal password",
            body="Hello ((name)),\n\nSomeone asked to reset the password of your PEP Portal "
            "account. If it was you, choose a new password here:\n\n((link))\n\nThe link "
            "works once, for 3 days. If you did not ask, you can ignore this email: your "
            "password has not changed.\n\nPEP Portal",
        ),
        EmailKind(
            key="two_factor_reset",
            who="A person whose two-factor sign-in an administrator removed (a lost phone).",
            subject="Your PEP Portal two-factor sign-in was reset",
            body="Hello ((name)),\n\n((actor)) has removed the authenticator app from your "
            "PEP Portal account. The next time you sign in you will set up a new one.\n\n"
            "If you did not ask for this, tell your Virtual School at once.\n\nPEP Portal",
        ),
        EmailKind(
            key="caseload_transfer",
            who="A social worker a child's case has just been allocated to.",
            subject="A child has been added to your caseload",
            body="Hello ((name)),\n\nA child's case has been transferred to you in PEP "
            "Portal. You are now responsible for their Personal Education Plan.\n\n"
            "See the child's record: ((link))\n\nPEP Portal",
        ),
        EmailKind(
            key="pep_returned",
            who="The social worker and designated teachers of a PEP the Virtual School "
            "returned for amendments.",
            subject="A PEP has been returned for amendments",
            body="The Virtual School has returned a Personal Education Plan you work on, "
            "with what needs to change.\n\nSee what to do: ((link))\n\nPEP Portal",
        ),
        EmailKind(
            key="pep_reminders",
            who="Each person with PEPs that need them, daily, weekly or for escalations only as "
            "they chose (the daily job): each reminder with its date and a link to its PEP.",
            subject="Your PEP reminders",
            body="Hello ((name)),\n\n((how_many)) you:\n\n((reminders))\n\nAll your "
            "deadlines: ((link))\nChoose how often you get these emails: ((preferences))\n\n"
            "PEP Portal",
        ),
        EmailKind(
            key="meeting_invitation",
            who="Each invitee of a PEP meeting, and its chair, when it is arranged.",
            subject="Invitation: PEP meeting",
            body="Hello ((name)),\n\nYou are invited to a PEP meeting.\n\nWhen: ((when))\n"
            "Where: ((where))\n\nChaired by ((chair)). To reply, email ((chair_email)).\n\n"
            "PEP Portal",
            attachment="the calendar entry (pep-meeting.ics, METHOD:REQUEST)",
        ),
        EmailKind(
            key="meeting_changed",
            who="Each invitee of a PEP meeting, and its chair, when its time or place changes; "
            "the chair and those added when its invitees change.",
            subject="Changed: PEP meeting",
            body="Hello ((name)),\n\nThis PEP meeting has changed.\n\nWhen: ((when))\n"
            "Where: ((where))\n\nChaired by ((chair)). To reply, email ((chair_email)).\n\n"
            "PEP Portal",
            attachment="the updated calendar entry (same UID, higher SEQUENCE)",
        ),
        EmailKind(
            key="meeting_cancelled",
            who="Each invitee of a PEP meeting, and its chair, when it is cancelled.",
            subject="Cancelled: PEP meeting",
            body="Hello ((name)),\n\nThis PEP meeting has been cancelled.\n\nWhen: ((when))\n"
            "Where: ((where))\n\nChaired by ((chair)). To reply, email ((chair_email)).\n\n"
            "PEP Portal",
            attachment="the cancellation (pep-meeting.ics, METHOD:CANCEL)",
        ),
        EmailKind(
            key="meeting_invitation_withdrawn",
            who="A person taken off a PEP meeting's invitees (the meeting goes ahead without "
            "them).",
            subject="Cancelled for you: PEP meeting",
            body="Hello ((name)),\n\nYou are no longer invited to this PEP meeting.\n\n"
            "When: ((when))\nWhere: ((where))\n\nChaired by ((chair)). To reply, email "
            "((chair_email)).\n\nPEP Portal",
            attachment="the cancellation for them (pep-meeting.ics, METHOD:CANCEL)",
        ),
        EmailKind(
            key="copy_ready",
            who="Each carer a child is placed with, once, when the signed-off PEP's copy is ready.",
            subject="A Personal Education Plan is ready to download",
            body="Hello ((name)),\n\nThe Virtual School has signed off the Personal Education "
            "Plan of a child placed with you. You can download your copy now: ((link))\n\n"
            "PEP Portal",
        ),
        EmailKind(
            key="child_views_invitation",
            who="A young person of 11 or over whose social worker invites them to give their "
            "views before their PEP meeting (the address is not kept).",
            subject="Your views before your PEP meeting",
            body="Hello,\n\nYour social worker would like to hear your views before your "
            "next Personal Education Plan (PEP) meeting. It takes about 10 minutes and you "
            "can skip any question.\n\nOpen this link: ((link))\n\nOr go to ((code_page)) "
            "and enter the code ((code)).\n\nThe link works until ((expires)), and stops "
            "working once you send your answers. Do not share it.\n\nPEP Portal",
        ),
        EmailKind(
            key="error_report",
            who="The ADMINS, when a page or a job fails (Django's error email, with form "
            "values, cookies and variables removed).",
            subject="((subject))",
            body="((body))",
        ),
    )
}


def email_send(
    *,
    kind: str,
    to: str,
    personalisation: dict,
    attachments: tuple = (),
    reply_to: str = "",
    calendar: tuple[bytes, str] | None = None,
    connection=None,
) -> None:
    """Send one message of a kind to one address, through the configured email backend.

    `reply_to` sends replies to a person rather than to the no-reply sender. `calendar` is an
    iCalendar file and its METHOD: by SMTP it travels as the `text/calendar; method=...` part of
    the message's multipart/alternative (which Outlook and Google Calendar act on, offering
    Accept and Decline) and again as pep-meeting.ics for other mail programs. Notify can attach
    neither, and sends the kind's template alone."""
    from django.core.mail import EmailMultiAlternatives

    spec = KINDS[kind]
    if set(personalisation) != set(spec.fields):
        raise ValueError(
            f"Email {kind!r} needs the fields {spec.fields}, not {tuple(sorted(personalisation))}"
        )
    message = EmailMultiAlternatives(
        subject=spec.render(spec.subject, personalisation),
        body=spec.render(spec.body, personalisation) + "\n",
        to=[to],
        reply_to=[reply_to] if reply_to else None,
        connection=connection,
    )
    # The Notify backend sends the kind's template with these fields; SMTP ignores them.
    message.notify_kind = kind
    message.notify_personalisation = {
        key: list(value) if isinstance(value, list | tuple) else str(value)
        for key, value in personalisation.items()
    }
    if calendar is not None:
        ics, method = calendar
        message.attach_alternative(ics.decode(), f"text/calendar; method={method}")
        message.attach("pep-meeting.ics", ics, "application/ics")
    for attachment in attachments:
        message.attach(*attachment)
    message.send()
