"""Load and validate the duty catalogues (``catalogue/duties-*.yaml`` + ``evidence-kinds.yaml``).

One file per legal instrument. Each duty says to whom it applies (a predicate over the facts in
``facts.py``), when it falls due (a schedule the engine understands) and which kinds of evidence
satisfy it. Every file is checked against a JSON schema, then against the fact, evidence and event
vocabularies; every error names the file and line.
"""

import datetime
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from attt.yamldata import CatalogueError, in_force, line_in_file, parse_date, read_catalogue

from . import facts

CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"
GLOB = "duties-*.yaml"
KINDS_FILE = "evidence-kinds.yaml"
SUBJECTS = ("system", "organisation")
REGIMES = ("decree-85", "decree-331", "any")
CONFIDENCE = ("verified", "summary", "brief")  # ✔ / ◐ / ✘ of regulations.md
DEFAULT_REMIND_DAYS = 30
MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")

DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
TEXT = {"type": "string", "minLength": 1}
BILINGUAL = {"type": "object", "required": ["vi", "en"], "additionalProperties": False,
             "properties": {"vi": TEXT, "en": TEXT}}
MMDD = {"type": "string", "pattern": MONTH_DAY.pattern}
LEVEL_MONTHS = {"type": "object", "propertyNames": {"pattern": "^[1-5]$"}, "minProperties": 5,
                "additionalProperties": {"type": "integer", "minimum": 1, "maximum": 120}}
EVENTS = {"type": "object", "required": ["events", "within_days"], "additionalProperties": False,
          "properties": {"events": {"type": "array", "minItems": 1, "items": TEXT},
                         "within_days": {"type": "integer", "minimum": 0, "maximum": 3650}}}

KINDS_SCHEMA = {
    "type": "object", "required": ["version", "evidence_kinds", "events"], "additionalProperties": False,
    "properties": {
        "version": TEXT,
        "evidence_kinds": {"type": "object", "minProperties": 1, "additionalProperties": BILINGUAL,
                           "propertyNames": {"pattern": "^[a-z_]+$"}},
        "events": {"type": "object", "minProperties": 1, "additionalProperties": BILINGUAL,
                   "propertyNames": {"pattern": "^[a-z_]+$"}},
    },
}

SCHEMA = {
    "type": "object",
    "required": ["instrument", "version", "title", "short", "duties"],
    "additionalProperties": False,
    "properties": {
        "instrument": {"type": "string", "pattern": r"^[a-z0-9-]+$"},
        "version": TEXT,
        "title": BILINGUAL,
        "short": BILINGUAL,
        "note": TEXT,
        "duties": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/duty"}},
    },
    "$defs": {
        "duty": {
            "type": "object", "additionalProperties": False,
            "required": ["id", "title", "article", "confidence", "regime", "effective_from",
                         "effective_to", "subject", "applies_to", "schedule", "evidence"],
            "properties": {
                "id": {"type": "string", "pattern": r"^[A-Z0-9]+(-[A-Z0-9]+)+$"},
                "title": BILINGUAL,
                "article": TEXT,
                "confidence": {"enum": list(CONFIDENCE)},
                "regime": {"enum": list(REGIMES)},
                "effective_from": DATE,
                "effective_to": {"anyOf": [DATE, {"type": "null"}]},
                "subject": {"enum": list(SUBJECTS)},
                "applies_to": {"$ref": "#/$defs/predicate"},
                "schedule": {"$ref": "#/$defs/schedule"},
                "evidence": {
                    "type": "object", "required": ["kinds", "description"], "additionalProperties": False,
                    "properties": {"kinds": {"type": "array", "minItems": 1, "items": TEXT},
                                   "description": BILINGUAL},
                },
                "remind_days_before": {"type": "integer", "minimum": 0, "maximum": 365},
                "note": TEXT,
            },
        },
        "predicate": {
            "type": "object", "minProperties": 1,
            "properties": {
                "always": {"const": True},
                "all": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/predicate"}},
                "any": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/predicate"}},
                "not": {"$ref": "#/$defs/predicate"},
                "fact": TEXT,
                "is": {"type": ["string", "integer", "boolean"]},
                "in": {"type": "array", "minItems": 1},
                "at_least": {"type": "integer"},
                "at_most": {"type": "integer"},
                "before": DATE,
                "on_or_after": DATE,
                "known": {"type": "boolean"},
            },
            "additionalProperties": False,
        },
        "schedule": {
            "type": "object", "additionalProperties": False,
            "minProperties": 1,
            "properties": {
                # Every N months since the last evidence (N may depend on the level).
                "every_months": {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 120},
                                           {"type": "object", "required": ["by_level"],
                                            "additionalProperties": False,
                                            "properties": {"by_level": LEVEL_MONTHS}}]},
                # Fixed dates each year; evidence dated in [opens, next opening) counts for it.
                "calendar": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "required": ["opens", "due"], "additionalProperties": False,
                    "properties": {"opens": MMDD, "due": MMDD, "label": BILINGUAL}}},
                # Once: by a fixed date, N days after go-live, or with no date at all.
                "once": {"type": "object", "additionalProperties": False, "properties": {
                    "due": DATE, "after_go_live_days": {"type": "integer", "minimum": 0}}},
                "before_go_live": {"const": True},
                "on_event": EVENTS,
                # Any schedule may also re-open on an event (e.g. plan update when the system changes).
                "on_events": EVENTS,
                # The instrument sets no number: the cadence is ATTT's documented default.
                "policy_default": {"type": "boolean"},
            },
        },
    },
}
SCHEDULE_KINDS = ("every_months", "calendar", "once", "before_go_live", "on_event")


@dataclass(frozen=True)
class Instrument:
    slug: str
    version: str
    title: dict
    short: dict
    path: Path


@dataclass(frozen=True)
class Duty:
    id: str
    instrument: Instrument
    title: dict
    article: str
    confidence: str
    regime: str
    effective_from: datetime.date
    effective_to: datetime.date | None
    subject: str
    applies_to: dict
    schedule: dict
    evidence_kinds: tuple
    evidence_description: dict
    remind_days_before: int
    note: str = ""
    schedule_kind: str = field(default="")

    @property
    def citation(self):
        """Instrument + article, e.g. {"vi": "CT 18/CT-TTg, mục 1", ...}."""
        return {lang: f"{self.instrument.short[lang]}, {self.article}" for lang in ("vi", "en")}

    def in_force_on(self, day):
        return in_force(self, day)


@dataclass(frozen=True)
class Catalogue:
    duties: tuple
    evidence_kinds: dict
    events: dict

    @functools.cached_property
    def by_id(self):
        return {duty.id: duty for duty in self.duties}

    @functools.cached_property
    def _by_subject(self):
        return {subject: [duty for duty in self.duties if duty.subject == subject] for subject in SUBJECTS}

    def for_subject(self, subject):
        return self._by_subject[subject]


def _check_predicate(pred, at, subject, fail):
    if "fact" in pred:
        name = pred["fact"]
        known = facts.vocabulary(subject)
        if name not in known:
            fail(at + ["fact"], f"unknown fact {name!r} for a {subject} duty; known: {', '.join(sorted(known))}")
        operators = [key for key in pred if key != "fact"]
        if len(operators) != 1:
            fail(at, f"a fact test needs exactly one operator, got {operators or 'none'}")
        operator = operators[0]
        allowed = facts.OPERATORS[known[name]]
        if operator not in allowed:
            fail(at + [operator], f"operator {operator!r} does not apply to fact {name!r} "
                                  f"(use {', '.join(allowed)})")
        values = facts.allowed_values(name)
        tested = pred[operator] if isinstance(pred[operator], list) else [pred[operator]]
        if values is not None and operator in ("is", "in"):
            unknown = [value for value in tested if value not in values]
            if unknown:
                fail(at + [operator], f"{name} is never {', '.join(map(repr, unknown))}; "
                                      f"known values: {', '.join(sorted(values))}")
        return
    keys = set(pred)
    combinators = keys & {"all", "any", "not", "always"}
    if len(combinators) != 1 or keys - combinators:
        fail(at, "a predicate is exactly one of: fact test, all, any, not, always")
    (key,) = combinators
    if key in ("all", "any"):
        for index, child in enumerate(pred[key]):
            _check_predicate(child, at + [key, index], subject, fail)
    elif key == "not":
        _check_predicate(pred["not"], at + ["not"], subject, fail)


def _schedule_kind(schedule, at, fail, events):
    kinds = [kind for kind in SCHEDULE_KINDS if kind in schedule]
    if len(kinds) != 1:
        fail(at, f"a schedule needs exactly one of {', '.join(SCHEDULE_KINDS)}; got {kinds or 'none'}")
    for key in ("on_event", "on_events"):
        for index, event in enumerate(schedule.get(key, {}).get("events", [])):
            if event not in events:
                fail(at + [key, "events", index], f"unknown event {event!r}; known: {', '.join(events)}")
    if "on_event" in schedule and "on_events" in schedule:
        fail(at + ["on_events"], "an event-driven schedule cannot also re-open on events")
    for index, occurrence in enumerate(schedule.get("calendar", [])):
        for key in ("opens", "due"):
            month, day = map(int, occurrence[key].split("-"))
            try:
                datetime.date(2024, month, day)  # a leap year accepts 02-29 too
            except ValueError:
                fail(at + ["calendar", index, key], f"{occurrence[key]!r} is not a day of the year")
    return kinds[0]


def load_kinds(path):
    data, _root, _fail = read_catalogue(path, KINDS_SCHEMA)
    return data["evidence_kinds"], data["events"]


def load_file(path, evidence_kinds, events):
    data, _root, fail = read_catalogue(path, SCHEMA)
    instrument = Instrument(data["instrument"], data["version"], data["title"], data["short"], Path(path))
    duties = []
    for index, raw in enumerate(data["duties"]):
        at = ["duties", index]
        start = parse_date(raw["effective_from"], at + ["effective_from"], fail)
        end = raw["effective_to"] and parse_date(raw["effective_to"], at + ["effective_to"], fail)
        if end and end < start:
            fail(at + ["effective_to"], "effective_to is before effective_from")
        if raw["subject"] == "organisation" and "before_go_live" in raw["schedule"]:
            fail(at + ["schedule"], "only a system goes live: before_go_live needs subject: system")
        _check_predicate(raw["applies_to"], at + ["applies_to"], raw["subject"], fail)
        kind = _schedule_kind(raw["schedule"], at + ["schedule"], fail, events)
        once = raw["schedule"].get("once", {})
        if "due" in once:
            parse_date(once["due"], at + ["schedule", "once", "due"], fail)
        for position, evidence in enumerate(raw["evidence"]["kinds"]):
            if evidence not in evidence_kinds:
                fail(at + ["evidence", "kinds", position], f"unknown evidence kind {evidence!r}")
        duties.append(Duty(
            id=raw["id"], instrument=instrument, title=raw["title"], article=raw["article"],
            confidence=raw["confidence"], regime=raw["regime"], effective_from=start, effective_to=end or None,
            subject=raw["subject"], applies_to=raw["applies_to"], schedule=raw["schedule"],
            evidence_kinds=tuple(raw["evidence"]["kinds"]), evidence_description=raw["evidence"]["description"],
            remind_days_before=raw.get("remind_days_before", DEFAULT_REMIND_DAYS), note=raw.get("note", ""),
            schedule_kind=kind,
        ))
    return duties


@functools.lru_cache(maxsize=8)
def load_catalogue(directory=CATALOGUE_DIR):
    directory = Path(directory)
    evidence_kinds, events = load_kinds(directory / KINDS_FILE)
    duties, seen = [], {}
    for path in sorted(directory.glob(GLOB)):
        for index, duty in enumerate(load_file(path, evidence_kinds, events)):
            if duty.id in seen:
                raise CatalogueError(path, line_in_file(path, ["duties", index, "id"]),
                                     f"duty {duty.id} is already defined in {seen[duty.id].name}")
            seen[duty.id] = path
            duties.append(duty)
    if not duties:
        raise CatalogueError(directory, None, f"no {GLOB} file")
    # Instruments in the order the law made them (Decree 85 first, Decree 331 last), duties in file order.
    first = {}
    for duty in duties:
        first[duty.instrument.slug] = min(first.get(duty.instrument.slug, duty.effective_from), duty.effective_from)
    position = {duty.id: index for index, duty in enumerate(duties)}
    duties.sort(key=lambda duty: (first[duty.instrument.slug], duty.instrument.slug, position[duty.id]))
    return Catalogue(tuple(duties), evidence_kinds, events)


def catalogue():
    return load_catalogue(CATALOGUE_DIR)
