"""The import pages through HTTP, for every role: upload, the dry run, apply."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from children.models import Child
from exchange.models import ImportFile, ImportRun
from tests.conftest import PERSONAS
from tests.exchange.factories import ImportRunFactory
from tests.exchange.files import csv_file, two_children

ALLOWED = {"vs_officer", "vs_head"}


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """Post as a browser does, and run what the request queued on commit (the check, the
    apply) as a worker would once the request's transaction commits."""

    def send(url, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    return send


def _upload(files: dict) -> dict:
    return {kind: SimpleUploadedFile(name, content, content_type="text/csv")
            for kind, (name, content) in files.items()}  # fmt: skip


@pytest.mark.parametrize("role", PERSONAS)
@pytest.mark.parametrize("name", ["index", "upload_ssda903", "upload_feed"])
def test_only_virtual_school_staff_reach_the_import_pages(as_persona, role, name):
    client = as_persona(role)
    response = client.get(reverse(f"exchange:{name}"))
    if role == "anonymous":
        assert response.status_code == 302
    elif role in ALLOWED or role == "other_vs_officer":
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", PERSONAS)
def test_an_import_is_seen_and_applied_by_its_own_virtual_school_only(as_persona, world, role):
    run = ImportRunFactory(virtual_school=world.virtual_school, created_by=world.vs_officer)
    client = as_persona(role)
    page = client.get(reverse("exchange:detail", args=[run.pk]))
    posted = client.post(reverse("exchange:apply", args=[run.pk]), {"fingerprint": "x"})
    if role == "anonymous":
        assert page.status_code == posted.status_code == 302
    elif role in ALLOWED:
        assert page.status_code == 200
        assert posted.status_code == 400  # not checked yet: refused, with the reason
    elif role == "other_vs_officer":
        assert page.status_code == posted.status_code == 404  # another council's import
    else:
        assert page.status_code == posted.status_code == 403


def test_officer_uploads_reads_the_dry_run_and_applies_it(client, post, virtual_school, school,
                                                          vs_officer):  # fmt: skip
    client.force_login(vs_officer)
    response = post(reverse("exchange:upload_ssda903"), _upload(two_children(school.urn)))
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("exchange:detail",
                                                                   args=[run.pk])  # fmt: skip
    assert not Child.objects.exists()  # the dry run changes nothing
    assert not ImportFile.objects.exists()  # the files are gone once read
    page = client.get(response.url).content.decode()
    assert "Check the import before applying it" in page
    assert (
        "new child, in care since 1 May 2023 (full care order); placement foster care "
        "(independent agency) from 10 January 2024"
    ) in page
    assert "Refresh" not in client.get(response.url).headers
    run.refresh_from_db()
    response = post(reverse("exchange:apply", args=[run.pk]),
                           {"fingerprint": run.summary["fingerprint"]})  # fmt: skip
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.state == ImportRun.State.APPLIED and run.applied_by == vs_officer
    assert Child.objects.count() == 2
    listing = client.get(reverse("children:virtual_school_children")).content.decode()
    assert "Child A1 (name not recorded)" in listing
    assert school.name in listing and "Foster care (independent agency)" in listing
    assert AuditEvent.objects.filter(action="import.confirmed", actor=vs_officer).exists()
    # The same files again: nothing to change.
    post(reverse("exchange:upload_ssda903"), _upload(two_children(school.urn)))
    again = ImportRun.objects.first()
    assert again.counts["unchanged"] == 2 and again.counts["create"] == again.counts["change"] == 0


def test_refused_rows_are_listed_and_must_be_skipped_knowingly(client, post, virtual_school, school,
                                                               vs_head):  # fmt: skip
    client.force_login(vs_head)
    post(reverse("exchange:upload_ssda903"), _upload(two_children("999999")))
    run = ImportRun.objects.get()
    page = client.get(reverse("exchange:detail", args=[run.pk])).content.decode()
    assert "URN 999999 is not a school in PEP Portal&#x27;s register" in page
    assert '<td class="govuk-table__cell">4</td>' in page  # its line number
    fingerprint = run.summary["fingerprint"]
    response = post(reverse("exchange:apply", args=[run.pk]), {"fingerprint": fingerprint})
    assert response.status_code == 400
    assert "choose to skip the refused rows" in response.content.decode()
    assert not Child.objects.exists()
    post(reverse("exchange:apply", args=[run.pk]),
                {"fingerprint": fingerprint, "skip_refused": "on"})  # fmt: skip
    assert list(Child.objects.values_list("council_child_id", flat=True)) == ["A2"]
    event = AuditEvent.objects.get(action="import.applied")
    assert event.actor == vs_head and event.changes["skipped_refused_rows"] == [None, True]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "This is not a CSV file"),
        (b"CHILD,SEX,BIRTH\nA1,2,01/01/2014\n", "are missing"),
        (b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n" + b"x" * (50 * 1024 * 1024), "is 50 MB"),
    ],
)
def test_a_wrong_file_is_refused_next_to_its_field(client, virtual_school, school, vs_officer,
                                                   content, message):  # fmt: skip
    client.force_login(vs_officer)
    files = _upload(two_children(school.urn))
    files["header"] = SimpleUploadedFile("header.csv", content)
    response = client.post(reverse("exchange:upload_ssda903"), files)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert 'href="#id_header"' in page
    assert not ImportRun.objects.exists()


def test_a_running_import_refreshes_its_page(client, virtual_school, vs_officer):
    run = ImportRunFactory(virtual_school=virtual_school, created_by=vs_officer,
                           state=ImportRun.State.APPLYING)  # fmt: skip
    client.force_login(vs_officer)
    response = client.get(reverse("exchange:detail", args=[run.pk]))
    assert response.headers["Refresh"] == "3"
    assert "Check progress" in response.content.decode()


def test_the_feed_is_uploaded_checked_and_applied(client, post, virtual_school, school, vs_officer,
                                                  social_worker, carer):  # fmt: skip
    columns = ("council_child_id,legal_first_name,legal_last_name,preferred_name,date_of_birth,"
               "gender,upn,legal_status,date_entered_care,date_left_care,social_worker_email,"
               "allocated_from,placement_type,placement_start,carer_emails,school_urn,"
               "school_start")  # fmt: skip
    row = (f"F1,Noah,Williams,,14/03/2014,male,,full_care_order,01/05/2023,,"
           f"{social_worker.email},01/05/2023,foster_care,01/05/2023,{carer.email},"
           f"{school.urn},04/09/2023")  # fmt: skip
    client.force_login(vs_officer)
    post(reverse("exchange:upload_feed"), _upload({"feed": csv_file("feed.csv", columns,
                                                                           row)}))  # fmt: skip
    run = ImportRun.objects.get()
    assert run.counts["create"] == 1, run.summary
    post(reverse("exchange:apply", args=[run.pk]),
                {"fingerprint": run.summary["fingerprint"]})  # fmt: skip
    child = Child.objects.get(council_child_id="F1")
    assert child.display_name == "Noah Williams"
    assert child.allocations.get().social_worker == social_worker
    assert list(child.placements.get().carers.all()) == [carer]
    assert child.enrolments.get().school == school


def test_only_the_import_item_is_current_in_the_navigation_on_an_import_page(client, vs_officer):
    client.force_login(vs_officer)
    page = client.get(reverse("exchange:index")).content.decode()
    assert page.count('aria-current="page"') == 1
    current = page.split('aria-current="page"')[1][:120]
    assert "Import children" in current


def test_the_import_pages_have_a_query_budget(client, virtual_school, vs_officer,
                                              django_assert_max_num_queries):  # fmt: skip
    runs = [ImportRunFactory(virtual_school=virtual_school, created_by=vs_officer)
            for _ in range(25)]  # fmt: skip
    client.force_login(vs_officer)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("exchange:index")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("exchange:detail", args=[runs[0].pk])).status_code == 200
