"""The legal reporting periods (``catalogue/periods.yaml``): which days a report covers and when
it is due, per kind and year."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from attt.yamldata import BILINGUAL_TEXT_SCHEMA, read_catalogue

FOLDER = Path(__file__).with_name("catalogue")
KINDS = ("form05_half", "form05_year", "annual", "quarterly")

_TEXT = BILINGUAL_TEXT_SCHEMA
_DAY = {"type": "object", "required": ["month", "day", "year_offset"], "additionalProperties": False,
        "properties": {"month": {"type": "integer", "minimum": 1, "maximum": 12},
                       "day": {"type": "integer", "minimum": 1, "maximum": 31},
                       "year_offset": {"type": "integer", "minimum": -1, "maximum": 1}}}
_DUE = {"type": "object", "required": ["to", "month", "day", "year_offset"], "additionalProperties": False,
        "properties": {"to": {"enum": ["owner", "regulator", "national_coordination"]},
                       **_DAY["properties"]}}
SCHEMA = {
    "type": "object", "required": ["version", "kinds"], "additionalProperties": False,
    "properties": {
        "version": {"type": "string"},
        "kinds": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["id", "article", "title", "reporters", "evidence", "occurrences"],
            "additionalProperties": False,
            "properties": {
                "id": {"enum": list(KINDS)}, "article": {"type": "string", "minLength": 1}, "title": _TEXT,
                "reporters": {"enum": ["all", "network_members"]},
                "evidence": {"type": "array", "items": {"type": "string", "minLength": 1}},
                "occurrences": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "required": ["number", "start", "end", "dues", "label"],
                    "additionalProperties": False,
                    "properties": {"number": {"type": "integer", "minimum": 1}, "start": _DAY, "end": _DAY,
                                   "dues": {"type": "array", "minItems": 1, "items": _DUE},
                                   "label": _TEXT}}},
            }}},
    },
}


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date
    due: datetime.date  # the last recipient's (regulator's) last day in time
    label_vi: str
    label_en: str
    year: int = 0
    number: int = 1
    dues: tuple = ()  # ((recipient, date), ...) in catalogue order
    article: str = ""
    reporters: str = "all"  # "all" or "network_members"
    evidence_kinds: tuple = ()

    def due_for(self, organisation) -> datetime.date:
        """The last day in time for ``organisation``: units report to their owner (the first
        due date); an organisation directly under the regulator (or the root) has the last one."""
        dues = dict(self.dues)
        parent = organisation.parent
        reports_to_regulator = parent is None or parent.kind == "national_regulator"
        if "owner" in dues and not reports_to_regulator:
            return dues["owner"]
        return self.due

    def owed_by(self, organisation) -> bool:
        return self.reporters == "all" or organisation.is_network_member

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


@lru_cache(maxsize=1)
def catalogue() -> dict:
    data, _root, fail = read_catalogue(FOLDER / "periods.yaml", SCHEMA)
    kinds = {}
    for k, kind in enumerate(data["kinds"]):
        if kind["id"] in kinds:
            fail(["kinds", k, "id"], f"kind {kind['id']!r} is listed twice")
        numbers = [o["number"] for o in kind["occurrences"]]
        if len(set(numbers)) != len(numbers):
            fail(["kinds", k, "occurrences"], "occurrence numbers must be distinct")
        for o, occurrence in enumerate(kind["occurrences"]):
            for field in ("start", "end"):
                try:
                    _day(occurrence[field], 2024)  # a leap year accepts every real day
                except ValueError as exc:
                    fail(["kinds", k, "occurrences", o, field], str(exc))
        kinds[kind["id"]] = kind
    missing = set(KINDS) - set(kinds)
    if missing:
        fail(["kinds"], f"missing kinds: {', '.join(sorted(missing))}")
    return kinds


def _day(spec, year):
    return datetime.date(year + spec["year_offset"], spec["month"], spec["day"])


def period_for(kind: str, year: int, number: int | None = None) -> Period:
    """The period ``number`` (1 when the kind has one per year) of ``kind`` in ``year``."""
    spec = catalogue().get(kind)
    if spec is None:
        raise ValueError(f"unknown period kind {kind!r}; known: {', '.join(KINDS)}")
    occurrences = {o["number"]: o for o in spec["occurrences"]}
    number = 1 if number is None and len(occurrences) == 1 else number
    if number not in occurrences:
        raise ValueError(f"{kind} has periods {sorted(occurrences)}, not {number!r}")
    occurrence = occurrences[number]
    dues = tuple((due["to"], _day(due, year)) for due in occurrence["dues"])
    words = {"year": year, "number": number}
    return Period(kind=kind, start=_day(occurrence["start"], year), end=_day(occurrence["end"], year),
                  due=dues[-1][1], label_vi=occurrence["label"]["vi"].format(**words),
                  label_en=occurrence["label"]["en"].format(**words), year=year, number=number,
                  dues=dues, article=spec["article"], reporters=spec["reporters"],
                  evidence_kinds=tuple(spec["evidence"]))


def current_period(kind: str, day: datetime.date) -> Period:
    """The period of ``kind`` whose data window holds ``day`` (an annual period that starts on
    15/12 belongs to the next year)."""
    spec = catalogue().get(kind)
    if spec is None:
        raise ValueError(f"unknown period kind {kind!r}; known: {', '.join(KINDS)}")
    for year in (day.year, day.year + 1, day.year - 1):
        for occurrence in spec["occurrences"]:
            period = period_for(kind, year, occurrence["number"])
            if period.contains(day):
                return period
    # Form 05's six-month report covers only the first half: the second half has no period.
    raise LookupError(f"no {kind} period holds {day.isoformat()}")
