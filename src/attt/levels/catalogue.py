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

import jsonschema
import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

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


class CatalogueError(ValueError):
    """A catalogue file is unreadable or says something the engine cannot apply."""

    def __init__(self, path, line, reason):
        self.path, self.line, self.reason = Path(path), line, reason
        where = f"{self.path.name}, line {line}" if line else self.path.name
        super().__init__(f"{where}: {reason}")


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings (the schema checks them) and keys as plain strings.

    Without this, a leaf operator ``true:`` would become the boolean key True, and a duplicated
    key would silently override an earlier one; in a legal catalogue both hide mistakes.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader, node):
    loader.flatten_mapping(node)
    mapping = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, ScalarNode) else None
        if key is None:
            raise yaml.constructor.ConstructorError(
                None, None, "mapping keys must be plain strings", key_node.start_mark)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


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

    def in_force_on(self, day):
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


def _line(node, path):
    """1-based line of the node at ``path`` (keys and indexes), or of its deepest existing parent."""
    for step in path:
        if isinstance(node, MappingNode):
            match = [value for key, value in node.value if key.value == step]
            if not match:
                break
            node = match[0]
        elif isinstance(node, SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            break
    return node.start_mark.line + 1


def load_file(path):
    """Parse and validate one catalogue file into a Regime; raise CatalogueError on any problem."""
    path = Path(path)
    try:
        loader = _Loader(path.read_text(encoding="utf-8"))
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise CatalogueError(path, mark.line + 1 if mark else None, str(exc.problem)) from exc
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogueError(path, None, str(exc)) from exc
    if root is None:
        raise CatalogueError(path, None, "the file is empty")

    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(SCHEMA).iter_errors(data))
    if error is not None:
        where = "/".join(map(str, error.absolute_path)) or "top level"
        raise CatalogueError(path, _line(root, error.absolute_path), f"{where}: {error.message}")

    def fail(at, reason):
        raise CatalogueError(path, _line(root, at), reason)

    seen = set()
    for index, item in enumerate(data["criteria"]):
        if item["id"] in seen:
            fail(["criteria", index, "id"], f"duplicate criterion id {item['id']!r}")
        seen.add(item["id"])
        _check_condition(item["when"], ["criteria", index, "when"], fail)
    regime = Regime(
        id=data["regime"], version=data["version"],
        effective_from=_date(data["effective_from"], ["effective_from"], fail),
        effective_to=(_date(data["effective_to"], ["effective_to"], fail)
                      if data["effective_to"] else None),
        instrument=data["instrument"],
        criteria=tuple(Criterion(**item) for item in data["criteria"]),
        transitions=tuple(
            Transition(**{**item,
                          "in_investment_before": _date(item["in_investment_before"],
                                                        ["transitions", i], fail),
                          "applies_until": _date(item["applies_until"], ["transitions", i], fail)})
            for i, item in enumerate(data.get("transitions", []))),
        source=path,
    )
    if regime.effective_to and regime.effective_to < regime.effective_from:
        fail(["effective_to"], "effective_to is before effective_from")
    return regime


def _date(text, at, fail):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        fail(at, f"{text!r} is not a valid date")


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
