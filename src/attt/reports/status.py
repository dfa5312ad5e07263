"""Who has submitted which periodic report: on time, late, not at all, or not due yet.

A supervisor's reporters are its direct children (each reports to its parent, which consolidates);
a Form 05 is owed only by members of the national incident response network (catalogue
``reporters``). A report counts as on time when its *first* submitted version reached the
supervisor by the organisation's due date; corrections keep that verdict. Read only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from attt.tenancy.models import Organisation

from .figures import REPORT_TIME_ZONE
from .models import ReportKind, Timeliness
from .periods import KINDS, Period, current_period, period_for
from .snapshot import latest_submitted, timeliness_of

STATES = tuple(Timeliness.values)


@dataclass
class SubmissionRow:
    organisation: Organisation
    state: str  # a Timeliness value
    report: object | None  # the latest submitted version
    due: datetime.date


@dataclass
class KindStatus:
    kind: str
    title: str
    period: Period
    rows: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)


def today_in_vietnam(now=None) -> datetime.date:
    return timezone.localtime(now or timezone.now(), REPORT_TIME_ZONE).date()


def reporting_period(kind: str, today: datetime.date) -> Period:
    """The period whose report is being collected now: the one holding ``today`` or, when no
    period does (Form 05's second half), the latest that has started."""
    try:
        return current_period(kind, today)
    except LookupError:
        for year in (today.year, today.year - 1):
            for number in (4, 3, 2, 1):
                try:
                    period = period_for(kind, year, number)
                except ValueError:
                    continue
                if period.start <= today:
                    return period
        raise


def submissions(organisation, kind, period: Period, today=None) -> KindStatus:
    """The status of each direct child that owes ``kind`` for ``period``."""
    today = today or today_in_vietnam()
    children = [child for child in Organisation.objects.filter(parent=organisation).order_by("code")
                if period.owed_by(child)]
    reports = latest_submitted(children, kind, period)
    status = KindStatus(kind=kind, title=str(ReportKind(kind).label), period=period)
    status.counts = {state: 0 for state in STATES}
    for child in children:
        submitted = reports.get(child.pk)
        state = timeliness_of(period, child, submitted, today)
        status.rows.append(SubmissionRow(organisation=child, state=state,
                                         report=submitted[0] if submitted else None, due=period.due_for(child)))
        status.counts[state] += 1
    return status


def overview(organisation, today=None) -> list[KindStatus]:
    """For each report kind, the status of the period being collected now."""
    today = today or today_in_vietnam()
    return [submissions(organisation, kind, reporting_period(kind, today), today) for kind in KINDS]
