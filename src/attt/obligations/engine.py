"""The pure part of the engine: one duty, one subject's facts, evidence and events, one day →
status, next due date, the evidence that satisfied the occurrence, and the day to look again.

No database here, so the table-driven tests can freeze time by passing ``today``.
"""

import calendar
import datetime
from dataclasses import dataclass, field

from . import facts as fact_rules

MET, DUE_SOON, OVERDUE, NO_EVIDENCE, NOT_APPLICABLE = (
    "met", "due_soon", "overdue", "no_evidence", "not_applicable")
# Worse first: when a duty is owed twice (its schedule and a pending event), the worse one shows.
SEVERITY = {OVERDUE: 0, DUE_SOON: 1, NO_EVIDENCE: 2, MET: 3, NOT_APPLICABLE: 4}
ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Proof:
    """An evidence row reduced to what the engine needs."""
    id: int
    occurred_on: datetime.date


@dataclass
class Occurrence:
    due: datetime.date | None
    opens: datetime.date | None = None
    proof: Proof | None = None
    label: dict | None = None


@dataclass
class Outcome:
    status: str
    next_due: datetime.date | None = None
    proof: Proof | None = None
    recheck_on: datetime.date | None = None
    reason: str = ""  # why not applicable: "not_in_force", "predicate", "not_triggered"
    history: list = field(default_factory=list)

    @property
    def satisfied_on(self):
        return self.proof.occurred_on if self.proof else None


def add_months(day, months):
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _month_day(year, text):
    month, day = map(int, text.split("-"))
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _first_after(days, today):
    later = [day for day in days if day is not None and day > today]
    return min(later) if later else None


def _unsatisfied(due, today, remind):
    """Status of an occurrence nobody has satisfied yet, and when that status next changes."""
    if due is None:
        return NO_EVIDENCE, None
    if today > due:
        return OVERDUE, None
    warn_from = due - datetime.timedelta(days=remind)
    if today >= warn_from:
        return DUE_SOON, due + ONE_DAY
    return NO_EVIDENCE, warn_from


def _satisfied(next_due, today, remind):
    """Status while the last occurrence is satisfied and the next one falls due on ``next_due``."""
    if next_due is None:
        return MET, None
    status, recheck = _unsatisfied(next_due, today, remind)
    return (MET, recheck) if status == NO_EVIDENCE else (status, recheck)


def _latest(proofs, on_or_after=None, before=None):
    chosen = None
    for proof in proofs:
        if on_or_after and proof.occurred_on < on_or_after:
            continue
        if before and proof.occurred_on >= before:
            continue
        if chosen is None or proof.occurred_on >= chosen.occurred_on:
            chosen = proof
    return chosen


def start_of(duty, values):
    """A duty cannot fall due before it exists nor, for a system, before the system does."""
    start = duty.effective_from
    since = values.get("go_live_date") or values.get("created_on")
    return max(start, since) if since else start


def months_for(schedule, values):
    months = schedule["every_months"]
    if isinstance(months, int):
        return months
    # An unclassified system gets the cadence of level 1, until it has a level.
    return months["by_level"][str(values.get("level") or 1)]


def _every_months(duty, values, proofs, today):
    months = months_for(duty.schedule, values)
    last = _latest(proofs)
    if last is not None:
        next_due = add_months(last.occurred_on, months)
        status, recheck = _satisfied(next_due, today, duty.remind_days_before)
    else:
        next_due = add_months(start_of(duty, values), months)
        status, recheck = _unsatisfied(next_due, today, duty.remind_days_before)
    history = [Occurrence(due=add_months(p.occurred_on, months), proof=p) for p in sorted(
        proofs, key=lambda p: p.occurred_on)]
    return Outcome(status, next_due, last, recheck, history=history)


def calendar_occurrences(duty, values, first_year, last_year):
    start = start_of(duty, values)
    items = []
    for year in range(first_year, last_year + 1):
        for entry in duty.schedule["calendar"]:
            opens = _month_day(year, entry["opens"])
            due = _month_day(year, entry["due"])
            if due < opens:  # a window that crosses the new year
                due = _month_day(year + 1, entry["due"])
            if opens >= start:  # an occurrence whose window opened before the duty existed is not owed
                items.append(Occurrence(due=due, opens=opens, label=entry.get("label")))
    items.sort(key=lambda item: item.opens)
    return items


def _calendar(duty, values, proofs, today):
    first_year = min([start_of(duty, values).year, today.year - 1])
    occurrences = calendar_occurrences(duty, values, max(first_year, today.year - 6), today.year + 2)
    for index, occurrence in enumerate(occurrences):
        window_end = occurrences[index + 1].opens if index + 1 < len(occurrences) else None
        occurrence.proof = _latest(proofs, on_or_after=occurrence.opens, before=window_end)
    opened = [item for item in occurrences if item.opens <= today]
    upcoming = [item for item in occurrences if item.opens > today]
    history = opened[-8:]
    if not opened:
        following = upcoming[0] if upcoming else None
        due = following.due if following else None
        status, recheck = _unsatisfied(due, today, duty.remind_days_before)
        return Outcome(status, due, None, _first_after([recheck, following and following.opens], today),
                       history=history)
    current = opened[-1]
    following = upcoming[0] if upcoming else None
    if current.proof is not None:
        next_due = following.due if following else None
        status, recheck = _satisfied(next_due, today, duty.remind_days_before)
        return Outcome(status, next_due, current.proof,
                       _first_after([recheck, following and following.opens], today), history=history)
    status, recheck = _unsatisfied(current.due, today, duty.remind_days_before)
    return Outcome(status, current.due, None, _first_after([recheck, following and following.opens], today),
                   history=history)


def _once(duty, values, proofs, today):
    once = duty.schedule["once"]
    if "due" in once:
        due = datetime.date.fromisoformat(once["due"])
    elif "after_go_live_days" in once:
        go_live = values.get("go_live_date")
        due = (max(go_live, duty.effective_from) + datetime.timedelta(days=once["after_go_live_days"])
               if go_live else None)
    else:
        due = None
    return _single(due, duty, proofs, today)


def _before_go_live(duty, values, proofs, today):
    go_live = values.get("go_live_date")
    # A system already running when the duty came into force owes it from that day.
    due = max(go_live, duty.effective_from) if go_live else None
    return _single(due, duty, proofs, today)


def _single(due, duty, proofs, today):
    proof = _latest(proofs)
    history = [Occurrence(due=due, proof=proof)]
    if proof is not None:
        return Outcome(MET, due, proof, None, history=history)
    status, recheck = _unsatisfied(due, today, duty.remind_days_before)
    return Outcome(status, due, None, recheck, history=history)


def _pending_event(duty, rule, events, proofs, today):
    """The outcome owed because of the latest listed event, or None when nothing is pending.
    An event from before the duty existed owes nothing under it."""
    remind = duty.remind_days_before
    dates = [day for kind, day in events
             if kind in rule["events"] and duty.effective_from <= day <= today]
    if not dates:
        return None
    happened = max(dates)
    due = happened + datetime.timedelta(days=rule["within_days"])
    proof = _latest(proofs, on_or_after=happened)
    history = [Occurrence(due=due, opens=happened, proof=proof)]
    if proof is not None:
        return Outcome(MET, None, proof, None, history=history)
    status, recheck = _unsatisfied(due, today, remind)
    return Outcome(status, due, None, recheck, history=history)


SCHEDULES = {"every_months": _every_months, "calendar": _calendar, "once": _once,
             "before_go_live": _before_go_live}


def evaluate(duty, values, proofs, events, today):
    """Status of ``duty`` for one subject on ``today``.

    ``values``: the subject's facts (``facts.py``); ``proofs``: evidence accepted by this duty;
    ``events``: (kind, date) pairs of the subject.
    """
    if not duty.in_force_on(today):
        recheck = duty.effective_from if today < duty.effective_from else None
        return Outcome(NOT_APPLICABLE, reason="not_in_force", recheck_on=recheck)
    if not fact_rules.holds(duty.applies_to, values):
        return Outcome(NOT_APPLICABLE, reason="predicate")
    outcome = _scheduled(duty, values, proofs, events, today)
    if duty.effective_to is not None:  # the day the duty lapses changes the answer too
        outcome.recheck_on = min(filter(None, [outcome.recheck_on, duty.effective_to + ONE_DAY]))
    return outcome


def _scheduled(duty, values, proofs, events, today):
    schedule = duty.schedule
    if duty.schedule_kind == "on_event":
        outcome = _pending_event(duty, schedule["on_event"], events, proofs, today)
        return outcome or Outcome(NOT_APPLICABLE, reason="not_triggered")
    outcome = SCHEDULES[duty.schedule_kind](duty, values, proofs, today)
    if "on_events" in schedule:
        reopened = _pending_event(duty, schedule["on_events"], events, proofs, today)
        if reopened is not None and reopened.status != MET and worse(reopened, outcome):
            reopened.history = outcome.history + reopened.history
            reopened.proof = outcome.proof
            return reopened
    return outcome


def worse(first, second):
    """Is ``first`` the more urgent outcome (worse status, then earlier due date)?"""
    if SEVERITY[first.status] != SEVERITY[second.status]:
        return SEVERITY[first.status] < SEVERITY[second.status]
    far = datetime.date.max
    return (first.next_due or far) < (second.next_due or far)
