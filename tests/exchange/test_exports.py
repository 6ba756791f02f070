"""The Virtual School's children and PEPs as CSV and Excel: who may download, what is in them."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from exchange.exports import HEADINGS
from tests.children.factories import ChildFactory, EnrolmentFactory
from tests.spreadsheets import read_csv, read_xlsx

URLS = ["exports:children_csv", "exports:children_xlsx"]
ALLOWED = {"vs_officer", "vs_head"}


def _csv(response) -> list[list[str]]:
    return read_csv(response)


def _xlsx(response) -> list[tuple]:
    sheet = read_xlsx(
        response, date_columns={"Date of birth", "Date entered care", "PEP due"}
    ).active
    return list(sheet.iter_rows(values_only=True))


@pytest.mark.parametrize("name", URLS)
@pytest.mark.parametrize(
    "persona",
    ["vs_officer", "vs_head", "other_vs_officer", "allocated_social_worker",
     "designated_teacher", "carer", "reviewing_officer", "anonymous"],
)  # fmt: skip
def test_only_virtual_school_staff_download_and_only_their_own_children(
    as_persona, world, persona, name
):
    response = as_persona(persona).get(reverse(name))
    if persona == "anonymous":
        assert response.status_code == 302
        return
    if persona == "other_vs_officer":
        # Another council's officer downloads their own (empty) list: never this child.
        assert response.status_code == 200
        rows = _csv(response) if name.endswith("csv") else _xlsx(response)
        assert len(rows) == 1
        return
    assert response.status_code == (200 if persona in ALLOWED else 403)
    if persona in ALLOWED:
        rows = _csv(response) if name.endswith("csv") else _xlsx(response)
        ids = {row[0] for row in rows[1:]}
        assert world.child.council_child_id in ids
        assert ids == set(world.virtual_school.children.values_list("council_child_id", flat=True))


def test_the_csv_has_the_childs_school_social_worker_and_pep(client, world, pep):
    client.force_login(world.vs_officer)
    response = client.get(reverse("exports:children_csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="children-and-peps-' in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0] == HEADINGS
    row = dict(
        zip(HEADINGS, next(r for r in rows if r[0] == world.child.council_child_id), strict=True)
    )
    assert row["Legal first name"] == "Ava"
    assert row["Date of birth"] == world.child.date_of_birth.isoformat()
    assert row["School URN"] == world.school.urn
    assert row["Social worker"] == world.allocated_social_worker.full_name
    assert row["PEP state"] == "In progress"
    assert row["PEP due"] == (pep.due_date.isoformat() if pep.due_date else "")
    event = AuditEvent.objects.get(action="children.exported")
    assert event.actor == world.vs_officer
    assert event.changes == {"format": [None, "csv"], "rows": [None, len(rows) - 1]}


def test_the_xlsx_has_dates_as_dates_and_is_audited(client, world):
    client.force_login(world.vs_head)
    response = client.get(reverse("exports:children_xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _xlsx(response)
    assert list(rows[0]) == HEADINGS
    row = dict(
        zip(HEADINGS, next(r for r in rows if r[0] == world.child.council_child_id), strict=True)
    )
    # A date cell (openpyxl reads it back as a datetime at midnight), not text.
    assert row["Date of birth"].date() == world.child.date_of_birth
    assert AuditEvent.objects.get(action="children.exported").changes["format"] == [None, "xlsx"]


@pytest.mark.parametrize("name", URLS)
def test_text_that_would_run_as_a_formula_is_written_as_text(client, world, name):
    ChildFactory(
        virtual_school=world.virtual_school,
        council_child_id="=1+1",
        legal_first_name='=HYPERLINK("http://evil.example","x")',
        preferred_name="@SUM(A1)",
    )
    client.force_login(world.vs_officer)
    response = client.get(reverse(name))
    rows = _csv(response) if name.endswith("csv") else _xlsx(response)
    row = next(r for r in rows if str(r[0]).endswith("=1+1"))
    assert row[0] == "'=1+1"
    assert row[1] == '\'=HYPERLINK("http://evil.example","x")'
    assert row[3] == "'@SUM(A1)"


def test_the_export_costs_the_same_queries_for_many_children(
    client, world, django_assert_max_num_queries
):
    for _ in range(30):
        EnrolmentFactory(child=ChildFactory(virtual_school=world.virtual_school))
    client.force_login(world.vs_officer)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("exports:children_xlsx"))
    assert len(_xlsx(response)) == world.virtual_school.children.count() + 1


def test_the_list_links_to_both_downloads(client, world):
    client.force_login(world.vs_officer)
    html = client.get(reverse("children:virtual_school_children")).content.decode()
    assert reverse("exports:children_csv") in html and reverse("exports:children_xlsx") in html
