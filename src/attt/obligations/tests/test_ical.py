"""The duty calendar: RFC 5545 output parsed back, stable UIDs, alarms, languages, secret feeds."""

import datetime

import pytest
from django.utils import translation
from icalendar import Calendar

from attt.obligations import evidence, ical, recompute, services
from attt.obligations.models import DutyStatus
from attt.testing import make_org

D = datetime.date.fromisoformat
BASE = "https://attt.example.gov.vn"
pytestmark = pytest.mark.django_db


@pytest.fixture
def calendar_world(world):
    w = world
    w.telecom = make_org("TEL-C", "telecom_isp", w.root)
    w.isp = make_org("ISP-D", "telecom_isp", w.root)
    # D18-1: the last scan of system_a was on 10/01/2025, so the next one is due on 10/07/2025.
    evidence.record(kind="vulnerability_scan", system=w.system_a, occurred_on=D("2025-01-10"), title="Scan")
    # D18-5 (once, due 31/10/2022): ISP-D published its contacts, TEL-C never did.
    evidence.record(kind="incident_contacts_published", organisation=w.isp, occurred_on=D("2022-10-20"),
                    title="Contacts page")
    recompute.recompute_all(on=D("2025-07-01"))
    return w


def parse(statuses, title="Lịch nghĩa vụ ATTT", language="vi"):
    with translation.override(language):
        body = ical.calendar_bytes(statuses, title, BASE + "/")
    return Calendar.from_ical(body), body


def events_by_uid(calendar):
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_calendar_has_one_all_day_event_per_dated_status(calendar_world):
    w = calendar_world
    calendar, body = parse(DutyStatus.objects.all())
    assert str(calendar["PRODID"]) == "-//ATTT//Obligations//VI"
    assert str(calendar["METHOD"]) == "PUBLISH" and str(calendar["VERSION"]) == "2.0"
    assert str(calendar["X-WR-CALNAME"]) == "Lịch nghĩa vụ ATTT"
    dated = DutyStatus.objects.filter(next_due__isnull=False).count()
    assert len(calendar.walk("VEVENT")) == dated > 0
    assert b"\r\n" in body and body.startswith(b"BEGIN:VCALENDAR") and body.endswith(b"END:VCALENDAR\r\n")

    scan = events_by_uid(calendar)[f"D18-1-{w.agency.pk}-{w.system_a.pk}-20250710@attt"]
    assert scan.decoded("DTSTART") == D("2025-07-10")
    assert scan.decoded("DTEND") == D("2025-07-11")
    assert isinstance(scan.decoded("DTSTAMP"), datetime.datetime)
    summary = str(scan["SUMMARY"])
    assert summary == f"[D18-1] Chủ động săn lùng mối đe dọa, rà quét lỗ hổng hệ thống — {w.system_a.name}"
    description = str(scan["DESCRIPTION"])
    assert "CT 18/CT-TTg, mục 1" in description
    assert "Báo cáo rà quét" in description  # what evidence satisfies it
    assert f"{BASE}/obligations/systems/{w.system_a.pk}/" in description
    assert scan["CATEGORIES"].cats == ["due_soon"]
    (alarm,) = scan.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == -datetime.timedelta(days=30)


def test_organisation_duties_link_to_the_organisation_and_met_ones_have_no_alarm(calendar_world):
    w = calendar_world
    calendar, _body = parse(DutyStatus.objects.filter(duty_id="D18-5"))
    events = events_by_uid(calendar)
    assert set(events) == {f"D18-5-{w.telecom.pk}-0-20221031@attt", f"D18-5-{w.isp.pk}-0-20221031@attt"}
    late = events[f"D18-5-{w.telecom.pk}-0-20221031@attt"]
    assert str(late["SUMMARY"]).endswith("— Tổ chức TEL-C")
    assert f"{BASE}/obligations/organisations/TEL-C/" in str(late["DESCRIPTION"])
    assert late["CATEGORIES"].cats == ["overdue"] and late.walk("VALARM")
    met = events[f"D18-5-{w.isp.pk}-0-20221031@attt"]
    assert met["CATEGORIES"].cats == ["met"] and not met.walk("VALARM")


def test_uids_are_stable_and_english_follows_the_active_language(calendar_world):
    first, _ = parse(DutyStatus.objects.all())
    again, _ = parse(DutyStatus.objects.all())
    assert set(events_by_uid(first)) == set(events_by_uid(again))
    english, _ = parse(DutyStatus.objects.filter(duty_id="D18-1", system=calendar_world.system_a),
                       title="ATTT duties", language="en")
    (event,) = english.walk("VEVENT")
    assert str(event["SUMMARY"]).startswith("[D18-1] Proactive threat hunting and vulnerability scanning — ")
    assert "Directive 18/CT-TTg, mục 1" in str(event["DESCRIPTION"])


def test_rows_without_a_due_date_or_a_known_duty_are_left_out(calendar_world):
    w = calendar_world
    DutyStatus.objects.create(duty_id="GONE-1", organisation=w.ministry, status="overdue", next_due=D("2025-01-01"))
    DutyStatus.objects.filter(duty_id="D18-1", system=w.system_a).update(next_due=None, status="no_evidence")
    calendar, _ = parse(DutyStatus.objects.all())
    uids = set(events_by_uid(calendar))
    assert not any(uid.startswith("GONE-1-") for uid in uids)
    assert not any(uid.startswith(f"D18-1-{w.agency.pk}-{w.system_a.pk}-") for uid in uids)


def test_an_empty_calendar_is_still_valid():
    calendar, _ = parse(DutyStatus.objects.none(), title="Trống")
    assert calendar.walk("VEVENT") == [] and str(calendar["X-WR-CALNAME"]) == "Trống"


def test_a_revoked_feed_is_not_found(calendar_world):
    w = calendar_world
    feed = services.create_feed(w.officer_a, w.ministry)
    assert services.feed_by_token(feed.token) == feed
    services.revoke_feed(w.officer_a, feed)
    assert services.feed_by_token(feed.token) is None
    assert services.feed_by_token("no-such-token") is None


def test_the_feed_url_serves_the_scoped_calendar(calendar_world, client):
    w = calendar_world
    feed = services.create_feed(w.officer_b)
    response = client.get(f"/obligations/calendar/{feed.token}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    uids = set(events_by_uid(Calendar.from_ical(response.content)))
    assert any(uid.startswith(f"D18-1-{w.unit.pk}-{w.system_b.pk}-") for uid in uids)  # its own tree
    assert not any(uid.startswith(f"D18-1-{w.agency.pk}-") for uid in uids)  # not the other tree
    services.revoke_feed(w.officer_b, feed)
    assert client.get(f"/obligations/calendar/{feed.token}.ics").status_code == 404
