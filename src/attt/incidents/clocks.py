"""The legal reporting clocks of one case, computed from the catalogue, the case and what has been
sent. Pure: no queries beyond what the caller passes in (``deliveries``, ``levels``), so the list
page computes the clocks of a whole page of cases from two prefetches."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils import timezone

from .catalogue import ClockRule, Regime, clocks, serious_test

# Display and sort order: what needs action first.
STATES = ("overdue", "due", "sent_late", "sent", "acknowledged")
OPEN_STATES = ("overdue", "due")


@dataclass
class SeriousTest:
    """QĐ 05 Art 9: (a system at min_level or above AND an impact) AND beyond the owner's capability."""
    result: bool
    high_level_systems: list = field(default_factory=list)
    impacts: list = field(default_factory=list)
    beyond_capability: bool = False
    min_level: int = 4
    article: str = ""


def serious(incident, levels: dict) -> SeriousTest:
    """``levels``: {system id: level or None} of the affected systems."""
    test = serious_test()
    high = [system_id for system_id, level in levels.items() if level is not None and level >= test["min_level"]]
    known = {item["id"] for item in test["impacts"]}
    impacts = [impact for impact in (incident.impacts or []) if impact in known]
    capability = bool(incident.beyond_capability) or not test["requires_beyond_capability"]
    return SeriousTest(result=bool(high and impacts and capability), high_level_systems=high, impacts=impacts,
                       beyond_capability=bool(incident.beyond_capability), min_level=test["min_level"],
                       article=test["article"])


def detected_day(incident) -> datetime.date:
    """T0's calendar date where the incident happened: it chooses the regime."""
    return incident.detected_at.astimezone(ZoneInfo(incident.time_zone)).date()


def facts(incident, serious_result: bool) -> dict:
    return {
        "personal_data": incident.personal_data,
        "urgent": incident.harm_national_security or incident.serious_disruption,
        "serious": serious_result,
        "beyond_capability": incident.beyond_capability,
        "complex": incident.complex_case,
        "response_ended": incident.response_ended_at is not None,
    }


@dataclass
class ClockState:
    rule: ClockRule
    regime: Regime
    starts_at: datetime.datetime
    deadline: datetime.datetime | None
    state: str
    sent_at: datetime.datetime | None = None
    acknowledged_at: datetime.datetime | None = None
    deliveries: list = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def remaining(self, now=None) -> datetime.timedelta | None:
        """Time left before the deadline (negative once overdue); None without a deadline."""
        if self.deadline is None:
            return None
        return self.deadline - (now or timezone.now())


def compute(incident, deliveries, levels: dict, now=None) -> list[ClockState]:
    """Every clock that applies to the case, most urgent first.

    ``deliveries``: the case's Delivery rows with their report (sent reports satisfy clocks).
    """
    now = now or timezone.now()
    catalogue = clocks()
    regimes = {regime.id: regime for regime in catalogue.regimes_on(detected_day(incident))}
    case_facts = facts(incident, serious(incident, levels).result)
    by_kind: dict[str, list] = {}
    for delivery in sorted(deliveries, key=lambda d: d.sent_at):
        by_kind.setdefault(delivery.report.kind, []).append(delivery)
    states = []
    for rule in catalogue.rules:
        if rule.regime not in regimes or not all(case_facts[name] for name in rule.applies_when):
            continue
        starts_at = incident.detected_at if rule.start == "detected" else incident.response_ended_at
        if rule.within_hours:
            deadline = starts_at + datetime.timedelta(hours=rule.within_hours)
        elif rule.immediate:
            deadline = starts_at + datetime.timedelta(hours=rule.tolerance_hours)
        else:
            deadline = None
        sent = sorted((d for kind in rule.report_kinds for d in by_kind.get(kind, ())), key=lambda d: d.sent_at)
        acknowledged = [d.acknowledged_at for d in sent if d.acknowledged_at]
        if acknowledged:
            state = "acknowledged"
        elif sent:
            state = "sent_late" if deadline is not None and sent[0].sent_at > deadline else "sent"
        elif deadline is not None and now > deadline:
            state = "overdue"
        else:
            state = "due"
        states.append(ClockState(rule=rule, regime=regimes[rule.regime], starts_at=starts_at, deadline=deadline,
                                 state=state, sent_at=sent[0].sent_at if sent else None,
                                 acknowledged_at=min(acknowledged) if acknowledged else None, deliveries=sent))
    far = datetime.datetime.max.replace(tzinfo=datetime.timezone.utc)
    states.sort(key=lambda c: (STATES.index(c.state), c.deadline or far))
    return states


def urgency(states: list[ClockState]) -> tuple:
    """Sort key of a case in lists: overdue clocks first, then the nearest open deadline."""
    far = datetime.datetime.max.replace(tzinfo=datetime.timezone.utc)
    overdue = [c for c in states if c.state == "overdue"]
    due = [c.deadline or far for c in states if c.state == "due"]
    return (0 if overdue else 1 if due else 2, min([c.deadline for c in overdue] or due or [far]))
