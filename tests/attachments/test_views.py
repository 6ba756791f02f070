"""Attaching documents (clean, infected, disguised, too large, scanner down) and who may list,
attach, share and download them: every persona of the access rules."""

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attachments.models import Attachment
from audit.models import AuditEvent
from peps.documents import printing
from tests.attachments.clamd import EICAR
from tests.attachments.factories import PDF_BYTES, AttachmentFactory, SharedAttachmentFactory
from tests.conftest import CAN_SEE_THE_CHILD, PERSONAS
from tests.helpers import date_fields
from tests.peps.pdf import pdf_text

ATTACHERS = {"allocated_social_worker", "designated_teacher", "vs_officer", "vs_head"}
VIRTUAL_SCHOOL = {"vs_officer", "vs_head"}


def _form(upload, *, attach_to="child", kind="school_report") -> dict:
    return {
        "attach_to": attach_to,
        "kind": kind,
        **date_fields("document_date", date(2026, 11, 20)),
        "description": "Autumn term report",
        "file": upload,
    }


def _stored_files() -> list[Path]:
    root = Path(settings.STORAGES["private"]["OPTIONS"]["location"]) / "attachments"
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_clean_file_is_scanned_stored_and_downloaded_as_it_was(world, as_persona, clamd):
    client = as_persona("designated_teacher")
    url = reverse("attachments:attach", args=[world.child.pk])
    upload = SimpleUploadedFile("Ava Smith report.pdf", PDF_BYTES, content_type="text/plain")
    response = client.post(url, _form(upload))
    attachment = Attachment.objects.get()
    assert response.status_code == 302
    assert response.url.endswith(f"#document-{attachment.pk}")
    assert attachment.child == world.child and attachment.pep is None
    assert attachment.content_type == "application/pdf"  # from its bytes, not the browser
    assert attachment.uploaded_by == world.designated_teacher
    assert attachment.scan_result == "No virus found by ClamAV"
    assert len(_stored_files()) == 1
    assert AuditEvent.objects.filter(action="attachment.added", child=world.child).exists()

    officer = as_persona("vs_officer")
    listing = officer.get(reverse("attachments:child_documents", args=[world.child.pk]))
    assert "Autumn term report" in listing.content.decode()
    download = officer.get(reverse("attachments:download", args=[attachment.pk]))
    assert download.status_code == 200
    assert _body(download) == PDF_BYTES
    assert download["Content-Type"] == "application/pdf"
    assert download["Cache-Control"] == "private, no-store"
    assert download["X-Content-Type-Options"] == "nosniff"
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert world.child.council_child_id.lower() in disposition.lower()
    assert "smith" not in disposition.lower()
    event = AuditEvent.objects.get(action="attachment.downloaded")
    assert event.actor == world.vs_officer and event.child == world.child


def test_a_file_attached_to_the_pep_in_progress(world, as_persona, clamd, pep):
    client = as_persona("allocated_social_worker")
    url = reverse("attachments:attach", args=[world.child.pk])
    form = client.get(f"{url}?pep={pep.pk}").context["form"]
    assert form["attach_to"].value() == str(pep.pk)
    upload = SimpleUploadedFile("plan.txt", b"EHC plan: annual review notes\n")
    response = client.post(url, _form(upload, attach_to=str(pep.pk), kind="ehc_plan"))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.pep == pep and attachment.file_type == "Plain text"
    overview = client.get(reverse("peps:overview", args=[pep.pk])).content.decode()
    assert reverse("attachments:download", args=[attachment.pk]) in overview


def test_the_eicar_file_is_refused_with_a_clear_message_and_nothing_is_stored(
    world, as_persona, clamd
):
    client = as_persona("designated_teacher")
    upload = SimpleUploadedFile("homework.txt", b"My homework\n" + EICAR)
    response = client.post(reverse("attachments:attach", args=[world.child.pk]), _form(upload))
    page = response.content.decode()
    assert response.status_code == 400
    assert "the virus scanner found a virus in it" in page
    assert "govuk-error-summary" in page
    assert 'value="Autumn term report"' in page  # the person's input is kept
    assert not Attachment.objects.exists()
    assert _stored_files() == []
    refused = AuditEvent.objects.get(action="attachment.refused_virus")
    assert refused.child == world.child and "EICAR" in refused.changes["signature"][1]


def test_a_renamed_executable_is_refused_by_its_content(world, as_persona, clamd):
    client = as_persona("designated_teacher")
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
    upload = SimpleUploadedFile("school-report.pdf", exe, content_type="application/pdf")
    response = client.post(reverse("attachments:attach", args=[world.child.pk]), _form(upload))
    assert response.status_code == 400
    assert "whatever its name says" in response.content.decode()
    assert not Attachment.objects.exists() and _stored_files() == []


def test_an_oversize_file_is_refused(world, as_persona, clamd):
    client = as_persona("designated_teacher")
    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024))
    response = client.post(reverse("attachments:attach", args=[world.child.pk]), _form(upload))
    assert response.status_code == 400
    assert "the largest that can be attached is 20 MB" in response.content.decode()
    assert not Attachment.objects.exists() and _stored_files() == []


def test_without_the_scanner_nothing_is_stored_unscanned(world, as_persona, settings, tmp_path):
    settings.CLAMD_ADDRESS = f"unix://{tmp_path}/no-clamd.sock"
    client = as_persona("designated_teacher")
    upload = SimpleUploadedFile("report.pdf", PDF_BYTES)
    response = client.post(reverse("attachments:attach", args=[world.child.pk]), _form(upload))
    assert response.status_code == 400
    assert "the virus scanner cannot be reached just now" in response.content.decode()
    assert not Attachment.objects.exists() and _stored_files() == []


def test_a_pep_of_another_child_cannot_be_chosen(world, as_persona, clamd, pep):
    other = AttachmentFactory().child  # another child, of another council
    client = as_persona("vs_officer")
    upload = SimpleUploadedFile("report.pdf", PDF_BYTES)
    response = client.post(
        reverse("attachments:attach", args=[world.child.pk]),
        _form(upload, attach_to=str(pep.pk + 1000)),
    )
    assert response.status_code == 400
    assert Attachment.objects.count() == 1  # only the other child's
    assert client.get(reverse("attachments:child_documents", args=[other.pk])).status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_open_the_attach_page(as_persona, world, persona):
    response = as_persona(persona).get(reverse("attachments:attach", args=[world.child.pk]))
    if persona == "anonymous":
        assert response.status_code == 302
    elif persona in ATTACHERS:
        assert response.status_code == 200
    elif persona in CAN_SEE_THE_CHILD:  # the reviewing officer reads, and attaches nothing
        assert response.status_code == 403
    else:
        assert response.status_code == 404


def test_a_reader_cannot_post_a_file_either(world, as_persona, clamd):
    client = as_persona("reviewing_officer")
    upload = SimpleUploadedFile("report.pdf", PDF_BYTES)
    response = client.post(reverse("attachments:attach", args=[world.child.pk]), _form(upload))
    assert response.status_code == 403
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_the_list_of_documents(as_persona, world, persona):
    AttachmentFactory(child=world.child, description="Reading assessment")
    response = as_persona(persona).get(
        reverse("attachments:child_documents", args=[world.child.pk])
    )
    if persona == "anonymous":
        assert response.status_code == 302
    elif persona in CAN_SEE_THE_CHILD:
        page = response.content.decode()
        assert response.status_code == 200
        assert "Reading assessment" in page
        assert ("Attach a document" in page) == (persona in ATTACHERS)
        assert ("Share with carers" in page) == (persona in VIRTUAL_SCHOOL)
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("shared", [False, True])
@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_download_a_document(as_persona, world, persona, shared):
    attachment = AttachmentFactory(child=world.child, shared_with_carers=shared)
    response = as_persona(persona).get(reverse("attachments:download", args=[attachment.pk]))
    if persona == "anonymous":
        assert response.status_code == 302
    elif persona in CAN_SEE_THE_CHILD or (persona == "carer" and shared):
        assert response.status_code == 200
        assert _body(response) == PDF_BYTES
    else:
        assert response.status_code == 404


def test_someone_elses_document_is_not_found(as_persona, world):
    elsewhere = SharedAttachmentFactory()  # another council's child, shared with its carers
    for persona in ("vs_officer", "allocated_social_worker", "designated_teacher", "carer"):
        client = as_persona(persona)
        assert client.get(reverse("attachments:download", args=[elsewhere.pk])).status_code == 404
        share = client.post(reverse("attachments:share", args=[elsewhere.pk]), {"shared": "no"})
        assert share.status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_virtual_school_shares_a_document_with_carers(as_persona, world, persona):
    attachment = AttachmentFactory(child=world.child)
    response = as_persona(persona).post(
        reverse("attachments:share", args=[attachment.pk]), {"shared": "yes"}
    )
    attachment.refresh_from_db()
    if persona == "anonymous":
        assert response.status_code == 302
    elif persona in VIRTUAL_SCHOOL:
        assert response.status_code == 302
        assert attachment.shared_with_carers and attachment.shared_by == world.people[persona]
        assert AuditEvent.objects.filter(action="attachment.shared").count() == 1
    elif persona in CAN_SEE_THE_CHILD:
        assert response.status_code == 403
    else:
        assert response.status_code == 404
    if persona not in VIRTUAL_SCHOOL:
        assert not attachment.shared_with_carers


def test_the_carer_sees_a_document_once_it_is_shared_and_not_after(as_persona, world):
    attachment = AttachmentFactory(child=world.child, description="Spring report")
    carer = as_persona("carer")
    home = reverse("children:carer_home")
    download = reverse("attachments:download", args=[attachment.pk])
    assert "Spring report" not in carer.get(home).content.decode()
    assert carer.get(download).status_code == 404

    officer = as_persona("vs_officer")
    officer.post(reverse("attachments:share", args=[attachment.pk]), {"shared": "yes"})
    carer = as_persona("carer")
    assert "Spring report" in carer.get(home).content.decode()
    assert carer.get(download).status_code == 200
    other = as_persona("other_carer")
    assert "Spring report" not in other.get(home).content.decode()
    assert other.get(download).status_code == 404

    officer = as_persona("vs_officer")
    officer.post(reverse("attachments:share", args=[attachment.pk]), {"shared": "no"})
    carer = as_persona("carer")
    assert carer.get(download).status_code == 404
    assert AuditEvent.objects.filter(action="attachment.unshared").count() == 1


def test_the_list_of_documents_costs_the_same_for_many(
    as_persona, world, django_assert_max_num_queries
):
    client = as_persona("vs_officer")
    url = reverse("attachments:child_documents", args=[world.child.pk])
    AttachmentFactory(child=world.child)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    AttachmentFactory.create_batch(10, child=world.child)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_signed_off_copy_lists_the_documents_attached_before_sign_off(
    world, submitted_pep, sign_off
):
    AttachmentFactory(child=world.child, pep=submitted_pep, description="Autumn report")
    AttachmentFactory(child=world.child, kind="ehc_plan", description="EHC plan 2026")
    pep = sign_off(submitted_pep)
    AttachmentFactory(child=world.child, description="Added after sign-off")
    from peps.documents.storage import private_storage

    with private_storage().open(pep.signed_off_copy.file_name, "rb") as handle:
        text = pdf_text(handle.read())
    assert "Attached documents" in text
    assert "Autumn report" in text and "EHC plan 2026" in text
    assert "Added after sign-off" not in text
    assert "Added after sign-off" not in printing.pep_html(pep, draft=False)
