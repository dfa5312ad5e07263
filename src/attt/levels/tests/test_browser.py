"""The security-level workflow in a real browser: Debian's Chromium driven by Playwright against the live server.

classify (htmx preview) → attach the required parts → submit → appraise (specialised unit) → approve (head),
and the approval share on /levels/ moving from 0 % to 100 %.

Run: python -m pytest src/attt/levels/tests/test_browser.py -q
"""

import os

# Playwright's sync API runs an asyncio loop in this thread; Django would otherwise refuse ORM calls here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import re

import pytest

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

TIMEOUT_MS = 10_000
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


# --- Fixtures -------------------------------------------------------------------------------


@pytest.fixture
def levels_world(transactional_db, world):
    """tree A with MIN-A as system_a's specialised unit, head.a as MIN-A's head, and MIN-A's regulation."""
    from attt.levels.testing import prepare_levels, regulate

    prepare_levels(world)
    regulate(world.officer_a, world.ministry)
    return world


@pytest.fixture
def page(browser_page, levels_world):
    return browser_page


# --- Helpers --------------------------------------------------------------------------------

def log_in(page, username):
    from attt.testing import browser_log_in

    browser_log_in(page, username)
    # The header names the person who is logged in (the test users have no full name).
    expect(page.locator("header.site")).to_contain_text(username)
    assert page.failed_assets == [], f"static files not served: {page.failed_assets}"
    assert page.evaluate("() => typeof window.htmx") == "object", "htmx did not load"


def log_out(page):
    page.locator('header.site form[action="/accounts/logout/"] button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def switch_user(page, username):
    log_out(page)
    log_in(page, username)


def in_vietnamese(function, *args):
    """What the Vietnamese page shows for a date or number (Django's own formats, not hard-coded)."""
    from django.utils import translation

    with translation.override("vi"):
        return function(*args)


def share_text(share):
    from django.utils.formats import localize

    return in_vietnamese(localize, share) + " %"


def short_date(day):
    from django.utils.formats import date_format

    return in_vietnamese(date_format, day, "SHORT_DATE_FORMAT")


def expect_state(page, state):
    """The state badge carries the state's value as its class, whatever language its text is in."""
    expect(page.locator("#dossier-state")).to_have_class(re.compile(rf"\b{state}\b"))


# --- Tests ----------------------------------------------------------------------------------

@pytest.mark.browser
def test_level_dossier_from_classification_to_approval(page, levels_world, tmp_path):
    from attt.levels import services
    from attt.levels.models import Dossier, DossierState

    w = levels_world
    system = w.system_a
    pdf = tmp_path / "tai-lieu.pdf"
    pdf.write_bytes(PDF_BYTES)

    # 1. The security officer of MIN-A sees one system (system_a), without an approved level.
    log_in(page, "officer.a")
    page.goto("/levels/")
    expect(page.locator("#approved-share")).to_have_text(share_text(0.0))
    expect(page.locator("#missing")).to_contain_text(system.name)

    # 2. The wizard previews the level with htmx as the answers change, then saves to a new dossier.
    classify_url = f"/levels/systems/{system.pk}/classify/"
    page.goto(classify_url)
    wizard = page.locator("form#wizard")
    expect(page.locator("#proposed-level")).to_have_count(0)
    with page.expect_response(lambda r: r.url.endswith(classify_url) and r.request.method == "POST"
                              and r.request.headers.get("hx-request") == "true") as preview:
        wizard.locator('input[name="data_subjects_basic"]').fill("150000")
        wizard.locator('input[name="data_subjects_basic"]').press("Tab")  # "change" fires on leaving the field
    assert preview.value.status == 200
    expect(page.locator("#result #proposed-level")).to_have_text("3")
    assert not system.classifications.exists(), "a preview must not store anything"

    page.locator("#save-classification").click()
    expect(page).to_have_url(re.compile(r"/levels/dossiers/\d+/$"))
    dossier = Dossier.objects.get(system=system)
    assert page.url.endswith(f"/levels/dossiers/{dossier.pk}/")
    assert dossier.level == 3
    expect(page.locator("#dossier-level")).to_have_text("3")
    expect_state(page, DossierState.DRAFTING)
    expect(page.locator("main h1")).to_contain_text(system.name)

    # 3. Attach a PDF to each required part, then submit: the appraisal clock starts.
    required = [part.id for part, _files in services.parts_status(dossier) if part.required]
    assert required == ["overview", "design", "level_explanation", "security_plan"]
    for part in required:
        row = page.locator(f"#parts #part-{part}")
        row.locator('input[type="file"][name="file"]').set_input_files(str(pdf))
        row.locator('button[type="submit"]').click()
        expect(page.locator(f"#parts #part-{part}")).to_contain_text(pdf.name)
    assert dossier.attachments.count() == len(required)

    page.locator("#submit-dossier").click()
    expect_state(page, DossierState.SUBMITTED)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED and dossier.step_due_on is not None
    # Two clocks run: the reply on an invalid dossier, then the appraisal itself (in that order).
    assert dossier.validity_due_on is not None
    expect(page.locator("#clocks li strong")).to_have_text(
        [short_date(dossier.validity_due_on), short_date(dossier.step_due_on)])
    expect(page.locator("#submit-dossier")).to_have_count(0)
    expect(page.locator("#parts input[type='file']")).to_have_count(0)  # the submitted dossier is locked

    # 4. The head of MIN-A is not the specialised unit: no appraisal (nor approval) form for them.
    dossier_url = f"/levels/dossiers/{dossier.pk}/"
    switch_user(page, "head.a")
    page.goto(dossier_url)
    expect_state(page, DossierState.SUBMITTED)
    expect(page.locator("#appraise-form")).to_have_count(0)
    expect(page.locator("#approve-form")).to_have_count(0)

    # ... the security officer of MIN-A (the specialised unit) appraises.
    opinion = "Đề xuất cấp độ 3 phù hợp; phương án bảo đảm an toàn đáp ứng yêu cầu."
    switch_user(page, "officer.a")
    page.goto(dossier_url)
    expect(page.locator("#approve-form")).to_have_count(0)
    page.locator('#appraise-form textarea[name="opinion"]').fill(opinion)
    page.locator("#appraise-dossier").click()
    expect_state(page, DossierState.APPRAISED)
    expect(page.locator("main dl.facts")).to_contain_text(opinion)
    expect(page.locator("#appraise-form")).to_have_count(0)
    expect(page.locator("#approve-form")).to_have_count(0)  # the officer does not approve
    dossier.refresh_from_db()
    assert dossier.state == DossierState.APPRAISED and dossier.appraised_by_org == w.ministry
    expect(page.locator("#clocks li strong")).to_have_text(short_date(dossier.step_due_on))

    # 5. The head approves with the signed decision.
    decided_on = services.today()
    decision = tmp_path / "quyet-dinh-phe-duyet.pdf"
    decision.write_bytes(PDF_BYTES)
    switch_user(page, "head.a")
    page.goto(dossier_url)
    form = page.locator("#approve-form")
    form.locator('input[name="number"]').fill("45/QĐ-BTEST")
    form.locator('input[name="decided_on"]').fill(decided_on.isoformat())  # <input type="date"> takes ISO
    form.locator('input[name="issuer"]').fill("Bộ trưởng")
    form.locator('input[name="signed_file"]').set_input_files(str(decision))
    page.locator("#approve-dossier").click()
    expect_state(page, DossierState.APPROVED)
    facts = page.locator("main dl.facts")
    expect(facts).to_contain_text("45/QĐ-BTEST")
    expect(facts).to_contain_text(short_date(decided_on))
    expect(facts.get_by_role("link", name=decision.name)).to_have_attribute("href", f"/levels/dossiers/{dossier.pk}/decision/")
    expect(page.locator("#approve-form")).to_have_count(0)
    expect(page.locator("#clocks li")).to_have_count(1)  # only "no time limit is running"
    expect(page.locator("#clocks li strong")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "dossier-approved.png"), full_page=True)

    dossier.refresh_from_db()
    assert dossier.state == DossierState.APPROVED
    assert system.level_status.approved_level == 3 and system.level_status.approved_on == decided_on

    page.goto("/levels/")
    expect(page.locator("#approved-share")).to_have_text(share_text(100.0))
    expect(page.locator("#missing")).not_to_contain_text(system.name)
