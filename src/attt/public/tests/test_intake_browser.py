"""The public intake form in a real browser (Debian's Chromium through Playwright, live server): a
member of the public, without an account, finds the organisation's contact page, files a report
with an attachment and gets a reference number; the security officer logs in and finds the case
in the incident queue of public reports."""

import os

# Playwright's sync API runs an asyncio loop in this thread; Django would otherwise refuse ORM calls here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import datetime
import re

import pytest
from django.utils import timezone

from attt.testing import browser_log_in

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect
pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser_page, transactional_db, world, settings, tmp_path):
    from attt.public import services_contact

    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ATTT_INTAKE_MIN_FILL_SECONDS = 0  # a test fills the form faster than any human
    world.officer_a.email = "officer.a@min-a.example.vn"
    world.officer_a.save()
    services_contact.save_contact(world.officer_a, world.agency, {
        "phone": "024 3943 6684", "email": "csirt@a1.example.vn", "hours": "24/7", "languages": "vi, en",
        "published": True})
    return browser_page


def test_the_public_files_a_report_and_the_officer_finds_it(page, world, tmp_path):
    from django.core import mail

    from attt.incidents.models import Incident

    page.goto("/o/AG-A1/contact/")
    expect(page.locator("#contact-email")).to_have_text("csirt@a1.example.vn")
    assert page.failed_assets == [], f"static files not served: {page.failed_assets}"
    page.locator("#contact-intake").click()
    expect(page).to_have_url(re.compile(r"/o/AG-A1/report/$"))

    screenshot = tmp_path / "trang-chu.png"
    screenshot.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    form = page.locator("#intake-form")
    expect(form.locator('input[name="homepage"]')).not_to_be_in_viewport()
    form.locator('input[name="reporter_name"]').fill("Trần Thị Bình")
    form.locator('input[name="reporter_email"]').fill("binh@example.com")
    form.locator('input[name="title"]').fill("Cổng thông tin hiển thị nội dung cờ bạc")
    form.locator('textarea[name="description"]').fill("Trang chủ bị thay bằng quảng cáo cờ bạc từ sáng nay.")
    detected = timezone.localtime() - datetime.timedelta(hours=1)
    form.locator('input[name="detected_at"]').fill(detected.strftime("%Y-%m-%dT%H:%M"))
    form.locator('input[name="affected_service"]').fill("https://a1.example.vn")
    form.locator('input[name="attachments"]').set_input_files(str(screenshot))
    form.locator('button[type="submit"]').click()

    expect(page).to_have_url(re.compile(r"/o/AG-A1/report/thanks/\?r="))
    case = Incident.objects.get()
    expect(page.locator("#intake-reference")).to_have_text(case.reference)
    assert case.from_public and case.files.get().original_name == "trang-chu.png"
    assert any(message.to == ["binh@example.com"] and case.reference in message.body for message in mail.outbox)

    browser_log_in(page, "officer.a")
    page.goto("/incidents/?source=public")
    row = page.locator("#incident-table tbody tr", has_text=case.reference)
    expect(row).to_contain_text("Cổng thông tin hiển thị nội dung cờ bạc")
    row.locator("a", has_text=case.reference).click()
    expect(page).to_have_url(re.compile(rf"/incidents/{case.pk}/$"))
    expect(page.locator("main")).to_contain_text("Trần Thị Bình")
