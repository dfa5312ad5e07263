import datetime
import itertools
from zoneinfo import ZoneInfo

import pytest

from attt.incidents.models import Incident, IncidentType
from attt.levels import testing as levels_testing
from attt.obligations import evidence
from attt.obligations.models import DutyStatus
from attt.reports import figures
from attt.reports.periods import current_period, period_for

VN = ZoneInfo("Asia/Ho_Chi_Minh")
_refs = itertools.count(1)


def case(org, when, incident_type="malware", **extra):
    extra.setdefault("status", "investigating")
    return Incident.objects.create(organisation=org, reference=f"T-{next(_refs)}", title="Alpha-Zq7 case",
                                   detected_at=when, reporter_name="Tester", incident_type=incident_type, **extra)


def local(*args):
    return datetime.datetime(*args, tzinfo=VN)


# --- periods ------------------------------------------------------------------------------------

def test_periods_from_catalogue():
    half = period_for("form05_half", 2026)
    assert (half.start, half.end, half.due) == (datetime.date(2026, 1, 1), datetime.date(2026, 6, 30),
                                                datetime.date(2026, 6, 19))
    year = period_for("form05_year", 2026)
    assert (year.start, year.end, year.due) == (datetime.date(2025, 12, 15), datetime.date(2026, 12, 14),
                                                datetime.date(2026, 12, 14))
    annual = period_for("annual", 2026)
    assert (annual.start, annual.end) == (datetime.date(2025, 12, 15), datetime.date(2026, 12, 14))
    assert annual.dues == (("owner", datetime.date(2026, 12, 19)), ("regulator", datetime.date(2026, 12, 24)))
    assert annual.due == datetime.date(2026, 12, 24)
    assert "Điều 14" in annual.article and annual.label_en == "Year 2026"
    q3 = period_for("quarterly", 2026, 3)
    assert (q3.start, q3.end, q3.due) == (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30),
                                          datetime.date(2026, 9, 20))
    assert q3.label_vi == "Quý III năm 2026"


def test_period_errors():
    with pytest.raises(ValueError):
        period_for("weekly", 2026)
    with pytest.raises(ValueError):
        period_for("quarterly", 2026)  # four per year: the number is needed
    with pytest.raises(ValueError):
        period_for("quarterly", 2026, 5)
    with pytest.raises(LookupError):
        current_period("form05_half", datetime.date(2026, 8, 1))


def test_current_period():
    assert current_period("annual", datetime.date(2026, 12, 20)) == period_for("annual", 2027)
    assert current_period("annual", datetime.date(2026, 12, 14)) == period_for("annual", 2026)
    assert current_period("quarterly", datetime.date(2026, 11, 23)) == period_for("quarterly", 2026, 4)
    assert current_period("quarterly", datetime.date(2026, 1, 1)).number == 1
    assert current_period("form05_half", datetime.date(2026, 6, 30)).year == 2026


# --- Form 05 ------------------------------------------------------------------------------------

def test_form05_figures_and_sources(world):
    half = period_for("form05_half", 2026)
    a = case(world.agency, local(2026, 2, 1, 9), "malware", handling="self", estimated_damage_vnd=1_000_000)
    b = case(world.ministry, local(2026, 3, 1, 9), "malware", handling="domestic_help",
             national_help_requested=True, estimated_damage_vnd=2_500_000,
             helping_organisations="VNCERT/CC\n  \nCông ty ABC\n")
    c = case(world.agency, local(2026, 4, 1, 9), "phishing", handling="foreign_help",
             helping_organisations="Mandiant\nvncert/cc")
    d = case(world.agency, local(2026, 5, 1, 9), "dos")  # handling not recorded yet
    e = case(world.agency, local(2026, 5, 2, 9), "dos", handling="domestic_help",
             helping_organisations="vncert/cc")
    # Boundaries in Vietnam's time: 01/01 00:00 +07 is inside, 30/06 23:59 +07 inside, 01/07 00:00 outside.
    first = case(world.agency, local(2026, 1, 1, 0, 0), "other", handling="self")
    last = case(world.agency, local(2026, 6, 30, 23, 59), "other", handling="self")
    case(world.agency, local(2026, 7, 1, 0, 0), "other", handling="self")
    case(world.agency, local(2025, 12, 31, 23, 59), "other", handling="self")
    case(world.unit, local(2026, 2, 1, 9), "malware", handling="self")  # the other tree
    case(world.agency, local(2026, 2, 1, 9), "malware", from_public=True, status="new")  # untriaged
    triaged = case(world.agency, local(2026, 2, 2, 9), "malware", from_public=True, status="investigating")

    report = figures.form05(world.ministry, half)

    assert [row.incident_type for row in report.rows] == IncidentType.values
    malware = report.row("malware")
    assert malware.sources["count"] == [a.pk, triaged.pk, b.pk]  # by detection time
    assert malware.count == 3
    assert malware.sources["self_handled"] == [a.pk]
    assert malware.sources["domestic_help"] == [b.pk]
    assert malware.sources["national_help_requested"] == [b.pk]
    assert malware.national_help_requested == 1
    assert malware.estimated_damage_vnd == 3_500_000
    assert malware.sources["estimated_damage_vnd"] == [a.pk, b.pk]
    assert report.row("phishing").sources["foreign_help"] == [c.pk]
    dos = report.row("dos")
    assert (dos.count, dos.self_handled, dos.domestic_help, dos.foreign_help) == (2, 0, 1, 0)
    assert report.row("other").sources["count"] == [first.pk, last.pk]
    assert report.row("ransomware").count == 0 and report.row("ransomware").estimated_damage_vnd == 0
    totals = report.totals
    assert totals.count == 8
    assert (totals.self_handled, totals.domestic_help, totals.foreign_help) == (3, 2, 1)
    assert totals.estimated_damage_vnd == 3_500_000
    assert report.unclassified == [triaged.pk, d.pk]
    assert [(h.name, h.incident_ids) for h in report.domestic_helpers] == [
        ("Công ty ABC", [b.pk]), ("VNCERT/CC", [b.pk, e.pk])]
    assert [(h.name, h.incident_ids) for h in report.foreign_helpers] == [
        ("Mandiant", [c.pk]), ("vncert/cc", [c.pk])]

    # The agency's own report sees only its subtree.
    assert figures.form05(world.agency, half).row("malware").sources["count"] == [a.pk, triaged.pk]
    assert figures.form05(world.province, half).totals.count == 1


# --- Form 08 ------------------------------------------------------------------------------------

def test_annual_totals_and_row_for_approved_system(world):
    levels_testing.prepare_levels(world)
    dossier = levels_testing.approved(world)
    period = period_for("annual", 2027)  # 15/12/2026 – 14/12/2027 holds the assessment below
    assessment = evidence.record(kind="security_assessment", system=world.system_a,
                                 occurred_on=datetime.date(2027, 1, 10), title="Đánh giá định kỳ")
    evidence.record(kind="security_assessment", system=world.system_a,
                    occurred_on=datetime.date(2026, 12, 1), title="Before the period")
    withdrawn = evidence.record(kind="security_assessment", system=world.system_a,
                                occurred_on=datetime.date(2027, 2, 1), title="Withdrawn")
    type(withdrawn).objects.filter(pk=withdrawn.pk).update(withdrawn_at=datetime.datetime(2027, 2, 2, tzinfo=VN))

    report = figures.annual(world.ministry, period)

    assert report.totals == {"systems": 1, "classified": 1, "drafted": 1, "appraised": 1, "approved": 1,
                             "approved_assessed": 1}
    assert report.sources["approved_assessed"] == [world.system_a.pk]
    row, = report.rows
    assert (row.number, row.name) == (1, world.system_a.name)
    assert row.owner.startswith("AG-A1 – ")
    assert row.proposed_level == 3 and row.approval_status == "approved"
    assert (row.decision_number, row.decision_issuer) == ("45/QĐ-BTEST", "Bộ trưởng")
    assert row.decision_date == levels_testing.TODAY
    assert row.regulation == "12/QĐ-TEST (05/01/2026)"
    assert row.expected_approval_on is None
    assert row.deployment == "none"  # nothing in the checklist answered yet
    assert row.assessment == "periodic"
    assert (row.system_id, row.dossier_id) == (world.system_a.pk, dossier.pk)
    assert row.decision_id == dossier.decision.pk
    assert row.evidence_ids == [assessment.pk]

    # Other tree: system_b is not approved and has no dossier; tree A's system is not counted.
    other = figures.annual(world.province, period)
    assert other.totals == {"systems": 1, "classified": 0, "drafted": 0, "appraised": 0, "approved": 0,
                            "approved_assessed": 0}
    assert other.rows[0].approval_status == "" and other.rows[0].decision_number == ""
    assert row.expected_full_deployment_on is None  # nothing planned yet


def test_expected_full_deployment_is_the_last_remediation_date_when_all_are_planned(world):
    from attt.levels import checklist

    levels_testing.prepare_levels(world)
    levels_testing.approved(world)
    period = period_for("annual", 2027)
    lines = checklist.checklist_for(world.system_a).lines
    assert len(lines) > 2
    for index, line in enumerate(lines):
        if index == 0:
            checklist.answer_requirement(world.officer_a, world.system_a, line.requirement.id, "met")
        elif index < len(lines) - 1:
            checklist.answer_requirement(world.officer_a, world.system_a, line.requirement.id, "not_met",
                                         "Kế hoạch", due_on=datetime.date(2027, 3, index % 28 + 1))
    # The last requirement is unanswered: no date can be promised yet.
    assert figures.annual(world.ministry, period).rows[0].expected_full_deployment_on is None
    checklist.answer_requirement(world.officer_a, world.system_a, lines[-1].requirement.id, "not_met", "Kế hoạch",
                                 due_on=datetime.date(2027, 6, 30))
    row, = figures.annual(world.ministry, period).rows
    assert row.deployment == "partial" and row.expected_full_deployment_on == datetime.date(2027, 6, 30)


def test_annual_row_while_waiting_for_appraisal(world):
    levels_testing.prepare_levels(world)
    dossier = levels_testing.drafted(world)
    from attt.levels import services
    services.submit(world.officer_a, dossier, levels_testing.TODAY)
    dossier.refresh_from_db()

    report = figures.annual(world.agency, period_for("annual", 2026))

    assert report.totals["drafted"] == 1 and report.totals["appraised"] == 0 and report.totals["approved"] == 0
    row, = report.rows
    assert row.approval_status == "submitted"
    assert dossier.step_due_on is not None
    assert row.expected_approval_on == dossier.step_due_on
    assert row.assessment == "" and row.decision_id is None


# --- quarterly ----------------------------------------------------------------------------------

def test_quarterly_kpis(world):
    q3 = period_for("quarterly", 2026, 3)
    open_case = case(world.agency, local(2026, 8, 1, 9), "malware")
    case(world.agency, local(2026, 8, 2, 9), "dos", status="closed",
         response_ended_at=local(2026, 9, 1, 9))
    ended_after = case(world.agency, local(2026, 8, 3, 9), "dos", status="closed",
                       response_ended_at=local(2026, 10, 5, 9))
    case(world.agency, local(2026, 10, 2, 9), "dos")  # after the quarter
    case(world.unit, local(2026, 8, 1, 9), "malware")  # other tree
    duty = DutyStatus.objects.create(duty_id="TEST-1", organisation=world.agency, status="overdue")
    DutyStatus.objects.create(duty_id="TEST-1", organisation=world.unit, status="overdue")
    DutyStatus.objects.create(duty_id="TEST-2", organisation=world.agency, status="met")

    report = figures.quarterly(world.ministry, q3, now=local(2026, 11, 23, 12))

    assert report.sources["open_incidents"] == [open_case.pk, ended_after.pk]
    assert report.kpis["open_incidents"] == 2
    # Five days after detection with nothing sent, the legacy clock of the August cases is overdue.
    assert open_case.pk in report.sources["overdue_clocks"]
    assert report.sources["overdue_duties"] == [duty.pk]
    assert report.kpis["open_findings_critical"] == 0
    assert report.form05.totals.count == 3
    assert report.annual.period == period_for("annual", 2026)
    assert report.annual.totals["systems"] == 1
