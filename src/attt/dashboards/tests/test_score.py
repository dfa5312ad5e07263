"""The compliance score (catalogue/compliance-score.yaml) against hand-computed values, and the
loader's refusals of a broken catalogue."""

import datetime
from collections import Counter

import pytest

from attt.dashboards import score
from attt.dashboards.services import Counts
from attt.yamldata import CatalogueError


def formula():
    return score.formula_on(datetime.date(2026, 11, 23))


def worked_example(**changes):
    counts = Counts(systems=10, approved=8, duties=Counter(met=32, overdue=5, due_soon=3),
                    team=Counter(met=3, overdue=1), findings_open=Counter(critical=1, high=3, medium=7),
                    findings_overdue=Counter(critical=1, medium=7), incidents_open=2,
                    clocks=Counter(overdue=1, due=2, sent=1, acknowledged=1))
    for name, value in changes.items():
        setattr(counts, name, value)
    return counts


def test_default_weights_and_legal_basis():
    f = formula()
    assert f.id == "attt-default-2026" and f.total_weight == 100
    assert [(c.id, c.weight) for c in f.components] == [
        ("approved_levels", 30), ("duties_met", 25), ("findings_in_time", 20), ("clocks_respected", 15),
        ("team_rule", 10)]
    articles = {c.id: c.article for c in f.components}
    assert "NĐ 85" in articles["approved_levels"] and "NĐ 331" in articles["approved_levels"]
    assert "CĐ 33" in articles["findings_in_time"] and "Điều 31" in articles["clocks_respected"]
    assert "CT 18" in articles["team_rule"]
    assert f.component("findings_in_time").severities == ("critical", "high")
    assert f.component("clocks_respected").failing_states == ("overdue", "sent_late")
    assert f.component("team_rule").duties == ("D18-4",)


def test_the_worked_example_of_the_catalogue():
    # (30×0.8 + 25×0.8 + 20×0.75 + 15×0.8 + 10×0.75) / 100 × 100
    result = score.evaluate(formula(), worked_example())
    assert result.value == 78.5
    assert [(p.component.id, p.good, p.total, p.percent) for p in result.parts] == [
        ("approved_levels", 8, 10, 80.0), ("duties_met", 32, 40, 80.0), ("findings_in_time", 3, 4, 75.0),
        ("clocks_respected", 4, 5, 80.0), ("team_rule", 3, 4, 75.0)]


def test_a_component_with_nothing_to_count_is_left_out():
    # Without open incidents: (30×0.8 + 25×0.8 + 20×0.75 + 10×0.75) / 85 × 100 = 78.235…
    result = score.evaluate(formula(), worked_example(clocks=Counter(), incidents_open=0))
    assert result.value == 78.2
    assert not result.parts[3].counted and result.parts[3].share is None
    only_levels = score.evaluate(formula(), Counts(systems=4, approved=1))
    assert only_levels.value == 25.0


def test_a_late_report_fails_its_clock_and_low_findings_do_not_count():
    result = score.evaluate(formula(), worked_example(clocks=Counter(sent_late=2, acknowledged=2),
                                                      findings_open=Counter(low=9, high=2),
                                                      findings_overdue=Counter(low=9)))
    parts = {p.component.id: p for p in result.parts}
    assert (parts["clocks_respected"].good, parts["clocks_respected"].total) == (2, 4)
    assert (parts["findings_in_time"].good, parts["findings_in_time"].total) == (2, 2)
    assert result.value == round(30 * 0.8 + 25 * 0.8 + 20 * 1 + 15 * 0.5 + 10 * 0.75, 1)


def test_nothing_to_count_is_not_rated():
    result = score.evaluate(formula(), Counts())
    assert result.value is None and not result.rated
    perfect = score.evaluate(formula(), Counts(systems=1, approved=1, duties=Counter(met=3)))
    assert perfect.value == 100.0


def _write(tmp_path, text):
    path = tmp_path / "compliance-score.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD_COMPONENT = """      - id: team_rule
        weight: 10
        article: "CT 18"
        duties: [D18-4]
        title: {vi: "a", en: "a"}
        explanation: {vi: "b", en: "b"}
"""
HEAD = """version: "x"
formulas:
  - id: f
    effective_from: 2022-10-13
    effective_to: null
    title: {vi: "t", en: "t"}
    components:
"""


@pytest.mark.parametrize("component, reason", [
    (GOOD_COMPONENT.replace("D18-4", "D99-9"), "unknown value 'D99-9' in duties"),
    (GOOD_COMPONENT.replace("        duties: [D18-4]\n", ""), "team_rule needs duties"),
    (GOOD_COMPONENT.replace("duties: [D18-4]", "severities: [high]"), "team_rule takes no severities"),
    (GOOD_COMPONENT.replace("weight: 10", "weight: 0"), "weight"),
    (GOOD_COMPONENT.replace("id: team_rule", "id: happiness"), "happiness"),
    (GOOD_COMPONENT + GOOD_COMPONENT, "component team_rule appears twice"),
    (GOOD_COMPONENT.replace("duties: [D18-4]", "duties: [D18-4]\n        colour: red"), "colour"),
])
def test_a_broken_catalogue_is_refused_with_file_and_line(tmp_path, monkeypatch, component, reason):
    monkeypatch.setattr(score, "PATH", _write(tmp_path, HEAD + component))
    score.catalogue.cache_clear()
    try:
        with pytest.raises(CatalogueError) as error:
            score.catalogue()
    finally:
        score.catalogue.cache_clear()
    assert reason in str(error.value) and "compliance-score.yaml, line" in str(error.value)


def test_the_formula_in_force_on_a_day(tmp_path, monkeypatch):
    newer = HEAD.replace("id: f", "id: old").replace("effective_to: null", "effective_to: 2026-12-31") + \
        GOOD_COMPONENT + HEAD.split("formulas:\n")[1].replace("id: f", "id: new").replace(
            "2022-10-13", "2027-01-01") + GOOD_COMPONENT.replace("weight: 10", "weight: 20")
    monkeypatch.setattr(score, "PATH", _write(tmp_path, newer))
    score.catalogue.cache_clear()
    try:
        assert score.formula_on(datetime.date(2026, 6, 1)).id == "old"
        assert score.formula_on(datetime.date(2027, 6, 1)).id == "new"
        assert score.formula_on(datetime.date(2020, 1, 1)).id == "old"  # before any: the earliest explains
    finally:
        score.catalogue.cache_clear()
