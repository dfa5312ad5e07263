"""End-to-end tests in a real browser: Debian's Chromium driven by Playwright against the live server.

Run: ATTT_VAR_DIR=/tmp/attt-browser-var python -m pytest src/attt/inventory/tests/test_browser.py -q
Screenshots for a person to look at are written to /tmp/attt-screens/.
"""

import os

# Playwright's sync API runs an asyncio loop in this thread; Django would otherwise refuse ORM calls here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

SCREENS = Path("/tmp/attt-screens")
PACKAGE_DIR = Path(__file__).resolve().parents[2]  # src/attt
VI_PO = PACKAGE_DIR / "locale" / "vi" / "LC_MESSAGES" / "django.po"
VI_MO = VI_PO.with_suffix(".mo")
TIMEOUT_MS = 10_000


# --- Fixtures -------------------------------------------------------------------------------


@pytest.fixture
def demo(transactional_db):
    from attt.cli.demo import load_demo

    load_demo()


@pytest.fixture
def new_page(browser, live_server, demo):
    """Factory: a fresh browser context (own cookies) per call; a Vietnamese-speaking browser by default."""
    contexts = []

    def make(locale="vi-VN"):
        context = browser.new_context(base_url=live_server.url, locale=locale, viewport={"width": 1366, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.failed_assets = []
        page.on("response", lambda r: r.status >= 400 and "/static/" in r.url and page.failed_assets.append(r.url))
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture(scope="session")
def vietnamese_catalogue():
    """Compile the message catalogues when the .mo is missing or older than the .po, then drop cached ones."""
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.utils.translation.reloader import translation_file_changed

    if not VI_PO.exists():
        pytest.fail(f"{VI_PO} is missing")
    if not VI_MO.exists() or VI_MO.stat().st_mtime < VI_PO.stat().st_mtime:
        if shutil.which("msgfmt") is None:
            pytest.skip("msgfmt (gettext) is not installed; cannot compile the Vietnamese catalogue")
        cwd = os.getcwd()
        os.chdir(PACKAGE_DIR)
        try:
            call_command("compilemessages", verbosity=0)
        except CommandError as exc:
            pytest.fail(f"compilemessages failed: {exc}")
        finally:
            os.chdir(cwd)
    # Translations already loaded in this process (the live server shares it) would hide the new catalogue.
    translation_file_changed(sender=None, file_path=VI_MO)


@pytest.fixture(scope="session")
def screens_dir():
    SCREENS.mkdir(parents=True, exist_ok=True)
    return SCREENS


# --- Helpers --------------------------------------------------------------------------------

def translated(message, language="vi"):
    """What a person reading `language` sees for `message` (whatever state the catalogue is in)."""
    from django.utils import translation

    with translation.override(language):
        return translation.gettext(message)


def log_in(page, username):
    from attt.cli.demo import DEMO_PASSWORD
    from attt.testing import browser_log_in

    browser_log_in(page, username, DEMO_PASSWORD)
    # The header names the person who is logged in.
    from django.contrib.auth import get_user_model

    full_name = get_user_model().objects.get(username=username).get_full_name()
    expect(page.locator("header.site")).to_contain_text(full_name)
    # The page is styled and interactive: stylesheets and htmx were served.
    assert page.failed_assets == [], f"static files not served: {page.failed_assets}"
    assert page.evaluate("() => typeof window.htmx") == "object", "htmx did not load"


def org_pk(code):
    from attt.tenancy.models import Organisation

    return str(Organisation.objects.get(code=code).pk)


def create_system(page, name, network, domain, owner="BTC", operator="BTC-THTK"):
    """Fill the new-system form from the list's "New system" button; return the new system's pk."""
    page.goto("/systems/")
    page.locator("#new-system").click()
    expect(page).to_have_url(re.compile(r"/systems/new/$"))
    form = page.locator("form#system-form")
    form.locator("#id_owner").select_option(org_pk(owner))
    form.locator("#id_operator").select_option(org_pk(operator))
    form.locator("#id_name").fill(name)
    form.locator("#id_system_type").select_option("online_service")
    form.locator("#id_hosting").select_option("data_centre")
    form.locator("#id_status").select_option("operating")
    form.locator("#id_go_live_date").fill("15/03/2024")
    form.locator("#id_hosts_text").fill(f"web01 {network.rsplit('.', 1)[0]}.10")
    form.locator("#id_networks_text").fill(network)
    form.locator("#id_domains_text").fill(domain)
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/systems/\d+/$"))
    return int(re.search(r"/systems/(\d+)/$", page.url).group(1))


def problem_rows(page):
    """The rejected-import table as (row, column, message) tuples."""
    rows = []
    for tr in page.locator("#import-problems tbody tr").all():
        cells = [c.strip() for c in tr.locator("td").all_inner_texts()]
        rows.append((cells[0], cells[1], cells[2]))
    return rows


# --- Tests ----------------------------------------------------------------------------------

@pytest.mark.browser
def test_security_officer_creates_system_through_form(page):
    from attt.inventory.models import InformationSystem

    name = "Hệ thống quản lý tài sản công (thử nghiệm trình duyệt)"
    log_in(page, "chuyentrach.btc")
    pk = create_system(page, name, "10.99.1.0/24", "taisan.mof.gov.vn")

    # The detail page shows what was entered and the saved message.
    expect(page.locator("main h1")).to_contain_text(name)
    expect(page.locator(".messages .success")).to_contain_text(name)
    expect(page.locator("main code", has_text="10.99.1.0/24")).to_be_visible()
    expect(page.locator("main li", has_text="taisan.mof.gov.vn")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("BTC")
    expect(page.locator("dl.facts")).to_contain_text("15/03/2024")

    # The history table records the creation, by this officer, of this system.
    # (The system, its host, its IP range and its domain are each recorded; newest first.)
    history = page.locator("#history tbody")
    creations = history.locator("tr").filter(has=page.locator("span.badge.create"))
    expect(creations).to_have_count(4)
    system_row = creations.filter(has=page.locator("td:nth-child(4)", has_text=name))
    expect(system_row).to_have_count(1)
    expect(system_row.locator("td:nth-child(2)")).to_have_text("chuyentrach.btc")
    expect(system_row.locator("span.badge.create")).to_have_text(translated("created"))
    expect(history.locator("tr").filter(has_text="10.99.1.0/24").filter(has=page.locator("span.badge.create"))).to_have_count(1)
    expect(history.locator("tr").filter(has_text="taisan.mof.gov.vn").filter(has=page.locator("span.badge.create"))).to_have_count(1)

    system = InformationSystem.objects.get(pk=pk)
    assert system.name == name
    assert system.owner.code == "BTC"
    assert system.operator.code == "BTC-THTK"
    assert system.go_live_date == date(2024, 3, 15)
    assert [n.cidr for n in system.networks.all()] == ["10.99.1.0/24"]
    assert [d.domain for d in system.domains.all()] == ["taisan.mof.gov.vn"]


@pytest.mark.browser
def test_import_rejects_whole_file_then_accepts_fixed_file(page, tmp_path, screens_dir):
    from attt.inventory.models import InformationSystem

    good = "Kho dữ liệu thống kê tài chính (nhập thử)"
    second = "Hệ thống báo cáo kho bạc (nhập thử)"
    header = "Mã đơn vị chủ quản,Tên hệ thống,Loại hệ thống,Hình thức triển khai,Dải IP\n"
    bad_file = tmp_path / "he-thong-loi.csv"
    bad_file.write_text(
        header
        + f"BTC-THTK,{good},online_service,data_centre,10.98.1.0/24\n"
        + f"XYZ-KHONGCO,{second},internal,on_premises,10.0.0.300/24\n",
        encoding="utf-8",
    )
    before = InformationSystem.objects.count()

    log_in(page, "chuyentrach.btc")
    page.goto("/systems/import/")
    form = page.locator("main form[enctype='multipart/form-data']")
    form.locator('input[name="file"]').set_input_files(str(bad_file))
    form.locator('button[type="submit"]').click()

    problems = page.locator("#import-problems")
    expect(problems).to_be_visible()
    page.screenshot(path=str(screens_dir / "import-errors.png"), full_page=True)
    rows = problem_rows(page)
    columns_with_problems = {(row, column) for row, column, _message in rows}
    assert ("3", "Mã đơn vị chủ quản") in columns_with_problems, rows
    assert ("3", "Dải IP") in columns_with_problems, rows
    assert all(row == "3" for row, _column, _message in rows), f"the good row 2 was blamed: {rows}"
    messages = {column: message for _row, column, message in rows}
    assert "XYZ-KHONGCO" in messages["Mã đơn vị chủ quản"]
    assert "10.0.0.300/24" in messages["Dải IP"]
    expect(problems.locator("header")).to_contain_text(str(len(rows)))

    # All or nothing: the good row was not stored either.
    assert not InformationSystem.objects.filter(name=good).exists()
    assert InformationSystem.objects.count() == before

    fixed_file = tmp_path / "he-thong-sua.csv"
    fixed_file.write_text(
        header
        + f"BTC-THTK,{good},online_service,data_centre,10.98.1.0/24\n"
        + f"BTC-KBNN,{second},internal,on_premises,10.98.3.0/24\n",
        encoding="utf-8",
    )
    form = page.locator("main form[enctype='multipart/form-data']")
    form.locator('input[name="file"]').set_input_files(str(fixed_file))
    form.locator('button[type="submit"]').click()

    expect(page).to_have_url(re.compile(r"/systems/$"))
    expect(page.locator("#import-problems")).to_have_count(0)
    expect(page.locator(".messages .success")).to_contain_text("2")
    rows_table = page.locator("#system-rows")
    expect(rows_table.get_by_role("link", name=good, exact=True)).to_be_visible()
    expect(rows_table.get_by_role("link", name=second, exact=True)).to_be_visible()
    page.screenshot(path=str(screens_dir / "systems-list.png"), full_page=True)

    stored = InformationSystem.objects.get(name=good)
    assert stored.owner.code == "BTC-THTK"
    assert stored.system_type == "online_service" and stored.hosting == "data_centre"
    assert [n.cidr for n in stored.networks.all()] == ["10.98.1.0/24"]
    other = InformationSystem.objects.get(name=second)
    assert other.owner.code == "BTC-KBNN"
    assert [n.cidr for n in other.networks.all()] == ["10.98.3.0/24"]
    assert InformationSystem.objects.count() == before + 2


@pytest.mark.browser
def test_language_switch_between_vietnamese_and_english(vietnamese_catalogue, page):
    log_in(page, "chuyentrach.btc")
    page.goto("/systems/")
    nav = page.locator("header.site nav")
    html = page.locator("html")

    expect(html).to_have_attribute("lang", "vi")
    expect(nav.get_by_role("link", name="Hệ thống thông tin", exact=True)).to_be_visible()
    expect(page.locator("main h1")).to_have_text("Hệ thống thông tin")

    page.locator('#language-switch button[value="en"]').click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/systems/$"))  # stays on the same page
    expect(nav.get_by_role("link", name="Information systems", exact=True)).to_be_visible()
    expect(page.locator("main h1")).to_have_text("Information systems")
    expect(nav).not_to_contain_text("Hệ thống thông tin")

    # The choice sticks when moving on to another page.
    page.goto("/systems/new/")
    expect(html).to_have_attribute("lang", "en")
    expect(page.locator("main h1")).to_have_text("New information system")

    page.locator('#language-switch button[value="vi"]').click()
    expect(html).to_have_attribute("lang", "vi")
    expect(nav.get_by_role("link", name="Hệ thống thông tin", exact=True)).to_be_visible()
    expect(nav).not_to_contain_text("Information systems")


@pytest.mark.browser
def test_system_of_one_tree_is_invisible_to_another_tree(new_page):
    from attt.inventory.models import InformationSystem

    name = "Hệ thống nội bộ riêng của Bộ Tài chính (kiểm tra phạm vi)"
    btc = new_page()
    log_in(btc, "chuyentrach.btc")
    pk = create_system(btc, name, "10.97.1.0/24", "noibo.mof.gov.vn")
    assert InformationSystem.objects.filter(pk=pk, owner__code="BTC").exists()

    bn = new_page()
    log_in(bn, "chuyentrach.bn")
    bn.goto("/systems/")
    search = bn.locator('main input[type="search"][name="q"]')
    rows = bn.locator("#system-rows")

    # The search works for this officer: their own province's systems are found ...
    with bn.expect_response(lambda r: "/systems/?" in r.url and "q=" in r.url):
        search.fill("Bắc Ninh")
    expect(rows.get_by_role("link", name="Cổng thông tin điện tử tỉnh Bắc Ninh", exact=True)).to_be_visible()
    # ... but the ministry's new system is not, neither by name nor by its IP range.
    for query in (name, "10.97.1"):
        with bn.expect_response(lambda r: "/systems/?" in r.url and "q=" in r.url):
            search.fill(query)
        expect(rows.locator("tbody tr")).to_have_count(1)
        expect(rows.locator("tbody a")).to_have_count(0)
        expect(rows).not_to_contain_text(name)
    # Loading the search URL directly gives the same answer.
    bn.goto(f"/systems/?q={name}")
    expect(bn.locator("#system-rows tbody a")).to_have_count(0)

    # The detail and edit URLs answer as if the system did not exist.
    for url in (f"/systems/{pk}/", f"/systems/{pk}/edit/"):
        response = bn.goto(url)
        assert response.status == 404, url
        expect(bn.locator("main h1")).to_have_text(translated("Not found"))
        expect(bn.locator("body")).not_to_contain_text(name)
        expect(bn.locator("body")).not_to_contain_text("10.97.1.0/24")

    # Meanwhile the owner still sees it.
    btc.goto(f"/systems/?q={name}")
    expect(btc.locator("#system-rows").get_by_role("link", name=name, exact=True)).to_be_visible()


@pytest.mark.browser
def test_read_only_supervisor_sees_but_cannot_change(page):
    from attt.inventory.models import InformationSystem

    portal = InformationSystem.objects.get(name="Cổng thông tin điện tử Bộ Tài chính")
    log_in(page, "giamsat.btc")
    page.goto("/systems/")
    rows = page.locator("#system-rows")
    expect(rows.get_by_role("link", name=portal.name, exact=True)).to_be_visible()
    expect(rows.get_by_role("link", name="Hệ thống hóa đơn điện tử", exact=True)).to_be_visible()  # BTC-CT, inside BTC
    expect(rows).not_to_contain_text("Bắc Ninh")  # another tree
    expect(page.locator("#new-system")).to_have_count(0)
    expect(page.locator('a[href="/systems/new/"]')).to_have_count(0)
    expect(page.locator('a[href="/systems/import/"]')).to_have_count(0)

    rows.get_by_role("link", name=portal.name, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/systems/{portal.pk}/$"))
    expect(page.locator("main h1")).to_contain_text(portal.name)
    expect(page.locator(f'a[href="/systems/{portal.pk}/edit/"]')).to_have_count(0)
    expect(page.locator(f'form[action="/systems/{portal.pk}/delete/"]')).to_have_count(0)

    for url in ("/systems/new/", f"/systems/{portal.pk}/edit/", "/systems/import/"):
        response = page.goto(url)
        assert response.status == 403, url
        expect(page.locator("main h1")).to_have_text(translated("Not allowed"))
        expect(page.locator("form#system-form")).to_have_count(0)
