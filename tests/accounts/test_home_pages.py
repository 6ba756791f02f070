"""Each role's home page: its own role may open it, every other role is refused (403)."""

import pytest
from django.urls import reverse

from tests.accounts.test_sign_in import LANDING

ROLES = list(LANDING)


@pytest.mark.parametrize("page", sorted(set(LANDING.values())))
@pytest.mark.parametrize("persona", ROLES, indirect=True)
def test_home_page_access(client, persona, page, request):
    role_fixture = request.node.callspec.params["persona"]
    client.force_login(persona)
    response = client.get(reverse(page))
    if LANDING[role_fixture] == page:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


def test_home_redirects_anonymous_people_to_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.url == reverse("accounts:sign_in") + "?next=/"


def test_navigation_marks_the_current_page(client, social_worker):
    client.force_login(social_worker)
    html = client.get(reverse("children:caseload")).content.decode()
    assert 'aria-current="page"' in html
    assert "Signed in as <strong>" in html


def test_a_virtual_school_page_marks_its_own_item_not_the_dashboard(client, vs_head):
    """The PEP settings are reached from the term dates, so that item is the current one."""
    import re

    client.force_login(vs_head)
    html = client.get(reverse("peps:settings")).content.decode()
    current = re.findall(r'aria-current="page">\s*<strong[^>]*>([^<]+)</strong>', html)
    assert current == ["Term dates"]


def test_designated_teacher_sees_their_schools_named(client, designated_teacher, school):
    client.force_login(designated_teacher)
    html = client.get(reverse("children:school_children")).content.decode()
    assert school.name in html


def test_site_administration_sends_non_staff_away(client, social_worker):
    client.force_login(social_worker)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 200
    assert "Site administration" not in response.content.decode()


def test_system_administrator_reaches_the_site_administration(client, system_administrator):
    client.force_login(system_administrator)
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 200


def test_an_administrator_cannot_change_roles_or_grant_superuser(client, system_administrator):
    from accounts.admin import UserAdmin
    from accounts.models import User

    class Request:
        user = system_administrator

    model_admin = UserAdmin(User, None)
    readonly = model_admin.get_readonly_fields(Request(), obj=system_administrator)
    assert {"role", "virtual_school", "is_superuser", "is_staff"} <= set(readonly)
