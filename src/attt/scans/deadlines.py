"""Fix deadlines: days to fix a finding by severity × security level.

Defaults are catalogue data (``catalogue/fix-deadlines.yaml``, with why and what it cites); an
organisation may override any cell for its subtree, and the nearest override up the tree wins.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from attt.levels.checklist import checklist_level
from attt.yamldata import read_catalogue

from .models import FixDeadline, Severity

CATALOGUE = Path(__file__).with_name("catalogue") / "fix-deadlines.yaml"
LEVELS = (0, 1, 2, 3, 4, 5)
_ROW = {"type": "array", "minItems": 6, "maxItems": 6,
        "items": {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 3650}, {"type": "null"}]}}
SCHEMA = {
    "type": "object",
    "required": ["version", "effective_from", "levels", "days", "citations"],
    "additionalProperties": False,
    "properties": {
        "version": {"type": "integer"},
        "effective_from": {"type": "string", "format": "date"},
        "citations": {"type": "array", "items": {"type": "object"}},
        "levels": {"const": list(LEVELS)},
        "days": {"type": "object", "required": list(Severity.values), "additionalProperties": False,
                 "properties": {severity: _ROW for severity in Severity.values}},
    },
}


@lru_cache(maxsize=1)
def _catalogue() -> dict:
    data, _root, _fail = read_catalogue(CATALOGUE, SCHEMA)
    return data


def defaults() -> dict:
    """{(severity, level): days or None} from the catalogue."""
    return {(severity, level): days for severity, row in _catalogue()["days"].items()
            for level, days in zip(LEVELS, row)}


def citations() -> list[dict]:
    return _catalogue()["citations"]


def table_for(organisation) -> dict:
    """{(severity, level): (days, source organisation or None)} as it applies inside ``organisation``."""
    table = {cell: (days, None) for cell, days in defaults().items()}
    ancestors = organisation.ancestor_ids() if organisation is not None else []  # includes itself
    overrides = FixDeadline.objects.filter(organisation_id__in=ancestors).select_related("organisation")
    for row in sorted(overrides, key=lambda row: row.organisation.depth):  # nearest (deepest) last wins
        table[(row.severity, row.level)] = (row.days, row.organisation)
    return table


class DeadlinePolicy:
    """Deadlines for the systems of one import, computed once per (owner, severity, level)."""

    def __init__(self):
        self._tables = {}
        self._levels = {}

    def level_of(self, system) -> int:
        if system.pk not in self._levels:
            level, _kind = checklist_level(system)
            self._levels[system.pk] = level or 0
        return self._levels[system.pk]

    def due_on(self, system, severity: str, start: date) -> date | None:
        owner = system.owner
        if owner.pk not in self._tables:
            self._tables[owner.pk] = table_for(owner)
        days, _source = self._tables[owner.pk][(severity, self.level_of(system))]
        return start + timedelta(days=days) if days else None
