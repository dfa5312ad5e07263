"""Every reporting clock, in both regimes, at fixed instants (time is a parameter of the engine:
``now`` freezes it). Deadlines, states, the regime boundary in Vietnam's time zone, the serious-
incident test, and the catalogue's own checks."""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from attt.incidents import catalogue, clocks
from attt.incidents.models import Incident
from attt.yamldata import CatalogueError

VN = ZoneInfo("Asia/Ho_Chi_Minh")
H = datetime.timedelta(hours=1)
LEGACY_T0 = datetime.datetime(2026, 5, 10, 10, 0, tzinfo=VN)
D331_T0 = datetime.datetime(2026, 9, 1, 10, 0, tzinfo=VN)
SERIOUS = {"impacts": ["service_interruption"], "beyond_capability": True}


def case(t0, **flags):
    return Incident(detected_at=t0, time_zone="Asia/Ho_Chi_Minh", **flags)


def sent(kind, at, acknowledged_at=None):
    return SimpleNamespace(report=SimpleNamespace(kind=kind), sent_at=at, acknowledged_at=acknowledged_at)


def states(incident, now, deliveries=(), levels=None):
    return {c.rule.id: c for c in clocks.compute(incident, list(deliveries), levels or {}, now=now)}


# --- legacy regime (QĐ 05 / TT 20) -------------------------------------------------------------

def test_legacy_notification_runs_five_days():
    found = states(case(LEGACY_T0), LEGACY_T0 + 119 * H)
    assert set(found) == {"IR-1"}
    clock = found["IR-1"]
    assert clock.deadline == LEGACY_T0 + 120 * H and clock.state == "due"
    assert clock.remaining(LEGACY_T0 + 119 * H) == H
    assert clock.rule.article.startswith("QĐ 05") and "national_coordination" in clock.rule.recipients
    assert states(case(LEGACY_T0), LEGACY_T0 + 121 * H)["IR-1"].state == "overdue"


@pytest.mark.parametrize("kind", ["notification", "form03"])
def test_legacy_notification_met_by_notification_or_form03(kind):
    found = states(case(LEGACY_T0), LEGACY_T0 + 200 * H, [sent(kind, LEGACY_T0 + 100 * H)])
    assert found["IR-1"].state == "sent" and found["IR-1"].sent_at == LEGACY_T0 + 100 * H


def test_legacy_late_and_acknowledged():
    late = states(case(LEGACY_T0), LEGACY_T0 + 200 * H, [sent("notification", LEGACY_T0 + 130 * H)])
    assert late["IR-1"].state == "sent_late"
    acked = states(case(LEGACY_T0), LEGACY_T0 + 200 * H,
                   [sent("notification", LEGACY_T0 + 10 * H, acknowledged_at=LEGACY_T0 + 11 * H)])
    assert acked["IR-1"].state == "acknowledged" and acked["IR-1"].acknowledged_at == LEGACY_T0 + 11 * H


def test_legacy_form03_immediately_when_beyond_capability():
    incident = case(LEGACY_T0, beyond_capability=True)
    found = states(incident, LEGACY_T0 + 30 * datetime.timedelta(minutes=1))
    assert set(found) == {"IR-1", "IR-2", "IR-2-P"}
    assert found["IR-2"].rule.immediate and found["IR-2"].state == "due"
    assert found["IR-2"].deadline == LEGACY_T0 + found["IR-2"].rule.tolerance_hours * H
    assert states(incident, LEGACY_T0 + 2 * H)["IR-2"].state == "overdue"
    # Progress reports have no limit in law: due until one is sent, never overdue.
    assert states(incident, LEGACY_T0 + 1000 * H)["IR-2-P"].state == "due"
    assert states(incident, LEGACY_T0 + 1000 * H)["IR-2-P"].deadline is None
    assert states(incident, LEGACY_T0 + 1000 * H, [sent("progress", LEGACY_T0 + 5 * H)])["IR-2-P"].state == "sent"


def test_legacy_closing_form04_five_days_after_the_response_ends():
    ended = LEGACY_T0 + 48 * H
    incident = case(LEGACY_T0, response_ended_at=ended)
    found = states(incident, ended + 119 * H)
    assert found["IR-3"].starts_at == ended and found["IR-3"].deadline == ended + 120 * H
    assert found["IR-3"].state == "due"
    assert states(incident, ended + 121 * H)["IR-3"].state == "overdue"
    assert states(incident, ended + 121 * H, [sent("form04", ended + 24 * H)])["IR-3"].state == "sent"
    assert "IR-3" not in states(case(LEGACY_T0), ended + 121 * H)


# --- Decree 331 ----------------------------------------------------------------------------------

def test_decree_331_report_within_72_hours():
    found = states(case(D331_T0), D331_T0 + 71 * H)
    assert set(found) == {"N331-72H"}
    assert found["N331-72H"].deadline == D331_T0 + 72 * H and found["N331-72H"].state == "due"
    assert found["N331-72H"].rule.article == "NĐ 331 Điều 31.2.d"
    assert states(case(D331_T0), D331_T0 + 73 * H)["N331-72H"].state == "overdue"
    assert states(case(D331_T0), D331_T0 + 73 * H, [sent("d331_report", D331_T0 + 70 * H)])["N331-72H"].state == "sent"
    # An initial notice is not the 72-hour report.
    assert states(case(D331_T0), D331_T0 + 73 * H, [sent("d331_initial", D331_T0 + H)])["N331-72H"].state == "overdue"


@pytest.mark.parametrize("flag", ["harm_national_security", "serious_disruption"])
def test_decree_331_immediately_on_signs_of_harm(flag):
    incident = case(D331_T0, **{flag: True})
    found = states(incident, D331_T0 + 0.5 * H)
    assert found["N331-IMM"].state == "due" and found["N331-IMM"].rule.immediate
    assert states(incident, D331_T0 + 1.5 * H)["N331-IMM"].state == "overdue"
    assert states(incident, D331_T0 + 5 * H, [sent("d331_initial", D331_T0 + 0.5 * H)])["N331-IMM"].state == "sent"


def test_decree_331_serious_incident_24_hours():
    incident = case(D331_T0, **SERIOUS)
    found = states(incident, D331_T0 + 23 * H, levels={1: 4})
    assert found["N331-24H"].deadline == D331_T0 + 24 * H and found["N331-24H"].state == "due"
    assert states(incident, D331_T0 + 25 * H, levels={1: 4})["N331-24H"].state == "overdue"
    assert "N331-24H" not in states(incident, D331_T0 + 25 * H, levels={1: 3})


def test_decree_331_update_and_closing_for_complex_cases():
    ended = D331_T0 + 10 * 24 * H
    incident = case(D331_T0, complex_case=True)
    assert {"N331-UPD"} <= set(states(incident, D331_T0 + H))
    assert "N331-CLOSE" not in states(incident, D331_T0 + H)
    incident.response_ended_at = ended
    found = states(incident, ended + 1000 * H)
    assert found["N331-CLOSE"].state == "due" and found["N331-CLOSE"].deadline is None
    assert states(incident, ended + 1000 * H, [sent("d331_closing", ended + H)])["N331-CLOSE"].state == "sent"
    assert "N331-UPD" not in states(case(D331_T0), D331_T0 + H)


# --- personal data, regime choice ----------------------------------------------------------------

@pytest.mark.parametrize("t0", [LEGACY_T0, D331_T0])
def test_personal_data_72_hours_in_both_regimes(t0):
    found = states(case(t0, personal_data=True), t0 + 71 * H)
    assert found["PDP-72H"].deadline == t0 + 72 * H and found["PDP-72H"].state == "due"
    assert found["PDP-72H"].rule.recipients == ("personal_data_authority",)
    assert states(case(t0, personal_data=True), t0 + 73 * H)["PDP-72H"].state == "overdue"
    assert states(case(t0, personal_data=True), t0 + 73 * H, [sent("pd_breach", t0 + H)])["PDP-72H"].state == "sent"


def test_personal_data_clock_only_from_2026():
    t0 = datetime.datetime(2025, 12, 31, 9, 0, tzinfo=VN)
    assert "PDP-72H" not in states(case(t0, personal_data=True), t0 + H)


def test_regime_is_chosen_by_the_local_date_of_t0():
    # 18/08 23:30 in Hà Nội is still the legacy regime; 19/08 00:30 is Decree 331 although it is
    # 18/08 in UTC.
    before = datetime.datetime(2026, 8, 18, 23, 30, tzinfo=VN)
    after = datetime.datetime(2026, 8, 19, 0, 30, tzinfo=VN)
    assert after.astimezone(datetime.timezone.utc).date() == datetime.date(2026, 8, 18)
    assert set(states(case(before), before + H)) == {"IR-1"}
    assert set(states(case(after), after + H)) == {"N331-72H"}


def test_overdue_first_then_nearest_deadline():
    incident = case(D331_T0, personal_data=True, harm_national_security=True, **SERIOUS)
    ordered = [c.rule.id for c in clocks.compute(incident, [], {1: 5}, now=D331_T0 + 2 * H)]
    assert ordered[0] == "N331-IMM"  # overdue
    assert ordered[1:4] == ["N331-24H", "N331-72H", "PDP-72H"] or ordered[1:4] == ["N331-24H", "PDP-72H", "N331-72H"]
    key_overdue = clocks.urgency(clocks.compute(incident, [], {1: 5}, now=D331_T0 + 2 * H))
    key_due = clocks.urgency(clocks.compute(case(D331_T0), [], {}, now=D331_T0 + 2 * H))
    assert key_overdue < key_due


# --- serious-incident test (QĐ 05 Art 9) --------------------------------------------------------

@pytest.mark.parametrize("levels,impacts,beyond,expected", [
    ({1: 4}, ["loss_of_control"], True, True),
    ({1: 5, 2: 2}, ["cascading"], True, True),
    ({1: 3}, ["loss_of_control"], True, False),     # no level 4-5 system
    ({1: 4}, [], True, False),                      # no listed impact
    ({1: 4}, ["loss_of_control"], False, False),    # the owner can control it alone
    ({1: None}, ["loss_of_control"], True, False),  # level unknown
])
def test_serious_incident_test(levels, impacts, beyond, expected):
    result = clocks.serious(case(D331_T0, impacts=impacts, beyond_capability=beyond), levels)
    assert result.result is expected
    assert result.article == "QĐ 05 Điều 9"


# --- the catalogue -------------------------------------------------------------------------------

def test_catalogue_loads_with_citations():
    loaded = catalogue.clocks()
    assert {rule.id for rule in loaded.rules} >= {"IR-1", "IR-2", "IR-3", "N331-IMM", "N331-24H", "N331-72H",
                                                  "N331-CLOSE", "PDP-72H"}
    assert all(rule.article for rule in loaded.rules)


def test_catalogue_errors_name_file_and_line(tmp_path, monkeypatch):
    text = (catalogue.FOLDER / "clocks.yaml").read_text(encoding="utf-8").replace(
        "within_hours: 72\n    applies_when: []", "within_hours: 72\n    applies_when: [full_moon]", 1)
    (tmp_path / "clocks.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(catalogue, "FOLDER", tmp_path)
    catalogue.clocks.cache_clear()
    try:
        with pytest.raises(CatalogueError) as error:
            catalogue.clocks()
        assert "clocks.yaml, line" in str(error.value)
    finally:
        catalogue.clocks.cache_clear()
