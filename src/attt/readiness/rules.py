"""Loading the team part's catalogues: the response-team rule (``catalogue/team-rules.yaml``) and
the maturity formula (``catalogue/maturity.yaml``), each checked against a JSON schema at first use;
a bad file fails with its name, line and reason (attt.yamldata)."""

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

FOLDER = Path(__file__).with_name("catalogue")
DRILL_TYPES = ("tabletop", "real_world")

_TEXT = BILINGUAL_TEXT_SCHEMA
_DATES = EFFECTIVE_DATES_SCHEMA
TEAM_SCHEMA = {
    "type": "object", "required": ["version", "team_rules", "focal_point"], "additionalProperties": False,
    "properties": {
        "version": {"type": "string"},
        "team_rules": {"type": "array", "minItems": 1, "items": {
            "type": "object", "additionalProperties": False,
            "required": ["id", "duty", "article", "effective_from", "effective_to", "title", "minimum_experts",
                         "counts"],
            "properties": {
                "id": {"type": "string"}, "duty": {"type": "string"}, "article": {"type": "string", "minLength": 1},
                "confidence": {"type": "string"}, **_DATES, "title": _TEXT,
                "minimum_experts": {"type": "integer", "minimum": 1},
                "counts": {"type": "object", "additionalProperties": False,
                           "required": ["outsourced", "contract_must_be_running", "min_valid_certificates",
                                        "certificate_without_expiry_is_valid"],
                           "properties": {"outsourced": {"type": "boolean"},
                                          "contract_must_be_running": {"type": "boolean"},
                                          "min_valid_certificates": {"type": "integer", "minimum": 0},
                                          "certificate_without_expiry_is_valid": {"type": "boolean"}}},
            }}},
        "focal_point": {"type": "object", "additionalProperties": False,
                        "required": ["duty", "article", "notify_within_hours", "recipient"],
                        "properties": {"duty": {"type": "string"}, "article": {"type": "string"},
                                       "notify_within_hours": {"type": "integer", "minimum": 1},
                                       "recipient": _TEXT}},
    },
}
MATURITY_SCHEMA = {
    "type": "object", "required": ["version", "formulas"], "additionalProperties": False,
    "properties": {
        "version": {"type": "string"},
        "formulas": {"type": "array", "minItems": 1, "items": {
            "type": "object", "additionalProperties": False,
            "required": ["id", "effective_from", "effective_to", "article", "scale_max", "criteria",
                         "drill_type_weights", "penalty", "levels"],
            "properties": {
                "id": {"type": "string"}, **_DATES, "article": {"type": "string"},
                "scale_max": {"type": "integer", "minimum": 1},
                "criteria": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "required": ["id", "weight", "title"], "additionalProperties": False,
                    "properties": {"id": {"type": "string", "pattern": "^[a-z_]+$"},
                                   "weight": {"type": "number", "exclusiveMinimum": 0}, "title": _TEXT}}},
                "drill_type_weights": {"type": "object", "required": list(DRILL_TYPES), "additionalProperties": False,
                                       "properties": {t: {"type": "number", "exclusiveMinimum": 0}
                                                      for t in DRILL_TYPES}},
                "penalty": {"type": "object", "required": ["per_overdue_finding", "maximum"],
                            "additionalProperties": False,
                            "properties": {"per_overdue_finding": {"type": "number", "minimum": 0},
                                           "maximum": {"type": "number", "minimum": 0}}},
                "levels": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "required": ["id", "from", "title"], "additionalProperties": False,
                    "properties": {"id": {"type": "string"}, "from": {"type": "number", "minimum": 0,
                                                                      "maximum": 100},
                                   "title": _TEXT}}},
            }}},
    },
}


@dataclass(frozen=True)
class TeamRule:
    id: str
    duty: str
    article: str
    effective_from: datetime.date
    effective_to: datetime.date | None
    title: dict
    minimum_experts: int
    outsourced_count: bool
    contract_must_be_running: bool
    min_valid_certificates: int
    certificate_without_expiry_is_valid: bool


@dataclass(frozen=True)
class TeamRules:
    version: str
    rules: tuple
    focal_point: dict

    def rule_on(self, day: datetime.date) -> TeamRule | None:
        matching = [rule for rule in self.rules if in_force(rule, day)]
        return matching[-1] if matching else None


@dataclass(frozen=True)
class Criterion:
    id: str
    weight: float
    title: dict


@dataclass(frozen=True)
class MaturityLevel:
    id: str
    start: float
    title: dict


@dataclass(frozen=True)
class Formula:
    id: str
    effective_from: datetime.date
    effective_to: datetime.date | None
    article: str
    scale_max: int
    criteria: tuple
    type_weights: dict
    penalty_per_overdue: float
    penalty_maximum: float
    levels: tuple

    def level_for(self, score):
        if score is None:
            return None
        reached = [level for level in self.levels if level.start <= score]
        return reached[-1] if reached else self.levels[0]


@dataclass(frozen=True)
class Maturity:
    version: str
    formulas: tuple

    def formula_on(self, day: datetime.date) -> Formula:
        matching = [formula for formula in self.formulas if in_force(formula, day)]
        # Before the first formula took effect the earliest one still explains a score.
        return matching[-1] if matching else self.formulas[0]


def _dates(item, where, fail):
    start = parse_date(item["effective_from"], where + ("effective_from",), fail)
    end = parse_date(item["effective_to"], where + ("effective_to",), fail) if item["effective_to"] else None
    if end is not None and end < start:
        fail(where + ("effective_to",), "effective_to is before effective_from")
    return start, end


@lru_cache(maxsize=1)
def team_rules() -> TeamRules:
    data, _root, fail = read_catalogue(FOLDER / "team-rules.yaml", TEAM_SCHEMA)
    rules, seen = [], set()
    for index, item in enumerate(data["team_rules"]):
        where = ("team_rules", index)
        if item["id"] in seen:
            fail(where + ("id",), f"rule {item['id']} is defined twice")
        seen.add(item["id"])
        start, end = _dates(item, where, fail)
        counts = item["counts"]
        rules.append(TeamRule(
            id=item["id"], duty=item["duty"], article=item["article"], effective_from=start, effective_to=end,
            title=item["title"], minimum_experts=item["minimum_experts"], outsourced_count=counts["outsourced"],
            contract_must_be_running=counts["contract_must_be_running"],
            min_valid_certificates=counts["min_valid_certificates"],
            certificate_without_expiry_is_valid=counts["certificate_without_expiry_is_valid"]))
    rules.sort(key=lambda rule: rule.effective_from)
    return TeamRules(data["version"], tuple(rules), data["focal_point"])


@lru_cache(maxsize=1)
def maturity() -> Maturity:
    data, _root, fail = read_catalogue(FOLDER / "maturity.yaml", MATURITY_SCHEMA)
    formulas = []
    for index, item in enumerate(data["formulas"]):
        where = ("formulas", index)
        start, end = _dates(item, where, fail)
        ids = [criterion["id"] for criterion in item["criteria"]]
        if len(set(ids)) != len(ids):
            fail(where + ("criteria",), "a criterion id appears twice")
        starts = [level["from"] for level in item["levels"]]
        if starts != sorted(starts) or len(set(starts)) != len(starts) or starts[0] != 0:
            fail(where + ("levels",), "levels must start at 0 and rise strictly")
        formulas.append(Formula(
            id=item["id"], effective_from=start, effective_to=end, article=item["article"],
            scale_max=item["scale_max"],
            criteria=tuple(Criterion(c["id"], c["weight"], c["title"]) for c in item["criteria"]),
            type_weights=dict(item["drill_type_weights"]),
            penalty_per_overdue=item["penalty"]["per_overdue_finding"], penalty_maximum=item["penalty"]["maximum"],
            levels=tuple(MaturityLevel(level["id"], level["from"], level["title"]) for level in item["levels"])))
    formulas.sort(key=lambda formula: formula.effective_from)
    return Maturity(data["version"], tuple(formulas))
