"""Forms keep what people typed on every refusal: bad input, a newer version saved by someone
else, and a PEP that moved on (locked) while they typed; and questions that only apply under
one choice are ignored under another (the conditional reveal, which works without JavaScript)."""

from django.urls import reverse

from peps.models import Pep, SectionAnswer, Target
from tests.helpers import date_fields
from tests.peps.test_pages import TARGET

WORDS = "Loves drawing; kind to younger pupils"


def _move_on(pep, state=Pep.State.SCHOOL_COMPLETE):
    # Test data only: in the product the state moves through peps.workflow.
    Pep.objects.filter(pk=pep.pk).update(state=state)


def test_a_section_locked_while_typing_shows_the_answers_back_unsaved(client, world, pep):
    url = reverse("peps:section", args=[pep.pk, "strengths_barriers"])
    client.force_login(world.designated_teacher)
    assert client.get(url).status_code == 200
    _move_on(pep)  # the school's part was marked complete in another tab
    response = client.post(url, {"version": 0, "strengths": WORDS, "barriers": "Reading"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "This section can no longer be changed" in html
    assert "govuk-error-summary" in html
    assert "Loves drawing; kind to younger pupils" in html and "Reading" in html
    assert "<title>Error: " in html
    assert not SectionAnswer.objects.filter(pep=pep, section_key="strengths_barriers").exists()


def test_someone_who_could_never_change_the_section_is_still_refused(client, world, pep):
    url = reverse("peps:section", args=[pep.pk, "strengths_barriers"])
    client.force_login(world.vs_officer)
    assert client.post(url, {"version": 0, "strengths": WORDS}).status_code == 403
    client.force_login(world.allocated_social_worker)  # the school's section, not theirs
    assert client.post(url, {"version": 0, "strengths": WORDS}).status_code == 403


def test_a_target_typed_while_the_pep_moved_on_is_shown_back_unsaved(client, world, pep):
    client.force_login(world.designated_teacher)
    url = reverse("peps:target_add", args=[pep.pk])
    assert client.get(url).status_code == 200
    _move_on(pep, Pep.State.SUBMITTED)
    response = client.post(url, {**TARGET, **date_fields("due_by", pep.term.end_date)})
    assert response.status_code == 409
    html = response.content.decode()
    assert "The targets can no longer be changed" in html
    assert "Recall the 7 times table" in html and "Daily practice with a teaching assistant" in html
    assert not Target.objects.filter(pep=pep).exists()
    # Opening the page now (nothing typed) is refused as before.
    assert client.get(url).status_code == 403
    client.force_login(world.vs_officer)
    assert client.post(url, {**TARGET}).status_code == 403


def test_after_a_conflict_the_banner_and_input_are_kept(client, world, pep):
    url = reverse("peps:section", args=[pep.pk, "strengths_barriers"])
    client.force_login(world.designated_teacher)
    client.post(url, {"version": 0, "strengths": "First", "barriers": "First"})
    html = client.post(url, {"version": 0, "strengths": WORDS, "barriers": ""}).content.decode()
    assert "Loves drawing; kind to younger pupils" in html
    assert "<title>Error: " in html


def test_the_ehc_review_date_is_revealed_by_the_ehc_plan_choice(client, world, pep):
    url = reverse("peps:section", args=[pep.pk, "needs"])
    client.force_login(world.designated_teacher)
    html = client.get(url).content.decode()
    # The date sits inside the reveal of "EHC plan", the radios controlling it.
    reveal = html.index('class="govuk-radios__conditional govuk-radios__conditional--hidden"')
    assert html.index('id="id_ehc_plan_review_date_0"') > reveal
    assert 'data-aria-controls="conditional-sen_status-3"' in html
    assert 'id="conditional-sen_status-3"' in html
    assert "For example, 27 3 " in html  # the date's example hint


def test_a_review_date_left_under_another_choice_is_ignored_not_refused(client, world, pep):
    url = reverse("peps:section", args=[pep.pk, "needs"])
    client.force_login(world.designated_teacher)
    review = date_fields("ehc_plan_review_date", pep.term.end_date)
    response = client.post(
        url, {"version": 0, "sen_status": "sen_support", "sen_provision": "Reading group", **review}
    )
    assert response.status_code == 302
    answers = SectionAnswer.objects.get(pep=pep, section_key="needs").answers
    assert answers["sen_status"] == "sen_support"
    assert "ehc_plan_review_date" not in answers
    # Under "EHC plan" the date counts, and a wrong one is refused by its field.
    bad = {
        "ehc_plan_review_date_0": "31",
        "ehc_plan_review_date_1": "2",
        "ehc_plan_review_date_2": "2027",
    }
    html = client.post(url, {"version": 1, "sen_status": "ehc_plan", **bad}).content.decode()
    assert "must be a real date" in html
    client.post(url, {"version": 1, "sen_status": "ehc_plan", **review})
    answers = SectionAnswer.objects.get(pep=pep, section_key="needs").answers
    assert answers["ehc_plan_review_date"] == pep.term.end_date.isoformat()
