"""Load and validate the level-criteria catalogues (``catalogue/*.yaml``).

A catalogue is legal text turned into data, so a mistake in it is a wrong legal answer: every
file is checked against a JSON schema and against the answer vocabulary in ``answers.py``, and
every error names the file and line so the person editing the YAML can find it.
"""

import datetime
import functools
import itertools
from dataclasses import dataclass
from pathlib import Path

from attt.yamldata import CatalogueError, _Loader, _line, in_force, parse_date, read_catalogue  # noqa: F401

from . import answers as answer_spec

CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"
DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
TEXT = {"type": "string", "minLength": 1}
LEAF_OPERATORS = ("eq", "in", "only", "gte", "lt", "true")

SCHEMA = {
    "type": "object",
    "required": ["regime", "version", "effective_from", "effective_to", "instrument", "criteria"],
    "additionalProperties": False,
    "properties": {
        "regime": {"type": "string", "pattern": r"^[a-z0-9-]+$"},
        "version": TEXT,
        "effective_from": DATE,
        "effective_to": {"anyOf": [DATE, {"type": "null"}]},
        "instrument": {
            "type": "object", "required": ["vi", "en"], "additionalProperties": False,
            "properties": {"vi": TEXT, "en": TEXT, "note": TEXT},
        },
        "note": TEXT,
        "transitions": {"type": "array", "items": {"$ref": "#/$defs/transition"}},
        # Where the regime states "the highest level among the criteria met applies" in an article.
        "highest_level_rule": {
            "type": "object", "required": ["citation", "vi", "en"], "additionalProperties": False,
            "properties": {"citation": TEXT, "vi": TEXT, "en": TEXT},
        },
        "criteria": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/criterion"}},
    },
    "$defs": {
        "criterion": {
            "type": "object", "additionalProperties": False,
            "required": ["id", "level", "title", "citation", "when"],
            "properties": {
                "id": {"type": "string", "pattern": r"^[a-z0-9.-]+$"},
                "level": {"type": "integer", "minimum": 1, "maximum": 5},
                "title": {
                    "type": "object", "required": ["vi", "en"], "additionalProperties": False,
                    "properties": {"vi": TEXT, "en": TEXT},
                },
                "citation": TEXT,
                "when": {"$ref": "#/$defs/condition"},
                "note": TEXT,
            },
        },
        "transition": {
            "type": "object", "additionalProperties": False,
            "required": ["id", "use_regime", "in_investment_before", "applies_until", "citation"],
            "properties": {
                "id": TEXT, "use_regime": TEXT, "in_investment_before": DATE,
                "applies_until": DATE, "citation": TEXT, "note": TEXT,
            },
        },
        "condition": {
            "type": "object", "minProperties": 1,
            "properties": {
                "all": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/condition"}},
                "any": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/condition"}},
                "not": {"$ref": "#/$defs/condition"},
                "answer": {"type": "string"},
                "eq": {"type": ["string", "integer", "boolean"]},
                "in": {"type": "array", "minItems": 1},
                "only": {"type": "array", "minItems": 1},
                "gte": {"type": "integer"},
                "lt": {"type": "integer"},
                "true": {"type": "boolean"},
            },
            "additionalProperties": False,
        },
    },
}


@dataclass(frozen=True)
class Criterion:
    id: str
    level: int
    title: dict
    citation: str
    when: dict
    note: str = ""


@dataclass(frozen=True)
class Transition:
    id: str
    use_regime: str
    in_investment_before: datetime.date
    applies_until: datetime.date
    citation: str
    note: str = ""


@dataclass(frozen=True)
class Regime:
    id: str
    version: str
    effective_from: datetime.date
    effective_to: datetime.date | None
    instrument: dict
    criteria: tuple
    transitions: tuple
    source: Path
    highest_level_rule: dict | None = None

    def in_force_on(self, day):
        return in_force(self, day)


def load_file(path):
    """Parse and validate one catalogue file into a Regime; raise CatalogueError on any problem."""
    path = Path(path)
    data, root, fail = read_catalogue(path, SCHEMA)

    seen = set()
    for index, item in enumerate(data["criteria"]):
        if item["id"] in seen:
            fail(["criteria", index, "id"], f"duplicate criterion id {item['id']!r}")
        seen.add(item["id"])
        _check_condition(item["when"], ["criteria", index, "when"], fail)
    regime = Regime(
        id=data["regime"], version=data["version"],
        effective_from=parse_date(data["effective_from"], ["effective_from"], fail),
        effective_to=(parse_date(data["effective_to"], ["effective_to"], fail)
                      if data["effective_to"] else None),
        instrument=data["instrument"],
        criteria=tuple(Criterion(**item) for item in data["criteria"]),
        transitions=tuple(
            Transition(**{**item,
                          "in_investment_before": parse_date(item["in_investment_before"],
                                                        ["transitions", i], fail),
                          "applies_until": parse_date(item["applies_until"], ["transitions", i], fail)})
            for i, item in enumerate(data.get("transitions", []))),
        source=path,
        highest_level_rule=data.get("highest_level_rule"),
    )
    if regime.effective_to and regime.effective_to < regime.effective_from:
        fail(["effective_to"], "effective_to is before effective_from")
    return regime


def _check_condition(cond, at, fail):
    """Each node is exactly one of all / any / not / a leaf, and a leaf fits its answer's kind."""
    combinators = [key for key in ("all", "any", "not") if key in cond]
    if combinators:
        if len(cond) != 1:
            fail(at, f"{combinators[0]!r} must stand alone in its condition, found {sorted(cond)}")
        key = combinators[0]
        children = [cond[key]] if key == "not" else cond[key]
        for index, child in enumerate(children):
            _check_condition(child, at + [key] + ([] if key == "not" else [index]), fail)
        return
    operators = [key for key in cond if key != "answer"]
    if "answer" not in cond or len(operators) != 1:
        fail(at, "a leaf condition needs 'answer' and exactly one of " + ", ".join(LEAF_OPERATORS))
    name, op = cond["answer"], operators[0]
    if name not in answer_spec.SPEC:
        fail(at + ["answer"], f"unknown answer {name!r}")
    kind, allowed, _ = answer_spec.SPEC[name]
    fits = {
        "eq": ("enum", "bool", "level", "count"), "in": ("enum", "list", "level"),
        "only": ("list",), "gte": ("count", "level"), "lt": ("count", "level"), "true": ("bool",),
    }[op]
    if kind not in fits:
        fail(at + [op], f"operator {op!r} does not apply to answer {name!r} ({kind})")
    values = cond[op] if op in ("in", "only") else [cond[op]]
    if allowed is not None and op != "true":
        bad = [value for value in values if value not in allowed]
        if bad:
            fail(at + [op], f"answer {name!r} never takes value(s) {bad!r}")


@functools.lru_cache(maxsize=8)
def load_catalogue(directory=CATALOGUE_DIR):
    """All regimes in ``directory`` by id, validated together and cached (files change on deploy)."""
    regimes = {}
    for path in sorted(Path(directory).glob("criteria-*.yaml")):
        regime = load_file(path)
        if regime.id in regimes:
            raise CatalogueError(path, None, f"regime {regime.id!r} is defined twice")
        regimes[regime.id] = regime
    for regime in regimes.values():
        for transition in regime.transitions:
            if transition.use_regime not in regimes:
                raise CatalogueError(regime.source, None, f"transition {transition.id!r} names "
                                     f"unknown regime {transition.use_regime!r}")
    ordered = sorted(regimes.values(), key=lambda r: r.effective_from)
    for earlier, later in itertools.pairwise(ordered):
        if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
            raise CatalogueError(later.source, None,
                                 f"regime {later.id!r} overlaps regime {earlier.id!r}")
    return regimes


def regime_on(day, directory=CATALOGUE_DIR):
    """The regime whose effective dates contain ``day``."""
    for regime in load_catalogue(directory).values():
        if regime.in_force_on(day):
            return regime
    raise ValueError(f"no security-level regime is in force on {day.isoformat()}")
