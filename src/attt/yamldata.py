"""Reading the legal catalogues (YAML) the same way everywhere: strict loader, JSON schema, and
errors that name the file and line, so the person editing a catalogue can find the mistake."""

import datetime
from pathlib import Path

import jsonschema
import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode


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


def read_catalogue(path, schema):
    """Parse a YAML catalogue with the criteria loader and check it against ``schema``.

    Returns ``(data, root, fail)``; ``fail(at, reason)`` raises CatalogueError at the line of the
    node at path ``at``.
    """
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

    def fail(at, reason):
        raise CatalogueError(path, _line(root, at), reason)

    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(schema).iter_errors(data))
    if error is not None:
        where = "/".join(map(str, error.absolute_path)) or "top level"
        fail(list(error.absolute_path), f"{where}: {error.message}")
    return data, root, fail


# Schema pieces every catalogue uses: an ISO date, a {vi, en} text, and the effective dates of a
# dated rule (``effective_to`` null while it is in force).
DATE_SCHEMA = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
BILINGUAL_TEXT_SCHEMA = {"type": "object", "required": ["vi", "en"], "additionalProperties": False,
                         "properties": {"vi": {"type": "string", "minLength": 1},
                                        "en": {"type": "string", "minLength": 1}}}
EFFECTIVE_DATES_SCHEMA = {"effective_from": DATE_SCHEMA, "effective_to": {"anyOf": [DATE_SCHEMA, {"type": "null"}]}}


def in_force(item, day: datetime.date) -> bool:
    """Whether a rule with ``effective_from`` / ``effective_to`` (None: open-ended) applies on ``day``."""
    return item.effective_from <= day and (item.effective_to is None or day <= item.effective_to)


def parse_date(text, at, fail):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        fail(at, f"{text!r} is not a valid date")


def line_in_file(path, at):
    """Line of the node at ``at`` in an already validated file (for errors across files)."""
    loader = _Loader(Path(path).read_text(encoding="utf-8"))
    try:
        return _line(loader.get_single_node(), at)
    finally:
        loader.dispose()
