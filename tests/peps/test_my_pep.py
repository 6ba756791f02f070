"""My PEP: the child's one-page summary of a signed-off PEP, its child-friendly lines, and who
may see, change and download it."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from peps.documents import my_pep
from peps.models import ChildFriendlyLine
from tests.conftest import CAN_SEE_THE_CHILD, PERSONAS
from tests.peps.pdf import pdf_pages, pdf_structure_tags

WRITERS = {"allocated_social_worker", "designated_teacher", "vs_officer", "vs_head"}


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_my_pep_on_screen(as_persona, signed_off_pep, persona):
    response = as_persona(persona).get(reverse("peps:my_pep", args=[signed_off_pep.pk]))
    if persona == "anonymous":
        assert response.status_code == 302
    elif persona in CAN_SEE_THE_CHILD:
        page = response.content.decode()
        assert response.status_code == 200
        assert "What Ava is working on" in page
        assert ("Save the lines" in page) == (persona in WRITERS)
    else:  # carers download it from their home page; they have no PEP pages
        assert response.status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_downloads_my_pep(as_persona, signed_off_pep, persona):
    response = as_persona(persona).get(reverse("peps:my_pep_pdf", args=[signed_off_pep.pk]))
    if persona == "anonymous":
        assert response.status_code == 302
    elif persona in CAN_SEE_THE_CHILD | {"carer"}:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "private, no-store"
        assert (
            signed_off_pep.child.legal_last_name.lower()
            not in response["Content-Disposition"].lower()
        )
        event = AuditEvent.objects.get(action="pep.my_pep_downloaded")
        assert event.child == signed_off_pep.child
    else:
        assert response.status_code == 404


def test_there_is_no_my_pep_before_sign_off(as_persona, pep):
    client = as_persona("vs_officer")
    assert client.get(reverse("peps:my_pep", args=[pep.pk])).status_code == 404
    assert client.get(reverse("peps:my_pep_pdf", args=[pep.pk])).status_code == 404


def test_the_carer_downloads_my_pep_beside_the_signed_off_copy(as_persona, signed_off_pep):
    page = as_persona("carer").get(reverse("children:carer_home")).content.decode()
    assert reverse("peps:signed_off_copy", args=[signed_off_pep.pk]) in page
    assert reverse("peps:my_pep_pdf", args=[signed_off_pep.pk]) in page


def test_a_child_friendly_line_is_written_changed_and_printed(world, as_persona, signed_off_pep):
    first, *_ = signed_off_pep.targets.all()
    client = as_persona("designated_teacher")
    url = reverse("peps:my_pep", args=[signed_off_pep.pk])
    line = "I will practise my times tables with my carer for ten minutes after tea."
    response = client.post(url, {f"line_{first.pk}": line})
    assert response.status_code == 302
    assert ChildFriendlyLine.objects.get(target=first).text == line
    event = AuditEvent.objects.get(action="pep.my_pep_lines_saved")
    assert event.changes == {str(first.pk): ["", line]} and event.actor == world.designated_teacher

    pdf = _body(client.get(reverse("peps:my_pep_pdf", args=[signed_off_pep.pk])))
    pages = pdf_pages(pdf)
    assert len(pages) == 1  # one page to print
    assert line in pages[0]
    for words in ("My PEP", "What I am working on", "Who is helping me", "My next PEP meeting"):
        assert words in pages[0]
    assert {"/H1", "/H2", "/L"} <= pdf_structure_tags(pdf)  # tagged for a screen reader

    # Emptied, the target's own words stand in again.
    client.post(url, {f"line_{first.pk}": "  "})
    assert not ChildFriendlyLine.objects.filter(target=first).exists()
    assert first.description in my_pep.my_pep_context(signed_off_pep)["targets"][0].line


def test_a_line_that_is_too_long_is_refused_by_its_field(as_persona, signed_off_pep):
    first = signed_off_pep.targets.first()
    client = as_persona("vs_officer")
    url = reverse("peps:my_pep", args=[signed_off_pep.pk])
    response = client.post(url, {f"line_{first.pk}": "word " * 100})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert not ChildFriendlyLine.objects.exists()


@pytest.mark.parametrize("persona", ["reviewing_officer", "other_social_worker", "carer"])
def test_readers_and_strangers_cannot_change_the_lines(as_persona, signed_off_pep, persona):
    first = signed_off_pep.targets.first()
    response = as_persona(persona).post(
        reverse("peps:my_pep", args=[signed_off_pep.pk]), {f"line_{first.pk}": "Changed"}
    )
    assert response.status_code == (403 if persona == "reviewing_officer" else 404)
    assert not ChildFriendlyLine.objects.exists()


def test_my_pep_says_what_the_pp_plus_pays_for_and_the_next_meeting(signed_off_pep):
    context = my_pep.my_pep_context(signed_off_pep)
    assert context["name"] == "Ava"
    assert len(context["targets"]) == signed_off_pep.targets.count()
    committed = [
        t.ppplus_request.get_intervention_display()
        for t in signed_off_pep.targets.select_related("ppplus_request")
        if hasattr(t, "ppplus_request") and t.ppplus_request.is_committed
    ]
    assert context["pays_for"] == sorted(set(committed))
    assert "next_meeting_date" in context
