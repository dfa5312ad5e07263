"""Table-driven engine tests with frozen time (``today`` is an argument), both regimes, on the shipped
catalogue: what ATTT shows must be what the law gives."""

import datetime

import pytest

from attt.obligations import engine
from attt.obligations.catalogue import catalogue
from attt.obligations.engine import (
    DUE_SOON,
    MET,
    NO_EVIDENCE,
    NOT_APPLICABLE,
    OVERDUE,
    Proof,
)

D = datetime.date.fromisoformat


def system(**facts):
    values = {"level": 3, "approved_level": None, "approved_regime": None, "approved_on": None,
              "system_type": "internal", "hosting": "on_premises", "status": "operating",
              "processes_personal_data": False, "anqg": False, "go_live_date": D("2020-01-01"),
              "in_investment_since": None, "created_on": D("2020-01-01"), "owner_kind": "agency",
              "owner_line_kinds": frozenset({"national_regulator", "ministry", "agency"}),
              "owner_state_body": True, "owner_network_member": False, "owner_telecom": False}
    values.update(facts)
    return values


def organisation(**facts):
    values = {"kind": "agency", "line_kinds": frozenset({"ministry", "agency"}), "state_body": True,
              "network_member": False, "telecom": False, "owns_systems": True, "operates_others_systems": False,
              "security_unit": False, "max_level": 3, "has_online_service": False,
              "processes_personal_data": False, "has_anqg": False}
    values.update(facts)
    return values


def proofs(*days):
    return [Proof(index + 1, D(day)) for index, day in enumerate(days)]


def run(duty_id, values, today, evidence=(), events=()):
    duty = catalogue().by_id[duty_id]
    return engine.evaluate(duty, values, proofs(*evidence), [(kind, D(day)) for kind, day in events], D(today))


CASES = [
    # id, duty, facts, evidence dates, events, today, status, next due
    # Vulnerability scan every 6 months (CT 18): the example.
    ("scan-met", "D18-1", system(), ["2026-03-01"], [], "2026-06-01", MET, "2026-09-01"),
    ("scan-due-soon", "D18-1", system(), ["2026-03-01"], [], "2026-08-15", DUE_SOON, "2026-09-01"),
    ("scan-due-day", "D18-1", system(), ["2026-03-01"], [], "2026-09-01", DUE_SOON, "2026-09-01"),
    ("scan-overdue", "D18-1", system(), ["2026-03-01"], [], "2026-09-02", OVERDUE, "2026-09-01"),
    ("scan-newest-wins", "D18-1", system(), ["2025-01-01", "2026-03-01"], [], "2026-08-01", MET, "2026-09-01"),
    ("scan-never-old-system", "D18-1", system(), [], [], "2026-01-01", OVERDUE, "2023-04-13"),
    ("scan-never-new-system", "D18-1", system(go_live_date=None, created_on=D("2026-10-01")), [], [],
     "2026-11-23", NO_EVIDENCE, "2027-04-01"),
    ("scan-not-state", "D18-1", system(owner_state_body=False, owner_line_kinds=frozenset({"enterprise"})), [], [],
     "2026-11-23", NOT_APPLICABLE, None),
    ("scan-network-member", "D18-1", system(owner_state_body=False, owner_network_member=True,
                                            owner_line_kinds=frozenset({"enterprise"})),
     ["2026-11-01"], [], "2026-11-23", MET, "2027-05-01"),
    ("scan-before-directive", "D18-1", system(), [], [], "2022-10-01", NOT_APPLICABLE, None),
    # Telecom contacts by 31/10/2022 (CT 18).
    ("telecom-no-contact", "D18-5", organisation(kind="telecom_isp", telecom=True), [], [], "2026-11-23",
     OVERDUE, "2022-10-31"),
    ("telecom-contact-late", "D18-5", organisation(telecom=True), ["2023-02-01"], [], "2026-11-23", MET,
     "2022-10-31"),
    ("telecom-before-deadline", "D18-5", organisation(telecom=True), [], [], "2022-10-20", DUE_SOON, "2022-10-31"),
    ("not-telecom", "D18-5", organisation(), [], [], "2026-11-23", NOT_APPLICABLE, None),
    # Real-world drill yearly for level ≥ 3 (CT 18).
    ("drill-this-year", "D18-3", system(), ["2026-05-10"], [], "2026-11-23", MET, "2027-12-31"),
    ("drill-last-year-only", "D18-3", system(), ["2025-05-10"], [], "2026-06-01", NO_EVIDENCE, "2026-12-31"),
    ("drill-december", "D18-3", system(), ["2025-05-10"], [], "2026-12-10", DUE_SOON, "2026-12-31"),
    ("drill-level-2", "D18-3", system(level=2), [], [], "2026-11-23", NOT_APPLICABLE, None),
    # Annual report, Decree 331 Form 08: period 15/12–14/12, owner → MPS before 25/12, so the 24th is the last day.
    ("annual-331-early", "N331-7", organisation(), [], [], "2026-11-01", NO_EVIDENCE, "2026-12-24"),
    ("annual-331-soon", "N331-7", organisation(), [], [], "2026-11-30", DUE_SOON, "2026-12-24"),
    ("annual-331-overdue", "N331-7", organisation(), [], [], "2026-12-26", OVERDUE, "2026-12-24"),
    ("annual-331-sent", "N331-7", organisation(), ["2026-12-20"], [], "2026-12-26", MET, "2027-12-24"),
    ("annual-331-next-year", "N331-7", organisation(), ["2026-12-20"], [], "2027-11-30", DUE_SOON, "2027-12-24"),
    ("annual-331-missed-then-window", "N331-7", organisation(), ["2026-12-20"], [], "2027-12-26", OVERDUE,
     "2027-12-24"),
    ("annual-331-no-systems", "N331-7", organisation(owns_systems=False), [], [], "2026-12-26",
     NOT_APPLICABLE, None),
    # Units → owner before 20/12.
    ("annual-unit", "N331-7-U", organisation(owns_systems=False, operates_others_systems=True), [], [],
     "2026-12-21", OVERDUE, "2026-12-19"),
    # Circular 12 annual report: in force until Decree 331 (18/08/2026).
    ("annual-tt12-2025", "TT12-4", organisation(), [], [], "2025-12-26", OVERDUE, "2025-12-24"),
    ("annual-tt12-2025-sent", "TT12-4", organisation(), ["2025-12-22"], [], "2026-01-10", MET, "2026-12-24"),
    ("annual-tt12-after-331", "TT12-4", organisation(), [], [], "2026-09-01", NOT_APPLICABLE, None),
    # Quarterly status report by the 20th of the quarter's last month (CĐ 33).
    ("quarter-q3-overdue", "CD33-6", organisation(), [], [], "2026-09-21", OVERDUE, "2026-09-20"),
    ("quarter-q3-sent", "CD33-6", organisation(), ["2026-09-18"], [], "2026-09-21", MET, "2026-12-20"),
    ("quarter-q4-soon", "CD33-6", organisation(), ["2026-09-18"], [], "2026-11-23", DUE_SOON, "2026-12-20"),
    # Audit by level, Decree 85 Art 20.2.c: 24 / 12 / 6 months; Decree 331 keeps it as ATTT's default.
    ("audit-85-level1", "N85-3", system(level=1), ["2024-03-01"], [], "2026-01-10", MET, "2026-03-01"),
    ("audit-85-level3", "N85-3", system(level=3), ["2025-03-01"], [], "2026-03-02", OVERDUE, "2026-03-01"),
    ("audit-85-level5", "N85-3", system(level=5, anqg=True), ["2026-01-01"], [], "2026-06-10", DUE_SOON,
     "2026-07-01"),
    ("audit-85-gone", "N85-3", system(level=3), ["2025-03-01"], [], "2026-08-19", NOT_APPLICABLE, None),
    ("audit-331-level4", "N331-5", system(level=4), ["2025-10-01"], [], "2026-08-25", MET, "2026-10-01"),
    ("audit-331-before", "N331-5", system(level=4), [], [], "2026-08-18", NOT_APPLICABLE, None),
    # Plans: by 31/12/2022, then within 30 days of every change (CT 18).
    ("plan-current", "D18-2", system(), ["2022-12-01"], [], "2026-11-23", MET, "2022-12-31"),
    ("plan-changed", "D18-2", system(), ["2022-12-01"], [("system_changed", "2026-10-01")], "2026-11-23",
     OVERDUE, "2026-10-31"),
    ("plan-changed-soon", "D18-2", system(), ["2022-12-01"], [("system_changed", "2026-11-10")],
     "2026-11-23", DUE_SOON, "2026-12-10"),
    ("plan-updated", "D18-2", system(), ["2022-12-01", "2026-10-20"], [("system_changed", "2026-10-01")],
     "2026-11-23", MET, "2022-12-31"),
    # Level approval before go-live (Decree 331 Art 11–25); a running system owes it from 19/08/2026.
    ("approval-go-live-soon", "N331-2", system(go_live_date=D("2027-01-15"), status="in_investment"), [], [],
     "2026-12-20", DUE_SOON, "2027-01-15"),
    ("approval-running", "N331-2", system(), [], [], "2026-11-23", OVERDUE, "2026-08-19"),
    ("approval-done", "N331-2", system(), ["2024-05-01"], [], "2026-11-23", MET, "2026-08-19"),
    ("approval-no-date", "N331-2", system(go_live_date=None, status="in_investment"), [], [], "2026-11-23",
     NO_EVIDENCE, None),
    # Transition (Decree 331 Art 39.1): systems in investment before 01/07/2026 finish under Decree 85.
    ("transition-due", "N331-8", system(in_investment_since=D("2026-03-01")), [], [], "2026-12-10", DUE_SOON,
     "2027-01-01"),
    ("transition-new", "N331-8", system(in_investment_since=D("2026-09-01")), [], [], "2026-12-10",
     NOT_APPLICABLE, None),
    # DPIA within 60 days of starting to process personal data (Law 91, Decree 356).
    ("dpia-overdue", "PDP-5", system(processes_personal_data=True), [], [], "2026-11-23", OVERDUE, "2026-03-02"),
    ("dpia-none", "PDP-5", system(), [], [], "2026-11-23", NOT_APPLICABLE, None),
    # Event-driven only: nothing owed until the event happens.
    ("warning-no-incident", "D18-6", organisation(telecom=True), [], [], "2026-11-23", NOT_APPLICABLE, None),
    ("warning-incident", "D18-6", organisation(telecom=True), [], [("wide_area_incident", "2026-11-20")],
     "2026-11-23", OVERDUE, "2026-11-21"),
    ("warning-sent", "D18-6", organisation(telecom=True), ["2026-11-20"], [("wide_area_incident", "2026-11-20")],
     "2026-11-23", MET, None),
]


@pytest.mark.parametrize("duty_id,facts,evidence,events,today,status,due",
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_status(duty_id, facts, evidence, events, today, status, due):
    outcome = run(duty_id, facts, today, evidence, events)
    assert (outcome.status, outcome.next_due) == (status, D(due) if due else None)


def test_no_change_is_missed_before_recheck():
    """Stored rows are refreshed on ``recheck_on``: until that day the answer must not change, and
    a row with no recheck day must keep its answer for good."""
    for case, duty_id, facts, evidence, events, today, _status, _due in CASES:
        outcome = run(duty_id, facts, today, evidence, events)
        last = outcome.recheck_on or D(today) + datetime.timedelta(days=800)
        day = D(today)
        while day < last:
            later = run(duty_id, facts, day.isoformat(), evidence, events)
            assert (later.status, later.next_due) == (outcome.status, outcome.next_due), (case, day)
            day += datetime.timedelta(days=7 if last - day > datetime.timedelta(days=10) else 1)


def test_the_proof_of_the_occurrence_is_returned():
    outcome = run("D18-1", system(), "2026-08-15", ["2025-06-01", "2026-03-01"])
    assert outcome.proof.occurred_on == D("2026-03-01")
    assert outcome.satisfied_on == D("2026-03-01")


def test_calendar_history_marks_missed_years():
    outcome = run("D18-3", system(), "2026-11-23", ["2024-06-01"])
    history = {item.due.year: item.proof for item in outcome.history}
    assert history[2024] is not None and history[2025] is None and history[2026] is None


def test_add_months_clamps_to_month_end():
    assert engine.add_months(D("2026-08-31"), 6) == D("2027-02-28")
    assert engine.add_months(D("2027-08-31"), 6) == D("2028-02-29")
