"""The published annual report's threshold for small counts, and whether the report opens
prepared for publication: a Virtual School setting, edited with its other PEP settings."""

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEvent
from peps.models import PepSettings
from reporting.annual import _cell, annual_report
from tests.accounts.factories import UserFactory
from tests.peps.factories import PepSettingsFactory

PAGE = reverse("reporting:annual")


def test_a_count_below_the_threshold_reads_fewer_than_the_threshold():
    assert str(_cell(5, 6)) == "fewer than 6"
    assert str(_cell(1, 2)) == "fewer than 2"
    assert str(_cell(5, 5)) == "5"
    assert str(_cell(0, 6)) == "0"  # none is not a small group of children
    assert str(_cell(3, 0)) == "3"  # not for publication


def test_the_report_uses_the_threshold_it_is_given(world, terms, cohort):
    year = terms[0].academic_year
    report = annual_report(
        virtual_school=world.virtual_school, academic_year=year, published=True, small_count=9
    )
    cells = [c for t in report.tables for row in t.rows for c in row if hasattr(c, "suppressed")]
    # All eight children are fewer than nine; nothing reads "fewer than 5".
    assert any(str(c) == "fewer than 9" for c in cells)
    assert all(0 < c.value < 9 for c in cells if c.suppressed)
    assert all(c.suppressed for c in cells if isinstance(c.value, int) and 0 < c.value < 9)
    assert not any(str(c) == "fewer than 5" for c in cells)


def test_the_page_follows_the_virtual_schools_setting(client, world, terms, cohort):
    PepSettingsFactory(
        virtual_school=world.virtual_school,
        publication_small_count=6,
        publication_suppression_by_default=True,
    )
    client.force_login(world.vs_head)
    opened = client.get(PAGE).content.decode()
    assert "counts under 6 read “fewer than 6”" in opened  # the checkbox's label
    assert 'id="id_published" name="published" type="checkbox" value="on" checked' in opened
    assert "counts from 1 to 5 read “fewer than 6”" in opened
    assert "fewer than 5" not in opened
    # Unticked and shown again: the person's choice wins over the default.
    unticked = client.get(PAGE, {"academic_year": terms[0].academic_year}).content.decode()
    assert "Prepared for publication" not in unticked
    assert "checked" not in unticked


def test_without_settings_the_report_opens_unsuppressed_at_5(client, world, terms):
    client.force_login(world.vs_head)
    html = client.get(PAGE).content.decode()
    assert "counts under 5 read “fewer than 5”" in html
    assert "Prepared for publication" not in html


def test_another_councils_setting_does_not_apply(client, world, terms):
    PepSettingsFactory(
        virtual_school=world.other_vs_officer.virtual_school,
        publication_small_count=10,
        publication_suppression_by_default=True,
    )
    client.force_login(world.vs_head)
    html = client.get(PAGE).content.decode()
    assert "fewer than 10" not in html and "Prepared for publication" not in html


def test_downloads_record_the_threshold_used(client, world, terms):
    PepSettingsFactory(virtual_school=world.virtual_school, publication_small_count=6)
    client.force_login(world.vs_head)
    year = terms[0].academic_year
    client.get(reverse("reporting:annual_xlsx"), {"academic_year": year, "published": "on"})
    event = AuditEvent.objects.get(action="report.annual_downloaded")
    assert event.changes["small_count"] == [None, 6]


# Editing the setting, in the site administration with the other PEP settings.


@pytest.fixture
def settings_row(world):
    return PepSettingsFactory(virtual_school=world.virtual_school)


def _change_url(row):
    return reverse("admin:peps_pepsettings_change", args=[row.pk])


def _form_data(row, **changes):
    fields = [f.name for f in PepSettings._meta.concrete_fields if f.name != "id"]
    data = {name: getattr(row, name) for name in fields}
    data["virtual_school"] = row.virtual_school_id
    data.update(changes)
    if not data["publication_suppression_by_default"]:
        del data["publication_suppression_by_default"]
    return data


def test_the_administrator_changes_the_threshold_and_it_is_audited(client, settings_row):
    admin = UserFactory(role=Role.SYSTEM_ADMINISTRATOR)
    client.force_login(admin)
    page = client.get(_change_url(settings_row)).content.decode()
    assert "Publishing the annual report" in page and "the smallest count shown" in page
    response = client.post(
        _change_url(settings_row),
        _form_data(
            settings_row, publication_small_count=6, publication_suppression_by_default=True
        ),
    )
    assert response.status_code == 302
    settings_row.refresh_from_db()
    assert settings_row.publication_small_count == 6
    assert settings_row.publication_suppression_by_default
    event = AuditEvent.objects.get(action="pep_settings.changed")
    assert event.actor == admin
    assert event.changes == {
        "publication_small_count": [5, 6],
        "publication_suppression_by_default": [False, True],
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [("1", "Enter a threshold of 2 or more"), ("21", "Enter a threshold of 20 or fewer"),
     ("-3", "Ensure this value is greater than or equal to 0"), ("five", "Enter a whole number")],
)  # fmt: skip
def test_a_bad_threshold_is_refused_next_to_the_field(client, settings_row, value, message):
    client.force_login(UserFactory(role=Role.SYSTEM_ADMINISTRATOR))
    response = client.post(
        _change_url(settings_row), _form_data(settings_row, publication_small_count=value)
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["publication_small_count"]
    assert message in errors["publication_small_count"][0]
    settings_row.refresh_from_db()
    assert settings_row.publication_small_count == 5
    assert not AuditEvent.objects.filter(action__startswith="pep_settings.").exists()


@pytest.mark.parametrize(
    "persona", ["vs_head", "vs_officer", "allocated_social_worker", "carer", "reviewing_officer"]
)
def test_only_the_administrator_reaches_the_settings(as_persona, settings_row, persona):
    response = as_persona(persona).get(_change_url(settings_row))
    assert response.status_code == 302
    assert reverse("admin:login") in response.url


def test_the_administration_page_links_to_the_settings(client, db):
    client.force_login(UserFactory(role=Role.SYSTEM_ADMINISTRATOR))
    html = client.get(reverse("accounts:administration")).content.decode()
    assert reverse("admin:peps_pepsettings_changelist") in html
