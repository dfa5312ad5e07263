"""Periodic reports in a real browser (Debian's Chromium through Playwright, live server): the
head of a unit generates its quarterly report, approves and submits it; the ministry's security
officer sees it on time in the submission status and in its one-click consolidated report."""

import os

# Playwright's sync API runs an asyncio loop in this thread; Django would otherwise refuse ORM calls here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import re

import pytest

from attt.testing import browser_log_in

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect
pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser_page, transactional_db, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return browser_page


def test_unit_submits_its_quarterly_report_and_the_ministry_consolidates(page, world):
    from attt.reports.models import PeriodicReport
    from attt.tenancy.roles import Role
    from attt.testing import make_user

    make_user("head.a1", world.agency, Role.HEAD, first_name="Trần", last_name="Bình")
    browser_log_in(page, "head.a1")
    page.goto("/reports/")
    form = page.locator("#generate-form")
    form.locator('select[name="organisation"]').select_option("AG-A1")
    form.locator('select[name="kind"]').select_option("quarterly")
    form.locator('input[name="year"]').fill("2026")
    form.locator('select[name="number"]').select_option("4")
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/reports/\d+/$"))
    expect(page.locator("#report-state")).to_have_text(re.compile("Bản nháp|Draft"))
    page.locator("#approve").click()
    expect(page.locator("#report-state")).to_have_text(re.compile("Đã phê duyệt|Approved"))
    page.locator("#submit-report").click()
    expect(page.locator("#report-state")).to_have_text(re.compile("Đã nộp|Submitted"))
    report = PeriodicReport.objects.get(organisation=world.agency)
    assert report.recipient == world.ministry and report.approved_name == "Trần Bình"

    browser_log_in(page, "officer.a")
    page.goto("/reports/status/?kind=quarterly&year=2026&number=4")
    row = page.locator("#submissions tbody tr", has_text="AG-A1")
    expect(row).to_contain_text("v1")
    expect(page.locator(f"#count-{report.timeliness}")).to_have_text("1")  # on time until 20/12/2026
    page.locator("#consolidate").click()
    expect(page).to_have_url(re.compile(r"/reports/\d+/$"))
    table = page.locator("#section-consolidation")
    expect(table.locator("tr", has_text="AG-A1")).to_contain_text("v1")
    consolidated = PeriodicReport.objects.get(organisation=world.ministry, consolidated=True)
    codes = [row["organisation"]["code"] for row in consolidated.snapshot["consolidation"]["rows"]]
    assert codes == ["MIN-A", "AG-A1"]
