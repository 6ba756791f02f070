"""Invitations instead of typed passwords, changes to people, and bulk invitation by CSV."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, SingleSignOn, User
from audit.models import AuditEvent
from tests.accounts.factories import SchoolFactory, UserFactory, VirtualSchoolFactory

NEW_PASSWORD = "a-long-new-passphrase-2026"
LINK = re.escape(settings.SITE_URL) + r"(/account/invitation/\S+/)"


def _add(client, data, capture):
    with capture(execute=True):
        return client.post(reverse("accounts:person_add"), data)


def test_an_administrator_invites_a_teacher_who_chooses_a_password_once(
    client, system_administrator, django_capture_on_commit_callbacks
):
    school = SchoolFactory(urn="123456")
    client.force_login(system_administrator)
    data = {"full_name": "Dana Whitfield", "email": "Dana@Riverside.example",
            "role": Role.DESIGNATED_TEACHER, "school_urns": "123456"}  # fmt: skip
    response = _add(client, data, django_capture_on_commit_callbacks)
    assert response.url == reverse("accounts:people")
    dana = User.objects.get(email="dana@riverside.example")
    assert not dana.has_usable_password()
    assert list(dana.schools.all()) == [school]
    event = AuditEvent.objects.get(action="user.invited")
    assert event.actor == system_administrator
    assert event.changes["schools"] == [None, [school.pk]]
    (message,) = mail.outbox
    assert message.to == ["dana@riverside.example"]
    assert message.subject == "You have been given a PEP Portal account"
    assert "as a designated teacher" in message.body
    link = re.search(LINK, message.body).group(1)

    client.logout()
    page = client.get(link, follow=True)
    assert "Choose your password" in page.content.decode()
    response = client.post(
        page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.url == reverse("accounts:sign_in")
    dana.refresh_from_db()
    assert dana.check_password(NEW_PASSWORD)
    again = client.get(link, follow=True)
    assert "This link does not work" in again.content.decode()


def test_an_invitation_expires_after_72_hours(
    client, system_administrator, django_capture_on_commit_callbacks
):
    client.force_login(system_administrator)
    data = {"full_name": "Jo Bennett", "email": "jo@example.org", "role": Role.CARER}
    _add(client, data, django_capture_on_commit_callbacks)
    link = re.search(LINK, mail.outbox[0].body).group(1)
    client.logout()
    with time_machine.travel(timezone.now() + timedelta(hours=71)):
        assert "Choose your password" in client.get(link, follow=True).content.decode()
    with time_machine.travel(timezone.now() + timedelta(hours=73)):
        assert "This link does not work" in client.get(link, follow=True).content.decode()


def test_a_head_invites_staff_of_their_own_virtual_school_only(
    client, vs_head, django_capture_on_commit_callbacks
):
    client.force_login(vs_head)
    form = client.get(reverse("accounts:person_add")).content.decode()
    assert 'value="designated_teacher"' not in form
    assert 'name="virtual_school"' not in form
    data = {
        "full_name": "Sam Okafor",
        "email": "sam@northshire.example",
        "role": Role.SOCIAL_WORKER,
    }
    _add(client, data, django_capture_on_commit_callbacks)
    sam = User.objects.get(email="sam@northshire.example")
    assert sam.virtual_school == vs_head.virtual_school
    refused = _add(
        client,
        {"full_name": "X", "email": "x@example.org", "role": Role.DESIGNATED_TEACHER},
        django_capture_on_commit_callbacks,
    )
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    assert not User.objects.filter(email="x@example.org").exists()


def test_a_refused_form_keeps_what_was_typed(client, system_administrator):
    client.force_login(system_administrator)
    html = client.post(
        reverse("accounts:person_add"),
        {"full_name": "Ruth Adeyemi", "email": "not-an-email", "role": Role.REVIEWING_OFFICER},
    ).content.decode()
    assert "govuk-error-summary" in html
    assert 'value="Ruth Adeyemi"' in html
    assert "Enter an email address in the correct format" in html


def test_a_person_whose_council_signs_them_in_gets_a_sign_in_link_not_a_password_link(
    client, vs_head, django_capture_on_commit_callbacks
):
    SingleSignOn.objects.create(
        virtual_school=vs_head.virtual_school,
        issuer="https://login.example/tenant/v2.0",
        client_id="x",
        client_secret="y",
        email_domains="northshire.gov.uk",
    )
    client.force_login(vs_head)
    data = {"full_name": "Ama Mensah", "email": "ama@northshire.gov.uk", "role": Role.SOCIAL_WORKER}
    _add(client, data, django_capture_on_commit_callbacks)
    body = mail.outbox[0].body
    assert "sign in with your council account" in body
    assert reverse("accounts:sign_on") in body
    assert "/account/invitation/" not in body


def test_role_virtual_school_and_schools_can_change_and_each_change_is_audited(
    client, system_administrator, designated_teacher, school
):
    other_school = SchoolFactory(urn="654321")
    client.force_login(system_administrator)
    url = reverse("accounts:person_change", args=[designated_teacher.pk])
    data = {"full_name": designated_teacher.full_name, "role": Role.DESIGNATED_TEACHER,
            "school_urns": f"{school.urn}, 654321", "is_active": "on"}  # fmt: skip
    assert client.post(url, data).status_code == 302
    assert set(designated_teacher.schools.all()) == {school, other_school}
    assert f"School {other_school.pk} designated teachers" in set(
        designated_teacher.groups.values_list("name", flat=True)
    )
    vs = VirtualSchoolFactory()
    data = {"full_name": designated_teacher.full_name, "role": Role.VIRTUAL_SCHOOL_OFFICER,
            "virtual_school": vs.pk, "school_urns": "", "is_active": ""}  # fmt: skip
    assert client.post(url, data).status_code == 302
    designated_teacher.refresh_from_db()
    assert designated_teacher.role == Role.VIRTUAL_SCHOOL_OFFICER
    assert not designated_teacher.is_active
    changes = [e.changes for e in AuditEvent.objects.filter(action="user.changed").order_by("pk")]
    assert changes[0] == {"schools": [[school.pk], sorted([school.pk, other_school.pk])]}
    assert changes[1]["role"] == [Role.DESIGNATED_TEACHER, Role.VIRTUAL_SCHOOL_OFFICER]
    assert changes[1]["virtual_school"] == [None, vs.pk]
    assert changes[1]["is_active"] == [True, False]


def test_a_change_that_breaks_the_organisation_rule_is_explained(
    client, system_administrator, social_worker
):
    client.force_login(system_administrator)
    url = reverse("accounts:person_change", args=[social_worker.pk])
    data = {"full_name": social_worker.full_name, "role": Role.SOCIAL_WORKER,
            "virtual_school": "", "school_urns": "", "is_active": "on"}  # fmt: skip
    html = client.post(url, data).content.decode()
    assert "Choose the Virtual School this person works for" in html
    social_worker.refresh_from_db()
    assert social_worker.virtual_school_id is not None


@pytest.mark.parametrize(
    "persona", ["social_worker", "vs_officer", "designated_teacher", "carer"], indirect=True
)
def test_only_administrators_and_heads_manage_people(client, persona):
    client.force_login(persona)
    for name in ("accounts:people", "accounts:person_add", "accounts:people_import"):
        assert client.get(reverse(name)).status_code == 403


def test_a_head_sees_only_their_own_virtual_schools_people(client, vs_head, social_worker):
    elsewhere = UserFactory(role=Role.SOCIAL_WORKER)
    client.force_login(vs_head)
    html = client.get(reverse("accounts:people")).content.decode()
    assert social_worker.full_name in html
    assert elsewhere.full_name not in html
    assert client.get(reverse("accounts:person_change", args=[elsewhere.pk])).status_code == 404
    url = reverse("accounts:person_invite_again", args=[elsewhere.pk])
    assert client.post(url).status_code == 404


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")


def test_bulk_invitation_from_a_csv_file(
    client, system_administrator, virtual_school, django_capture_on_commit_callbacks
):
    SchoolFactory(urn="111111")
    client.force_login(system_administrator)
    text = (
        "email,full_name,role,virtual_school,school_urns\n"
        f"a@example.org,Ann Example,social_worker,{virtual_school.local_authority_code},\n"
        "b@example.org,Ben Example,Designated teacher,,111111\n"
        "c@example.org,Cat Example,carer,,\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:people_import"), {"file": _csv(text)})
    assert response.url == reverse("accounts:people")
    assert sorted(m.to[0] for m in mail.outbox) == [
        "a@example.org",
        "b@example.org",
        "c@example.org",
    ]
    assert User.objects.get(email="b@example.org").schools.get().urn == "111111"
    assert AuditEvent.objects.filter(action="user.invited").count() == 3


def test_a_csv_file_with_a_wrong_row_invites_nobody_and_names_each_row(
    client, system_administrator, social_worker
):
    client.force_login(system_administrator)
    text = (
        "email,full_name,role\n"
        "ok@example.org,Fine Person,carer\n"
        f"{social_worker.email},Already Here,carer\n"
        "bad-address,Someone,carer\n"
        "d@example.org,Dee,wizard\n"
    )
    html = client.post(reverse("accounts:people_import"), {"file": _csv(text)}).content.decode()
    assert "govuk-error-summary" in html
    assert "Row 3:" in html and "already has an account" in html
    assert "Row 4: enter an email address" in html
    assert "Row 5: wizard is not a role you can give" in html
    assert not User.objects.filter(email="ok@example.org").exists()


def test_a_csv_file_without_the_columns_is_explained(client, vs_head):
    client.force_login(vs_head)
    html = client.post(reverse("accounts:people_import"), {"file": _csv("name\nX\n")}).content
    assert b"missing: email, full_name, role" in html


def test_the_site_administration_gives_no_typed_passwords(client, db):
    superuser = User.objects.create_superuser(email="root@example.org", password="x" * 16)
    client.force_login(superuser)
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403
    url = reverse("admin:auth_user_password_change", args=[superuser.pk])
    assert client.get(url).status_code == 403


def test_the_list_of_people_is_in_pages_with_a_fixed_number_of_queries(
    client, system_administrator, django_assert_max_num_queries, monkeypatch
):
    from accounts import people

    monkeypatch.setattr(people, "PEOPLE_PER_PAGE", 5)
    for _ in range(12):
        UserFactory(role=Role.CARER)
    client.force_login(system_administrator)
    with django_assert_max_num_queries(8):
        html = client.get(reverse("accounts:people") + "?page=2").content.decode()
    assert "13 people (page 2 of 3)" in html
    assert 'rel="next"' in html and 'rel="prev"' in html
