from datetime import date

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from audit.models import AuditEvent
from audit.services import audit_changes, audit_record
from tests.audit.factories import AuditEventFactory

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's"
)


def test_changes_hold_only_what_changed_as_plain_values():
    changes = audit_changes(
        {"name": "Ava", "born": date(2015, 1, 2), "same": 1},
        {"name": "Eva", "born": date(2015, 1, 3), "same": 1},
    )
    assert changes == {"born": ["2015-01-02", "2015-01-03"], "name": ["Ava", "Eva"]}


@pytest.mark.django_db(transaction=True)
def test_an_event_outside_a_transaction_is_refused(social_worker):
    with pytest.raises(RuntimeError, match="inside the change's transaction"):
        audit_record(actor=social_worker, action="child.viewed")


def test_an_event_names_the_actor_and_their_role(db, social_worker):
    with transaction.atomic():
        event = audit_record(actor=social_worker, action="test.done", obj=social_worker)
    assert event.actor_role == "social_worker"
    assert event.object_type == "accounts.user"
    assert event.object_id == str(social_worker.pk)


def test_an_event_rolls_back_with_the_change(db, social_worker):
    with pytest.raises(ValueError), transaction.atomic():
        audit_record(actor=social_worker, action="test.done")
        raise ValueError("the change failed")
    assert not AuditEvent.objects.exists()


@on_postgresql
def test_postgresql_refuses_to_update_an_event(db):
    event = AuditEventFactory()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")


@on_postgresql
def test_postgresql_refuses_to_delete_an_event(db):
    event = AuditEventFactory()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()
