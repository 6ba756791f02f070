"""The Virtual School dashboard: who sees it, that its figures are the children behind them,
and that it costs the same number of queries whatever the size of the Virtual School."""

import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db.models import Avg, Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from children.selectors import (
    ChildFilters,
    children_of_virtual_school,
    virtual_school_children_matching,
)
from pep_portal.kept import figures_changed
from peps.models import EducationRecord
from reporting.conditions import FIGURES, RECORD_CONDITIONS, term_peps, term_records
from reporting.figures import dashboard
from tests.reporting.conftest import make_children

URL = reverse("reporting:dashboard")


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("vs_officer", 200),
        ("vs_head", 200),
        ("other_vs_officer", 200),  # their own Virtual School's dashboard, not this one's
        ("allocated_social_worker", 403),
        ("designated_teacher", 403),
        ("carer", 403),
        ("reviewing_officer", 403),
        ("anonymous", 302),
    ],
)
def test_the_dashboard_is_for_virtual_school_staff(as_persona, terms, persona, status):
    assert as_persona(persona).get(URL).status_code == status


def test_virtual_school_staff_start_on_the_dashboard(client, world):
    client.force_login(world.vs_head)
    assert client.get(reverse("home")).url == URL


def test_another_councils_staff_count_none_of_these_children(world, terms, cohort):
    from django.utils import timezone

    board = dashboard(user=world.other_vs_officer, values={}, today=timezone.localdate())
    assert board.cohort is None or board.cohort.count == 0


def _status_count(html: str) -> int:
    found = re.search(r'role="status">(\d+) child', html)
    return int(found.group(1)) if found else 0


def test_every_figure_links_to_exactly_the_children_it_counts(client, world, terms, cohort):
    from django.utils import timezone

    client.force_login(world.vs_officer)
    assert client.get(URL).status_code == 200
    board = dashboard(user=world.vs_officer, values={}, today=timezone.localdate())
    figures = [
        board.cohort, *board.key_stages, *board.areas, *board.compliance, *board.attendance,
        *board.exclusions, *board.post_16, *(f for _, row in board.ratings for f in row),
    ]  # fmt: skip
    assert board.cohort.count == 8  # the world's two children and six more
    assert sum(f.count for f in board.key_stages) == board.cohort.count
    checked = 0
    for figure in figures:
        if figure.label == "With an in-date PEP":
            continue  # the cohort less the overdue: both are checked on their own
        listed = _status_count(client.get(figure.link).content.decode())
        assert listed == figure.count, (figure.label, figure.link)
        checked += 1
    assert checked >= 20
    assert any(f.count for f in board.compliance)  # the data is not all zeros
    signed_off = next(f for f in board.compliance if f.label == "The term's PEP signed off")
    assert signed_off.count == 2  # two of the six were signed off this term


def test_filters_narrow_the_figures_and_bad_values_are_ignored(client, world, terms, cohort):
    client.force_login(world.vs_officer)
    html = client.get(URL, {"key_stage": "Key stage 2"}).content.decode()
    assert "with these filters" in html
    response = client.get(
        URL, {"term": "999999", "school": "abc", "pep_state": "<script>", "academic_year": "x"}
    )
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


def test_a_filtered_figure_keeps_its_filters_in_the_link(world, terms, cohort):
    from django.utils import timezone

    values = {"key_stage": "Key stage 2", "pep_state": "submitted"}
    board = dashboard(user=world.vs_officer, values=values, today=timezone.localdate())
    query = parse_qs(urlsplit(board.compliance[1].link).query)
    assert query["key_stage"] == ["Key stage 2"] and query["pep_state"] == ["submitted"]
    extra = {"pep_state": "submitted", "term": values.get("term", "")}
    filters = ChildFilters(key_stage="Key stage 2", extra=extra)
    listed = children_of_virtual_school(user=world.vs_officer, filters=filters).count()
    assert board.cohort.count == listed


def test_the_dashboard_costs_the_same_queries_at_two_sizes(
    client, world, terms, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    client.force_login(world.vs_officer)
    make_children(world, 2, django_capture_on_commit_callbacks)
    client.get(URL)  # warm the session and the permission caches
    figures_changed([world.vs_officer.virtual_school_id])  # counted again, not read as kept
    with django_assert_max_num_queries(18) as small:
        client.get(URL)
    make_children(world, 7, django_capture_on_commit_callbacks)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(URL)


def test_the_years_ratings_count_a_child_who_has_since_left_care(world, terms, cohort):
    """The cohort and the year's ratings come from one read of the children: the ratings still
    count a child no longer in care during the chosen term, as they did read on their own."""
    from datetime import timedelta

    from django.utils import timezone

    from reporting import figures

    today = timezone.localdate()
    term = figures.chosen_term(world.vs_officer, {}, today)
    left = cohort[2]  # signed off this term
    left.date_left_care = term.start_date - timedelta(days=1)
    left.save()
    board = dashboard(user=world.vs_officer, values={}, today=today)
    assert board.cohort.count == 7
    ids, of_rated = figures._cohort(world.vs_officer, board.values, term)
    assert left.pk not in ids
    ((lookup, rated_ids),) = of_rated.children
    assert lookup == "child_id__in_array" and left.pk in rated_ids
    all_terms = figures.person_terms(world.vs_officer)
    others = figures.child_filters({**board.values, "term": ""})
    rated_alone = virtual_school_children_matching(user=world.vs_officer, filters=others)
    read_alone = figures._ratings(
        board.values, all_terms, term, Q(child__in=rated_alone.values("pk"))
    )
    assert board.ratings == read_alone
    assert sum(f.count for _, row in board.ratings for f in row) == 2
    # With a filter on the term's PEP the ratings are read on their own, as before.
    chosen = {**board.values, "pep_state": "submitted"}
    ((lookup, _),) = figures._cohort(world.vs_officer, chosen, term)[1].children
    assert lookup == "child__in"


def test_the_typed_figures_are_the_terms_records_whatever_peps_have_none(world, terms, cohort):
    """The records are read joined to the term's PEPs: a PEP with no record adds nothing to
    the attendance, suspensions or post-16 counts, which are those of the records themselves."""
    today = timezone.localdate()
    board = dashboard(user=world.vs_officer, values={}, today=today)
    mine = Q(child__virtual_school=world.virtual_school)
    EducationRecord.objects.filter(pk=term_records(board.term).filter(mine).first().pk).delete()
    EducationRecord.objects.filter(term=board.term, child=cohort[1]).update(
        eet_status="neet", attendance_percent=Decimal("42.5"), suspensions=2, suspension_days=3
    )
    assert term_peps(board.term).filter(mine, education__isnull=True).exists()
    board = dashboard(user=world.vs_officer, values={}, today=today)
    records = term_records(board.term).filter(mine)
    expected = records.aggregate(
        recorded=Count("pk", filter=Q(attendance_percent__isnull=False)),
        average=Avg("attendance_percent"),
        days=Sum("suspension_days"),
        post_16=Count("pk", filter=~Q(eet_status="")),
    )
    assert expected["post_16"] >= 1 and expected["recorded"] >= 1
    assert board.attendance_recorded == expected["recorded"]
    assert board.average_attendance == Decimal(expected["average"]).quantize(Decimal("0.1"))
    assert board.suspension_days == expected["days"]
    counted = {f.label: f.count for f in [*board.attendance, *board.exclusions, *board.post_16]}
    for key, condition in RECORD_CONDITIONS.items():
        children = records.filter(condition).values("child").distinct().count()
        assert counted[FIGURES[key].label] == children, key
    assert board.post_16[0].of == expected["post_16"]
