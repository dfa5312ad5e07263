"""The maturity formula (catalogue/maturity.yaml) against hand-computed values, the trend over
years, and the ranking a supervisor sees (only its subtree's teams)."""

import datetime
from types import SimpleNamespace as Row

import pytest

from attt.readiness import maturity, rules, services_drills
from attt.tenancy.models import Organisation
from attt.yamldata import CatalogueError

TODAY = datetime.date(2026, 11, 23)
SCORES_70 = {"detection": 4, "containment": 3, "communication": 5, "reporting": 2, "recovery": 4}
SCORES_100 = {key: 5 for key in SCORES_70}


def drill(drill_type, held_on, scores, status="completed"):
    return Row(drill_type=drill_type, held_on=held_on, scores=scores, status=status)


def finding(due_on, status="open", done_on=None, held=datetime.date(2025, 3, 1)):
    return Row(due_on=due_on, status=status, done_on=done_on, drill_held_on=held)


def formula():
    return rules.maturity().formula_on(TODAY)


def test_drill_score_by_hand():
    # (25×4 + 25×3 + 15×5 + 20×2 + 15×4) / (5 × 100) × 100 = 350 / 500 × 100
    assert maturity.drill_score(SCORES_70, formula()) == pytest.approx(70.0)
    assert maturity.drill_score(SCORES_100, formula()) == pytest.approx(100.0)
    assert maturity.drill_score({}, formula()) == 0.0


def test_year_score_the_worked_example_of_the_catalogue():
    drills = [drill("real_world", datetime.date(2025, 4, 1), SCORES_70),
              drill("tabletop", datetime.date(2025, 9, 1), SCORES_100),
              drill("real_world", datetime.date(2025, 10, 1), SCORES_100, status="planned"),  # not counted
              drill("tabletop", datetime.date(2024, 9, 1), {})]  # another year
    findings = [finding(datetime.date(2025, 6, 30)),  # open, overdue: −5
                finding(datetime.date(2025, 6, 30), "done", datetime.date(2025, 6, 1)),  # done in time
                finding(datetime.date(2026, 2, 1))]  # not due yet at 31/12/2025
    row = maturity.year_score(drills, findings, 2025, TODAY)
    # base = (2×70 + 1×100) / 3 = 80; penalty 5 → 75, "managed" (60–80)
    assert (row.base, row.penalty, row.score, row.level.id) == (80.0, 5, 75.0, "managed")
    assert (row.drills, row.real_world_drills, row.overdue_findings) == (2, 1, 1)
    assert row.reference_day == datetime.date(2025, 12, 31)


def test_penalty_counts_late_fixes_and_is_capped():
    drills = [drill("tabletop", datetime.date(2025, 4, 1), SCORES_70)]
    late = finding(datetime.date(2025, 6, 30), "done", datetime.date(2026, 1, 15))  # still open on 31/12/2025
    row = maturity.year_score(drills, [late], 2025, TODAY)
    assert (row.overdue_findings, row.score, row.level.id) == (1, 65.0, "managed")
    assert maturity.year_score(drills, [late], 2026, TODAY).overdue_findings == 0  # fixed by then
    many = [finding(datetime.date(2025, 1, 2)) for _ in range(10)]
    row = maturity.year_score(drills, many, 2025, TODAY)
    assert (row.penalty, row.score, row.level.id) == (30, 40.0, "defined")  # 10 × 5 capped at 30
    bad = [drill("tabletop", datetime.date(2025, 4, 1), {"detection": 1})]  # 25 / 500 → 5
    assert maturity.year_score(bad, many, 2025, TODAY).score == 0.0


def test_a_year_without_completed_drill_is_not_rated():
    row = maturity.year_score([], [finding(datetime.date(2025, 1, 2))], 2025, TODAY)
    assert (row.rated, row.score, row.level, row.overdue_findings) == (False, None, None, 1)


def test_levels_boundaries():
    f = formula()
    assert [f.level_for(s).id for s in (0, 19.9, 20, 40, 59.9, 60, 80, 100)] == [
        "initial", "initial", "developing", "defined", "defined", "managed", "optimised", "optimised"]


def complete(world, organisation, drill_type, held_on, scores, user=None, systems=None):
    user = user or (world.officer_a if organisation.path.startswith(world.ministry.path) else world.officer_b)
    row = services_drills.save_drill(user, organisation, {"title": f"Diễn tập {organisation.code}",
                                                          "drill_type": drill_type, "held_on": held_on},
                                     systems if systems is not None else [])
    return services_drills.complete_drill(user, row, scores)


def test_team_year_and_trend_from_stored_drills(world):
    real = complete(world, world.agency, "real_world", datetime.date(2025, 4, 1), SCORES_70,
                    systems=[world.system_a.pk])
    complete(world, world.agency, "tabletop", datetime.date(2025, 9, 1), SCORES_100)
    services_drills.add_finding(world.officer_a, real, {"category": "process", "description": "Chậm báo cáo",
                                                        "due_on": "2025-06-30"})
    complete(world, world.agency, "tabletop", datetime.date(2026, 3, 1), SCORES_70)
    assert maturity.team_year(world.agency, 2025, TODAY).score == 75.0
    trend = maturity.trend(world.agency, TODAY)
    assert [(row.year, row.score) for row in trend] == [(2025, 75.0), (2026, 65.0)]  # the finding stays overdue
    page = world_page(world)
    assert "75.0" in page and "65.0" in page


def world_page(world):
    from django.test import Client

    client = Client()
    client.force_login(world.officer_a)
    return client.get("/readiness/team/AG-A1/").content.decode()


def test_ranking_shows_only_the_supervisors_subtree(world, login):
    year = datetime.date.today().year
    day = datetime.date(year, 1, 1)
    complete(world, world.agency, "tabletop", day, SCORES_70)
    complete(world, world.ministry, "real_world", day, SCORES_100, systems=[world.system_a.pk])
    complete(world, world.unit, "tabletop", day, SCORES_100)
    rows = maturity.ranking(Organisation.objects.visible_to(world.supervisor_a), year)
    assert [(row.organisation.code, row.score) for row in rows] == [("MIN-A", 100.0), ("AG-A1", 70.0)]
    page = login(world.supervisor_a).get("/readiness/maturity/").content.decode()
    table = page.split('id="ranking"')[1].split("</table>")[0]
    assert table.index("MIN-A") < table.index("AG-A1") and "UN-B1" not in table
    api = login(world.supervisor_a).get("/api/readiness/maturity/").json()
    assert [team["organisation"] for team in api["teams"]] == ["MIN-A", "AG-A1"]
    assert api["teams"][0]["level"] == "optimised"
    assert login(world.supervisor_a).get("/api/readiness/maturity/AG-A1/").json()["trend"][-1]["score"] == 70.0
    other = login(world.officer_b)
    assert [team["organisation"] for team in other.get("/api/readiness/maturity/").json()["teams"]] == ["UN-B1"]
    assert other.get("/api/readiness/maturity/AG-A1/").status_code == 404
    assert "AG-A1" not in other.get("/readiness/maturity/").content.decode()


def test_a_broken_catalogue_names_file_and_line(tmp_path, monkeypatch):
    text = (rules.FOLDER / "maturity.yaml").read_text(encoding="utf-8").replace("weight: 25", "weight: -1", 1)
    (tmp_path / "maturity.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(rules, "FOLDER", tmp_path)
    rules.maturity.cache_clear()
    try:
        with pytest.raises(CatalogueError, match=r"maturity.yaml, line \d+: .*weight"):
            rules.maturity()
    finally:
        rules.maturity.cache_clear()
