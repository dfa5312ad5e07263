"""The vocabulary of the visibility suite, shared with the rooms' own route lists.

A room adds its routes by a module ``attt/<room>/tests/visibility.py`` with ``ROUTES`` (name →
Route), ``rows(world)`` (creates tree A's rows and stores what the routes need on ``world``) and
``state(world)`` (a tuple of everything a write could change), plus optional ``PERSONAL_WRITES``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

LIST, DETAIL, EDIT, PUBLIC, ACTION = "list", "detail", "edit", "public", "action"


@dataclass
class Route:
    kind: str
    kwargs: Callable = lambda w: {}
    # (method, data builder, is_api) write attempts; each must change nothing.
    writes: list = field(default_factory=list)
    query: str | Callable = ""

    def query_for(self, world):
        return self.query(world) if callable(self.query) else self.query


def api_writes(detail_payload=None, create_payload=None):
    writes = []
    if create_payload:
        writes.append(("post", create_payload))
    if detail_payload:
        writes += [("put", detail_payload), ("patch", detail_payload), ("delete", lambda w: {})]
    return writes
