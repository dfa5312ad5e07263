"""Load and validate the level-procedure catalogues (``catalogue/procedure-*.yaml``).

One file per regime says who appraises and approves a level, which dossier parts and forms are
needed, and how long each step may take. Like the criteria (``catalogue.py``) it is legal text as
data: every file is checked against a JSON schema and for coverage (each level 1–5 has exactly
one authority, no step has two periods for a level), and every error names the file and line.
"""

import datetime
import functools
import itertools
from dataclasses import dataclass
from pathlib import Path

from attt import workdays

from attt.yamldata import CatalogueError, in_force, parse_date, read_catalogue

from .catalogue import CATALOGUE_DIR

LEVELS = range(1, 6)
STEPS = ("validity_check", "appraisal", "approval")
UNITS = ("working", "calendar")
DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
TEXT = {"type": "string", "minLength": 1}
LEVEL = {"type": "integer", "minimum": 1, "maximum": 5}
VI_EN = {
    "type": "object", "required": ["vi", "en"], "additionalProperties": False,
    "properties": {"vi": TEXT, "en": TEXT},
}

SCHEMA = {
    "type": "object",
    "required": ["regime", "version", "effective_from", "effective_to", "dossier_parts",
                 "authorities", "time_limits", "forms", "security_regulation", "reclassification"],
    "additionalProperties": False,
    "properties": {
        "regime": {"type": "string", "pattern": r"^[a-z0-9-]+$"},
        "version": TEXT,
        "effective_from": DATE,
        "effective_to": {"anyOf": [DATE, {"type": "null"}]},
        "note": TEXT,
        "dossier_parts": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/part"}},
        "authorities": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/authority"}},
        "time_limits": {"type": "array", "items": {"$ref": "#/$defs/limit"}},
        "forms": {"type": "array", "items": {"$ref": "#/$defs/form"}},
        "security_regulation": {
            "type": "object", "required": ["citation", "vi", "en"], "additionalProperties": False,
            "properties": {"citation": TEXT, "vi": TEXT, "en": TEXT, "note": TEXT},
        },
        # When a system change calls for re-classification (NĐ 85 Art 18, NĐ 331 Art 10).
        "reclassification": {
            "type": "object", "required": ["citation", "vi", "en"], "additionalProperties": False,
            "properties": {"citation": TEXT, "vi": TEXT, "en": TEXT, "note": TEXT},
        },
    },
    "$defs": {
        "part": {
            "type": "object", "additionalProperties": False,
            "required": ["id", "title", "citation", "from_level", "required"],
            "properties": {
                "id": {"type": "string", "pattern": r"^[a-z0-9_]+$"}, "title": VI_EN,
                "citation": TEXT, "from_level": LEVEL, "required": {"type": "boolean"},
                "note": TEXT,
            },
        },
        "authority": {
            "type": "object", "additionalProperties": False,
            "required": ["from_level", "to_level", "appraiser", "approver", "citation"],
            "properties": {
                "from_level": LEVEL, "to_level": LEVEL,
                "appraiser": {"enum": ["specialised_unit", "regulator"]},
                "approver": {"enum": ["specialised_unit", "owner"]},
                "regulator": VI_EN, "citation": TEXT, "note": TEXT,
            },
        },
        "limit": {
            "type": "object", "additionalProperties": False,
            "required": ["step", "from_level", "to_level", "days", "unit", "citation"],
            "properties": {
                "step": {"enum": list(STEPS)}, "from_level": LEVEL, "to_level": LEVEL,
                "days": {"type": "integer", "minimum": 1}, "unit": {"enum": list(UNITS)},
                "citation": TEXT, "note": TEXT,
            },
        },
        "form": {
            "type": "object", "additionalProperties": False,
            "required": ["id", "number", "title", "levels", "citation"],
            "properties": {
                "id": {"type": "string", "pattern": r"^form-\d{2}$"},
                "number": {"type": "string", "pattern": r"^\d{2}$"}, "title": VI_EN,
                "levels": {"type": "array", "minItems": 1, "uniqueItems": True, "items": LEVEL},
                "citation": TEXT, "note": TEXT,
            },
        },
    },
}


@dataclass(frozen=True)
class DossierPart:
    id: str
    title: dict
    citation: str
    from_level: int
    required: bool
    note: str = ""


@dataclass(frozen=True)
class Authority:
    appraiser: str  # "specialised_unit" | "regulator"
    approver: str  # "specialised_unit" | "owner"
    regulator: dict | None  # {vi, en} when the regulator appraises
    citation: str
    from_level: int = 1
    to_level: int = 5
    note: str = ""


@dataclass(frozen=True)
class TimeLimit:
    step: str
    days: int
    unit: str  # "working" | "calendar"
    citation: str
    from_level: int = 1
    to_level: int = 5
    note: str = ""

    def due(self, start: datetime.date) -> datetime.date:
        """Last day of the period that starts on ``start`` (the day of receipt, not counted).

        Calendar days follow the Civil Code 2015, which the decrees leave to apply: the first day
        is not counted (Art 147) and a period whose last day is a weekly rest day or a public
        holiday ends at the end of the next working day (Art 148). So a 15-day period ending on a
        Sunday is due on Monday, and one ending inside Tết on the first day back.
        """
        if self.unit == "working":
            return workdays.add_working_days(start, self.days)
        day = start + datetime.timedelta(days=self.days)
        while not workdays.is_working_day(day):
            day += datetime.timedelta(days=1)
        return day


@dataclass(frozen=True)
class Form:
    id: str
    number: str
    title: dict
    levels: tuple
    citation: str
    note: str = ""


@dataclass(frozen=True)
class Procedure:
    regime: str
    version: str
    effective_from: datetime.date
    effective_to: datetime.date | None
    parts: tuple
    forms: tuple
    security_regulation: dict  # {citation, vi, en[, note]}
    source: Path
    reclassification: dict = None  # {citation, vi, en[, note]}
    authorities: tuple = ()
    time_limits: tuple = ()
    note: str = ""

    def in_force_on(self, day):
        return in_force(self, day)

    def parts_for(self, level) -> tuple:
        """The dossier parts a system proposed at ``level`` must include, in catalogue order."""
        _check_level(level)
        return tuple(part for part in self.parts if part.from_level <= level)

    def authority_for(self, level) -> Authority:
        _check_level(level)
        # Loading guarantees exactly one per level.
        return next(a for a in self.authorities if a.from_level <= level <= a.to_level)

    def time_limit(self, step, level) -> TimeLimit | None:
        """The period for ``step`` at ``level``, or None where the law sets none."""
        if step not in STEPS:
            raise ValueError(f"unknown step {step!r}; expected one of {', '.join(STEPS)}")
        _check_level(level)
        return next((limit for limit in self.time_limits
                     if limit.step == step and limit.from_level <= level <= limit.to_level), None)

    def forms_for(self, level) -> tuple:
        _check_level(level)
        return tuple(form for form in self.forms if level in form.levels)


def _check_level(level):
    # bool is an int; a True level is a bug upstream, not level 1.
    if isinstance(level, bool) or level not in LEVELS:
        raise ValueError(f"level must be an integer from 1 to 5, got {level!r}")


def load_file(path) -> Procedure:
    """Parse and validate one procedure file; raise CatalogueError (file, line, reason)."""
    path = Path(path)
    data, _root, fail = read_catalogue(path, SCHEMA)

    for key in ("dossier_parts", "forms"):
        seen = set()
        for index, item in enumerate(data[key]):
            if item["id"] in seen:
                fail([key, index, "id"], f"duplicate id {item['id']!r} in {key}")
            seen.add(item["id"])
    for index, form in enumerate(data["forms"]):
        if form["id"] != f"form-{form['number']}":
            fail(["forms", index, "id"], f"form id {form['id']!r} does not match number "
                                         f"{form['number']!r}")
    _check_authorities(data["authorities"], fail)
    _check_time_limits(data["time_limits"], fail)

    procedure = Procedure(
        regime=data["regime"], version=data["version"],
        effective_from=parse_date(data["effective_from"], ["effective_from"], fail),
        effective_to=(parse_date(data["effective_to"], ["effective_to"], fail)
                      if data["effective_to"] else None),
        parts=tuple(DossierPart(**item) for item in data["dossier_parts"]),
        forms=tuple(Form(**{**item, "levels": tuple(sorted(item["levels"]))})
                    for item in data["forms"]),
        security_regulation=data["security_regulation"],
        reclassification=data["reclassification"],
        source=path,
        authorities=tuple(Authority(**{"regulator": None, **item})
                          for item in data["authorities"]),
        time_limits=tuple(TimeLimit(**item) for item in data["time_limits"]),
        note=data.get("note", ""),
    )
    if procedure.effective_to and procedure.effective_to < procedure.effective_from:
        fail(["effective_to"], "effective_to is before effective_from")
    return procedure


def _check_range(items, key, fail):
    for index, item in enumerate(items):
        if item["from_level"] > item["to_level"]:
            fail([key, index, "to_level"], f"to_level {item['to_level']} is below from_level "
                                           f"{item['from_level']}")


def _check_authorities(items, fail):
    """Every level 1–5 has exactly one authority; a regulator is named iff it appraises."""
    _check_range(items, "authorities", fail)
    owner = {}
    for index, item in enumerate(items):
        if item["appraiser"] == "regulator" and "regulator" not in item:
            fail(["authorities", index, "appraiser"], "the regulator appraises but is not named "
                                                      "(add regulator: {vi, en})")
        if item["appraiser"] != "regulator" and "regulator" in item:
            fail(["authorities", index, "regulator"], "a regulator is named but the "
                                                      "specialised unit appraises")
        for level in range(item["from_level"], item["to_level"] + 1):
            if level in owner:
                fail(["authorities", index, "from_level"],
                     f"level {level} already has an authority (item {owner[level]}); "
                     "level ranges must not overlap")
            owner[level] = index
    missing = [level for level in LEVELS if level not in owner]
    if missing:
        fail(["authorities"], "no authority for level(s) " + ", ".join(map(str, missing)))


def _check_time_limits(items, fail):
    """At most one period per step and level (a level may have none)."""
    _check_range(items, "time_limits", fail)
    owner = {}
    for index, item in enumerate(items):
        for level in range(item["from_level"], item["to_level"] + 1):
            key = (item["step"], level)
            if key in owner:
                fail(["time_limits", index, "from_level"],
                     f"step {item['step']!r} already has a time limit for level {level} "
                     f"(item {owner[key]}); level ranges must not overlap")
            owner[key] = index


@functools.lru_cache(maxsize=8)
def load_procedures(directory=CATALOGUE_DIR) -> dict:
    """All procedure catalogues in ``directory`` by regime id, validated and cached.

    Only ``procedure-*.yaml``: the criteria files share the folder.
    """
    procedures = {}
    for path in sorted(Path(directory).glob("procedure-*.yaml")):
        procedure = load_file(path)
        if procedure.regime in procedures:
            raise CatalogueError(path, None, f"regime {procedure.regime!r} has two procedure files")
        procedures[procedure.regime] = procedure
    ordered = sorted(procedures.values(), key=lambda p: p.effective_from)
    for earlier, later in itertools.pairwise(ordered):
        if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
            raise CatalogueError(later.source, None, f"procedure {later.regime!r} overlaps "
                                                     f"procedure {earlier.regime!r}")
    return procedures


def procedure_for(regime_id, directory=CATALOGUE_DIR) -> Procedure:
    procedures = load_procedures(directory)
    try:
        return procedures[regime_id]
    except KeyError:
        known = ", ".join(sorted(procedures)) or "none"
        raise KeyError(f"no level procedure for regime {regime_id!r} (known: {known})") from None
