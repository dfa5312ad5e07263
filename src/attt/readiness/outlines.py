"""Loading the response-plan outlines (``catalogue/plan-outlines.yaml``): which outline a plan
follows (by its system's level and the day) and the headings a plan must cover."""

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

PATH = Path(__file__).with_name("catalogue") / "plan-outlines.yaml"

_TEXT = BILINGUAL_TEXT_SCHEMA
SCHEMA = {
    "type": "object", "required": ["version", "outlines"], "additionalProperties": False,
    "properties": {
        "version": {"type": "string"},
        "outlines": {"type": "array", "minItems": 1, "items": {
            "type": "object", "additionalProperties": False,
            "required": ["id", "title", "instrument", "article", "effective_from", "effective_to", "min_level",
                         "confidence", "items"],
            "properties": {
                "id": {"type": "string", "pattern": r"^[a-z0-9-]+$"}, "title": _TEXT,
                "instrument": {"type": "string", "minLength": 1}, "article": {"type": "string", "minLength": 1},
                **EFFECTIVE_DATES_SCHEMA,
                "min_level": {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 5}, {"type": "null"}]},
                "confidence": {"enum": ["verified", "summary"]},
                "items": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "additionalProperties": False,
                    "required": ["id", "heading", "source", "mandatory"],
                    "properties": {"id": {"type": "string", "pattern": r"^[a-z0-9_]+$"}, "heading": _TEXT,
                                   "source": {"type": "string", "minLength": 1},
                                   "mandatory": {"type": "boolean"}}}},
            }}},
    },
}


@dataclass(frozen=True)
class Item:
    id: str
    heading: dict
    source: str
    mandatory: bool


@dataclass(frozen=True)
class Outline:
    id: str
    title: dict
    instrument: str
    article: str
    effective_from: datetime.date
    effective_to: datetime.date | None
    min_level: int | None
    confidence: str
    items: tuple

    def covers(self, day: datetime.date) -> bool:
        return in_force(self, day)

    def item(self, item_id: str) -> Item | None:
        return next((item for item in self.items if item.id == item_id), None)

    @property
    def mandatory_ids(self) -> tuple:
        return tuple(item.id for item in self.items if item.mandatory)


@dataclass(frozen=True)
class Outlines:
    version: str
    outlines: tuple

    def get(self, outline_id: str) -> Outline | None:
        return next((outline for outline in self.outlines if outline.id == outline_id), None)

    def for_level(self, level: int | None, day: datetime.date) -> Outline:
        """The outline of the highest ``min_level`` the level reaches; the fallback otherwise."""
        current = [outline for outline in self.outlines if outline.covers(day)]
        reached = [o for o in current if o.min_level is not None and level is not None and level >= o.min_level]
        if reached:
            return max(reached, key=lambda o: o.min_level)
        fallbacks = [o for o in current if o.min_level is None] or [
            max((o for o in self.outlines if o.min_level is None), key=lambda o: o.effective_from)]
        return fallbacks[0]


@lru_cache(maxsize=1)
def outlines() -> Outlines:
    data, _root, fail = read_catalogue(PATH, SCHEMA)
    loaded, seen = [], set()
    for index, raw in enumerate(data["outlines"]):
        where = ("outlines", index)
        if raw["id"] in seen:
            fail(where + ("id",), f"outline {raw['id']} is defined twice")
        seen.add(raw["id"])
        start = parse_date(raw["effective_from"], where + ("effective_from",), fail)
        end = parse_date(raw["effective_to"], where + ("effective_to",), fail) if raw["effective_to"] else None
        if end is not None and end < start:
            fail(where + ("effective_to",), "effective_to is before effective_from")
        item_ids = [item["id"] for item in raw["items"]]
        if len(set(item_ids)) != len(item_ids):
            fail(where + ("items",), f"outline {raw['id']} repeats an item id")
        loaded.append(Outline(
            id=raw["id"], title=raw["title"], instrument=raw["instrument"], article=raw["article"],
            effective_from=start, effective_to=end, min_level=raw["min_level"], confidence=raw["confidence"],
            items=tuple(Item(i["id"], i["heading"], i["source"], i["mandatory"]) for i in raw["items"])))
    # Every plan needs an outline: some fallback (min_level null) must exist. Overlapping fallbacks
    # on one day would make the choice depend on file order.
    fallbacks = [o for o in loaded if o.min_level is None]
    if not fallbacks:
        fail(("outlines",), "no fallback outline (min_level: null)")
    for index, first in enumerate(fallbacks):
        for second in fallbacks[index + 1:]:
            if first.effective_from <= (second.effective_to or datetime.date.max) and \
                    second.effective_from <= (first.effective_to or datetime.date.max):
                fail(("outlines",), f"fallback outlines {first.id} and {second.id} overlap")
    return Outlines(data["version"], tuple(loaded))
