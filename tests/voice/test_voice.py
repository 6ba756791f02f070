"""The child's views (child mode and the young person's link) and the carer's views."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from peps.documents.printing import pep_html
from peps.progress import pep_progress
from tests.children.factories import ChildFactory, SocialWorkerAllocationFactory
from tests.conftest import CAN_SEE_THE_CHILD, PERSONAS
from tests.peps.factories import DraftPepFactory
from voice import services
from voice.models import CarerViews, ChildViews, ChildViewsInvitation
from voice.questionnaires import (
    EARLY_YEARS,
    PRIMARY,
    SECONDARY,
    questionnaire_for,
)

from .factories import (
    CarerViewsFactory,
    ChildViewsFactory,
    ChildViewsInvitationFactory,
    LinkAttemptFactory,
)


def _link(code):
    return f"{reverse('voice:link')}?code={code}"


GATHERERS = {"allocated_social_worker", "designated_teacher"}


def _expected(persona, allowed, ok=200):
    if persona == "anonymous":
        return 302
    if persona in allowed:
        return ok
    return 403 if persona in CAN_SEE_THE_CHILD else 404


def test_each_stage_has_its_questionnaire():
    assert questionnaire_for("early_years", -1) is EARLY_YEARS
    assert EARLY_YEARS.answered_by_adults
    assert questionnaire_for("school_age", 0) is PRIMARY
    assert questionnaire_for("school_age", 6) is PRIMARY
    assert any(ask.type == "scale" for ask in PRIMARY.asks)
    assert questionnaire_for("school_age", 7) is SECONDARY
    assert questionnaire_for("post_16", 12) is SECONDARY
    keys = {ask.key for ask in SECONDARY.asks}
    assert {"going_well", "hard", "would_help", "hopes", "meeting_should_know", "attend"} <= keys


# Child mode, beside an adult.


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_open_child_mode(as_persona, pep, persona):
    response = as_persona(persona).get(reverse("voice:child_mode", args=[pep.pk]))
    assert response.status_code == _expected(persona, GATHERERS), persona


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_start_child_mode(as_persona, pep, persona):
    response = as_persona(persona).post(reverse("voice:child_mode", args=[pep.pk]))
    assert response.status_code == _expected(persona, GATHERERS, ok=302), persona
    assert ChildViews.objects.filter(pep=pep).count() == (1 if persona in GATHERERS else 0)


def _answer_all(client, first_url, answers_by_number):
    """Post each page's answer, following where each goes; returns the check page's URL."""
    url = first_url
    for number in range(1, 100):
        response = client.post(url, answers_by_number.get(number, {}))
        assert response.status_code == 302, response.content.decode()[:500]
        url = response.url
        if url.endswith("/send/"):
            return url
    raise AssertionError("never reached the end")


def test_child_mode_answers_reach_the_section_as_the_childs_words(as_persona, world, pep):
    client = as_persona("designated_teacher")
    start = client.post(reverse("voice:child_mode", args=[pep.pk]))
    first = client.get(start.url)
    html = first.content.decode()
    # Nothing but the question: no name, no menu, no sign-in bar.
    assert world.child.display_name not in html
    assert world.child.legal_first_name not in html
    assert "Signed in as" not in html and 'aria-label="Menu"' not in html
    assert "What is going well?" in html and "Question 1 of 7" in html
    send = _answer_all(
        client,
        start.url,
        {1: {"words": "Drama club and my art teacher"}, 6: {"choice": "part"}},
    )
    check = client.get(send).content.decode()
    assert "Drama club and my art teacher" in check and "Yes, for part of it" in check
    done = client.post(send)
    assert done.url.startswith(reverse("peps:section", args=[pep.pk, "child_views"]))
    section = as_persona("allocated_social_worker").get(
        reverse("peps:section", args=[pep.pk, "child_views"])
    )
    page = section.content.decode()
    assert "In the child&#x27;s own words" in page or "In the child's own words" in page
    assert "Drama club and my art teacher" in page
    assert "Child&#x27;s own words" in page or "Child's own words" in page
    # The quality check and the section's progress count the child's own answers.
    assert pep_progress(pep).get("child_views").complete
    actions = set(AuditEvent.objects.filter(child=world.child).values_list("action", flat=True))
    assert {"child_views.child_mode_opened", "child_views.answered", "child_views.sent"} <= actions


def test_child_mode_belongs_to_the_adult_who_opened_it(as_persona, world, pep):
    views = services.child_mode_start(pep=pep, actor=world.designated_teacher)
    url = reverse("voice:child_mode_question", args=[pep.pk, views.pk, 1])
    assert as_persona("allocated_social_worker").get(url).status_code == 404
    assert as_persona("designated_teacher").get(url).status_code == 200
    # Another child's PEP: not found, whatever the ids.
    other = DraftPepFactory()
    other_url = reverse("voice:child_mode_question", args=[other.pk, views.pk, 1])
    assert as_persona("designated_teacher").get(other_url).status_code == 404


def test_a_picture_scale_page_for_a_primary_child(as_persona, world, terms):
    world.child.year_group_override = 3
    world.child.save(update_fields=["year_group_override"])
    pep = workflow_pep(world)
    client = as_persona("designated_teacher")
    start = client.post(reverse("voice:child_mode", args=[pep.pk]))
    html = client.get(start.url).content.decode()
    assert "How do you feel about school?" in html
    assert html.count("voice/faces/") == 5 and "Really good" in html
    client.post(start.url, {"choice": "4", "words": "I like playtime"})
    views = ChildViews.objects.get(pep=pep)
    assert views.answers["school"] == {"choice": "4", "words": "I like playtime"}
    assert views.answered()[0] == ("How do you feel about school?", "Good\nI like playtime")


def workflow_pep(world):
    from peps import services as peps_services

    return peps_services.pep_start(child=world.child, actor=world.allocated_social_worker)


def test_bad_answers_are_refused_by_the_field_and_kept(as_persona, pep):
    client = as_persona("designated_teacher")
    start = client.post(reverse("voice:child_mode", args=[pep.pk]))
    too_long = "x" * 2001
    response = client.post(start.url, {"words": too_long})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'class="govuk-error-summary"' in html and 'href="#words"' in html
    assert too_long in html  # their words are shown back
    attend = start.url.removesuffix("/1/") + "/6/"  # the question number ends the address
    response = client.post(attend, {"choice": "maybe"})
    assert response.status_code == 400 and "Choose one of the answers" in response.content.decode()
    assert ChildViews.objects.get().answers == {}


def test_child_mode_closes_with_the_schools_part(as_persona, world, pep):
    views = services.child_mode_start(pep=pep, actor=world.designated_teacher)
    pep.state = "school_complete"
    pep.save(update_fields=["state"])
    url = reverse("voice:child_mode_question", args=[pep.pk, views.pk, 1])
    assert as_persona("designated_teacher").get(url).status_code == 403


# The young person's link.


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_invite(as_persona, pep, persona):
    response = as_persona(persona).get(reverse("voice:invite", args=[pep.pk]))
    assert response.status_code == _expected(persona, {"allocated_social_worker"}), persona


def _invite(client, pep, **data):
    response = client.post(reverse("voice:invite", args=[pep.pk]), data or {"delivery": "code"})
    assert response.status_code == 200, response.content.decode()[:300]
    code = re.search(r'class="app-code">([A-Z0-9-]+)<', response.content.decode()).group(1)
    return code


def test_a_code_is_shown_once_and_only_its_hash_kept(as_persona, pep):
    code = _invite(as_persona("allocated_social_worker"), pep)
    invitation = ChildViewsInvitation.objects.get()
    assert len(code.replace("-", "")) == 12
    assert code.replace("-", "") not in str(invitation.__dict__)
    assert invitation.code_digest == services._digest(code)
    assert invitation.expires_at - invitation.created_at == timedelta(days=14)


def test_an_emailed_link_names_no_child(as_persona, world, pep, django_capture_on_commit_callbacks):
    client = as_persona("allocated_social_worker")
    with django_capture_on_commit_callbacks(execute=True):
        code = _invite(client, pep, delivery="email", email="ava@example.com")
    message = mail.outbox[-1]
    assert message.to == ["ava@example.com"]
    assert _link(code.replace("-", "")) in message.body
    assert world.child.legal_first_name not in message.body + message.subject
    assert "ava@example.com" not in str(ChildViewsInvitation.objects.get().__dict__)


def test_email_delivery_needs_an_address(as_persona, pep):
    response = as_persona("allocated_social_worker").post(
        reverse("voice:invite", args=[pep.pk]), {"delivery": "email", "email": ""}
    )
    assert response.status_code == 400
    assert "Enter their email address" in response.content.decode()
    assert not ChildViewsInvitation.objects.exists()


def test_a_child_under_11_is_not_invited(as_persona, world, terms):
    world.child.date_of_birth = timezone.localdate().replace(year=timezone.localdate().year - 9)
    world.child.save(update_fields=["date_of_birth"])
    pep = workflow_pep(world)
    client = as_persona("allocated_social_worker")
    assert client.get(reverse("voice:invite", args=[pep.pk])).status_code == 403
    assert (
        client.post(reverse("voice:invite", args=[pep.pk]), {"delivery": "code"}).status_code == 403
    )
    section = client.get(reverse("peps:section", args=[pep.pk, "child_views"])).content.decode()
    assert reverse("voice:invite", args=[pep.pk]) not in section
    assert reverse("voice:child_mode", args=[pep.pk]) in section


def test_the_young_person_answers_by_link_and_it_is_spent(client, as_persona, world, pep):
    code = _invite(as_persona("allocated_social_worker"), pep)
    client.logout()
    opened = client.get(_link(code))
    assert opened.status_code == 302
    first = client.get(opened.url).content.decode()
    assert world.child.legal_first_name not in first and "What is going well?" in first
    send = _answer_all(client, opened.url, {2: {"words": "Maths tests make me nervous"}})
    assert client.post(send).url == reverse("voice:link_sent")
    views = ChildViews.objects.get(pep=pep)
    assert views.way == "link" and views.submitted_at is not None
    assert ChildViewsInvitation.objects.get().used_at is not None
    # Reused: the link, the code and the question pages are all refused now.
    again = client.get(_link(code))
    assert again.status_code == 403 and "already been sent" in again.content.decode()
    assert client.get(opened.url).status_code == 403
    entered = client.post(reverse("voice:code"), {"code": code})
    assert entered.status_code == 400 and "already been sent" in entered.content.decode()
    # The adults read the words in the PEP, marked as the child's own.
    page = (
        as_persona("designated_teacher")
        .get(reverse("peps:section", args=[pep.pk, "child_views"]))
        .content.decode()
    )
    assert "Maths tests make me nervous" in page and "on their own, by the link" in page
    actions = set(AuditEvent.objects.filter(child=world.child).values_list("action", flat=True))
    assert {"child_views.invited", "child_views.link_opened", "child_views.sent",
            "child_views.link_refused"} <= actions  # fmt: skip


def test_the_code_page_opens_the_same_questions(client, world, pep):
    invitation = ChildViewsInvitationFactory(pep=pep, code="ABCDEFGHJKMN")
    response = client.post(reverse("voice:code"), {"code": "abcd-efgh-jkmn"})
    assert response.status_code == 302
    assert response.url == reverse("voice:link_question", args=[invitation.public_id, 1])


def test_an_expired_link_is_refused(client, pep):
    ChildViewsInvitationFactory(pep=pep, code="EXPIREDCODE2")
    with time_machine.travel(timezone.now() + timedelta(days=14, minutes=1)):
        response = client.get(_link("EXPIREDCODE2"))
    assert response.status_code == 403 and "expired" in response.content.decode()


def test_an_opened_link_stops_when_it_expires(client, pep):
    invitation = ChildViewsInvitationFactory(pep=pep, code="OPENEDCODE22")
    opened = client.get(_link("OPENEDCODE22"))
    assert client.get(opened.url).status_code == 200
    with time_machine.travel(invitation.expires_at + timedelta(seconds=1)):
        assert client.get(opened.url).status_code == 403
        assert client.post(opened.url, {"words": "late"}).status_code == 403
    assert ChildViews.objects.get().answers == {}


def test_a_tampered_code_is_refused(client, pep):
    ChildViewsInvitationFactory(pep=pep, code="TAMPERCODE23")
    for tampered in ("TAMPERCODE24", "TAMPERCODE2", "TAMPERCODE234", "X" * 12):
        response = client.get(_link(tampered))
        assert response.status_code == 403, tampered
    assert not ChildViews.objects.exists()


def test_guessing_is_rate_limited(client, pep):
    ChildViewsInvitationFactory(pep=pep, code="RIGHTCODE234")
    for n in range(services.LINK_FAILURES_PER_HOUR):
        assert client.post(reverse("voice:code"), {"code": f"WRONG{n:07d}"}).status_code == 400
    # Now even the right code is refused from this address, on either page, for an hour.
    assert client.post(reverse("voice:code"), {"code": "RIGHTCODE234"}).status_code == 429
    assert client.get(_link("RIGHTCODE234")).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        assert client.get(_link("RIGHTCODE234")).status_code == 302


def test_guesses_from_another_address_do_not_count(client, pep):
    ChildViewsInvitationFactory(pep=pep, code="RIGHTCODE567")
    LinkAttemptFactory.create_batch(services.LINK_FAILURES_PER_HOUR, ip_address="10.0.0.9")
    assert client.get(_link("RIGHTCODE567")).status_code == 302


def test_one_childs_link_never_reaches_another_childs_questions(client, world, pep):
    ChildViewsInvitationFactory(pep=pep, code="FIRSTCHILD23")
    other_child = ChildFactory(virtual_school=world.virtual_school)
    SocialWorkerAllocationFactory(child=other_child)
    other = ChildViewsInvitationFactory(
        pep=DraftPepFactory(child=other_child, term=pep.term), code="OTHERCHILD23"
    )
    # The other invitation has been opened elsewhere (its questionnaire exists).
    services.invitation_open(code="OTHERCHILD23", ip_address="10.0.0.5")
    client.get(_link("FIRSTCHILD23"))
    for url in (
        reverse("voice:link_question", args=[other.public_id, 1]),
        reverse("voice:link_send", args=[other.public_id]),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, {"words": "not mine"}).status_code == 403
    assert ChildViews.objects.get(pep=other.pep).answers == {}


def test_a_new_link_replaces_the_old_one(client, as_persona, pep):
    sw = as_persona("allocated_social_worker")
    first = _invite(sw, pep)
    second = _invite(sw, pep)
    client.logout()
    assert client.get(_link(first)).status_code == 403
    assert client.get(_link(second)).status_code == 302


def test_the_link_stops_when_the_pep_is_submitted(client, world, pep):
    ChildViewsInvitationFactory(pep=pep, code="SUBMITTED234")
    pep.state = "submitted"
    pep.save(update_fields=["state"])
    assert client.get(_link("SUBMITTED234")).status_code == 403


# The carer's views.


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_give_carer_views(as_persona, pep, persona):
    response = as_persona(persona).get(reverse("voice:carer_views", args=[pep.pk]))
    if persona == "anonymous":
        assert response.status_code == 302
    elif persona == "carer":
        assert response.status_code == 200
    elif persona == "other_carer":
        assert response.status_code == 404  # not their child
    else:
        assert response.status_code == 403


def test_a_carer_gives_their_views_from_home_and_the_adults_read_them(as_persona, world, pep):
    client = as_persona("carer")
    home = client.get(reverse("children:carer_home")).content.decode()
    assert reverse("voice:carer_views", args=[pep.pk]) in home
    other_home = as_persona("other_carer").get(reverse("children:carer_home")).content.decode()
    assert reverse("voice:carer_views", args=[pep.pk]) not in other_home
    client = as_persona("carer")
    response = client.post(
        reverse("voice:carer_views", args=[pep.pk]),
        {"at_home": "Sleeps well, loves baking", "homework": "A quiet table after tea"},
    )
    assert response.status_code == 302
    for persona in ("allocated_social_worker", "designated_teacher"):
        page = as_persona(persona).get(reverse("peps:section", args=[pep.pk, "care_placement"]))
        assert "Sleeps well, loves baking" in page.content.decode(), persona
    overview = as_persona("designated_teacher").get(reverse("peps:overview", args=[pep.pk]))
    assert "given by 1 carer" in overview.content.decode()
    assert "Sleeps well, loves baking" in pep_html(pep, draft=True)
    # Changing them keeps one row, audited.
    client = as_persona("carer")
    client.post(reverse("voice:carer_views", args=[pep.pk]), {"worries": "Spelling"})
    views = CarerViews.objects.get()
    assert views.answers == {"worries": "Spelling"}
    assert AuditEvent.objects.filter(action="carer_views.saved", child=world.child).count() == 2


def test_carer_views_refuse_bad_input_and_keep_it(as_persona, pep):
    client = as_persona("carer")
    response = client.post(reverse("voice:carer_views", args=[pep.pk]), {"at_home": ""})
    assert (
        response.status_code == 400 and "Answer at least one question" in response.content.decode()
    )
    long = "y" * 2001
    response = client.post(reverse("voice:carer_views", args=[pep.pk]), {"worries": long})
    assert response.status_code == 400 and long in response.content.decode()
    assert not CarerViews.objects.exists()


def test_carer_views_close_when_the_pep_is_submitted(as_persona, pep):
    pep.state = "submitted"
    pep.save(update_fields=["state"])
    client = as_persona("carer")
    assert client.get(reverse("voice:carer_views", args=[pep.pk])).status_code == 404
    assert (
        reverse("voice:carer_views", args=[pep.pk])
        not in client.get(reverse("children:carer_home")).content.decode()
    )


def test_the_pdf_prints_the_childs_words_and_the_carers_views(world, pep):
    ChildViewsFactory(
        pep=pep, adult=world.designated_teacher, submitted_at=timezone.now(),
        answers={"hopes": {"words": "To be a vet"}},
    )  # fmt: skip
    ChildViewsFactory(pep=pep, answers={"hopes": {"words": "Not sent yet"}})
    CarerViewsFactory(pep=pep, carer=world.carer, answers={"from_school": "More homework club"})
    html = pep_html(pep, draft=True)
    assert "To be a vet" in html and "in the child's own words" in html
    assert "Not sent yet" not in html
    assert "More homework club" in html


def test_page_queries_stay_flat(as_persona, world, pep, django_assert_max_num_queries):
    for _ in range(3):
        CarerViewsFactory(pep=pep)
        ChildViewsFactory(pep=pep, submitted_at=timezone.now())
    client = as_persona("designated_teacher")
    with django_assert_max_num_queries(40):
        assert client.get(reverse("peps:section", args=[pep.pk, "child_views"])).status_code == 200


def test_the_peps_page_counts_views_and_lists_documents_in_the_same_queries_for_many(
    as_persona, world, pep, django_assert_max_num_queries
):
    """The PEP's page reads its documents and the views given with the PEP: as many queries
    for one of each as for several."""
    from tests.attachments.factories import AttachmentFactory

    AttachmentFactory(child=pep.child, pep=pep, description="First report")
    CarerViewsFactory(pep=pep)
    ChildViewsFactory(pep=pep, submitted_at=timezone.now())
    client = as_persona("vs_officer")
    url = reverse("peps:overview", args=[pep.pk])
    with django_assert_max_num_queries(40) as few:
        html = client.get(url).content.decode()
    assert "1 questionnaire sent" in html and "given by 1 carer<" in html
    assert "First report" in html

    AttachmentFactory.create_batch(3, child=pep.child, pep=pep, description="Later report")
    CarerViewsFactory.create_batch(2, pep=pep)
    ChildViewsFactory(pep=pep, submitted_at=timezone.now())
    ChildViewsFactory(pep=pep, submitted_at=None)  # begun, not sent: not counted
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert "2 questionnaires sent" in html and "given by 3 carers" in html
    assert html.count("Later report") >= 3
