"""An incident in a real browser (Debian's Chromium through Playwright, live server): the operator
opens a case, the clocks panel shows, a report is generated and sent to another organisation,
whose security officer acknowledges it from the inbox, and the sender sees the acknowledgement."""

import os

# Playwright's sync API runs an asyncio loop in this thread; Django would otherwise refuse ORM calls here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import datetime  # noqa: E402
import re  # noqa: E402

import pytest  # noqa: E402
from django.utils import timezone  # noqa: E402

from attt.testing import browser_log_in  # noqa: E402

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect
pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser_page, transactional_db, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return browser_page


def test_open_report_send_acknowledge(page, world):
    from attt.incidents.models import Delivery, Incident

    browser_log_in(page, "operator.a1")
    page.goto("/incidents/new/")
    form = page.locator("#incident-form")
    form.locator('select[name="organisation"]').select_option("AG-A1")
    form.locator('input[name="title"]').fill("Tấn công thay đổi giao diện cổng thông tin")
    form.locator('select[name="incident_type"]').select_option("defacement")
    detected = timezone.localtime() - datetime.timedelta(hours=3)
    form.locator('input[name="detected_at"]').fill(detected.strftime("%Y-%m-%dT%H:%M"))
    form.locator(f'input[name="systems"][value="{world.system_a.pk}"]').check()
    form.locator('input[name="reporter_name"]').fill("Nguyễn Văn An")
    form.locator('input[name="personal_data"]').check()
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/incidents/\d+/$"))
    case = Incident.objects.get()
    expect(page.locator("#clocks")).to_contain_text("PDP-72H")  # personal data: 72 h in both regimes

    page.locator('#generate-form select[name="kind"]').select_option("pd_breach")
    page.locator('#generate-form button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/incidents/reports/\d+/$"))
    expect(page.frame_locator("#report-preview").locator("body")).to_contain_text(
        "Tấn công thay đổi giao diện cổng thông tin")
    page.locator('#send-form input[name="recipients"]').evaluate_all("boxes => boxes.forEach(b => b.checked = false)")
    page.locator('#send-form input[name="other"]').fill("PRV-B")
    page.locator('#send-form button[type="submit"]').click()
    expect(page.locator("#deliveries")).to_contain_text("PRV-B")

    page.context.clear_cookies()
    browser_log_in(page, "officer.b")
    page.goto("/incidents/inbox/")
    expect(page.locator("#inbox-table")).to_contain_text("AG-A1")
    page.locator("#inbox-table form button").click()
    assert Delivery.objects.get().acknowledged_by == world.officer_b
    page.goto(f"/incidents/{case.pk}/")
    expect(page.locator("h1")).not_to_contain_text(case.reference)  # the case itself stays hidden

    page.context.clear_cookies()
    browser_log_in(page, "operator.a1")
    page.goto(f"/incidents/{case.pk}/")
    expect(page.locator('#clocks tr[data-clock="PDP-72H"]')).to_contain_text(re.compile("xác nhận|acknowledged"))
