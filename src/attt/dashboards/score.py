"""The compliance score that ranks organisations on the supervisors' dashboard.

The weights and the components are data (``catalogue/compliance-score.yaml``, versioned with
effective dates, each component with the legal basis it measures); this module loads the file,
checks it, and applies the formula in force on a day:

    share_c = good_c / total_c                  for each component c with total_c > 0
    score   = 100 × Σ_c weight_c × share_c / Σ_c weight_c

summed over the components that have something to count (a subtree without open incidents is
neither marked down nor up for its reporting clocks); nothing to count → not rated. Rounded to
one decimal. With the default weights (approved levels 30, duties met 25, critical/high findings
within their fix-by date 20, incident clocks respected 15, response-team rule 10), 8/10 systems
approved, 32/40 duties met, 1 of 4 critical/high findings overdue, 1 of 5 clocks overdue and the
team duty met by 3 of 4 organisations score (24 + 20 + 15 + 12 + 7.5) / 100 × 100 = 78.5.

Each component reads plain counters (``services.Counts``): ``measure(component, counts)`` returns
``(good, total)``; the pure ``evaluate`` turns them into a ``Score`` with one ``Part`` per component.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from attt.yamldata import (
    BILINGUAL_TEXT_SCHEMA,
    EFFECTIVE_DATES_SCHEMA,
    in_force,
    parse_date,
    read_catalogue,
)

PATH = Path(__file__).with_name("catalogue") / "compliance-score.yaml"
MEASURES = ("approved_levels", "duties_met", "findings_in_time", "clocks_respected", "team_rule")
# The parameter each measure needs, checked at load time.
PARAMETERS = {"findings_in_time": "severities", "clocks_respected": "failing_states", "team_rule": "duties"}

_LIST = {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"type": "string", "minLength": 1}}
SCHEMA = {
    "type": "object", "required": ["version", "formulas"], "additionalProperties": False,
    "properties": {
        "version": {"type": "string"},
        "formulas": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["id", "effective_from", "effective_to", "title", "components"],
            "additionalProperties": False,
            "properties": {
                "id": {"type": "string", "minLength": 1}, **EFFECTIVE_DATES_SCHEMA, "title": BILINGUAL_TEXT_SCHEMA,
                "components": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "required": ["id", "weight", "article", "title", "explanation"],
                    "additionalProperties": False,
                    "properties": {
                        "id": {"enum": list(MEASURES)},
                        "weight": {"type": "number", "exclusiveMinimum": 0},
                        "article": {"type": "string", "minLength": 1},
                        "title": BILINGUAL_TEXT_SCHEMA, "explanation": BILINGUAL_TEXT_SCHEMA,
                        "severities": _LIST, "failing_states": _LIST, "duties": _LIST,
                    }}},
            }}},
    },
}


@dataclass(frozen=True)
class Component:
    id: str
    weight: float
    article: str
    title: dict
    explanation: dict
    severities: tuple = ()
    failing_states: tuple = ()
    duties: tuple = ()


@dataclass(frozen=True)
class Formula:
    id: str
    effective_from: datetime.date
    effective_to: datetime.date | None
    title: dict
    components: tuple

    @property
    def total_weight(self) -> float:
        return sum(component.weight for component in self.components)

    def component(self, measure: str) -> Component | None:
        return next((c for c in self.components if c.id == measure), None)


@dataclass(frozen=True)
class Catalogue:
    version: str
    formulas: tuple

    def formula_on(self, day: datetime.date) -> Formula:
        matching = [formula for formula in self.formulas if in_force(formula, day)]
        # Before the first formula took effect the earliest one still explains a score.
        return matching[-1] if matching else self.formulas[0]


def _check_parameters(item, where, fail):
    from attt.incidents.clocks import STATES
    from attt.obligations.catalogue import catalogue as duties
    from attt.scans.models import Severity

    allowed = {"severities": set(Severity.values), "failing_states": set(STATES),
               "duties": set(duties().by_id)}
    needed = PARAMETERS.get(item["id"])
    for name, known in allowed.items():
        if name in item and name != needed:
            fail(where + (name,), f"{item['id']} takes no {name}")
        for index, value in enumerate(item.get(name, ())):
            if value not in known:
                fail(where + (name, index), f"unknown value {value!r} in {name}")
    if needed and needed not in item:
        fail(where, f"{item['id']} needs {needed}")


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    data, _root, fail = read_catalogue(PATH, SCHEMA)
    formulas = []
    for index, item in enumerate(data["formulas"]):
        where = ("formulas", index)
        start = parse_date(item["effective_from"], where + ("effective_from",), fail)
        end = parse_date(item["effective_to"], where + ("effective_to",), fail) if item["effective_to"] else None
        if end is not None and end < start:
            fail(where + ("effective_to",), "effective_to is before effective_from")
        components, seen = [], set()
        for position, entry in enumerate(item["components"]):
            at = where + ("components", position)
            if entry["id"] in seen:
                fail(at + ("id",), f"component {entry['id']} appears twice")
            seen.add(entry["id"])
            _check_parameters(entry, at, fail)
            components.append(Component(
                id=entry["id"], weight=entry["weight"], article=entry["article"], title=entry["title"],
                explanation=entry["explanation"], severities=tuple(entry.get("severities", ())),
                failing_states=tuple(entry.get("failing_states", ())), duties=tuple(entry.get("duties", ()))))
        formulas.append(Formula(item["id"], start, end, item["title"], tuple(components)))
    formulas.sort(key=lambda formula: formula.effective_from)
    return Catalogue(data["version"], tuple(formulas))


def formula_on(day: datetime.date | None = None) -> Formula:
    from django.utils import timezone

    return catalogue().formula_on(day or timezone.localdate())


# --- applying it -----------------------------------------------------------------------------

def measure(component: Component, counts) -> tuple[int, int]:
    """(good, total) of one component from the counters of an organisation or a subtree."""
    if component.id == "approved_levels":
        return counts.approved, counts.systems
    if component.id == "duties_met":
        return counts.duties.get("met", 0), sum(counts.duties.values())
    if component.id == "findings_in_time":
        total = sum(counts.findings_open.get(s, 0) for s in component.severities)
        return total - sum(counts.findings_overdue.get(s, 0) for s in component.severities), total
    if component.id == "clocks_respected":
        total = sum(counts.clocks.values())
        return total - sum(counts.clocks.get(s, 0) for s in component.failing_states), total
    if component.id == "team_rule":
        return counts.team.get("met", 0), sum(counts.team.values())
    raise ValueError(f"unknown measure {component.id}")


@dataclass(frozen=True)
class Part:
    component: Component
    good: int
    total: int

    @property
    def share(self) -> float | None:
        return self.good / self.total if self.total else None

    @property
    def percent(self) -> float | None:
        return round(100 * self.good / self.total, 1) if self.total else None

    @property
    def counted(self) -> bool:
        return self.total > 0


@dataclass(frozen=True)
class Score:
    formula: Formula
    value: float | None
    parts: tuple

    @property
    def rated(self) -> bool:
        return self.value is not None


def evaluate(formula: Formula, counts) -> Score:
    parts = tuple(Part(component, *measure(component, counts)) for component in formula.components)
    counted = [part for part in parts if part.counted]
    if not counted:
        return Score(formula, None, parts)
    weight = sum(part.component.weight for part in counted)
    value = 100 * sum(part.component.weight * part.share for part in counted) / weight
    return Score(formula, round(value, 1), parts)
