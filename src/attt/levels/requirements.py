"""Load the "requirements by level" catalogues (``catalogue/requirements-*.yaml``).

Each file is one national standard (today TCVN 11930:2017 as Circular 12/2022 applies it) with the
management and technical requirements of levels 1–5 and the clause that states each one at each
level. The standard in force on a date is chosen from the files' effective dates, so a successor
standard is a new file, not new code. Like the level criteria, a mistake here is a wrong legal
answer: every file is checked against a schema and against its own clause numbering, and every
error names the file and line.
"""

import datetime
import functools
import itertools
from dataclasses import dataclass, field
from pathlib import Path

from attt.yamldata import CatalogueError, in_force, line_in_file, parse_date, read_catalogue

from .catalogue import CATALOGUE_DIR

GLOB = "requirements-*.yaml"
LEVELS = (1, 2, 3, 4, 5)
KINDS = ("management", "technical")
DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
TEXT = {"type": "string", "minLength": 1}
CLAUSE = {"type": "string", "pattern": r"^\d+(\.\d+)+$"}
BILINGUAL = {
    "type": "object", "required": ["vi", "en"], "additionalProperties": False,
    "properties": {"vi": TEXT, "en": TEXT},
}
# The custom loader keeps mapping keys as strings, so level keys arrive as "1" … "5".
LEVEL_KEY = {"type": "string", "pattern": "^[1-5]$"}

SCHEMA = {
    "type": "object",
    "required": ["standard", "version", "effective_from", "effective_to", "title", "citation",
                 "level_clauses", "groups", "requirements"],
    "additionalProperties": False,
    "properties": {
        "standard": {"type": "string", "pattern": r"^[a-z0-9-]+$"},
        "version": TEXT,
        "effective_from": DATE,
        "effective_to": {"anyOf": [DATE, {"type": "null"}]},
        "title": BILINGUAL,
        "citation": TEXT,
        "note": TEXT,
        "level_clauses": {
            "type": "object", "required": [str(level) for level in LEVELS],
            "propertyNames": LEVEL_KEY, "additionalProperties": {"type": "string",
                                                                 "pattern": r"^\d+$"},
        },
        # Optional: a standard that does not split management from technical leaves it out.
        "kind_clauses": {
            "type": "object", "required": list(KINDS), "additionalProperties": False,
            "properties": {kind: {"type": "string", "pattern": r"^\d+$"} for kind in KINDS},
        },
        "groups": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/group"}},
        "requirements": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/requirement"}},
    },
    "$defs": {
        "group": {
            "type": "object", "additionalProperties": False,
            "required": ["id", "kind", "vi", "en", "citation"],
            "properties": {
                "id": {"type": "string", "pattern": r"^[a-z0-9.-]+$"},
                "kind": {"enum": list(KINDS)},
                "vi": TEXT, "en": TEXT, "citation": TEXT,
            },
        },
        "requirement": {
            "type": "object", "additionalProperties": False,
            "required": ["id", "kind", "group", "title", "from_level", "clauses"],
            "properties": {
                "id": {"type": "string", "pattern": r"^[a-z0-9-]+(\.[a-z0-9-]+)+$"},
                "kind": {"enum": list(KINDS)},
                "group": TEXT,
                "title": BILINGUAL,
                "from_level": {"type": "integer", "minimum": 1, "maximum": 5},
                "clauses": {"type": "object", "minProperties": 1, "propertyNames": LEVEL_KEY,
                            "additionalProperties": CLAUSE},
                "note": TEXT,
            },
        },
    },
}


@dataclass(frozen=True)
class RequirementGroup:
    id: str
    kind: str
    title: dict
    citation: str


@dataclass(frozen=True)
class Requirement:
    id: str
    kind: str
    group: str
    title: dict
    from_level: int
    clauses: dict
    note: str = ""

    def applies_at(self, level):
        return self.from_level <= _level(level)

    def clause_for(self, level):
        """The clause of the standard that states this requirement at ``level``."""
        if not self.applies_at(level):
            raise ValueError(f"requirement {self.id!r} applies from level {self.from_level}, "
                             f"not at level {level}")
        return self.clauses[level]


@dataclass(frozen=True)
class Standard:
    id: str
    version: str
    title: dict
    citation: str
    effective_from: datetime.date
    effective_to: datetime.date | None
    groups: tuple
    requirements: tuple
    source: Path
    level_clauses: dict = field(default_factory=dict)
    kind_clauses: dict = field(default_factory=dict)

    def in_force_on(self, day):
        return in_force(self, day)

    def for_level(self, level):
        """Requirements that apply at ``level`` (a level includes everything below it)."""
        level = _level(level)
        return tuple(item for item in self.requirements if item.from_level <= level)

    def get(self, requirement_id):
        for item in self.requirements:
            if item.id == requirement_id:
                return item
        raise KeyError(f"{self.id} has no requirement {requirement_id!r}")

    def group(self, group_id):
        for item in self.groups:
            if item.id == group_id:
                return item
        raise KeyError(f"{self.id} has no requirement group {group_id!r}")


def _level(level):
    if isinstance(level, bool) or level not in LEVELS:
        raise ValueError(f"security levels run from 1 to 5, got {level!r}")
    return level


def load_file(path):
    """Parse and validate one requirements file into a Standard; raise CatalogueError if wrong."""
    path = Path(path)
    data, root, fail = read_catalogue(path, SCHEMA)

    groups = _check_groups(data["groups"], fail)
    level_clauses = {int(key): value for key, value in data["level_clauses"].items()}
    kind_clauses = data.get("kind_clauses", {})
    requirements = []
    for index, item in enumerate(data["requirements"]):
        at = ["requirements", index]
        if any(item["id"] == seen.id for seen in requirements):
            fail(at + ["id"], f"duplicate requirement id {item['id']!r}")
        if item["group"] not in groups:
            fail(at + ["group"], f"unknown group {item['group']!r}")
        if groups[item["group"]].kind != item["kind"]:
            fail(at + ["kind"], f"requirement {item['id']!r} is {item['kind']} but its group "
                                f"{item['group']!r} is {groups[item['group']].kind}")
        clauses = _check_clauses(item, at, level_clauses, kind_clauses, fail)
        requirements.append(Requirement(
            id=item["id"], kind=item["kind"], group=item["group"], title=item["title"],
            from_level=item["from_level"], clauses=clauses, note=item.get("note", "")))

    used = {item.group for item in requirements}
    for index, group in enumerate(groups.values()):
        if group.id not in used:
            fail(["groups", index, "id"], f"group {group.id!r} has no requirement")
    lowest = min(item.from_level for item in requirements)
    if lowest > 1:
        fail(["requirements"], f"no requirement applies at level(s) {list(range(1, lowest))}")

    standard = Standard(
        id=data["standard"], version=data["version"], title=data["title"],
        citation=data["citation"],
        effective_from=parse_date(data["effective_from"], ["effective_from"], fail),
        effective_to=(parse_date(data["effective_to"], ["effective_to"], fail)
                      if data["effective_to"] else None),
        groups=tuple(groups.values()), requirements=tuple(requirements), source=path,
        level_clauses=level_clauses, kind_clauses=dict(kind_clauses),
    )
    if standard.effective_to and standard.effective_to < standard.effective_from:
        fail(["effective_to"], "effective_to is before effective_from")
    return standard


def _check_groups(items, fail):
    groups = {}
    for index, item in enumerate(items):
        if item["id"] in groups:
            fail(["groups", index, "id"], f"duplicate group id {item['id']!r}")
        groups[item["id"]] = RequirementGroup(
            id=item["id"], kind=item["kind"], title={"vi": item["vi"], "en": item["en"]},
            citation=item["citation"])
    return groups


def _check_clauses(item, at, level_clauses, kind_clauses, fail):
    """One clause per level from from_level to 5, each inside that level's (and kind's) clause."""
    given = {int(key): value for key, value in item["clauses"].items()}
    wanted = set(range(item["from_level"], 6))
    for level in sorted(set(given) - wanted):
        fail(at + ["clauses", str(level)],
             f"requirement {item['id']!r} applies from level {item['from_level']}, "
             f"so it has no clause at level {level}")
    missing = sorted(wanted - set(given))
    if missing:
        fail(at + ["clauses"], f"requirement {item['id']!r} lacks a clause for level(s) {missing}")
    for level in sorted(given):
        prefix = level_clauses[level] + "."
        if kind_clauses:
            prefix += kind_clauses[item["kind"]] + "."
        if not given[level].startswith(prefix):
            fail(at + ["clauses", str(level)],
                 f"clause {given[level]!r} for level {level} of {item['kind']} requirement "
                 f"{item['id']!r} must start with {prefix!r}")
    return given


def load_standards(directory=CATALOGUE_DIR):
    """All standards in ``directory`` by id, validated together; cached (files change on deploy)."""
    # One cache key per directory however it is spelt (default, str or Path argument).
    return _load_standards(Path(directory))


@functools.lru_cache(maxsize=8)
def _load_standards(directory):
    standards = {}
    for path in sorted(directory.glob(GLOB)):
        standard = load_file(path)
        if standard.id in standards:
            raise CatalogueError(path, line_in_file(path, ["standard"]),
                                 f"standard {standard.id!r} is also defined in "
                                 f"{standards[standard.id].source.name}")
        standards[standard.id] = standard
    ordered = sorted(standards.values(), key=lambda s: s.effective_from)
    for earlier, later in itertools.pairwise(ordered):
        if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
            # Point at the later file's start date: moving it (or ending the earlier) fixes it.
            raise CatalogueError(later.source, line_in_file(later.source, ["effective_from"]),
                                 f"standard {later.id!r} overlaps standard {earlier.id!r} "
                                 f"({earlier.source.name})")
    return standards


load_standards.cache_clear = _load_standards.cache_clear


def standard_on(day, directory=CATALOGUE_DIR):
    """The standard whose effective dates contain ``day``; ValueError if none is in force."""
    if isinstance(day, datetime.datetime):
        day = day.date()
    for standard in load_standards(directory).values():
        if standard.in_force_on(day):
            return standard
    raise ValueError(f"no security requirements standard is in force on {day.isoformat()}")


def standard(standard_id, directory=CATALOGUE_DIR):
    try:
        return load_standards(directory)[standard_id]
    except KeyError:
        raise KeyError(f"unknown security requirements standard {standard_id!r}") from None


# Deployment of a level's requirements, as the annual report asks for it (fully / partly / not).
DEPLOYMENT_NONE, DEPLOYMENT_PARTIAL, DEPLOYMENT_FULL = "none", "partial", "full"
MET, NOT_MET, NOT_APPLICABLE = "met", "not_met", "not_applicable"
ANSWERS = (MET, NOT_MET, NOT_APPLICABLE, None)


def deployment_counts(requirements, answers):
    """How many of ``requirements`` are met, not met, not applicable or unanswered.

    ``answers`` maps requirement id to one of ANSWERS; answers for other ids are ignored, so the
    same answers can be reused when a system's level changes.
    """
    counts = {MET: 0, NOT_MET: 0, NOT_APPLICABLE: 0, "unanswered": 0, "total": 0}
    for item in requirements:
        answer = answers.get(item.id)
        if answer not in ANSWERS:
            raise ValueError(f"answer for {item.id!r} must be one of {ANSWERS}, got {answer!r}")
        counts[answer or "unanswered"] += 1
        counts["total"] += 1
    return counts


def deployment_status(requirements, answers):
    """full: all met or not applicable, at least one met; none: nothing met; partial otherwise."""
    return status_of_counts(deployment_counts(requirements, answers))


def status_of_counts(counts):
    """The deployment status of ``deployment_counts`` output."""
    if counts[MET] == 0:
        # Nothing deployed, even if everything was declared not applicable.
        return DEPLOYMENT_NONE
    if counts[MET] + counts[NOT_APPLICABLE] == counts["total"]:
        return DEPLOYMENT_FULL
    return DEPLOYMENT_PARTIAL
