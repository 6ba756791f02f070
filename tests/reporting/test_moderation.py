"""Quality moderation: the head draws a term's sample, officers rate it again blind, and the
head sees agreement by section and the disagreements. Every view for every role."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEvent
from peps.models import Pep, QualityReview
from reporting import moderation
from reporting.models import ModerationRound, ModerationSample
from tests.accounts.factories import UserFactory
from tests.peps.factories import QualityReviewFactory, SignedOffPepFactory, TermFactory
from tests.reporting.factories import ModerationRoundFactory, ModerationSampleFactory

INDEX = reverse("reporting:moderation")
RATINGS = {"case_details": "green", "child_views": "amber"}


def _signed_off(term, officer, ratings=RATINGS, **child):
    pep = SignedOffPepFactory(child__virtual_school=term.virtual_school, term=term, **child)
    QualityReviewFactory(
        pep=pep, reviewer=officer, decision=QualityReview.Decision.SIGNED_OFF, reason="",
        sections=[], section_ratings=ratings,
    )  # fmt: skip
    return pep


@pytest.fixture
def second_officer(world):
    return UserFactory(role=Role.VIRTUAL_SCHOOL_OFFICER, virtual_school=world.virtual_school)


@pytest.fixture
def signed_off(world, terms, second_officer):
    """This term: twelve PEPs signed off by the officer, three by the second officer."""
    this, _ = terms
    return [_signed_off(this, world.vs_officer) for _ in range(12)] + [
        _signed_off(this, second_officer) for _ in range(3)
    ]


@pytest.fixture
def drawn(world, terms, signed_off):
    return moderation.moderation_round_draw(actor=world.vs_head, term=terms[0], share_percent=10)


@pytest.fixture
def other_head(world):
    other = world.other_vs_officer.virtual_school
    return UserFactory(role=Role.VIRTUAL_SCHOOL_HEAD, virtual_school=other)


# Drawing the sample.


def test_the_head_draws_each_officers_share_and_another_officer_rates_it(world, drawn):
    samples = list(drawn.samples.all())
    by_first = {}
    for sample in samples:
        by_first.setdefault(sample.first_rater_id, []).append(sample)
        assert sample.second_rater_id != sample.first_rater_id
        assert sample.first_review.pep_id == sample.pep_id
        assert sample.pep.state == Pep.State.SIGNED_OFF
    officer, second = world.vs_officer.pk, next(iter(set(by_first) - {world.vs_officer.pk}))
    assert len(by_first[officer]) == 2  # 10% of 12, rounded up
    assert len(by_first[second]) == 1  # 10% of 3: at least one
    assert drawn.share_percent == 10
    events = AuditEvent.objects.filter(action__startswith="moderation.")
    assert events.filter(action="moderation.sample_drawn", actor=world.vs_head).count() == 1
    sampled = events.filter(action="moderation.pep_sampled")
    assert sampled.count() == 3
    assert {e.child_id for e in sampled} == {s.pep.child_id for s in samples}


def test_the_same_data_draws_the_same_sample(world, terms, signed_off, drawn):
    first = sorted(drawn.samples.values_list("pep_id", "second_rater_id"))
    ModerationRound.objects.all().delete()
    again = moderation.moderation_round_draw(actor=world.vs_head, term=terms[0], share_percent=10)
    assert sorted(again.samples.values_list("pep_id", "second_rater_id")) == first


def test_only_this_terms_signed_off_peps_of_this_council_are_drawn(world, terms, second_officer):
    this, following = terms
    mine = _signed_off(this, world.vs_officer)
    _signed_off(following, world.vs_officer)  # another term
    elsewhere = TermFactory(virtual_school=world.other_vs_officer.virtual_school)
    _signed_off(elsewhere, world.other_vs_officer)
    drawn = moderation.moderation_round_draw(actor=world.vs_head, term=this, share_percent=100)
    assert list(drawn.samples.values_list("pep_id", flat=True)) == [mine.pk]


@pytest.mark.parametrize("who", ["vs_officer", "allocated_social_worker", "other_vs_officer"])
def test_only_this_councils_head_draws(world, terms, signed_off, who):
    with pytest.raises(PermissionDenied):
        moderation.moderation_round_draw(actor=world.people[who], term=terms[0], share_percent=10)
    assert not ModerationRound.objects.exists()


def test_a_term_is_drawn_once(world, terms, drawn):
    with pytest.raises(ValidationError, match="already been drawn"):
        moderation.moderation_round_draw(actor=world.vs_head, term=terms[0], share_percent=20)
    assert ModerationRound.objects.count() == 1


def test_no_signed_off_pep_means_nothing_to_draw(world, terms):
    with pytest.raises(ValidationError, match="signed off yet"):
        moderation.moderation_round_draw(actor=world.vs_head, term=terms[0], share_percent=10)


def test_a_lone_officer_cannot_be_rated_again_by_anyone_else(world, terms):
    world.vs_head.is_active = False
    world.vs_head.save()
    _signed_off(terms[0], world.vs_officer)
    with pytest.raises(ValidationError, match="another officer"):
        moderation.moderation_round_draw(actor=world.vs_head, term=terms[0], share_percent=10)
    assert not ModerationRound.objects.exists() and not ModerationSample.objects.exists()


# The moderation page.


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("vs_head", 200),
        ("vs_officer", 200),
        ("other_vs_officer", 200),  # their own council's moderation, none of this
        ("allocated_social_worker", 403),
        ("designated_teacher", 403),
        ("carer", 403),
        ("reviewing_officer", 403),
        ("anonymous", 302),
    ],
)
def test_the_moderation_page_is_for_virtual_school_staff(as_persona, drawn, persona, status):
    response = as_persona(persona).get(INDEX)
    assert response.status_code == status
    if persona == "other_vs_officer":
        assert drawn.term.__str__() not in response.content.decode()


def test_officers_see_what_they_are_to_rate_and_cannot_draw(as_persona, world, terms, drawn):
    mine = drawn.samples.filter(second_rater=world.vs_officer)
    html = as_persona("vs_officer").get(INDEX).content.decode()
    assert "Draw the sample" not in html
    for sample in mine:
        assert reverse("reporting:moderation_rate", args=[sample.pk]) in html
    response = as_persona("vs_officer").post(INDEX, {"term": terms[1].pk, "share_percent": 10})
    assert response.status_code == 403


def test_the_head_draws_from_the_page(as_persona, world, terms, signed_off):
    client = as_persona("vs_head")
    html = client.get(INDEX).content.decode()
    assert "Draw the sample" in html
    response = client.post(INDEX, {"term": terms[0].pk, "share_percent": "10"})
    drawn = ModerationRound.objects.get()
    assert response.url == reverse("reporting:moderation_round", args=[drawn.pk])
    assert drawn.samples.count() == 3


@pytest.mark.parametrize(
    ("share", "message"),
    [("", "Enter the share to sample"), ("0", "between 1% and 100%"),
     ("101", "between 1% and 100%"), ("ten", "whole number")],
)  # fmt: skip
def test_a_bad_share_is_refused_next_to_the_field(as_persona, terms, signed_off, share, message):
    response = as_persona("vs_head").post(INDEX, {"term": terms[0].pk, "share_percent": share})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and message in html
    assert 'id="share_percent-error"' in html or "govuk-error-message" in html
    assert not ModerationRound.objects.exists()


def test_a_term_already_drawn_is_refused_next_to_the_field(as_persona, terms, drawn):
    # A second tab: the term was drawn since the form was shown.
    response = as_persona("vs_head").post(INDEX, {"term": terms[0].pk, "share_percent": "10"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert ModerationRound.objects.count() == 1


def test_another_councils_term_cannot_be_drawn(as_persona, world, other_head, terms, signed_off):
    elsewhere = TermFactory(virtual_school=world.other_vs_officer.virtual_school)
    client = as_persona("vs_head")
    response = client.post(INDEX, {"term": elsewhere.pk, "share_percent": "10"})
    assert response.status_code == 200 and "Choose the term" in response.content.decode()
    assert not ModerationRound.objects.exists()


# The round's results.


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("vs_head", 200),
        ("vs_officer", 403),
        ("other_vs_officer", 403),
        ("allocated_social_worker", 403),
        ("designated_teacher", 403),
        ("carer", 403),
        ("reviewing_officer", 403),
        ("anonymous", 302),
    ],
)
def test_the_results_are_the_heads(as_persona, drawn, persona, status):
    url = reverse("reporting:moderation_round", args=[drawn.pk])
    assert as_persona(persona).get(url).status_code == status


def test_another_councils_head_finds_no_such_round(client, other_head, drawn):
    client.force_login(other_head)
    url = reverse("reporting:moderation_round", args=[drawn.pk])
    assert client.get(url).status_code == 404


def test_the_results_show_agreement_by_section_and_list_the_disagreements(client, world):
    head = UserFactory(role=Role.VIRTUAL_SCHOOL_HEAD, virtual_school=world.virtual_school)
    found = ModerationRoundFactory(virtual_school=world.virtual_school, drawn_by=head)
    seconds = [
        {"case_details": "green", "child_views": "amber"},
        {"case_details": "green", "child_views": "red"},
        {"case_details": "amber", "child_views": "amber"},
        {"case_details": "green", "child_views": "green"},
    ]
    samples = []
    for second in seconds:
        sample = ModerationSampleFactory(round=found)
        moderation.moderation_second_rating_save(
            actor=sample.second_rater, sample=sample, ratings=second
        )
        samples.append(sample)
    ModerationSampleFactory(round=found)  # not rated yet: left out of the figures
    results = moderation.round_results(found)
    by_key = {row.key: row.agreement for row in results.sections}
    assert results.rated == 4
    assert (by_key["case_details"].agreed, by_key["case_details"].rated) == (3, 4)
    assert by_key["case_details"].percent == 75
    # First all green; second 3 green, 1 amber: p_o 0.75 = p_e 0.75, kappa 0.
    assert by_key["case_details"].kappa == pytest.approx(0)
    assert by_key["child_views"].percent == 50
    assert [(d.sample.pk, d.section_title, d.first, d.second) for d in results.disagreements] == [
        (samples[1].pk, "The child's views", "amber", "red"),
        (samples[2].pk, "Child and case details", "green", "amber"),
        (samples[3].pk, "The child's views", "amber", "green"),
    ]
    client.force_login(head)
    html = client.get(reverse("reporting:moderation_round", args=[found.pk])).content.decode()
    assert "4 of 5 PEPs rated again" in html
    assert "75%" in html and "0.00" in html
    assert (
        html.count(reverse("peps:overview", args=[samples[1].pep.pk])) == 2
    )  # disagreement, sample


def test_every_rating_the_same_is_said_in_words(client, world):
    head = UserFactory(role=Role.VIRTUAL_SCHOOL_HEAD, virtual_school=world.virtual_school)
    found = ModerationRoundFactory(virtual_school=world.virtual_school, drawn_by=head)
    for _ in range(2):
        sample = ModerationSampleFactory(
            round=found, first_ratings={"case_details": "green", "child_views": "green"}
        )
        moderation.moderation_second_rating_save(
            actor=sample.second_rater, sample=sample, ratings=sample.first_review.section_ratings
        )
    client.force_login(head)
    html = client.get(reverse("reporting:moderation_round", args=[found.pk])).content.decode()
    assert "1.00" in html and "every rating the same" in html
    assert "agree with the first on every section" in html


@pytest.mark.parametrize("size", [3, 12])
def test_the_results_cost_the_same_queries_whatever_the_sample(
    client, world, django_assert_max_num_queries, size
):
    head = UserFactory(role=Role.VIRTUAL_SCHOOL_HEAD, virtual_school=world.virtual_school)
    found = ModerationRoundFactory(virtual_school=world.virtual_school, drawn_by=head)
    for _ in range(size):
        sample = ModerationSampleFactory(round=found)
        moderation.moderation_second_rating_save(
            actor=sample.second_rater, sample=sample, ratings={"case_details": "red",
                                                               "child_views": "amber"}
        )  # fmt: skip
    client.force_login(head)
    url = reverse("reporting:moderation_round", args=[found.pk])
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200


# The blind second rating.


@pytest.fixture
def sample(world):
    found = ModerationRoundFactory(virtual_school=world.virtual_school, drawn_by=world.vs_head)
    return ModerationSampleFactory(
        round=found,
        second_rater=world.vs_officer,
        first_ratings={"case_details": "red", "child_views": "red"},
        first_review__reason="Feedback only the first rater wrote",
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("vs_officer", 200),  # the second rater
        ("vs_head", 403),  # not asked to rate this one
        ("other_vs_officer", 404),
        ("allocated_social_worker", 403),
        ("designated_teacher", 403),
        ("carer", 403),
        ("reviewing_officer", 403),
        ("anonymous", 302),
    ],
)
def test_only_the_second_rater_rates(as_persona, sample, persona, status):
    url = reverse("reporting:moderation_rate", args=[sample.pk])
    assert as_persona(persona).get(url).status_code == status
    response = as_persona(persona).post(url, {"rating_case_details": "green",
                                              "rating_child_views": "green"})  # fmt: skip
    assert response.status_code == (302 if status == 200 else status)
    sample.refresh_from_db()
    assert sample.is_rated == (status == 200)


def test_the_first_rater_is_refused_even_if_named_second(world, sample):
    with pytest.raises(PermissionDenied):
        moderation.moderation_second_rating_save(
            actor=sample.first_rater, sample=sample, ratings=RATINGS
        )


def test_the_second_rater_does_not_see_the_first_ratings(as_persona, sample):
    html = (
        as_persona("vs_officer")
        .get(reverse("reporting:moderation_rate", args=[sample.pk]))
        .content.decode()
    )
    assert "Rate the PEP again" in html
    assert "Child and case details" in html and "The child&#x27;s views" in html
    assert " checked" not in html  # nothing chosen for them
    assert "govuk-tag--red" not in html
    assert "Feedback only the first rater wrote" not in html
    assert str(sample.first_rater) not in html
    assert reverse("peps:overview", args=[sample.pep.pk]) not in html  # shows the rating


def test_a_missing_rating_is_refused_next_to_its_section(as_persona, sample):
    url = reverse("reporting:moderation_rate", args=[sample.pk])
    response = as_persona("vs_officer").post(url, {"rating_case_details": "green"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "Rate the section: The child&#x27;s views" in html
    sample.refresh_from_db()
    assert not sample.is_rated and sample.second_ratings == {}


def test_a_rating_not_on_the_scale_is_refused(as_persona, sample):
    url = reverse("reporting:moderation_rate", args=[sample.pk])
    response = as_persona("vs_officer").post(
        url, {"rating_case_details": "gold", "rating_child_views": "green"}
    )
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    sample.refresh_from_db()
    assert not sample.is_rated


def test_the_second_rating_is_saved_and_audited(as_persona, world, sample):
    url = reverse("reporting:moderation_rate", args=[sample.pk])
    response = as_persona("vs_officer").post(
        url, {"rating_case_details": "green", "rating_child_views": "red"}
    )
    assert response.url == INDEX
    sample.refresh_from_db()
    assert sample.second_ratings == {"case_details": "green", "child_views": "red"}
    event = AuditEvent.objects.get(action="moderation.second_rating_saved")
    assert event.actor == world.vs_officer and event.child_id == sample.pep.child_id
    assert event.changes["second_ratings"] == [None, sample.second_ratings]
    # The first rating is untouched.
    assert sample.first_review.section_ratings == {"case_details": "red", "child_views": "red"}


def test_the_links_to_moderation(as_persona, terms):
    client = as_persona("vs_head")
    for url in (reverse("reporting:dashboard"), reverse("peps:quality_queue")):
        assert INDEX in client.get(url).content.decode(), url


@pytest.mark.parametrize("size", [2, 8])
def test_the_moderation_page_costs_the_same_queries_whatever_the_rounds(
    client, world, django_assert_max_num_queries, size
):
    for _ in range(size):
        found = ModerationRoundFactory(
            virtual_school=world.virtual_school,
            drawn_by=world.vs_head,
            term=TermFactory(virtual_school=world.virtual_school, academic_year=2000 + _),
        )
        ModerationSampleFactory(round=found, second_rater=world.vs_head)
    client.force_login(world.vs_head)
    with django_assert_max_num_queries(12):
        html = client.get(INDEX).content.decode()
    assert html.count("/virtual-school/moderation/samples/") == size
