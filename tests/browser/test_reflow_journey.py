"""Reflow at 320 CSS pixels (WCAG 1.4.10): the Virtual School's pages never scroll sideways;
a wide table scrolls inside its own region, which a keyboard can reach (GOV.UK's pattern)."""

import pytest

from children.models import Child
from pep_portal.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import assert_accessible, sign_in
from tests.demo_data import seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 640}


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width}px wide at 320px"


def test_the_virtual_schools_pages_reflow_at_320_pixels(page):
    seed_demo()
    maya = Child.objects.get(legal_first_name="Maya", legal_last_name="Jones")
    page.set_viewport_size(NARROW)
    sign_in(page, "officer@northshire.example", DEMO_PASSWORD)

    pages = [
        ("/virtual-school/", "Dashboard"),
        ("/virtual-school/children/?key_stage=", "All children"),
        ("/virtual-school/pupil-premium-plus/", None),
        ("/virtual-school/annual-report/", None),
        ("/virtual-school/quality-assurance/", None),
        (f"/children/{maya.pk}/", "Maya Jones"),
        (f"/children/{maya.pk}/history/", "Who did what to this record"),
    ]
    regions = 0
    for path, heading in pages:
        page.goto(path)
        if heading:
            assert page.get_by_role("heading", level=1).inner_text() == heading
        _fits(page)
        assert_accessible(page)
        # Each wide table is in a named, focusable region that scrolls instead of the page.
        for region in page.locator(".app-table-scroll").all():
            assert region.get_attribute("role") == "region"
            assert region.get_attribute("tabindex") == "0"
            assert region.get_attribute("aria-label")
            regions += 1
    assert regions >= 8

    # The filters fit too once opened, and the list they give.
    page.goto("/virtual-school/children/")
    page.get_by_label("Key stage", exact=True).select_option("Key stage 2")
    page.get_by_role("button", name="Apply filters").click()
    _fits(page)

    # The history's table scrolls by keyboard: its region takes focus and moves.
    page.goto(f"/children/{maya.pk}/history/")
    assert "viewed the child's page" in page.locator("main").inner_text()
    assert "child.viewed" not in page.locator("main").inner_text()
    region = page.get_by_role("region", name="Events, newest first")
    region.focus()
    page.keyboard.press("ArrowRight")
    _fits(page)

    # The list of children scrolls sideways inside its region, not the page.
    page.goto("/virtual-school/children/")
    table = page.get_by_role("region", name="Children your Virtual School looks after")
    assert table.evaluate("e => e.scrollWidth > e.clientWidth")
    table.focus()
    page.keyboard.press("End")
    page.keyboard.press("ArrowRight")
    # Keyboard scrolling may be animated: wait for the region to have moved.
    page.wait_for_function("e => e.scrollLeft > 0", arg=table.element_handle(), timeout=5_000)
    _fits(page)
