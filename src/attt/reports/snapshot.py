"""What a periodic report states, frozen as one JSON document (the renderers' only input).

``build`` turns the figures of ``figures.py`` into the snapshot described in
``docs/reports.md``; ``consolidation`` builds a supervisor's table over its direct children,
taking each child's figures from its submitted report when there is one and from the records
otherwise. ``values_of`` reads the consolidation columns back out of any snapshot, so a
ministry's consolidated report can itself be consolidated by the regulator. Read only.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.utils import timezone

from attt.inventory.models import InformationSystem
from attt.tenancy.models import Organisation

from . import figures
from .models import PeriodicReport, ReportState, Timeliness
from .periods import Period

SCHEMA_VERSION = 1
# The quarterly consolidation: two Form 08 totals, the Form 05 count, then these quarterly KPIs.
QUARTERLY_KPI_COLUMNS = ["open_incidents", "overdue_clocks", "overdue_duties", "open_findings_critical",
                         "open_findings_high"]
COLUMNS = {
    "annual": list(figures.ANNUAL_TOTALS),
    "form05_half": list(figures.FORM05_FIGURES),
    "form05_year": list(figures.FORM05_FIGURES),
    "quarterly": ["systems", "approved", "incidents", *QUARTERLY_KPI_COLUMNS],
}


def _date(value):
    return value.isoformat() if value else None


def organisation_data(organisation: Organisation | None) -> dict | None:
    if organisation is None:
        return None
    return {"id": organisation.pk, "code": organisation.code, "name": organisation.name_vi,
            "name_en": organisation.name_en, "kind": organisation.kind, "address": organisation.address,
            "phone": organisation.phone, "email": organisation.email, "head_name": organisation.head_name,
            "network_member": organisation.is_network_member}


def period_data(period: Period, organisation) -> dict:
    return {"kind": period.kind, "year": period.year, "number": period.number, "start": _date(period.start),
            "end": _date(period.end), "due": _date(period.due_for(organisation)),
            "label_vi": period.label_vi, "label_en": period.label_en, "article": period.article}


def specialised_unit(organisation) -> Organisation | None:
    """Form 08's specialised-unit block: the security unit named on most of the owned systems."""
    counts = Counter(InformationSystem.objects.filter(owner__path__startswith=organisation.path)
                     .exclude(security_unit=None).values_list("security_unit_id", flat=True))
    if not counts:
        return None
    return Organisation.objects.get(pk=counts.most_common(1)[0][0])


# --- sections --------------------------------------------------------------------------------

def form05_data(result: figures.Form05, recommendations="") -> dict:
    def row(r):
        return {"count": r.count, "self_handled": r.self_handled, "domestic_help": r.domestic_help,
                "foreign_help": r.foreign_help, "national_help_requested": r.national_help_requested,
                "estimated_damage_vnd": r.estimated_damage_vnd, "sources": r.sources}
    return {"rows": [{"type": r.incident_type, **row(r)} for r in result.rows], "totals": row(result.totals),
            "domestic_helpers": [{"name": h.name, "incident_ids": h.incident_ids} for h in result.domestic_helpers],
            "foreign_helpers": [{"name": h.name, "incident_ids": h.incident_ids} for h in result.foreign_helpers],
            "unclassified": result.unclassified, "recommendations": recommendations}


def annual_data(result: figures.Annual) -> dict:
    rows = []
    for r in result.rows:
        rows.append({
            "number": r.number, "name": r.name, "owner": r.owner, "operator": r.operator,
            "proposed_level": r.proposed_level, "approval_status": r.approval_status,
            "decision_number": r.decision_number, "decision_date": _date(r.decision_date),
            "decision_issuer": r.decision_issuer, "regulation": r.regulation,
            "expected_approval_on": _date(r.expected_approval_on), "deployment": r.deployment,
            "expected_full_deployment_on": _date(r.expected_full_deployment_on), "assessment": r.assessment,
            "system_id": r.system_id, "dossier_id": r.dossier_id, "decision_id": r.decision_id,
            "regulation_id": r.regulation_id, "evidence_ids": r.evidence_ids})
    waiting = [r.expected_approval_on for r in result.rows if r.approval_status != "approved"]
    expected = max(waiting) if waiting and all(waiting) else None
    return {"totals": result.totals, "sources": result.sources, "expected_all_approved_on": _date(expected),
            "rows": rows}


def quarterly_data(result: figures.Quarterly) -> dict:
    return {"kpis": result.kpis, "sources": result.sources}


def sections(kind, organisation, period, *, now, recommendations="") -> dict:
    """The figure sections of a report of ``kind`` over the subtree, as the snapshot keeps them."""
    if kind == "annual":
        return {"annual": annual_data(figures.annual(organisation, period))}
    if kind in ("form05_half", "form05_year"):
        return {"form05": form05_data(figures.form05(organisation, period), recommendations)}
    result = figures.quarterly(organisation, period, now=now)
    return {"annual": annual_data(result.annual), "form05": form05_data(result.form05, recommendations),
            "quarterly": quarterly_data(result)}


# --- consolidation ---------------------------------------------------------------------------

def values_of(kind, snapshot: dict) -> dict:
    """The consolidation columns of ``kind`` read from a stored snapshot (plain or consolidated)."""
    if snapshot.get("consolidation"):
        return {key: snapshot["consolidation"]["totals"].get(key, 0) for key in COLUMNS[kind]}
    if kind == "annual":
        return {key: snapshot["annual"]["totals"][key] for key in COLUMNS[kind]}
    if kind != "quarterly":
        return {key: snapshot["form05"]["totals"][key] for key in COLUMNS[kind]}
    kpis = snapshot["quarterly"]["kpis"]
    return {"systems": snapshot["annual"]["totals"]["systems"], "approved": snapshot["annual"]["totals"]["approved"],
            "incidents": snapshot["form05"]["totals"]["count"],
            **{key: kpis.get(key, 0) for key in QUARTERLY_KPI_COLUMNS}}


def live_values(kind, organisation, period, *, now, own_only=False) -> tuple[dict, dict]:
    """(values, sources) of the consolidation columns computed from the records."""
    if kind == "annual":
        sources = figures.annual_totals(organisation, period, own_only)
        return {key: len(ids) for key, ids in sources.items()}, sources
    if kind in ("form05_half", "form05_year"):
        result = figures.form05(organisation, period, own_only)
        data = form05_data(result)["totals"]
        return {key: data[key] for key in COLUMNS[kind]}, data["sources"]
    annual_sources = figures.annual_totals(organisation, figures.current_period("annual", period.end), own_only)
    cases = figures.form05(organisation, period, own_only).totals.sources["count"]
    kpis = figures.kpis(organisation, period, now, own_only)["sources"]
    sources = {"systems": annual_sources["systems"], "approved": annual_sources["approved"], "incidents": cases,
               **{key: kpis[key] for key in QUARTERLY_KPI_COLUMNS}}
    return {key: len(ids) for key, ids in sources.items()}, sources


def latest_submitted(organisations, kind, period) -> dict:
    """{organisation id: (latest submitted version, timeliness of the first submission)}."""
    found: dict[int, list] = {}
    for report in (PeriodicReport.objects.filter(organisation__in=organisations, kind=kind, year=period.year,
                                                 number=period.number, state=ReportState.SUBMITTED)
                   .order_by("submitted_at", "pk")):
        entry = found.setdefault(report.organisation_id, [report, report.timeliness])
        entry[0] = report  # later submissions are corrections; the first one's timeliness stands
    return {key: tuple(value) for key, value in found.items()}


def timeliness_of(period, organisation, submitted, today) -> str:
    if submitted is not None:
        return submitted[1]
    if not period.owed_by(organisation):
        return ""
    return Timeliness.MISSING if today > period.due_for(organisation) else Timeliness.NOT_DUE


def consolidation(kind, organisation, period, *, now, progress=None) -> dict:
    """Totals plus one row for the supervisor's own records and one per direct child subtree."""
    today = timezone.localtime(now, figures.REPORT_TIME_ZONE).date()
    children = list(Organisation.objects.filter(parent=organisation).order_by("code"))
    reports = latest_submitted(children, kind, period)
    rows = []
    own_values, own_sources = live_values(kind, organisation, period, now=now, own_only=True)
    rows.append({"organisation": organisation_data(organisation), "scope": "own", "source": "records",
                 "report_id": None, "report_version": None, "submitted_at": None, "timeliness": "",
                 "values": own_values, "sources": own_sources})
    for index, child in enumerate(children, start=1):
        submitted = reports.get(child.pk)
        row = {"organisation": organisation_data(child), "scope": "subtree",
               "timeliness": timeliness_of(period, child, submitted, today)}
        if submitted is not None:
            report = submitted[0]
            row.update(source="report", report_id=report.pk, report_version=report.version,
                       submitted_at=report.submitted_at.isoformat(), values=values_of(kind, report.snapshot),
                       sources={"reports": [report.pk]})
        else:
            values, sources = live_values(kind, child, period, now=now)
            row.update(source="records", report_id=None, report_version=None, submitted_at=None,
                       values=values, sources=sources)
        rows.append(row)
        if progress:
            progress(index, len(children))
    totals = {key: sum(row["values"].get(key, 0) for row in rows) for key in COLUMNS[kind]}
    return {"columns": COLUMNS[kind], "rows": rows, "totals": totals}


# --- the whole snapshot ----------------------------------------------------------------------

def build(kind, organisation, period: Period, *, language="vi", version=1, generated_by="", now=None,
          consolidated=False, recommendations="", progress=None) -> dict:
    now = now or timezone.now()
    snapshot = {
        "schema": SCHEMA_VERSION, "kind": kind, "consolidated": consolidated, "language": language,
        "version": version, "generated_at": timezone.localtime(now, figures.REPORT_TIME_ZONE).isoformat(),
        "generated_by": generated_by, "organisation": organisation_data(organisation),
        "recipient": organisation_data(organisation.parent),
        "specialised_unit": organisation_data(specialised_unit(organisation)),
        "period": period_data(period, organisation), "approval": None,
        "form05": None, "annual": None, "quarterly": None, "consolidation": None,
    }
    if consolidated:
        snapshot["consolidation"] = consolidation(kind, organisation, period, now=now, progress=progress)
    else:
        snapshot.update(sections(kind, organisation, period, now=now, recommendations=recommendations))
        if progress:
            progress(1, 1)
    return snapshot


def approval_data(name: str, at: datetime.datetime) -> dict:
    return {"name": name, "at": timezone.localtime(at, figures.REPORT_TIME_ZONE).isoformat()}
