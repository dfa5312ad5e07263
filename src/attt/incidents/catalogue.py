"""Loading the incident catalogues: reporting clocks (``catalogue/clocks.yaml``) and the legacy
serious-incident test (``catalogue/serious-incident.yaml``), each checked against a schema."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from attt.yamldata import (
    BILINGUAL_TEXT_SCHEMA,
    EFFECTIVE_DATES_SCHEMA,
    in_force,
    read_catalogue,
)

FOLDER = Path(__file__).with_name("catalogue")
FACTS = ("personal_data", "urgent", "serious", "beyond_capability", "complex", "response_ended")
STARTS = ("detected", "response_ended")
RECIPIENT_ROLES = ("system_owner", "specialised_unit", "national_coordination", "regulator",
                   "personal_data_authority")
REPORT_KINDS = ("notification", "form03", "progress", "form04", "d331_initial", "d331_report",
                "d331_update", "d331_closing", "pd_breach")

_TEXT = BILINGUAL_TEXT_SCHEMA
CLOCK_SCHEMA = {
    "type": "object", "required": ["version", "regimes", "clocks"], "additionalProperties": False,
    "properties": {
        "version": {"type": "string"},
        "regimes": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["id", "effective_from", "effective_to", "title"],
            "additionalProperties": False,
            "properties": {"id": {"type": "string"}, **EFFECTIVE_DATES_SCHEMA, "title": _TEXT}}},
        "clocks": {"type": "array", "minItems": 1, "items": {
            "type": "object",
            "required": ["id", "regime", "title", "article", "start", "applies_when", "report_kinds", "recipients"],
            "additionalProperties": False,
            "properties": {
                "id": {"type": "string"}, "regime": {"type": "string"}, "title": _TEXT,
                "article": {"type": "string", "minLength": 1}, "start": {"enum": list(STARTS)},
                "within_hours": {"type": "integer", "minimum": 1},
                "immediate": {"const": True}, "tolerance_hours": {"type": "integer", "minimum": 0},
                "applies_when": {"type": "array", "items": {"enum": list(FACTS)}},
                "report_kinds": {"type": "array", "minItems": 1, "items": {"enum": list(REPORT_KINDS)}},
                "recipients": {"type": "array", "minItems": 1, "items": {"enum": list(RECIPIENT_ROLES)}},
                "note": {"type": "string"},
            }}},
    },
}
SERIOUS_SCHEMA = {
    "type": "object", "required": ["version", "article", "min_level", "requires_beyond_capability", "impacts"],
    "additionalProperties": False,
    "properties": {
        "version": {"type": "string"}, "article": {"type": "string"},
        "min_level": {"type": "integer", "minimum": 1, "maximum": 5},
        "requires_beyond_capability": {"type": "boolean"},
        "impacts": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["id", "title"], "additionalProperties": False,
            "properties": {"id": {"type": "string"}, "title": _TEXT}}},
    },
}


@dataclass(frozen=True)
class Regime:
    id: str
    effective_from: datetime.date
    effective_to: datetime.date | None
    title: dict

    def covers(self, day: datetime.date) -> bool:
        return in_force(self, day)


@dataclass(frozen=True)
class ClockRule:
    id: str
    regime: str
    title: dict
    article: str
    start: str
    within_hours: int | None
    immediate: bool
    tolerance_hours: int
    applies_when: tuple
    report_kinds: tuple
    recipients: tuple
    note: str


@dataclass(frozen=True)
class Clocks:
    version: str
    regimes: tuple
    rules: tuple

    def regimes_on(self, day: datetime.date) -> list[Regime]:
        return [regime for regime in self.regimes if regime.covers(day)]


def _date(text):
    return datetime.date.fromisoformat(text) if text else None


@lru_cache(maxsize=1)
def clocks() -> Clocks:
    path = FOLDER / "clocks.yaml"
    data, _root, fail = read_catalogue(path, CLOCK_SCHEMA)
    regimes = tuple(Regime(r["id"], _date(r["effective_from"]), _date(r["effective_to"]), r["title"])
                    for r in data["regimes"])
    known = {regime.id for regime in regimes}
    rules, seen = [], set()
    for index, item in enumerate(data["clocks"]):
        where = ("clocks", index)
        if item["id"] in seen:
            fail(where + ("id",), f"clock {item['id']} is defined twice")
        seen.add(item["id"])
        if item["regime"] not in known:
            fail(where + ("regime",), f"unknown regime {item['regime']}")
        if item.get("immediate") and item.get("within_hours"):
            fail(where, "a clock is either immediate or has within_hours, not both")
        rules.append(ClockRule(
            id=item["id"], regime=item["regime"], title=item["title"], article=item["article"],
            start=item["start"], within_hours=item.get("within_hours"), immediate=bool(item.get("immediate")),
            tolerance_hours=item.get("tolerance_hours", 0), applies_when=tuple(item["applies_when"]),
            report_kinds=tuple(item["report_kinds"]), recipients=tuple(item["recipients"]),
            note=item.get("note", "")))
    return Clocks(data["version"], regimes, tuple(rules))


@lru_cache(maxsize=1)
def serious_test() -> dict:
    data, _root, _fail = read_catalogue(FOLDER / "serious-incident.yaml", SERIOUS_SCHEMA)
    return data


def impact_choices() -> list[tuple[str, dict]]:
    return [(item["id"], item["title"]) for item in serious_test()["impacts"]]
