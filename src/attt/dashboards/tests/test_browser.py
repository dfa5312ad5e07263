"""The dashboards in a real browser (Debian's Chromium, live server) on a 1366×768 laptop screen:
no horizontal scrolling (only the wide ranking table scrolls inside its own box), the charts drawn,
and a drill-down from a ranking row to the organisation's dashboard."""

import os

# Playwright's sync API runs an asyncio loop in this thread; Django would otherwise refuse ORM calls here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


import pytest  # noqa: E402

from attt.testing import browser_log_in  # noqa: E402

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect
pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser_page, transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    browser_page.set_viewport_size({"width": 1366, "height": 768})
    return browser_page


def test_laptop_screen_and_drill_down(page, data):
    browser_log_in(page, "regulator")
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
