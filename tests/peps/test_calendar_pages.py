from datetime import date

import pytest
from django.urls import reverse

from peps.models import ClosureDay, Term
from tests.conftest import PERSONAS
from tests.helpers import date_fields

TERM = {
    "academic_year": "2027",
    "name": "autumn",
    **date_fields("start_date", date(2027, 9, 2)),
    **date_fields("end_date", date(2027, 12, 17)),
    **date_fields("half_term_start", date(2027, 10, 25)),
    **date_fields("half_term_end", date(2027, 10, 29)),
}


def test_an_officer_adds_a_term(client, world):
    client.force_login(world.vs_officer)
    response = client.post(reverse("peps:term_add"), TERM)
    assert response.status_code == 302
    assert Term.objects.get(virtual_school=world.virtual_school).start_date == date(2027, 9, 2)


def test_a_term_that_ends_before_it_starts_is_refused(client, world):
    client.force_login(world.vs_officer)
    html = client.post(
        reverse("peps:term_add"), {**TERM, **date_fields("end_date", date(2027, 9, 1))}
    ).content.decode()
    assert '<a href="#id_end_date_0">The end date must be after the start date</a>' in html
    assert not Term.objects.exists()


def test_overlapping_terms_are_refused(client, world):
    client.force_login(world.vs_officer)
    client.post(reverse("peps:term_add"), TERM)
    html = client.post(
        reverse("peps:term_add"),
        {**TERM, "name": "spring", **date_fields("start_date", date(2027, 12, 1)),
         **date_fields("end_date", date(2028, 3, 30)), "half_term_start_0": "",
         "half_term_start_1": "", "half_term_start_2": "", "half_term_end_0": "",
         "half_term_end_1": "", "half_term_end_2": ""},
    ).content.decode()  # fmt: skip
    assert "These dates overlap the autumn term 2027 to 2028" in html
    assert Term.objects.count() == 1


def test_a_half_term_outside_its_term_is_refused(client, world):
    client.force_login(world.vs_officer)
    html = client.post(
        reverse("peps:term_add"), {**TERM, **date_fields("half_term_start", date(2027, 8, 1))}
    ).content.decode()
    assert "The half term must fall inside the term" in html


def test_closure_days_are_weekdays_and_once_each(client, world):
    client.force_login(world.vs_officer)
    url = reverse("peps:calendar")
    assert (
        client.post(url, {**date_fields("day", date(2027, 9, 3)), "reason": "INSET"}).status_code
        == 302
    )
    again = client.post(url, {**date_fields("day", date(2027, 9, 3)), "reason": "INSET"})
    assert "This day is already a closure day" in again.content.decode()
    weekend = client.post(url, {**date_fields("day", date(2027, 9, 4)), "reason": "x"})
    assert "A closure day must be a weekday" in weekend.content.decode()
    assert ClosureDay.objects.count() == 1


@pytest.mark.parametrize("persona", PERSONAS)
def test_calendar_pages_are_the_virtual_schools(as_persona, world, persona, terms):
    client = as_persona(persona)
    pages = [reverse("peps:calendar"), reverse("peps:term_add"),
             reverse("peps:term_edit", args=[terms[0].pk])]  # fmt: skip
    statuses = [client.get(url).status_code for url in pages]
    if persona == "anonymous":
        assert statuses == [302, 302, 302]
    elif persona in ("vs_officer", "vs_head"):
        assert statuses == [200, 200, 200]
    elif persona == "other_vs_officer":
        assert statuses == [200, 200, 404]  # their own calendar; not this term
    else:
        assert statuses == [403, 403, 403]


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_virtual_school_head_opens_the_pep_settings(as_persona, world, persona):
    from audit.models import AuditEvent

    client = as_persona(persona)
    response = client.get(reverse("peps:settings"))
    if persona == "anonymous":
        assert response.status_code == 302 and "/sign-in" in response["Location"]
    elif persona == "vs_head":
        assert response.status_code == 200
        assert (
            "How the overall rating follows from the section ratings" in response.content.decode()
        )
        form = {
            "rating_rule": "all_green", "amber_threshold": "2", "first_pep_school_days": "20",
            "new_school_school_days": "20", "termly_deadline_school_day": "15",
            "reminder_school_days": "5", "quality_assurance_days": "10",
            "escalation_school_days": "10", "social_care_review_months": "6",
            "publication_small_count": "6", "publication_suppression_by_default": "on",
        }  # fmt: skip
        refused = client.post(reverse("peps:settings"), {**form, "publication_small_count": "1"})
        assert '<a href="#id_publication_small_count">Enter a whole number from 2 to 20</a>' in (
            refused.content.decode()
        )
        assert client.post(reverse("peps:settings"), form).status_code == 302
        saved = world.virtual_school.pep_settings
        assert saved.rating_rule == "all_green"
        assert (saved.publication_small_count, saved.publication_suppression_by_default) == (
            6,
            True,
        )
        assert AuditEvent.objects.filter(action="peps.settings_set").exists()
    else:
        assert response.status_code == 403
        assert (
            client.post(reverse("peps:settings"), {"rating_rule": "st_helens"}).status_code == 403
        )
