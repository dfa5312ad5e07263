"""Rows that belong to a parent row with an ``organisation`` (a plan's versions, an assessment's
findings, …): scoped by the parent's organisation and audited under the parent, declared once."""

from django.db import models

from .scoping import ScopedQuerySet


def part_of(parent_path: str) -> type[models.Model]:
    """An abstract model base for rows reached from their organisation through ``parent_path``
    ("assessment", "version__plan"): ``objects`` is scoped, the audit log files the row under the
    parent (the last step of the path) and its organisation."""
    steps = parent_path.split("__")

    def parent(self):
        row = self
        for step in steps:
            row = getattr(row, step)
        return row

    queryset = type("PartQuerySet", (ScopedQuerySet,), {"scope_fields": (f"{parent_path}__organisation",)})
    return type(f"PartOf_{parent_path}", (models.Model,), {
        "__module__": __name__,
        "__qualname__": f"PartOf_{parent_path}",
        "objects": queryset.as_manager(),
        "Meta": type("Meta", (), {"abstract": True}),
        "audit_organisation": property(lambda self: parent(self).organisation),
        "audit_anchor": property(parent),
    })
