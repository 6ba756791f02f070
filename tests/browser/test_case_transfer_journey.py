import pytest

from children.models import Child
from pep_portal.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import assert_accessible, sign_in
from tests.demo_data import seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_vs_officer_finds_a_child_and_transfers_the_case(page):
    seed_demo()
    child = Child.objects.get(legal_first_name="Zara", legal_last_name="Davies")
    old = child.allocations.get(end_date__isnull=True).social_worker
    sign_in(page, "officer@northshire.example", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="All children").click()
    assert_accessible(page)

    page.get_by_label("Search by name, UPN or council ID").fill("davies")
    page.get_by_role("button", name="Apply filters").click()
    assert page.get_by_role("status").inner_text() == "1 child"
    assert_accessible(page)
    page.get_by_role("link", name="Zara Davies", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Zara Davies"
    assert_accessible(page)

    page.get_by_role("link", name="Transfer the case").click()
    assert_accessible(page)
    page.get_by_role("button", name="Transfer the case").click()  # nothing chosen
    summary = page.locator(".govuk-error-summary")
    assert "Choose the social worker who takes the case" in summary.inner_text()
    assert_accessible(page)
    summary.get_by_role("link").click()
    assert page.evaluate("() => document.activeElement.id") == "id_social_worker"

    new_name = "Sam Okafor" if old.full_name != "Sam Okafor" else "Chris Doyle"
    page.get_by_label("Social worker").select_option(label=new_name)
    page.get_by_role("button", name="Transfer the case").click()
    banner = page.locator(".govuk-notification-banner--success")
    assert f"The case has been transferred to {new_name}" in banner.inner_text()
    assert_accessible(page)
    assert child.allocations.get(end_date__isnull=True).social_worker.full_name == new_name

    # The previous social worker no longer finds the child.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, old.email, DEMO_PASSWORD)
    assert "Zara Davies" not in page.locator("main").inner_text()
    response = page.goto(f"/children/{child.pk}/")
    assert response.status == 404


def test_each_persona_home_and_a_child_page_are_accessible(page):
    seed_demo()
    for email in (
        "teacher@riverside.example",
        "carer@northshire.example",
        "iro@northshire.example",
        "social.worker@northshire.example",
    ):
        sign_in(page, email, DEMO_PASSWORD)
        assert_accessible(page)
        links = page.locator("main table a[href^='/children/']")  # not a carer's downloads
        if links.count():
            links.first.click()
            assert page.get_by_role("heading", level=2, name="Education", exact=True).is_visible()
            assert_accessible(page)
        page.get_by_role("button", name="Sign out").click()


def test_adding_a_child_with_mistakes_then_mending_them(page):
    seed_demo()
    sign_in(page, "head@northshire.example", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="All children").click()
    page.get_by_role("link", name="Add a child").click()
    page.get_by_label("Legal first name").fill("Robin")
    page.get_by_label("Legal last name").fill("Ashby")
    page.get_by_role("button", name="Save the child's details").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter the date of birth" in summary.inner_text()
    assert_accessible(page)
    for index in range(summary.locator("a").count()):
        link = summary.locator("a").nth(index)
        target = link.get_attribute("href").lstrip("#")
        link.click()
        assert page.evaluate("() => document.activeElement.id") == target
    assert page.get_by_label("Legal first name").input_value() == "Robin"  # nothing typed is lost
    page.locator("#id_date_of_birth_0").fill("14")
    page.locator("#id_date_of_birth_1").fill("3")
    page.locator("#id_date_of_birth_2").fill("2016")
    page.get_by_label("Female", exact=True).check()
    page.get_by_label("Council's child ID").fill("NS-20001")
    page.locator("#id_date_entered_care_0").fill("1")
    page.locator("#id_date_entered_care_1").fill("9")
    page.locator("#id_date_entered_care_2").fill("2025")
    page.get_by_label("Full care order").check()
    page.get_by_label("SEN support").check()
    page.get_by_role("button", name="Save the child's details").click()
    assert "Robin Ashby has been added" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)
