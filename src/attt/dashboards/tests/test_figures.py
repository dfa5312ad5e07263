"""The dashboard's figures against the hand-built records of conftest.py, for a supervisor of MIN-A,
the regulator at the root and the officer of the other tree."""

from collections import Counter

import pytest
from django.utils import timezone

from attt.dashboards import services
from attt.incidents.services import clock_states
from attt.levels import rollup
from attt.obligations.models import Evidence


def _clocks(*cases):
    now = timezone.now()
    return Counter(state.state for case in cases for state in clock_states(case, now=now))


def test_supervisor_figures_by_hand(data):
    dash = services.dashboard(data.supervisor_a, data.ministry)
    t = dash.totals
    assert dash.organisation_count == 2
    # Alpha (approved), Alpha-2 (none), the ministry portal (approved); the retired system is not counted.
    assert (t.systems, t.approved, t.missing, t.approved_share) == (3, 2, 1, 66.7)
    assert rollup.summary(rollup.counted_systems(data.supervisor_a))[:2] == (t.approved, t.systems)
    assert dict(t.duties) == {"met": 2, "overdue": 3, "due_soon": 1}
    assert (t.duties_total, t.duties_met_share, t.duties_overdue_share) == (6, 33.3, 50.0)
    assert dict(t.team) == {"met": 1, "overdue": 1}
    assert dict(t.findings_open) == {"critical": 1, "high": 1, "medium": 1}
    assert dict(t.findings_overdue) == {"critical": 1, "medium": 1}
    assert (t.serious_open, t.serious_overdue) == (2, 1)
    assert t.incidents_open == 1  # the closed case is not open
    assert t.clocks == _clocks(data.case_a) and t.clocks_total > 0
    assert dash.inbox == {"received": 1, "pending": 1}
    assert (dash.maturity.teams, dash.maturity.rated, dash.maturity.mean) == (1, 1, 70.0)
    by_type = {kind: (open_cases, recent) for kind, _label, open_cases, recent in dash.incident_types}
    assert by_type["malware"] == (1, 1) and by_type["phishing"] == (0, 1) and by_type["dos"] == (0, 0)


def test_supervisor_score_by_hand(data):
    dash = services.dashboard(data.supervisor_a, data.ministry)
    clocks = _clocks(data.case_a)
    total, failing = sum(clocks.values()), clocks["overdue"] + clocks["sent_late"]
    expected = (30 * 2 / 3 + 25 * 2 / 6 + 20 * 1 / 2 + 15 * (total - failing) / total + 10 * 1 / 2) / 100 * 100
    assert dash.score.value == round(expected, 1)
    assert [(p.component.id, p.good, p.total) for p in dash.score.parts] == [
        ("approved_levels", 2, 3), ("duties_met", 2, 6), ("findings_in_time", 1, 2),
        ("clocks_respected", total - failing, total), ("team_rule", 1, 2)]


def test_children_rows_and_the_roots_own_records(data):
    dash = services.dashboard(data.supervisor_a, data.ministry)
    rows = {(row.organisation.code, row.own): row for row in dash.rows}
    assert set(rows) == {("AG-A1", False), ("MIN-A", True)}
    agency, own = rows[("AG-A1", False)], rows[("MIN-A", True)]
    assert (agency.counts.systems, agency.counts.approved, agency.counts.duties_total) == (2, 1, 5)
    assert (agency.counts.serious_open, agency.counts.incidents_open, agency.maturity) == (2, 1, 70.0)
    # The ministry's own records: its portal (approved) and its team duty (met) → 100.
    assert (own.counts.systems, own.counts.approved, dict(own.counts.duties)) == (1, 1, {"met": 1})
    assert own.score.value == 100.0 and not own.subtree
    assert [row.rank for row in dash.rows] == [1, 2] and dash.rows[0] is own
    # The rows add up to the subtree's totals.
    summed = services.Counts().add(agency.counts).add(own.counts)
    assert (summed.systems, summed.duties, summed.findings_open) == (
        dash.totals.systems, dash.totals.duties, dash.totals.findings_open)


def test_regulator_sees_both_trees_and_ranks_them(data):
    dash = services.dashboard(data.regulator, data.root)
    assert dash.organisation_count == 5
    assert (dash.totals.systems, dash.totals.approved) == (4, 3)
    assert dash.totals.incidents_open == 2
    assert dash.totals.clocks == _clocks(data.case_a, data.case_b)
    rows = {row.organisation.code: row for row in dash.rows}
    assert set(rows) == {"MIN-A", "PRV-B"}  # ROOT owns nothing itself
    b = rows["PRV-B"].counts
    assert (b.systems, b.approved, dict(b.duties), dict(b.team)) == (1, 1, {"overdue": 1, "no_evidence": 1},
                                                                     {"no_evidence": 1})
    assert (dict(b.findings_open), dict(b.findings_overdue)) == ({"high": 1}, {"high": 1})
    # The inbox counts what organisations of the subtree received; the regulator's own root received nothing.
    assert dash.inbox == {"received": 1, "pending": 1}


def test_the_other_tree_sees_only_its_own(data):
    root = services.default_root(data.officer_b)
    assert root == data.province
    dash = services.dashboard(data.officer_b, root)
    assert dash.organisation_count == 2
    assert (dash.totals.systems, dash.totals.duties_total, dash.totals.incidents_open) == (1, 2, 1)
    assert dash.inbox == {"received": 0, "pending": 0} and dash.maturity.teams == 0
    assert {(row.organisation.code, row.own) for row in dash.rows} == {("UN-B1", False), ("PRV-B", True)}
    assert services.chosen(data.officer_b, "MIN-A") is None and services.chosen(data.officer_b, "un-b1")


def test_flat_ranking_scores_each_organisation_on_its_own_records(data):
    result = services.ranking(data.regulator, data.root, flat=True)
    rows = {row.organisation.code: row for row in result.rows}
    assert set(rows) == {"ROOT", "MIN-A", "AG-A1", "PRV-B", "UN-B1"}
    assert rows["ROOT"].score.value is None and rows["ROOT"].rank is None  # nothing to count: last, unranked
    assert result.rows[-1].organisation.code == "ROOT"
    # PRV-B owns only its team duty, without evidence: 0 on that one component.
    assert rows["PRV-B"].score.value == 0.0
    assert rows["MIN-A"].score.value == 100.0
    assert rows["AG-A1"].counts.systems == 2 and rows["AG-A1"].maturity == 70.0


def test_trend_counts_dated_records_per_quarter(data):
    dash = services.dashboard(data.supervisor_a, data.ministry)
    starts = dash.trend.starts
    assert len(starts) == 8 and starts[-1] == services.quarter_start(data.today)
    assert starts == sorted(starts) and all(s.day == 1 and s.month in (1, 4, 7, 10) for s in starts)
    expected = Counter(services.quarter_start(timezone.localtime(case.detected_at).date())
                       for case in (data.case_a, data.closed_a))
    assert dash.trend.series["incidents"] == [expected.get(start, 0) for start in starts]
    assert sum(dash.trend.series["findings_opened"]) == 3 and sum(dash.trend.series["findings_fixed"]) == 0
    evidence = (Evidence.objects.visible_to(data.supervisor_a).within(data.ministry)
                .filter(withdrawn_at__isnull=True, occurred_on__gte=starts[0]).count())
    assert sum(dash.trend.series["evidence"]) == evidence > 0
    assert dash.trend.labels[-1] == f"Q{(data.today.month - 1) // 3 + 1}/{data.today.year}"


def test_quarters_cross_years():
    import datetime

    assert services.quarters(datetime.date(2026, 2, 10), 4) == [
        datetime.date(2025, 4, 1), datetime.date(2025, 7, 1), datetime.date(2025, 10, 1), datetime.date(2026, 1, 1)]


def test_overdue_duties_longest_first(data):
    statuses = list(services.overdue_duties(data.supervisor_a, data.ministry))
    assert [(s.duty_id, s.system.name if s.system else None) for s in statuses] == [
        ("D18-1", "Alpha-2 Zq7"), ("D18-2", data.system_a.name), ("D18-4", None)]
    rows = services.overdue_rows(statuses, data.today)
    assert [row.days for row in rows] == [30, 10, 10]
    assert rows[0].title and "18/CT-TTg" in rows[0].citation
    assert [s.duty_id for s in services.overdue_duties(data.supervisor_a, data.ministry, "D18-4")] == ["D18-4"]
    assert [s.organisation.code for s in services.overdue_duties(data.officer_b, data.province)] == ["UN-B1"]


@pytest.mark.parametrize("user", ["platform_admin", "regulator", "supervisor_a", "officer_b", "nobody"])
def test_default_root(world, user):
    expected = {"platform_admin": "ROOT", "regulator": "ROOT", "supervisor_a": "MIN-A", "officer_b": "PRV-B",
                "nobody": None}[user]
    root = services.default_root(getattr(world, user))
    assert (root.code if root else None) == expected


def test_affected_systems_levels_follow_the_incidents_rule(data):
    """The batched levels behind the clocks equal the incidents room's own answer, one case at a time:
    the approved level while current, otherwise the newest dossier's proposed level."""
    from attt.incidents.models import Incident, IncidentSystem
    from attt.incidents.services import system_levels
    from attt.levels import services as level_services
    from attt.levels.testing import ANSWERS_L4, TODAY

    level_services.classify_system(data.officer_a, data.system_a2, ANSWERS_L4, TODAY)
    case = Incident.objects.get(pk=data.case_a.pk)
    IncidentSystem.objects.create(incident=case, system=data.system_a2)
    links = list(case.affected.select_related("system__level_status"))
    assert services._levels(links) == system_levels(case) == {data.system_a.pk: 3, data.system_a2.pk: 4}
    assert services.dashboard(data.supervisor_a, data.ministry).totals.clocks == _clocks(case)
