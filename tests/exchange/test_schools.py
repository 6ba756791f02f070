"""The schools register from GIAS, and choosing a school by searching it."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import School
from accounts.schools import school_search
from audit.models import AuditEvent
from children.models import Enrolment
from exchange.schools import GiasFileError, gias_import, phase_from
from tests.accounts.factories import SchoolFactory
from tests.helpers import date_fields

HEADER = [
    "URN", "LA (code)", "LA (name)", "EstablishmentName", "TypeOfEstablishment (name)",
    "EstablishmentStatus (name)", "PhaseOfEducation (name)", "Postcode", "Town",
]  # fmt: skip


def register(*rows, header=HEADER, encoding="cp1252") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


ROWS = [
    ["137001", "929", "Northumberland", "Côte Lane Primary School", "Community school", "Open",
     "Primary", "ne12 7ab", "Killingworth"],
    ["137002", "929", "Northumberland", "St Mary's RC Academy", "Academy converter",
     "Open, but proposed to close", "Secondary", "NE61 1AA", "Morpeth"],
    ["137003", "391", "Newcastle upon Tyne", "Old Ford Special School",
     "Community special school", "Closed", "Not applicable", "NE1 4XX", "Newcastle"],
]  # fmt: skip


@pytest.mark.django_db
def test_the_register_is_loaded_from_its_windows_1252_csv_and_a_second_run_changes_nothing():
    result = gias_import(raw=register(*ROWS))
    assert (result.created, result.updated, result.closed) == (3, 0, 1)
    cote = School.objects.get(urn="137001")
    assert cote.name == "Côte Lane Primary School"
    assert (cote.council, cote.local_authority_code, cote.postcode) == (
        "Northumberland",
        "929",
        "NE12 7AB",
    )
    assert cote.phase == School.Phase.PRIMARY and cote.status == School.Status.OPEN
    assert School.objects.get(urn="137002").status == School.Status.OPEN
    special = School.objects.get(urn="137003")
    assert (special.phase, special.status) == (School.Phase.SPECIAL, School.Status.CLOSED)

    again = gias_import(raw=register(*ROWS))
    assert (again.created, again.updated) == (0, 3)
    assert School.objects.count() == 3
    assert AuditEvent.objects.filter(action="schools.register_imported").count() == 2


@pytest.mark.django_db
def test_a_school_that_closes_is_marked_closed_and_kept_with_its_enrolments():
    from tests.children.factories import EnrolmentFactory

    gias_import(raw=register(*ROWS))
    enrolment = EnrolmentFactory(school=School.objects.get(urn="137001"))
    closed = [ROWS[0][:5] + ["Closed"] + ROWS[0][6:]]
    gias_import(raw=register(*closed))
    school = School.objects.get(urn="137001")
    assert school.status == School.Status.CLOSED
    assert Enrolment.objects.get(pk=enrolment.pk).school == school
    # Schools missing from a file (a council's own extract) are left as they were.
    assert School.objects.get(urn="137002").status == School.Status.OPEN


@pytest.mark.django_db
def test_rows_with_a_bad_urn_or_no_name_are_refused_by_line_and_the_rest_load():
    result = gias_import(
        raw=register(
            ROWS[0],
            ["12AB", "929", "X", "Bad", "", "Open", "", "", ""],
            ["137009", "929", "X", "", "", "Open", "", "", ""],
        )  # fmt: skip
    )
    assert result.refused == [
        "Line 3: the URN ‘12AB’ is not six digits",
        "Line 4: URN 137009 has no name",
    ]
    assert list(School.objects.values_list("urn", flat=True)) == ["137001"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (register(["1"], header=["CHILD"]), "it has no column ‘URN’"),
        (b"PK\x03\x04\x00\x00binary", "not a CSV file"),
    ],
)
def test_a_file_that_is_not_the_register_is_refused_and_saves_nothing(raw, message):
    with pytest.raises(GiasFileError, match=message):
        gias_import(raw=raw)
    assert not School.objects.exists()


def test_phases_follow_the_type_of_establishment_where_the_phase_is_not_applicable():
    assert phase_from("Not applicable", "Pupil referral unit") == School.Phase.ALTERNATIVE_PROVISION
    assert phase_from("16 plus", "Further education") == School.Phase.POST_16
    assert phase_from("Nursery", "Local authority nursery school") == School.Phase.EARLY_YEARS
    assert phase_from("Middle deemed secondary", "Academy converter") == School.Phase.SECONDARY
    assert phase_from("Not applicable", "Other independent school") == School.Phase.OTHER


@pytest.mark.django_db
def test_the_command_loads_a_file_and_fails_on_a_wrong_one(tmp_path, capsys):
    good = tmp_path / "edubasealldata.csv"
    good.write_bytes(register(*ROWS))
    call_command("import_gias", str(good))
    assert "3 schools added, 0 updated (1 closed in the register)" in capsys.readouterr().out
    bad = tmp_path / "other.csv"
    bad.write_bytes(register(["1"], header=["CHILD"]))
    with pytest.raises(CommandError, match="no column"):
        call_command("import_gias", str(bad))
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_gias", str(tmp_path / "missing.csv"))


# --- The site administration's page -------------------------------------------------------------


@pytest.mark.django_db
def test_the_administrator_loads_the_register_from_the_admin(client, system_administrator):
    client.force_login(system_administrator)
    url = reverse("gias:import")
    changelist = client.get(reverse("admin:accounts_school_changelist")).content.decode()
    assert url in changelist
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"file": SimpleUploadedFile("gias.csv", register(*ROWS))}, follow=True
    )
    assert "The register was loaded: 3 schools added" in response.content.decode()
    assert School.objects.count() == 3
    event = AuditEvent.objects.get(action="schools.register_imported")
    assert event.actor == system_administrator


@pytest.mark.django_db
def test_a_wrong_file_in_the_admin_is_named_next_to_the_field(client, system_administrator):
    client.force_login(system_administrator)
    response = client.post(
        reverse("gias:import"),
        {"file": SimpleUploadedFile("x.csv", register(["1"], header=["CHILD"]))},
    )
    assert response.status_code == 200
    assert "no column ‘URN’" in response.content.decode()
    assert not School.objects.exists()


@pytest.mark.parametrize("persona", ["vs_officer", "vs_head", "designated_teacher", "carer"])
def test_only_the_administrator_may_open_the_admin_import(as_persona, world, persona):
    response = as_persona(persona).get(reverse("gias:import"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# --- Searching the register ----------------------------------------------------------------------


@pytest.fixture
def schools(db):
    gias_import(raw=register(*ROWS))
    return {s.urn: s for s in School.objects.all()}


def test_search_by_words_of_the_name_urn_or_postcode(schools):
    def names(query):
        return [s.urn for s in school_search(query)]

    assert names("cote") == []  # accents are not folded; the name has "Côte"
    assert names("côte primary") == ["137001"]
    assert names("st marys") == ["137002"]  # apostrophes do not matter
    assert names("1370") == ["137001", "137002", "137003"]  # closed last
    assert names("137002") == ["137002"]
    assert names("ne12 7") == ["137001"]
    assert names("NE1") == ["137001", "137003"]  # NE12 and NE1 both start NE1
    assert names("   ") == []


@pytest.mark.parametrize(
    ("persona", "status"),
    [("vs_officer", 200), ("vs_head", 200), ("allocated_social_worker", 403),
     ("designated_teacher", 403), ("carer", 403), ("anonymous", 302)],
)  # fmt: skip
def test_the_suggestions_are_for_virtual_school_staff(as_persona, world, persona, status):
    response = as_persona(persona).get(reverse("accounts:school_search"), {"q": "riverside"})
    assert response.status_code == status
    if status == 200:
        assert response.json()["results"][0]["label"] == (
            f"Riverside Primary School (URN {world.school.urn})"
        )


def _enrol(client, world, school_value, **extra):
    return client.post(
        reverse("children:enrolment_add", args=[world.child.pk]),
        {
            "school": school_value,
            **date_fields("start_date", timezone.localdate()),
            "attendance_pattern": "full_time",
            "replaces_current": "on",
            **extra,
        },
        follow=True,
    )


def test_a_typed_urn_or_an_autocomplete_label_chooses_the_school(client, world, schools):
    client.force_login(world.vs_officer)
    response = _enrol(client, world, "137001")
    assert "The school has been recorded" in response.content.decode()
    assert world.child.enrolments.get(end_date__isnull=True).school.urn == "137001"
    response = _enrol(client, world, "St Mary's RC Academy (URN 137002)")
    assert "The school has been recorded" in response.content.decode()
    assert world.child.enrolments.get(end_date__isnull=True).school.urn == "137002"


def test_a_name_lists_the_schools_found_as_radios_and_saves_nothing_until_one_is_chosen(
    client, world, schools
):
    client.force_login(world.vs_officer)
    SchoolFactory(name="Côte Lane Infant School", urn="137010")
    html = _enrol(client, world, "côte lane").content.decode()
    assert "Choose the school from the 2 found for ‘côte lane’, or search again" in html
    assert 'type="radio" value="137001"' in html and 'type="radio" value="137010"' in html
    assert world.child.enrolments.count() == 1
    # The box still holds the search; the chosen radio comes after it in the form and wins.
    response = client.post(
        reverse("children:enrolment_add", args=[world.child.pk]),
        {
            "school": ["côte lane", "137010"],
            **date_fields("start_date", timezone.localdate()),
            "attendance_pattern": "full_time",
            "replaces_current": "on",
        },
        follow=True,
    )
    assert "The school has been recorded" in response.content.decode()
    assert world.child.enrolments.get(end_date__isnull=True).school.urn == "137010"


def test_a_search_that_finds_nothing_says_so_next_to_the_field(client, world, schools):
    client.force_login(world.vs_officer)
    html = _enrol(client, world, "no such school").content.decode()
    assert '<a href="#id_school">No school matches ‘no such school’' in html
    assert world.child.enrolments.count() == 1


def test_one_match_is_offered_ready_chosen_not_saved_unseen(client, world, schools):
    client.force_login(world.vs_officer)
    html = _enrol(client, world, "old ford").content.decode()
    assert 'value="137003" aria-describedby="id_school-0-hint" checked' in html
    assert "closed" in html
    assert world.child.enrolments.count() == 1


def test_the_enrolment_form_loads_the_autocomplete_without_inline_scripts(client, world):
    client.force_login(world.vs_officer)
    html = client.get(reverse("children:enrolment_add", args=[world.child.pk])).content.decode()
    assert 'data-module="app-school-search"' in html
    assert "accessible-autocomplete.min.js" in html and "js/school-search.js" in html
    assert "<script>" not in html and "style=" not in html
