"""Pages and exports with personal data are not kept by browsers or proxies (Cache-Control:
no-store); static files keep their long-lived caching."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from pep_portal.middleware import NoStoreMiddleware
from tests.meetings.factories import InvitationFactory, MeetingFactory
from tests.test_url_sweep import ALL, DUMMY_KWARGS


def _sweep(client, real: dict) -> dict[str, int]:
    """GET every URL (with the world's ids where it has them); the status of each."""
    seen = {}
    for name, pattern in ALL:
        kwargs = {key: real.get(key, DUMMY_KWARGS[key]) for key in pattern.pattern.regex.groupindex}
        response = client.get(reverse(name, kwargs=kwargs))
        if name == "accounts:sign_out":
            continue  # POST only, and would end the session
        assert "no-store" in response.get("Cache-Control", ""), (name, response.status_code)
        seen[name] = response.status_code
    return seen


@pytest.mark.parametrize("persona", ["allocated_social_worker", "vs_head"])
def test_every_page_and_export_to_a_signed_in_person_is_not_stored(client, world, pep, persona):
    meeting = MeetingFactory(pep=pep, created_by=world.allocated_social_worker)
    InvitationFactory(meeting=meeting)
    client.force_login(world.people[persona])
    real = {"child_id": world.child.pk, "pep_id": pep.pk, "meeting_id": meeting.pk}
    seen = _sweep(client, real)
    shown = [name for name, status in seen.items() if status == 200]
    # The sweep reached real pages, not only refusals.
    assert len(shown) >= 10, shown
    if persona == "vs_head":
        for export in ("reporting:annual_xlsx", "funding:export_csv", "funding:export_xlsx"):
            assert seen[export] == 200, export
    else:
        assert seen["meetings:calendar"] == 200
        assert seen["peps:draft"] == 200


def test_a_download_is_not_stored_even_for_someone_not_signed_in():
    def view(request):
        response = HttpResponse(b"a,b\n", content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="x.csv"'
        response["Cache-Control"] = "max-age=3600"
        return response

    request = RequestFactory().get("/x.csv")
    assert NoStoreMiddleware(view)(request)["Cache-Control"] == "no-store"


def test_a_view_that_chose_its_own_caching_keeps_it(rf, world):
    def view(request):
        response = HttpResponse("ok")
        response["Cache-Control"] = "private, max-age=60"
        return response

    request = rf.get("/")
    request.user = world.allocated_social_worker
    assert NoStoreMiddleware(view)(request)["Cache-Control"] == "private, max-age=60"


def test_public_pages_to_anonymous_people_are_left_alone(client, db):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_static_files_keep_their_caching(client, world, settings):
    # Tests collect no static files: WhiteNoise serves them from the finders instead.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    client.force_login(world.allocated_social_worker)
    response = client.get("/static/css/pep-portal.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "max-age" in response["Cache-Control"]
