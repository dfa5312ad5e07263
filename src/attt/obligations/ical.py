"""The duty calendar as RFC 5545 iCalendar: one all-day event per stored duty status with a due date.

The caller scopes the rows (a feed's owner, an organisation's subtree); this module only renders.
Events are serialised one at a time, so a feed of many thousand rows never holds them all as
components at once: ``calendar_chunks`` yields the text piece by piece, ``calendar_bytes`` joins it.
"""

import datetime

from django.utils import timezone
from icalendar import Alarm, Calendar, Event

from attt.languages import pick

from .catalogue import catalogue
from .models import DutyState

PRODID = "-//ATTT//Obligations//VI"
END = b"END:VCALENDAR\r\n"
LABELS = {
    "status": {"vi": "Trạng thái", "en": "Status"},
    "citation": {"vi": "Căn cứ", "en": "Legal basis"},
    "evidence": {"vi": "Minh chứng", "en": "Evidence"},
}


def event_uid(row):
    """Stable across feeds and refreshes: the same occurrence keeps its UID, a new due date gets a new one."""
    return f"{row.duty_id}-{row.organisation_id}-{row.system_id or 0}-{row.next_due:%Y%m%d}@attt"


def subject_link(base_url, row):
    if row.system_id:
        return f"{base_url}/obligations/systems/{row.system_id}/"
    return f"{base_url}/obligations/organisations/{row.organisation.code}/"


def subject_name(row):
    return row.system.name if row.system_id else row.organisation.name


def _header(title):
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", str(title))
    text = calendar.to_ical()
    assert text.endswith(END)
    return text[: -len(END)]


def build_event(row, duty, base_url, stamp):
    status = DutyState(row.status)
    link = subject_link(base_url, row)
    event = Event()
    event.add("uid", event_uid(row))
    event.add("dtstamp", stamp)
    event.add("dtstart", row.next_due)
    event.add("dtend", row.next_due + datetime.timedelta(days=1))
    event.add("summary", f"[{duty.id}] {pick(duty.title)} — {subject_name(row)}")
    event.add("description", "\n".join([
        f"{pick(LABELS['status'])}: {status.label}",
        f"{pick(LABELS['citation'])}: {pick(duty.citation)}",
        f"{pick(LABELS['evidence'])}: {pick(duty.evidence_description)}",
        link,
    ]))
    event.add("url", link)
    event.add("categories", [status.value])
    event.add("transp", "TRANSPARENT")
    if row.status != DutyState.MET and duty.remind_days_before:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"[{duty.id}] {pick(duty.title)}")
        alarm.add("trigger", datetime.timedelta(days=-duty.remind_days_before))
        event.add_component(alarm)
    return event


def calendar_chunks(statuses, title, base_url):
    """Yield the calendar as bytes: the header, one event at a time, the end."""
    duties = catalogue().by_id
    base_url = base_url.rstrip("/")
    stamp = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    yield _header(title)
    rows = statuses.filter(next_due__isnull=False).select_related("organisation", "system")
    for row in rows.iterator(chunk_size=1000):
        duty = duties.get(row.duty_id)
        if duty is None:  # the duty left the catalogue; its rows go at the next recompute
            continue
        yield build_event(row, duty, base_url, stamp).to_ical()
    yield END


def calendar_bytes(statuses, title, base_url):
    return b"".join(calendar_chunks(statuses, title, base_url))
