"""The signed-off copy: rendered once on sign-off, stored privately with its hash, never
changed; a failed render leaves the PEP signed off and is tried again; carers are told."""

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from children import services as children_services
from pep_portal.celery import app as celery_app
from peps import demo, tasks, workflow
from peps.documents import copies, printing
from peps.documents.storage import private_storage
from peps.models import Pep, SignedOffCopy
from tests.peps.factories import SignedOffCopyFactory
from tests.peps.pdf import pdf_text


def _stored_bytes(copy: SignedOffCopy) -> bytes:
    with private_storage().open(copy.file_name, "rb") as handle:
        return handle.read()


def test_sign_off_stores_one_copy_whose_hash_and_size_match(signed_off_pep):
    copy = signed_off_pep.signed_off_copy
    assert copy.is_ready
    stored = _stored_bytes(copy)
    assert hashlib.sha256(stored).hexdigest() == copy.sha256
    assert len(stored) == copy.size
    assert stored.startswith(b"%PDF-")
    assert signed_off_pep.child.legal_last_name in pdf_text(stored)
    event = AuditEvent.objects.get(action="pep.copy_stored")
    assert event.child_id == signed_off_pep.child_id
    assert event.changes["sha256"] == [None, copy.sha256]


def test_rendering_again_leaves_the_stored_copy_as_it_was(signed_off_pep):
    before = SignedOffCopy.objects.get(pep=signed_off_pep)
    files_before = private_storage().listdir(f"signed-off/{signed_off_pep.pk}")
    after = copies.signed_off_copy_render(pep_id=signed_off_pep.pk)
    assert (after.file_name, after.sha256, after.rendered_at) == (
        before.file_name,
        before.sha256,
        before.rendered_at,
    )
    assert private_storage().listdir(f"signed-off/{signed_off_pep.pk}") == files_before
    assert AuditEvent.objects.filter(action="pep.copy_stored").count() == 1


def test_the_copy_is_owed_from_the_moment_of_sign_off(world, submitted_pep):
    """Without the commit (so without the render), the copy exists and says it is not ready."""
    workflow.pep_sign_off(
        pep=submitted_pep, actor=world.vs_officer,
        section_ratings=demo.all_green(submitted_pep), feedback="",
    )  # fmt: skip
    copy = SignedOffCopy.objects.get(pep=submitted_pep)
    assert not copy.is_ready and not copy.has_failed


@pytest.fixture
def broken_print(monkeypatch):
    """The print template with an image that cannot be loaded, as a broken logo would be."""
    real = printing.pep_html

    def with_a_broken_image(pep, *, draft):
        return real(pep, draft=draft).replace(
            "<main>", '<main><img src="images/missing-logo.png" alt="Council logo">'
        )

    monkeypatch.setattr(printing, "pep_html", with_a_broken_image)


def test_a_render_that_fails_leaves_the_pep_signed_off_and_is_retried(
    world, submitted_pep, broken_print, sign_off
):
    sign_off(submitted_pep)
    assert submitted_pep.state == Pep.State.SIGNED_OFF
    assert Pep.objects.filter(previous=submitted_pep).exists()  # next term's PEP started
    copy = SignedOffCopy.objects.get(pep=submitted_pep)
    assert not copy.is_ready
    assert copy.has_failed
    assert copy.attempts == 1
    assert "missing-logo.png" in copy.last_error
    failed = AuditEvent.objects.get(action="pep.copy_failed")
    assert failed.child_id == submitted_pep.child_id
    assert "missing-logo.png" in failed.changes["last_error"][1]
    assert private_storage().exists(f"signed-off/{submitted_pep.pk}") is False
    assert mail.outbox == []  # nobody is told of a copy that does not exist


def test_the_render_task_retries_three_times_and_records_each_attempt(
    world, submitted_pep, broken_print
):
    workflow.pep_sign_off(
        pep=submitted_pep, actor=world.vs_officer,
        section_ratings=demo.all_green(submitted_pep), feedback="",
    )  # fmt: skip
    # As a worker would: a failure is retried rather than raised (in-process, at once).
    celery_app.conf.task_eager_propagates = False
    result = tasks.render_signed_off_copy.apply(kwargs={"pep_id": submitted_pep.pk})
    assert result.state == "FAILURE"
    assert isinstance(result.result, printing.RenderFailed)
    copy = SignedOffCopy.objects.get(pep=submitted_pep)
    assert copy.attempts == 4  # the first and three retries
    assert not copy.is_ready


def test_the_failure_is_shown_to_the_virtual_school_and_not_to_the_carer(
    client, world, submitted_pep, broken_print, sign_off
):
    sign_off(submitted_pep)
    client.force_login(world.vs_officer)
    overview = client.get(reverse("peps:overview", args=[submitted_pep.pk])).content.decode()
    assert "The signed-off copy could not be made (1 attempt)" in overview
    queue = client.get(reverse("peps:quality_queue")).content.decode()
    assert "Signed-off copies not made yet" in queue
    assert "1 attempt failed" in queue
    download = client.get(reverse("peps:signed_off_copy", args=[submitted_pep.pk]))
    assert download.status_code == 200
    assert "The signed-off copy is being prepared" in download.content.decode()
    assert "missing-logo.png" in download.content.decode()
    assert reverse("peps:overview", args=[submitted_pep.pk]) in download.content.decode()
    client.force_login(world.carer)
    download = client.get(reverse("peps:signed_off_copy", args=[submitted_pep.pk]))
    assert download.status_code == 200
    assert "The signed-off copy is being prepared" in download.content.decode()
    assert "missing-logo.png" not in download.content.decode()
    assert "Back to your children" in download.content.decode()


def test_the_hourly_job_makes_a_copy_that_failed_once_the_fault_is_mended(
    world, submitted_pep, monkeypatch, sign_off
):
    monkeypatch.setattr(printing, "html_to_pdf", _failing)
    sign_off(submitted_pep)
    monkeypatch.undo()
    assert copies.signed_off_copies_retry() == 0  # tried just now: not yet
    later = timezone.now() + copies.RETRY_AFTER + timedelta(minutes=1)
    with time_machine.travel(later):
        assert copies.signed_off_copies_retry() == 1
    copy = SignedOffCopy.objects.get(pep=submitted_pep)
    assert copy.is_ready and copy.last_error == ""
    assert copy.attempts == 2


def _failing(html):
    raise printing.RenderFailed("Error fetching a file")


def test_the_hourly_job_renders_a_copy_whose_task_was_lost(db):
    lost = SignedOffCopyFactory()
    SignedOffCopy.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(hours=2))
    recent = SignedOffCopyFactory()
    assert copies.signed_off_copies_retry() == 1
    lost.refresh_from_db()
    recent.refresh_from_db()
    assert lost.is_ready
    assert not recent.is_ready


def test_the_carers_are_emailed_once_and_the_email_names_no_child(world, signed_off_pep):
    assert [message.to for message in mail.outbox] == [[world.carer.email]]
    message = mail.outbox[0]
    child = signed_off_pep.child
    for name in (child.legal_first_name, child.legal_last_name):
        assert name not in message.subject + message.body
    assert reverse("children:carer_home") in message.body
    told = AuditEvent.objects.get(action="pep.copy_carers_told")
    assert told.changes["carers"] == [None, [world.carer.pk]]
    assert copies.carers_tell_copy_ready(copy_id=signed_off_pep.signed_off_copy.pk) == 0
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="pep.copy_carers_told").count() == 1


def test_a_carer_whose_placement_ended_is_not_emailed(world, submitted_pep, sign_off):
    children_services.placement_end(
        actor=world.vs_officer, placement=world.placement, end_date=timezone.localdate()
    )
    sign_off(submitted_pep)
    assert SignedOffCopy.objects.get(pep=submitted_pep).is_ready
    assert mail.outbox == []


def test_private_files_have_no_address(signed_off_pep):
    with pytest.raises(ValueError, match="no URL"):
        private_storage().url(signed_off_pep.signed_off_copy.file_name)


def test_a_copy_another_worker_stored_first_is_kept(world, submitted_pep, monkeypatch):
    workflow.pep_sign_off(
        pep=submitted_pep, actor=world.vs_officer,
        section_ratings=demo.all_green(submitted_pep), feedback="",
    )  # fmt: skip
    theirs = copies.signed_off_copy_render(pep_id=submitted_pep.pk)
    # This worker read the row before theirs was stored, and rendered in the meantime.
    stale = SignedOffCopy.objects.get(pk=theirs.pk)
    stale.rendered_at = None
    monkeypatch.setattr(SignedOffCopy.objects, "select_related", lambda *names: _Returning(stale))
    kept = copies.signed_off_copy_render(pep_id=submitted_pep.pk)
    assert (kept.file_name, kept.sha256) == (theirs.file_name, theirs.sha256)
    assert private_storage().listdir(f"signed-off/{submitted_pep.pk}")[1] == [
        theirs.file_name.rsplit("/", 1)[1]
    ]
    assert AuditEvent.objects.filter(action="pep.copy_stored").count() == 1


class _Returning:
    """Stands in for the first read of the row, as it was before another worker stored it."""

    def __init__(self, row):
        self.row = row

    def get(self, **lookup):
        return self.row


def test_a_failure_to_store_is_recorded_and_leaves_no_file(world, submitted_pep, monkeypatch):
    workflow.pep_sign_off(
        pep=submitted_pep, actor=world.vs_officer,
        section_ratings=demo.all_green(submitted_pep), feedback="",
    )  # fmt: skip

    real_audit = copies.audit_record

    def audit_fails(**kwargs):
        if kwargs["action"] == "pep.copy_stored":
            raise OSError("audit trail unavailable")
        return real_audit(**kwargs)

    monkeypatch.setattr(copies, "audit_record", audit_fails)
    with pytest.raises(OSError):
        copies.signed_off_copy_render(pep_id=submitted_pep.pk)
    copy = SignedOffCopy.objects.get(pep=submitted_pep)
    assert not copy.is_ready and copy.file_name == ""
    assert copy.attempts == 1
    assert "audit trail unavailable" in copy.last_error
    assert private_storage().listdir(f"signed-off/{submitted_pep.pk}") == ([], [])


def test_a_stored_copy_that_was_altered_is_not_served(as_persona, signed_off_pep, caplog):
    copy = signed_off_pep.signed_off_copy
    path = private_storage().path(copy.file_name)
    with open(path, "r+b") as handle:
        handle.seek(-20, 2)
        handle.write(b"% altered afterwards")
    response = as_persona("carer").get(reverse("peps:signed_off_copy", args=[signed_off_pep.pk]))
    assert response.status_code == 503
    assert f"PEP {signed_off_pep.pk} cannot be served" in caplog.text
    assert not AuditEvent.objects.filter(action="pep.copy_downloaded").exists()


def test_a_draft_is_never_stored(as_persona, pep):
    response = as_persona("allocated_social_worker").get(reverse("peps:draft", args=[pep.pk]))
    assert response.status_code == 200
    assert not private_storage().exists("signed-off")
    assert not SignedOffCopy.objects.exists()


def test_each_of_two_carers_gets_an_email_of_their_own(world, submitted_pep, sign_off):
    from accounts.models import Role
    from tests.accounts.factories import UserFactory

    second = UserFactory(role=Role.CARER)
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        children_services.placement_end(
            actor=world.vs_officer, placement=world.placement, end_date=timezone.localdate()
        )
        children_services.placement_start(
            actor=world.vs_officer, child=world.child, placement_type="foster_care",
            carers=[world.carer, second], start_date=timezone.localdate(),
        )  # fmt: skip
        sign_off(submitted_pep)
    assert sorted(message.to for message in mail.outbox) == sorted(
        [[world.carer.email], [second.email]]
    )
