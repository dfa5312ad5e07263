"""Legal duties in a real browser (Debian's Chromium via Playwright, live server, real commits so the
incremental recompute runs): the board, a system's duties, recording evidence, another tree."""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an asyncio loop here

import re

import pytest
from django.utils import timezone

from attt.levels.tests.test_browser import PDF_BYTES, log_in, switch_user

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect


@pytest.fixture
def page(browser_page, transactional_db, world):
    return browser_page


@pytest.mark.browser
def test_record_scan_evidence_and_see_the_duty_met(page, world, tmp_path):
    log_in(page, "officer.a")
    page.goto("/obligations/")
    row = page.locator("#board tbody tr", has_text="Alpha-Zq7")
    expect(row).to_have_count(1)
    expect(page.locator("#board")).not_to_contain_text("Beta-Kx3")
    row.locator("a").click()
    expect(page).to_have_url(re.compile(rf"/obligations/systems/{world.system_a.pk}/$"))
    scan = page.locator("#duty-D18-1")
    expect(scan.locator(".badge")).not_to_have_class(re.compile(r"\bmet\b"))

    report = tmp_path / "quet-lo-hong.pdf"
    report.write_bytes(PDF_BYTES)
    form = page.locator("#evidence-form")
    form.locator('select[name="duty_id"]').select_option("D18-1")
    form.locator('input[name="occurred_on"]').fill(timezone.localdate().isoformat())
    form.locator('input[name="title"]').fill("Báo cáo rà quét tháng 11")
    form.locator('input[name="file"]').set_input_files(str(report))
    form.locator('button[type="submit"]').click()

    expect(page.locator("#duty-D18-1 .badge")).to_have_class(re.compile(r"\bmet\b"))
    page.locator("#duty-D18-1 summary").click()
    expect(page.locator("#duty-D18-1")).to_contain_text("quet-lo-hong.pdf")

    page.goto("/obligations/?status=met")
    expect(page.locator("#board tbody tr", has_text="Alpha-Zq7")).to_have_count(1)
    assert page.locator("#count-met").inner_text().strip() != "0"

    switch_user(page, "officer.b")
    page.goto("/obligations/")
    expect(page.locator("#board")).not_to_contain_text("Alpha-Zq7")
    response = page.goto(f"/obligations/systems/{world.system_a.pk}/")
    assert response.status == 404
