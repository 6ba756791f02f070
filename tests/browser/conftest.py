"""Playwright driving Debian's Chromium against pytest-django's live server.

Chromium is never downloaded: it comes from Debian (`apt-get install chromium`). Where it is
missing, browser tests are skipped, unless PEP_PORTAL_STRICT_TESTS=1 (CI), where that fails.
"""

import json
import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in this thread; the test's own database calls are
# still synchronous, so Django's guard against async-unsafe calls must stand aside.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium is not at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("PEP_PORTAL_STRICT_TESTS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


def _open_page(browser, live_server, **context_options):
    context = browser.new_context(base_url=live_server.url, **context_options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.policy_violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and page.policy_violations.append(message.text)
        ),
    )
    return context, page


@pytest.fixture
def page(browser, live_server):
    context, page = _open_page(browser, live_server)
    yield page
    assert page.policy_violations == [], "the Content Security Policy blocked something"
    context.close()


@pytest.fixture
def page_without_javascript(browser, live_server):
    context, page = _open_page(browser, live_server, java_script_enabled=False)
    yield page
    context.close()


def assert_accessible(page) -> None:
    """Run axe-core on the page as it is now: zero violations of any rule, any impact."""
    page.evaluate(AXE_SOURCE)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    violations = [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "where": [node["target"] for node in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]
    assert violations == [], f"axe-core on {page.url}:\n{json.dumps(violations, indent=2)}"


def sign_in(page, email: str, password: str) -> None:
    page.goto("/account/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def fill_date(page, prefix: str, day) -> None:
    """Type a date into a GOV.UK date input, as a person would."""
    page.locator(f"#id_{prefix}_0").fill(str(day.day))
    page.locator(f"#id_{prefix}_1").fill(str(day.month))
    page.locator(f"#id_{prefix}_2").fill(str(day.year))
