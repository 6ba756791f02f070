"""The API for the social-care system: what a token reaches, what it writes, what is audited."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken, Role
from audit.models import AuditEvent
from children.models import Child
from children.selectors import children_visible_to
from peps.documents.storage import private_storage
from tests.accounts.factories import ApiTokenFactory, SchoolFactory, UserFactory
from tests.children.factories import ChildFactory, EnrolmentFactory, PlacementFactory
from tests.peps.factories import SignedOffCopyFactory, SignedOffPepFactory


class Api:
    """A client that calls the API with a token."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, url, **params):
        return self.client.get(url, params, headers=self.headers)

    def post(self, url, data):
        return self.client.post(url, data, content_type="application/json", headers=self.headers)

    def patch(self, url, data):
        return self.client.patch(url, data, content_type="application/json", headers=self.headers)


@pytest.fixture
def token(world):
    return ApiTokenFactory(virtual_school=world.virtual_school)


@pytest.fixture
def api(token):
    return Api(token.token)


@pytest.fixture
def other_child(world):
    """A child of another council, with a school, a placement and a signed-off PEP."""
    child = ChildFactory(virtual_school=world.other_vs_officer.virtual_school)
    EnrolmentFactory(child=child)
    PlacementFactory(child=child)
    return child


def _copy(pep):
    pdf = b"%PDF-1.7 the signed-off copy"
    name = private_storage().save(f"peps/{pep.pk}.pdf", ContentFile(pdf))
    return SignedOffCopyFactory(
        pep=pep,
        file_name=name,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        rendered_at=timezone.now(),
    )


# Every endpoint about one child or PEP, for the access test: (name, method, kwargs, body).
CHILD_ENDPOINTS = [
    ("api:child", "get", {}, None),
    ("api:child", "patch", {}, {"preferred_name": "X"}),
    ("api:enrolments", "get", {}, None),
    ("api:enrolments", "post", {}, {"school_urn": "100000", "start_date": "2026-09-01"}),
    ("api:allocations", "get", {}, None),
    ("api:allocations", "post", {}, {"social_worker_email": "a@example.org"}),
    ("api:placements", "get", {}, None),
    ("api:placements", "post", {}, {"placement_type": "foster_care", "start_date": "2026-09-01"}),
    ("api:enrolment_end", "post", {"period_id": "enrolment"}, {"end_date": "2026-09-01"}),
    ("api:placement_end", "post", {"period_id": "placement"}, {"end_date": "2026-09-01"}),
    ("api:peps", "get", {}, None),
]


@pytest.mark.parametrize(
    ("name", "method", "kwargs", "body"),
    CHILD_ENDPOINTS,
    ids=[f"{e[0]}-{e[1]}" for e in CHILD_ENDPOINTS],
)
def test_another_councils_child_is_not_found_on_every_endpoint(
    api, other_child, name, method, kwargs, body
):
    kwargs = {"child_id": other_child.pk} | {
        key: getattr(other_child, f"{value}s").get().pk for key, value in kwargs.items()
    }
    url = reverse(name, kwargs=kwargs)
    response = getattr(api, method)(url, body) if body is not None else api.get(url)
    assert response.status_code == 404, response.content
    other_child.refresh_from_db()
    assert other_child.preferred_name != "X"


def test_another_councils_children_are_not_listed_or_found_by_their_id(api, world, other_child):
    response = api.get(reverse("api:children"))
    ids = {c["id"] for c in response.json()["results"]}
    assert ids == set(world.virtual_school.children.values_list("pk", flat=True))
    assert world.child.pk in ids and other_child.pk not in ids
    other_id = api.get(reverse("api:children"), council_child_id=other_child.council_child_id)
    assert other_id.json()["results"] == []


def test_another_councils_signed_off_copy_is_not_found(api, other_child):
    pep = SignedOffPepFactory(child=other_child)
    _copy(pep)
    assert api.get(reverse("api:signed_off_copy", args=[pep.pk])).status_code == 404


ALL_ENDPOINTS = [
    ("api:children", {}),
    ("api:child", {"child_id": 1}),
    ("api:enrolments", {"child_id": 1}),
    ("api:allocations", {"child_id": 1}),
    ("api:placements", {"child_id": 1}),
    ("api:peps", {"child_id": 1}),
    ("api:signed_off_copy", {"pep_id": 1}),
]


@pytest.mark.parametrize(("name", "kwargs"), ALL_ENDPOINTS, ids=[e[0] for e in ALL_ENDPOINTS])
def test_without_a_valid_token_nothing_is_reached(world, token, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    assert Api(None).get(url).status_code == 401
    assert Api("pep_not-a-token").get(url).status_code == 401
    # A signed-in person's session is not a credential for the API.
    session = Client()
    session.force_login(world.vs_officer)
    assert session.get(url).status_code == 401
    token.revoked_at = timezone.now()
    token.save()
    assert Api(token.token).get(url).status_code == 401


def test_a_token_reaches_its_virtual_schools_children_and_every_call_is_audited(api, world):
    response = api.get(reverse("api:child", args=[world.child.pk]))
    assert response.status_code == 200
    body = response.json()
    assert body["council_child_id"] == world.child.council_child_id
    assert body["current_school_urn"] == world.school.urn
    assert body["current_social_worker_email"] == world.allocated_social_worker.email
    event = AuditEvent.objects.filter(action="api.called").latest("pk")
    assert event.child == world.child
    assert event.actor.api_tokens.get().name == "Mosaic"
    assert event.changes["status"] == [None, 200]
    assert event.changes["endpoint"] == [None, "api:child"]
    Api(None).get(reverse("api:children"))
    refused = AuditEvent.objects.filter(action="api.called").latest("pk")
    assert refused.actor is None and refused.changes["status"] == [None, 401]


def test_the_social_care_system_creates_and_updates_a_child(api, world):
    data = {
        "council_child_id": "LCS-9001",
        "legal_first_name": "Remi",
        "legal_last_name": "Okoro",
        "date_of_birth": "2015-03-04",
        "gender": "male",
        "date_entered_care": "2024-01-10",
        "legal_status": Child.LegalStatus.choices[0][0],
        "sen_status": Child.SenStatus.choices[0][0],
    }
    response = api.post(reverse("api:children"), data)
    assert response.status_code == 201, response.content
    child = Child.objects.get(council_child_id="LCS-9001")
    assert child.virtual_school == world.virtual_school
    assert AuditEvent.objects.filter(action="child.created", child=child).exists()
    # The Virtual School's staff see the child at once.
    assert children_visible_to(user=world.vs_officer).filter(pk=child.pk).exists()
    response = api.patch(reverse("api:child", args=[child.pk]), {"preferred_name": "Rem"})
    assert response.status_code == 200 and response.json()["preferred_name"] == "Rem"
    assert AuditEvent.objects.filter(action="child.updated", child=child).exists()
    # The same council id again is refused next to the field, and nothing is saved.
    again = api.post(reverse("api:children"), data)
    assert again.status_code == 400
    assert "council_child_id" in again.json()
    assert Child.objects.filter(council_child_id="LCS-9001").count() == 1


def test_bad_input_is_a_400_naming_the_field(api, world):
    url = reverse("api:child", args=[world.child.pk])
    assert "upn" in api.patch(url, {"upn": "A12345678901X"}).json()
    assert "date_of_birth" in api.patch(url, {"date_of_birth": "0001-01-01"}).json()
    assert "date_of_birth" in api.patch(url, {"date_of_birth": "2031-13-01"}).json()
    response = api.post(
        reverse("api:enrolments", args=[world.child.pk]),
        {"school_urn": "999999", "start_date": "2026-09-01"},
    )
    assert response.status_code == 400 and "school_urn" in response.json()


def test_a_school_move_a_case_transfer_and_a_new_placement(api, world):
    child = world.child
    school = SchoolFactory(name="Hilltop Academy")
    today = timezone.localdate()
    response = api.post(
        reverse("api:enrolments", args=[child.pk]),
        {"school_urn": school.urn, "start_date": today.isoformat(), "replaces_current": True},
    )
    assert response.status_code == 201, response.content
    assert child.enrolments.get(end_date__isnull=True).school == school

    worker = UserFactory(role=Role.SOCIAL_WORKER, virtual_school=world.virtual_school)
    response = api.post(
        reverse("api:allocations", args=[child.pk]), {"social_worker_email": worker.email}
    )
    assert response.status_code == 201, response.content
    assert child.allocations.get(end_date__isnull=True).social_worker == worker
    stranger = UserFactory(role=Role.SOCIAL_WORKER)
    refused = api.post(
        reverse("api:allocations", args=[child.pk]), {"social_worker_email": stranger.email}
    )
    assert refused.status_code == 400 and "social_worker_email" in refused.json()

    carer = UserFactory(role=Role.CARER)
    response = api.post(
        reverse("api:placements", args=[child.pk]),
        {
            "placement_type": "foster_care",
            "carer_emails": [carer.email],
            "start_date": today.isoformat(),
            "replaces_current": True,
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["carer_emails"] == [carer.email]
    placement = child.placements.get(end_date__isnull=True)
    response = api.post(
        reverse("api:placement_end", args=[child.pk, placement.pk]),
        {"end_date": today.isoformat()},
    )
    assert response.status_code == 200, response.content
    assert response.json()["end_date"] == today.isoformat()
    assert not child.placements.filter(end_date__isnull=True).exists()


def test_the_peps_state_due_date_and_signed_off_copy(api, world, pep):
    signed = SignedOffPepFactory(child=world.child, term=pep.term)
    _copy(signed)
    response = api.get(reverse("api:peps", args=[world.child.pk]))
    assert response.status_code == 200
    by_id = {p["id"]: p for p in response.json()}
    assert by_id[pep.pk]["state"] == "draft" and by_id[pep.pk]["signed_off_copy"] is None
    assert by_id[pep.pk]["due_date"] == (pep.due_date.isoformat() if pep.due_date else None)
    copy = by_id[signed.pk]["signed_off_copy"]
    assert copy["download"] == reverse("api:signed_off_copy", args=[signed.pk])
    pdf = api.get(copy["download"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content == b"%PDF-1.7 the signed-off copy"
    assert AuditEvent.objects.filter(action="pep.copy_downloaded", child=world.child).exists()
    # A PEP in progress has no copy to download.
    assert api.get(reverse("api:signed_off_copy", args=[pep.pk])).status_code == 404


def test_the_schema_is_published_without_a_token(client, db):
    response = client.get("/api/schema/", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert "/api/children/{child_id}/peps/" in response.content.decode()


@pytest.mark.django_db
def test_the_command_makes_a_token_shown_once(capsys, virtual_school):
    from django.core.management import call_command

    call_command("create_api_token", "--virtual-school", virtual_school.local_authority_code, "LCS")
    token = capsys.readouterr().out.strip().splitlines()[-1]
    row = ApiToken.objects.get()
    assert token.startswith("pep_") and row.digest != token and row.prefix == token[:8]
    assert row.user.virtual_school == virtual_school and not row.user.has_usable_password()
    assert row.user.role == Role.VIRTUAL_SCHOOL_OFFICER


def test_the_administrator_revokes_a_token_in_the_admin(client, world, token, api):
    client.force_login(UserFactory(role=Role.SYSTEM_ADMINISTRATOR))
    changelist = reverse("admin:accounts_apitoken_changelist")
    assert token.prefix in client.get(changelist).content.decode()
    client.post(changelist, {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1
    assert api.get(reverse("api:children")).status_code == 401


def test_a_huge_page_size_or_offset_is_capped_not_a_server_error(api, world):
    # Found by schemathesis: a limit past the database's integer range was a 500.
    url = reverse("api:enrolments", args=[world.child.pk])
    assert api.get(url, limit=10**30).status_code == 200
    assert api.get(url, offset=10**30).json()["results"] == []
