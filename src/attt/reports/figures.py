"""The figures of the periodic reports, computed from the records and nothing else.

Every figure keeps the ids of the records behind it (``sources``), so a report can show, and a
reviewer can check, which cases, systems, dossiers and evidence each number counts. Read only: no
writes, no HTTP. Figures describe the records as they are now (approval states, statuses); only
dates recorded on the rows (detection, evidence, response end) place them in a period.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from attt.incidents import services as incident_services
from attt.incidents.models import Handling, Incident, IncidentStatus, IncidentType
from attt.inventory.models import InformationSystem, SystemStatus
from attt.levels import checklist
from attt.levels.models import (
    ApprovalDecision,
    DossierState,
    LevelStatus,
    RequirementStatus,
)
from attt.levels.services import regulation_in_force
from attt.obligations.models import DutyState, DutyStatus, Evidence
from attt.scans.models import Finding, FindingStatus, Severity

from .periods import Period, current_period

# Form 05 and Form 08 are Vietnamese reports: a case belongs to the day it was detected in Vietnam.
REPORT_TIME_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
ASSESSMENT_KIND = "security_assessment"
FORM05_FIGURES = ("count", "self_handled", "domestic_help", "foreign_help", "national_help_requested",
                  "estimated_damage_vnd")
_HANDLING_FIGURE = {Handling.SELF: "self_handled", Handling.DOMESTIC_HELP: "domestic_help",
                    Handling.FOREIGN_HELP: "foreign_help"}


def _bounds(period: Period):
    """[first instant, instant after the last day) of the period in Vietnam's time zone."""
    start = datetime.datetime.combine(period.start, datetime.time(), REPORT_TIME_ZONE)
    end = datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time(), REPORT_TIME_ZONE)
    return start, end


def _in_subtree(organisation, field_path, own_only=False):
    """Rows whose organisation at ``field_path`` lies in the subtree (``own_only``: is the
    organisation itself — a consolidation's "own records" row)."""
    if own_only:
        return Q(**{field_path: organisation})
    return Q(**{f"{field_path}__path__startswith": organisation.path})


def reportable_incidents(organisation, own_only=False):
    """The subtree's cases, without public submissions nobody has triaged yet (they may be spam)."""
    return (Incident.objects.filter(_in_subtree(organisation, "organisation", own_only))
            .exclude(from_public=True, status=IncidentStatus.NEW))


# --- Form 05 (TT 20/2017 Art 6.1.c) ------------------------------------------------------------

@dataclass
class Form05Row:
    incident_type: str  # an IncidentType value; "" for the totals row
    sources: dict = field(default_factory=lambda: {name: [] for name in FORM05_FIGURES})
    estimated_damage_vnd: int = 0

    @property
    def label(self):
        return IncidentType(self.incident_type).label if self.incident_type else ""

    @property
    def count(self):
        return len(self.sources["count"])

    @property
    def self_handled(self):
        return len(self.sources["self_handled"])

    @property
    def domestic_help(self):
        return len(self.sources["domestic_help"])

    @property
    def foreign_help(self):
        return len(self.sources["foreign_help"])

    @property
    def national_help_requested(self):
        return len(self.sources["national_help_requested"])

    def add(self, case):
        self.sources["count"].append(case.pk)
        figure = _HANDLING_FIGURE.get(case.handling)
        if figure:
            self.sources[figure].append(case.pk)
        if case.national_help_requested:
            self.sources["national_help_requested"].append(case.pk)
        if case.estimated_damage_vnd is not None:
            self.sources["estimated_damage_vnd"].append(case.pk)
            self.estimated_damage_vnd += case.estimated_damage_vnd


@dataclass
class Helper:
    name: str
    incident_ids: list


@dataclass
class Form05:
    organisation: object
    period: Period
    rows: list  # one Form05Row per IncidentType, in the type list's order, zero rows included
    totals: Form05Row
    domestic_helpers: list  # [Helper]
    foreign_helpers: list
    unclassified: list  # ids of counted cases whose handling is not recorded yet

    def row(self, incident_type) -> Form05Row:
        return next(row for row in self.rows if row.incident_type == incident_type)


def _helpers(cases, handling):
    """Distinct non-empty lines of ``helping_organisations`` (case-insensitive), first spelling kept."""
    found: dict[str, Helper] = {}
    for case in cases:
        if case.handling != handling:
            continue
        for line in case.helping_organisations.splitlines():
            name = " ".join(line.split())
            if not name:
                continue
            helper = found.setdefault(name.casefold(), Helper(name, []))
            if case.pk not in helper.incident_ids:
                helper.incident_ids.append(case.pk)
    return sorted(found.values(), key=lambda h: h.name.casefold())


def form05(organisation, period: Period, own_only=False) -> Form05:
    start, end = _bounds(period)
    cases = list(reportable_incidents(organisation, own_only)
                 .filter(detected_at__gte=start, detected_at__lt=end).order_by("detected_at", "pk"))
    rows = {value: Form05Row(value) for value in IncidentType.values}
    totals = Form05Row("")
    for case in cases:
        rows[case.incident_type].add(case)
        totals.add(case)
    return Form05(
        organisation=organisation, period=period, rows=list(rows.values()), totals=totals,
        domestic_helpers=_helpers(cases, Handling.DOMESTIC_HELP),
        foreign_helpers=_helpers(cases, Handling.FOREIGN_HELP),
        unclassified=[case.pk for case in cases if not case.handling])


# --- Form 08 (NĐ 331 Art 36 / TT 12 Art 14) ---------------------------------------------------

# Form 08's four approval states; a returned dossier is back with the operator, i.e. drafting.
APPROVAL_STATUS = {DossierState.DRAFTING: "drafting", DossierState.RETURNED: "drafting",
                   DossierState.SUBMITTED: "submitted", DossierState.APPRAISED: "appraised",
                   DossierState.APPROVED: "approved"}
ANNUAL_TOTALS = ("systems", "classified", "drafted", "appraised", "approved", "approved_assessed")


@dataclass
class SystemRow:
    number: int
    name: str
    owner: str
    operator: str
    proposed_level: int | None
    approval_status: str  # drafting / submitted / appraised / approved, "" without a dossier
    decision_number: str
    decision_date: datetime.date | None
    decision_issuer: str
    regulation: str  # "number (date)" of the owner's (or a parent's) security regulation
    expected_approval_on: datetime.date | None
    deployment: str  # full / partial / none, "" without a level to check against
    expected_full_deployment_on: datetime.date | None
    assessment: str  # "periodic" or ""
    system_id: int = 0
    dossier_id: int | None = None
    decision_id: int | None = None
    regulation_id: int | None = None
    evidence_ids: list = field(default_factory=list)


@dataclass
class Annual:
    organisation: object
    period: Period
    totals: dict  # name in ANNUAL_TOTALS → count
    sources: dict  # name in ANNUAL_TOTALS → [system ids]
    rows: list  # [SystemRow]


def owned_systems(organisation, own_only=False):
    """Systems owned inside the subtree (Form 08 is the owner's report), not retired."""
    return (InformationSystem.objects.filter(_in_subtree(organisation, "owner", own_only))
            .exclude(status=SystemStatus.RETIRED)
            .select_related("owner", "operator").prefetch_related("dossiers").order_by("owner__path", "name", "pk"))


def annual_totals(organisation, period: Period, own_only=False) -> dict:
    """Form 08's totals only ({name: [system ids]}), without the per-system table."""
    return annual(organisation, period, own_only=own_only, with_rows=False).sources


def annual(organisation, period: Period, *, own_only=False, with_rows=True) -> Annual:
    systems = list(owned_systems(organisation, own_only))
    ids = [system.pk for system in systems]
    statuses = {status.system_id: status for status in LevelStatus.objects.filter(system_id__in=ids)}
    assessments: dict[int, list] = {}
    for row in (Evidence.objects.filter(system_id__in=ids, kind=ASSESSMENT_KIND, withdrawn_at__isnull=True,
                                        occurred_on__gte=period.start, occurred_on__lte=period.end)
                .order_by("occurred_on", "pk").values("pk", "system_id")):
        assessments.setdefault(row["system_id"], []).append(row["pk"])
    sources = {name: [] for name in ANNUAL_TOTALS}
    rows = []
    for number, system in enumerate(systems, start=1):
        status = statuses.get(system.pk)
        dossiers = sorted(system.dossiers.all(), key=lambda d: d.version, reverse=True)
        latest = dossiers[0] if dossiers else None
        approved = status is not None and status.is_current
        evidence_ids = assessments.get(system.pk, [])
        sources["systems"].append(system.pk)
        if any(d.level is not None for d in dossiers):
            sources["classified"].append(system.pk)
        if dossiers:
            sources["drafted"].append(system.pk)
        if any(d.state in (DossierState.APPRAISED, DossierState.APPROVED) for d in dossiers):
            sources["appraised"].append(system.pk)
        if approved:
            sources["approved"].append(system.pk)
            if evidence_ids:
                sources["approved_assessed"].append(system.pk)
        if with_rows:
            rows.append(_system_row(number, system, latest, status, evidence_ids, period))
    return Annual(organisation=organisation, period=period,
                  totals={name: len(ids) for name, ids in sources.items()}, sources=sources, rows=rows)


def _system_row(number, system, latest, status, evidence_ids, period):
    decision = None
    approved_dossier_id = status.approved_dossier_id if status is not None else None
    if approved_dossier_id is None and latest is not None and latest.state == DossierState.APPROVED:
        approved_dossier_id = latest.pk
    if approved_dossier_id is not None:
        decision = ApprovalDecision.objects.filter(dossier_id=approved_dossier_id).first()
    regulation = regulation_in_force(system.owner, period.end)
    level = checklist.checklist_for(system, on=period.end)
    waiting = latest is not None and latest.state != DossierState.APPROVED
    return SystemRow(
        number=number, name=system.name, owner=f"{system.owner.code} – {system.owner.name}",
        operator=f"{system.operator.code} – {system.operator.name}",
        proposed_level=latest.level if latest is not None else None,
        approval_status=APPROVAL_STATUS.get(latest.state, "") if latest is not None else "",
        decision_number=decision.number if decision else "",
        decision_date=decision.decided_on if decision else None,
        decision_issuer=decision.issuer if decision else "",
        regulation=f"{regulation.decision_number} ({regulation.decided_on:%d/%m/%Y})" if regulation else "",
        expected_approval_on=latest.step_due_on if waiting else None,
        # Deployment is judged against the checklist of the approved (else proposed) level.
        deployment=level.deployment if level.level is not None else "",
        expected_full_deployment_on=_full_deployment_on(level),
        assessment="periodic" if evidence_ids else "",
        system_id=system.pk, dossier_id=latest.pk if latest is not None else None,
        decision_id=decision.pk if decision else None,
        regulation_id=regulation.pk if regulation else None, evidence_ids=list(evidence_ids))


def _full_deployment_on(level):
    """When every measure will be in place: the latest remediation date of the requirements not yet
    met, known only when each of them has one (an unanswered requirement has none)."""
    if level.level is None or level.deployment == "full":
        return None
    dates = [line.answer.due_on if line.answer is not None else None
             for line in level.lines if line.status not in (RequirementStatus.MET, RequirementStatus.NOT_APPLICABLE)]
    return max(dates) if dates and all(dates) else None


# --- Quarterly (CĐ 33/CĐ-TTg; contents not found in law, regulations.md §6) --------------------

@dataclass
class Quarterly:
    organisation: object
    period: Period
    annual: Annual  # Form 08 figures over the annual window that holds the quarter's last day
    form05: Form05
    kpis: dict  # name → count
    sources: dict  # name → [ids] (incidents, DutyStatus rows or findings)


def open_at(organisation, instant, own_only=False):
    """Cases detected before ``instant`` whose response had not ended by then."""
    ended_later = Q(response_ended_at__gte=instant)
    never_ended = Q(response_ended_at__isnull=True) & ~Q(status__in=[IncidentStatus.RECOVERED, IncidentStatus.CLOSED])
    return reportable_incidents(organisation, own_only).filter(Q(detected_at__lt=instant) & (ended_later | never_ended))


def quarterly(organisation, period: Period, now=None, *, own_only=False, with_rows=True) -> Quarterly:
    return Quarterly(
        organisation=organisation, period=period,
        annual=annual(organisation, current_period("annual", period.end), own_only=own_only, with_rows=with_rows),
        form05=form05(organisation, period, own_only), **kpis(organisation, period, now, own_only))


def kpis(organisation, period, now, own_only):
    now = now or timezone.now()
    _start, end = _bounds(period)
    sources = {"open_incidents": list(open_at(organisation, end, own_only).order_by("pk").values_list("pk", flat=True))}
    sources["overdue_clocks"] = [
        case.pk for case in reportable_incidents(organisation, own_only).filter(detected_at__lte=now).order_by("pk")
        if any(state.state == "overdue" for state in incident_services.clock_states(case, now=now))]
    subject_in_tree = (_in_subtree(organisation, "organisation", own_only)
                       | _in_subtree(organisation, "system__owner", own_only))
    sources["overdue_duties"] = list(DutyStatus.objects.filter(subject_in_tree, status=DutyState.OVERDUE)
                                     .order_by("pk").values_list("pk", flat=True))
    findings = (Finding.objects.filter(_in_subtree(organisation, "system__owner", own_only), status=FindingStatus.OPEN)
                .order_by("pk").values_list("pk", "severity"))
    by_severity = {severity: [] for severity in reversed(Severity.values)}
    for pk, severity in findings:
        by_severity.setdefault(severity, []).append(pk)
    for severity, ids in by_severity.items():
        sources[f"open_findings_{severity}"] = ids
    return {"kpis": {name: len(ids) for name, ids in sources.items()}, "sources": sources}
