"""Questions revealed by a choice (GOV.UK conditional radios): the meeting's place or link,
the child's EHC plan review date. Without JavaScript every one shows, so the forms ignore the
answer to a question that does not go with the choice made, instead of refusing or saving it."""

from datetime import timedelta

from django.template import Context, Template
from django.utils import timezone

from children.forms import ChildForm
from meetings.forms import WhenWhereForm
from tests.helpers import date_fields


def _render(form) -> str:
    return Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))


def _when(**where):
    day = timezone.localdate() + timedelta(days=7)
    return {**date_fields("day", day), "start_time": "10:00", "duration_minutes": "60", **where}


def test_the_place_and_the_link_are_revealed_by_how_people_meet(db):
    html = _render(WhenWhereForm())
    assert 'data-aria-controls="conditional-mode-1"' in html  # In person
    assert 'data-aria-controls="conditional-mode-2"' in html  # Online
    in_person = html.index('id="conditional-mode-1"')
    online = html.index('id="conditional-mode-2"')
    assert in_person < html.index('id="id_location"') < online < html.index('id="id_online_link"')
    # The link is a GOV.UK text input (its class gives the GOV.UK focus style).
    assert 'type="text" name="online_link"' in html
    assert 'class="govuk-input govuk-!-width-two-thirds" id="id_online_link"' in html
    assert "For example, 27 3 " in html  # the meeting date's hint


def test_a_link_left_behind_under_in_person_is_ignored(db):
    form = WhenWhereForm(_when(mode="in_person", location="Room 2", online_link="not a link"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["online_link"] == ""
    assert form.cleaned_data["location"] == "Room 2"


def test_a_bad_link_under_online_is_refused_and_kept(db):
    form = WhenWhereForm(_when(mode="online", location="Room 2", online_link="not a link"))
    assert not form.is_valid()
    assert form.errors["online_link"] == ["Enter the full link, starting https://"]
    assert 'value="not a link"' in _render(form)


def test_the_childs_ehc_review_date_counts_only_with_an_ehc_plan(db):
    html = _render(ChildForm())
    assert html.index('id="conditional-sen_status-3"') < html.index(
        'id="id_ehc_plan_review_date_0"'
    )
    assert "For example, 27 3 2007" in html  # the date of birth's example is in the past
    review = date_fields("ehc_plan_review_date", timezone.localdate() + timedelta(days=90))
    form = ChildForm({"sen_status": "sen_support", **review})
    form.is_valid()
    assert "ehc_plan_review_date" not in form.errors
    assert form.cleaned_data["ehc_plan_review_date"] is None
    form = ChildForm({"sen_status": "ehc_plan", **review})
    form.is_valid()
    assert form.cleaned_data["ehc_plan_review_date"] == timezone.localdate() + timedelta(days=90)
