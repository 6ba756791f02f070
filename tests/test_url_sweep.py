"""Walk every URL pattern: anonymous people are sent to sign in, except from public pages."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Role
from tests.accounts.factories import UserFactory

# Pages anyone may open, with what an anonymous GET gets.
PUBLIC = {
    "accounts:sign_in": 200,
    "accounts:sign_out": 405,  # POST only
    "accounts:password_reset": 200,
    "accounts:password_reset_done": 200,
    "accounts:password_reset_confirm": 200,  # says the link does not work
    "accounts:password_reset_complete": 200,
    "accounts:invitation_accept": 200,  # says the link does not work
    "accounts:sign_in_code": 302,  # back to sign in: no password step yet
    "accounts:sign_in_set_up": 302,
    "accounts:sign_on": 200,
    "accounts:sign_on_callback": 403,  # no sign-in was started: refused
    "accessibility": 200,
    "privacy": 200,
    # The young person's pages: the code is their key, not a sign-in.
    "voice:code": 200,
    "voice:link": 302,  # no code: to the page for entering one
    "voice:link_question": 403,  # this session opened no invitation
    "voice:link_send": 403,
    "voice:link_sent": 200,
}
# The site administration has its own sweep below (it sends people to its own sign-in URL), and
# so does the loading of the schools register, one of its pages (tests/exchange/test_schools.py).
# The API answers with 401 and 404, not sign-in pages: tests/exchange/test_api.py.
SKIP_NAMESPACES = {"admin", "gias", "api"}
DUMMY_KWARGS = {
    "uidb64": "MQ",
    "token": "set-password",
    "child_id": 1,
    "enrolment_id": 1,
    "placement_id": 1,
    "grant_id": 1,
    "pep_id": 1,
    "section_key": "case_details",
    "target_id": 1,
    "review_id": 1,
    "meeting_id": 1,
    "term_id": 1,
    "request_id": 1,
    "move_id": 1,
    "attachment_id": 1,
    "kind": "school_age",
    "user_id": 1,
    "run_id": 1,
    "round_id": 1,
    "sample_id": 1,
    "views_id": 1,
    "number": 1,
    "invitation": "00000000-0000-0000-0000-000000000001",
}


def _named_patterns(resolver: URLResolver, namespace: str | None = None):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or namespace
            if inner in SKIP_NAMESPACES:
                continue
            yield from _named_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


def _url(name: str, pattern: URLPattern) -> str:
    kwargs = {key: DUMMY_KWARGS[key] for key in pattern.pattern.regex.groupindex}
    return reverse(name, kwargs=kwargs)


ALL = sorted({name: pattern for name, pattern in _named_patterns(get_resolver())}.items())


def test_the_sweep_finds_every_url():
    # Raise this number as pages are added: a sweep that finds nothing would prove nothing.
    assert len(ALL) >= 96
    assert set(PUBLIC) <= {name for name, _ in ALL}


@pytest.mark.parametrize(("name", "pattern"), ALL, ids=[name for name, _ in ALL])
def test_anonymous_get(client, db, name, pattern):
    url = _url(name, pattern)
    response = client.get(url)
    if name in PUBLIC:
        assert response.status_code == PUBLIC[name]
    else:
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("accounts:sign_in") + "?next=")


def test_site_administration_needs_sign_in(client, db):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:sign_in"))


@pytest.mark.parametrize(("name", "pattern"), ALL, ids=[name for name, _ in ALL])
def test_a_carer_reaches_nothing_but_their_own_home(client, db, name, pattern):
    """The role with the least access: every signed-in page but their own is refused, and
    every page about a child (which exists) is not found."""
    from tests.attachments.factories import AttachmentFactory
    from tests.meetings.factories import MeetingFactory
    from tests.peps.factories import DraftPepFactory

    pep = DraftPepFactory()
    client.force_login(UserFactory(role=Role.CARER))
    kwargs = {key: DUMMY_KWARGS[key] for key in pattern.pattern.regex.groupindex}
    meeting = MeetingFactory(pep=pep)
    attachment = AttachmentFactory(child=pep.child)  # not shared with carers
    real = {
        "child_id": pep.child_id,
        "pep_id": pep.pk,
        "meeting_id": meeting.pk,
        "attachment_id": attachment.pk,
    }
    kwargs.update({key: value for key, value in real.items() if key in kwargs})
    response = client.get(reverse(name, kwargs=kwargs))
    allowed = {
        "children:carer_home",
        "accounts:password_change",
        "accounts:two_factor",
        "accounts:two_factor_set_up",
    }
    if name in PUBLIC:
        assert response.status_code in (200, 302, 403, 405)
    elif name in ("accounts:recovery_codes", "accounts:recovery_codes_replace"):
        # Shown once after they are made (none here: back to the two-factor page); POST only.
        assert response.status_code in (302, 405), name
    elif name in allowed:
        assert response.status_code == 200
    elif name == "home":
        assert response.url == reverse("children:carer_home")
    elif set(real) & set(kwargs):
        assert response.status_code in (404, 405), name  # 405: POST-only, nothing shown
    else:
        assert response.status_code == 403, name
