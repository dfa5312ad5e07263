"""Web pages and API of the obligations room, as the people who use them."""

import datetime

import pytest
from django.utils import timezone

from attt.levels.testing import pdf
from attt.obligations import recompute, services
from attt.obligations.models import CalendarFeed, DutyStatus, Evidence
from attt.testing import make_org, make_system

SCANNED = timezone.localdate() - datetime.timedelta(days=30)


@pytest.fixture
def ready(world):
    # Scanned a month ago by the real clock: the scan duty is met whatever day the suite runs.
    services.upload_evidence(world.officer_a, "D18-1", SCANNED, "Quét Alpha", upload=pdf("scan.pdf"),
                             system=world.system_a)
    recompute.recompute_all()
    return world


def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_board_matrix_with_counts_and_filters(ready, client):
    english(client).force_login(ready.officer_a)
    page = client.get("/obligations/").content.decode()
    assert "Alpha-Zq7" in page and "Beta-Kx3" not in page
    assert 'id="board"' in page and "D18-1" in page and "duty-" in page
    assert 'id="count-overdue"' in page
    overdue_only = client.get("/obligations/?status=met").content.decode()
    assert "Alpha-Zq7" in overdue_only  # its scan is met
    nothing = client.get("/obligations/?q=no-such-system").content.decode()
    assert "Alpha-Zq7" not in nothing
    by_instrument = client.get("/obligations/?instrument=decree-331-2026").content.decode()
    assert "N331-" in by_instrument and ">D18-1<" not in by_instrument


def test_board_counts_agree_with_the_stored_rows(ready, client):
    english(client).force_login(ready.officer_a)
    response = client.get("/obligations/")
    board = response.context["board"]
    stored = DutyStatus.objects.visible_to(ready.officer_a).filter(system__isnull=False)
    assert board.total == stored.count()
    assert board.totals["met"] == stored.filter(status="met").count()


def test_organisation_tab_and_rollup(ready, client):
    english(client).force_login(ready.supervisor_a)
    organisations = client.get("/obligations/?tab=organisations").content.decode()
    assert "MIN-A" in organisations and "PRV-B" not in organisations
    rollup = client.get("/obligations/?tab=rollup")
    rows = {row.organisation.code: row for row in rollup.context["rollup"]}
    assert set(rows) <= {"MIN-A", "AG-A1"} and rows["MIN-A"].total >= rows["AG-A1"].total > 0
    client.force_login(ready.regulator)
    rows = {row.organisation.code: row for row in client.get("/obligations/?tab=rollup").context["rollup"]}
    assert {"ROOT", "MIN-A", "PRV-B"} <= set(rows)
    own = DutyStatus.objects.filter(organisation__code="ROOT").count()
    assert rows["ROOT"].total == rows["MIN-A"].total + rows["PRV-B"].total + own
    assert rows["ROOT"].overdue == rows["MIN-A"].overdue + rows["PRV-B"].overdue + DutyStatus.objects.filter(
        organisation__code="ROOT", status="overdue").count()


def test_system_page_lists_duties_history_and_takes_evidence(ready, client):
    english(client).force_login(ready.officer_a)
    url = f"/obligations/systems/{ready.system_a.pk}/"
    page = client.get(url).content.decode()
    assert "D18-1" in page and SCANNED.strftime("%d/%m/%Y") in page and "Directive 18/CT-TTg" in page
    assert 'id="not-applicable"' in page and 'id="evidence-form"' in page
    response = client.post("/obligations/evidence/", {
        "system": ready.system_a.pk, "duty_id": "D18-2", "occurred_on": "2026-10-01", "title": "Phương án 2026",
        "file": pdf("plan.pdf")})
    assert response.status_code == 302
    assert Evidence.objects.filter(duty_id="D18-2", system=ready.system_a).exists()
    bad = client.post("/obligations/evidence/", {"system": ready.system_a.pk, "duty_id": "D18-2",
                                                 "occurred_on": "2099-01-01", "title": "x"}, follow=True)
    assert "future" in bad.content.decode()
    document = Evidence.objects.get(duty_id="D18-2").document
    download = client.get(f"/obligations/documents/{document.pk}/")
    assert download.status_code == 200 and b"%PDF" in b"".join(download.streaming_content)


def test_supervisor_reads_but_cannot_record(ready, client):
    english(client).force_login(ready.supervisor_a)
    page = client.get(f"/obligations/systems/{ready.system_a.pk}/").content.decode()
    assert "D18-1" in page and 'id="evidence-form"' not in page
    response = client.post("/obligations/evidence/", {"system": ready.system_a.pk, "duty_id": "D18-1",
                                                      "occurred_on": "2026-10-01", "title": "x"})
    assert response.status_code == 403


def test_organisation_page_and_event(ready, client):
    english(client).force_login(ready.officer_a)
    page = client.get("/obligations/organisations/MIN-A/").content.decode()
    assert "D18-4" in page  # a ministry must keep a response team
    response = client.post("/obligations/events/", {"organisation": "MIN-A", "kind": "authority_request",
                                                    "occurred_on": "2026-10-01", "description": "Công văn"})
    assert response.status_code == 302


def test_catalogue_page_shows_every_duty(ready, client):
    english(client).force_login(ready.officer_b)
    page = client.get("/obligations/catalogue/").content.decode()
    for duty_id in ("D18-1", "N85-3", "N331-7", "PDP-5", "IR-6", "MON-1", "L116-5"):
        assert f'id="{duty_id}"' in page
    assert "every N months by level (1: 24, 2: 24, 3: 12, 4: 12, 5: 6)" in page


def test_vietnamese_pages(ready, client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "vi"
    client.force_login(ready.officer_a)
    page = client.get(f"/obligations/systems/{ready.system_a.pk}/").content.decode()
    assert "Chủ động săn lùng mối đe dọa" in page and "CT 18/CT-TTg" in page


def test_calendar_feed_life_cycle(ready, client):
    english(client).force_login(ready.officer_a)
    client.post("/obligations/calendar/", {"organisation": "AG-A1"})
    feed = CalendarFeed.objects.get(user=ready.officer_a)
    client.logout()
    response = client.get(f"/obligations/calendar/{feed.token}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "BEGIN:VCALENDAR" in body and "D18-1" in body
    assert client.get("/obligations/calendar/not-a-token.ics").status_code == 404
    client.force_login(ready.officer_b)
    assert client.post(f"/obligations/calendar/{feed.pk}/revoke/").status_code == 404
    client.force_login(ready.officer_a)
    client.post(f"/obligations/calendar/{feed.pk}/revoke/")
    client.logout()
    assert client.get(f"/obligations/calendar/{feed.token}.ics").status_code == 404


def test_feed_follows_the_owners_current_rights(ready, client):
    feed = services.create_feed(ready.officer_a)
    assert "Alpha-Zq7" in client.get(f"/obligations/calendar/{feed.token}.ics").content.decode()
    ready.officer_a.role_assignments.all().delete()
    assert "Alpha-Zq7" not in client.get(f"/obligations/calendar/{feed.token}.ics").content.decode()


def test_system_panel_on_the_system_page(ready, client):
    english(client).force_login(ready.officer_a)
    page = client.get(f"/systems/{ready.system_a.pk}/").content.decode()
    assert 'id="obligations-panel"' in page


# --- API --------------------------------------------------------------------------------------

def test_api_catalogue_statuses_rollup(ready, client):
    english(client).force_login(ready.officer_a)
    duties = client.get("/api/obligations/duties/?subject=organisation").json()
    assert {duty["subject"] for duty in duties} == {"organisation"}
    assert client.get("/api/obligations/duties/N331-7/").json()["citation"]["en"].startswith("Decree 331")
    assert client.get("/api/obligations/duties/NOPE-1/").status_code == 404
    statuses = client.get("/api/obligations/statuses/?organisation=AG-A1&duty=D18-1").json()
    rows = statuses["results"] if isinstance(statuses, dict) else statuses
    assert [row["status"] for row in rows] == ["met"] and rows[0]["system_name"].startswith("Hệ thống Alpha")
    assert client.get("/api/obligations/statuses/?due_before=not-a-date").status_code == 400
    rollup = client.get("/api/obligations/statuses/rollup/").json()
    assert {row["organisation"] for row in rollup} >= {"AG-A1"}
    live = client.get(f"/api/obligations/systems/{ready.system_a.pk}/?applicable=1").json()
    scan = next(duty for duty in live["duties"] if duty["duty"] == "D18-1")
    assert scan["satisfied_on"] == SCANNED.isoformat() and scan["history"]


def test_api_evidence_and_events(ready, client):
    english(client).force_login(ready.officer_a)
    created = client.post("/api/obligations/evidence/", {
        "system": ready.system_a.pk, "duty_id": "N331-5", "occurred_on": "2026-09-30", "title": "Đánh giá 2026",
        "file": pdf("audit.pdf")})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["kind"] == "security_assessment" and body["document"]["sha256"]
    refused = client.post("/api/obligations/evidence/", {"organisation": "MIN-A", "duty_id": "D18-1",
                                                         "occurred_on": "2026-09-30", "title": "x"})
    assert refused.status_code == 400
    withdrawn = client.post(f"/api/obligations/evidence/{body['id']}/withdraw/", {"reason": "nhầm"},
                            content_type="application/json")
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_at"]
    event = client.post("/api/obligations/events/", {"system": ready.system_a.pk, "kind": "authority_request",
                                                     "occurred_on": "2026-10-01"}, content_type="application/json")
    assert event.status_code == 201
    assert client.post("/api/obligations/events/", {"system": ready.system_a.pk, "kind": "system_changed",
                                                    "occurred_on": "2026-10-01"},
                       content_type="application/json").status_code == 400


def test_api_feeds_are_personal(ready, client):
    english(client).force_login(ready.officer_a)
    created = client.post("/api/obligations/calendar-feeds/", {"organisation": "MIN-A"},
                          content_type="application/json").json()
    assert created["url"].endswith(".ics")
    client.force_login(ready.officer_b)
    assert client.get(f"/api/obligations/calendar-feeds/{created['id']}/").status_code == 404
    assert client.post("/api/obligations/calendar-feeds/", {"organisation": "MIN-A"},
                       content_type="application/json").status_code == 404
    client.force_login(ready.officer_a)
    revoked = client.post(f"/api/obligations/calendar-feeds/{created['id']}/revoke/").json()
    assert revoked["revoked_at"] and revoked["url"] is None


def test_board_of_another_tree_is_empty(ready, client):
    other = make_org("PRV-C", "province", ready.root)
    make_system(other, "Gamma")
    english(client).force_login(ready.officer_b)
    page = client.get("/obligations/?tab=rollup").content.decode()
    assert "MIN-A" not in page and "AG-A1" not in page
