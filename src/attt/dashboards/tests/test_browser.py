"""The dashboards in a real browser (Debian's Chromium, live server) on a 1366×768 laptop screen:
no horizontal scrolling (only the wide ranking table scrolls inside its own box), the charts drawn,
and a drill-down from a ranking row to the organisation's dashboard."""

import os

# Playwright's sync API runs an asyncio loop in this thread; Django would otherwise refuse ORM calls here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import re  # noqa: E402

import pytest  # noqa: E402

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect
pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser_page, transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    browser_page.set_viewport_size({"width": 1366, "height": 768})
    return browser_page


def log_in(page, username):
    from attt.testing import PASSWORD

    page.goto("/accounts/login/")
    page.locator('main input[name="username"]').fill(username)
    page.locator('main input[name="password"]').fill(PASSWORD)
    page.locator('main button[type="submit"]').click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def test_laptop_screen_and_drill_down(page, data):
    log_in(page, "regulator")
    for url in ("/dashboard/", "/dashboard/ranking/?all=1", "/dashboard/overdue/"):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366, url
    page.goto("/dashboard/?org=ROOT")
    assert page.locator("svg.chart").count() == 7
    box = page.locator("#panel-findings svg.chart").bounding_box()
    assert 300 < box["width"] < 700  # two panels side by side
    page.locator('#ranking-table a[href="/dashboard/?org=MIN-A"]').first.click()
    expect(page.locator("h1")).to_contain_text("MIN-A")
    expect(page.locator("#org-switcher select")).to_have_value("MIN-A")  # the switcher follows
    assert page.failed_assets == []
