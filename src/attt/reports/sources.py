"""The records behind a figure of a stored report (traceability). Read only.

A figure is addressed as ``section:key`` (``annual:approved``, ``quarterly:overdue_duties``),
``form05:<type or totals>:<key>`` or ``consolidation:<row>:<key>``. Every figure key names one
kind of record, so the ids kept in the snapshot resolve to systems, incidents, duty statuses,
findings or submitted reports; the caller narrows them to what the reader may see.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from attt.incidents.models import Incident
from attt.inventory.models import InformationSystem
from attt.obligations.models import DutyStatus
from attt.scans.models import Finding

from .models import PeriodicReport

SYSTEM_KEYS = ("systems", "classified", "drafted", "appraised", "approved", "approved_assessed")
INCIDENT_KEYS = ("count", "self_handled", "domestic_help", "foreign_help", "national_help_requested",
                 "estimated_damage_vnd", "incidents", "open_incidents", "overdue_clocks")
RECORD_TYPES = {
    "system": (InformationSystem, _("Information systems")),
    "incident": (Incident, _("Incidents")),
    "duty": (DutyStatus, _("Duty statuses")),
    "finding": (Finding, _("Vulnerability findings")),
    "report": (PeriodicReport, _("Submitted reports")),
}


def record_type(key: str) -> str:
    if key in SYSTEM_KEYS:
        return "system"
    if key in INCIDENT_KEYS:
        return "incident"
    if key == "overdue_duties":
        return "duty"
    if key.startswith("open_findings_"):
        return "finding"
    if key == "reports":
        return "report"
    raise KeyError(key)


@dataclass
class Trace:
    figure: str
    key: str
    record_type: str
    model: type
    ids: list


def trace(snapshot: dict, figure: str) -> Trace:
    """The ids behind ``figure``; KeyError when the report has no such figure."""
    parts = figure.split(":")
    section = snapshot.get(parts[0]) if parts else None
    if not isinstance(section, dict):
        raise KeyError(figure)
    if parts[0] in ("annual", "quarterly") and len(parts) == 2:
        key, ids = parts[1], section["sources"][parts[1]]
    elif parts[0] == "form05" and len(parts) == 3:
        row = section["totals"] if parts[1] == "totals" else next(
            (r for r in section["rows"] if r["type"] == parts[1]), None)
        if row is None:
            raise KeyError(figure)
        key, ids = parts[2], row["sources"][parts[2]]
    elif parts[0] == "consolidation" and len(parts) == 3 and parts[1].isdigit():
        rows = section["rows"]
        index = int(parts[1])
        if index >= len(rows):
            raise KeyError(figure)
        row, key = rows[index], parts[2]
        if row["source"] == "report":
            key, ids = "reports", row["sources"]["reports"]
        else:
            ids = row["sources"][key]
    else:
        raise KeyError(figure)
    kind = record_type(key)
    return Trace(figure=figure, key=key, record_type=kind, model=RECORD_TYPES[kind][0], ids=list(ids))


def records(trace_: Trace, queryset=None):
    """The records of a trace still stored (``queryset``: the reader's visible rows of the model)."""
    queryset = trace_.model.objects.all() if queryset is None else queryset
    related = {"system": ("owner",), "incident": ("organisation",), "duty": ("organisation", "system"),
               "finding": ("system", "vulnerability"), "report": ("organisation",)}[trace_.record_type]
    return queryset.filter(pk__in=trace_.ids).select_related(*related).order_by("pk")
