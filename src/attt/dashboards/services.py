"""The figures of the supervisors' and regulator's dashboards over one subtree.

Everything starts from ``Model.objects.visible_to(user)`` narrowed to the chosen organisation's
subtree (``within``), exactly what the record lists show under the organisation switcher, so
every figure drills down to the list with the same count. Speed at national scale (1,000
organisations, 20,000 systems) comes from grouping in the database: one grouped query per kind of
record returns counters per owning organisation, and Python adds each organisation's counters to
the rows of its ancestors found on its materialised path. No query runs per organisation.

* systems: in investment or operating (``levels.rollup.counted_systems``), approved = not among
  ``rollup.missing_systems`` (an approved level that needs no re-classification);
* duties: the obligations engine's stored statuses (``DutyStatus``), by status; the response-team
  duties of the score (D18-4) separately;
* findings: open findings by severity, and those past their fix-by date (``due_on`` < today), placed
  under the system's owner;
* incidents: open cases (not closed) and the state of each of their reporting clocks
  (``incidents.clocks.compute`` on prefetched deliveries and levels);
* team maturity: ``readiness.maturity.ranking`` of the teams in the subtree;
* the incident inbox: deliveries received by organisations of the subtree, unacknowledged ones.

A row of the ranking counts its own records (flat mode) or its whole subtree (children mode);
``score.evaluate`` turns its counters into the compliance score.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, Q
from django.utils import timezone

from attt import languages
from attt.incidents import clocks
from attt.incidents.models import Delivery, Incident, IncidentStatus, IncidentType
from attt.levels import rollup
from attt.levels.models import Dossier
from attt.obligations.models import DutyState, DutyStatus, Evidence
from attt.readiness import maturity
from attt.reports import status as submission_status
from attt.scans.models import Finding, FindingStatus, Severity
from attt.tenancy.models import Organisation, path_ids
from attt.tenancy.roles import Permission
from attt.tenancy.scoping import scope_for

from . import score as scoring

TREND_QUARTERS = 8
CHUNK = 2000  # ids per IN (…) list: far below SQLite's variable limit


@dataclass
class Counts:
    """The counters of one organisation's own records, or summed over a subtree."""

    systems: int = 0
    approved: int = 0
    duties: Counter = field(default_factory=Counter)
    team: Counter = field(default_factory=Counter)
    findings_open: Counter = field(default_factory=Counter)
    findings_overdue: Counter = field(default_factory=Counter)
    incidents_open: int = 0
    clocks: Counter = field(default_factory=Counter)

    def add(self, other: Counts) -> Counts:
        self.systems += other.systems
        self.approved += other.approved
        self.duties.update(other.duties)
        self.team.update(other.team)
        self.findings_open.update(other.findings_open)
        self.findings_overdue.update(other.findings_overdue)
        self.incidents_open += other.incidents_open
        self.clocks.update(other.clocks)
        return self

    @property
    def empty(self) -> bool:
        return not (self.systems or self.duties or self.team or self.findings_open or self.incidents_open)

    @property
    def missing(self) -> int:
        return self.systems - self.approved

    @property
    def approved_share(self):
        return rollup.share(self.approved, self.systems)

    @property
    def duties_total(self) -> int:
        return sum(self.duties.values())

    @property
    def duties_met(self) -> int:
        return self.duties.get(DutyState.MET, 0)

    @property
    def duties_overdue(self) -> int:
        return self.duties.get(DutyState.OVERDUE, 0)

    @property
    def duties_met_share(self):
        return rollup.share(self.duties_met, self.duties_total)

    @property
    def duties_overdue_share(self):
        return rollup.share(self.duties_overdue, self.duties_total)

    @property
    def findings_open_total(self) -> int:
        return sum(self.findings_open.values())

    @property
    def findings_overdue_total(self) -> int:
        return sum(self.findings_overdue.values())

    @property
    def serious_open(self) -> int:
        return self.findings_open.get(Severity.CRITICAL, 0) + self.findings_open.get(Severity.HIGH, 0)

    @property
    def serious_overdue(self) -> int:
        return self.findings_overdue.get(Severity.CRITICAL, 0) + self.findings_overdue.get(Severity.HIGH, 0)

    @property
    def team_met(self) -> int:
        return self.team.get(DutyState.MET, 0)

    @property
    def team_total(self) -> int:
        return sum(self.team.values())

    @property
    def clocks_total(self) -> int:
        return sum(self.clocks.values())

    @property
    def clocks_overdue(self) -> int:
        return self.clocks.get("overdue", 0)

    @property
    def clocks_running(self) -> int:
        return self.clocks.get("due", 0)


@dataclass
class Row:
    """One organisation on the ranking: its counters, its score, its teams' maturity."""

    organisation: Organisation
    counts: Counts
    score: scoring.Score
    subtree: bool = True
    own: bool = False  # the chosen organisation's own records, beside its children's subtrees
    maturity: float | None = None
    teams_rated: int = 0
    rank: int | None = None


@dataclass
class Scope:
    """Who looks and at which subtree (``root`` None: everything the user may see)."""

    user: object
    root: Organisation | None

    @cached_property
    def _covered(self) -> bool:
        """The user may see the root, hence (a role reaches its whole subtree) every row inside it."""
        return self.root is not None and scope_for(self.user).can(Permission.VIEW, self.root)

    @cached_property
    def _whole_tree(self) -> bool:
        """The root's subtree holds every organisation there is (the national regulator's)."""
        return self._covered and not Organisation.objects.exclude(path__startswith=self.root.path).exists()

    def rows(self, queryset):
        if self.root is None:
            return queryset.visible_to(self.user)
        if self._whole_tree:
            return queryset.all()  # every row lies inside the root: no condition to test per row
        if self._covered:
            return queryset.within(self.root)  # the same rows as visible_to(user).within(root), half the work
        return queryset.visible_to(self.user).within(self.root)

    def organisations(self) -> dict:
        fields = ("code", "name_vi", "name_en", "path", "depth", "parent_id", "kind")
        return {org.pk: org for org in self.rows(Organisation.objects.only(*fields)).order_by("path")}


def default_root(user) -> Organisation | None:
    """The one organisation at the top of what the user sees, or None when it sees several trees."""
    scope = scope_for(user)
    if scope.is_global:
        tops = list(Organisation.objects.filter(parent__isnull=True)[:2])
        return tops[0] if len(tops) == 1 else None
    paths = scope.paths_with()
    return Organisation.objects.filter(path=paths[0]).first() if len(paths) == 1 else None


def chosen(user, code: str) -> Organisation | None:
    """The organisation with ``code`` if the user may see it."""
    code = (code or "").strip().upper()
    return Organisation.objects.visible_to(user).filter(code=code).first() if code else None


# --- counters per organisation ------------------------------------------------------------------

def _chunks(ids):
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _levels(links) -> dict:
    """{system id: level} of affected systems: the approved level while current, else the newest
    dossier's (the rule of ``levels.checklist.checklist_level``), with one query for all of them."""
    levels, pending = {}, []
    for link in links:
        status = getattr(link.system, "level_status", None)
        if status is not None and status.is_current:
            levels[link.system_id] = status.approved_level
        else:
            levels[link.system_id] = None
            pending.append(link.system_id)
    for ids in _chunks(set(pending)):
        newest = {}
        for system_id, version, level in (Dossier.objects.filter(system_id__in=ids, level__isnull=False)
                                          .values_list("system_id", "version", "level")):
            if system_id not in newest or version > newest[system_id][0]:
                newest[system_id] = (version, level)
        for system_id, (_version, level) in newest.items():
            levels[system_id] = level
    return levels


def _clock_counts(scope: Scope, now) -> dict:
    """organisation id → (open cases, Counter of clock states) over the open cases of the subtree."""
    result = defaultdict(lambda: [0, Counter()])
    open_ids = list(scope.rows(Incident.objects.all()).exclude(status=IncidentStatus.CLOSED)
                    .order_by().values_list("pk", flat=True))
    for ids in _chunks(open_ids):
        cases = list(Incident.objects.filter(pk__in=ids).prefetch_related(
            "affected__system__level_status", "reports__deliveries"))
        links = [link for case in cases for link in case.affected.all()]
        levels = _levels(links)
        for case in cases:
            deliveries = [d for report in case.reports.all() for d in report.deliveries.all()]
            case_levels = {link.system_id: levels.get(link.system_id) for link in case.affected.all()}
            entry = result[case.organisation_id]
            entry[0] += 1
            entry[1].update(state.state for state in clocks.compute(case, deliveries, case_levels, now=now))
    return result


def own_counts(scope: Scope, formula: scoring.Formula, today, now) -> dict:
    """organisation id → Counts of the records it owns (systems, duties, findings, cases)."""
    own = defaultdict(Counts)
    systems = scope.rows(rollup.counted_systems(scope.user)).order_by()
    for owner_id, number in systems.values_list("owner_id").annotate(n=Count("pk")):
        own[owner_id].systems += number
    missing = rollup.missing_systems(systems).select_related(None).order_by()
    for owner_id, number in missing.values_list("owner_id").annotate(n=Count("pk")):
        own[owner_id].approved -= number
    for counts in own.values():
        counts.approved += counts.systems

    duties = scope.rows(DutyStatus.objects.all()).order_by()
    for organisation_id, state, number in duties.values_list("organisation_id", "status").annotate(n=Count("pk")):
        own[organisation_id].duties[state] += number
    team = formula.component("team_rule")
    if team is not None:
        for organisation_id, state, number in (duties.filter(system__isnull=True, duty_id__in=team.duties)
                                               .values_list("organisation_id", "status").annotate(n=Count("pk"))):
            own[organisation_id].team[state] += number

    findings = scope.rows(Finding.objects.filter(status=FindingStatus.OPEN)).order_by()
    for owner_id, severity, number, overdue in (
            findings.values_list("system__owner_id", "severity")
            .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_on__lt=today)))):
        own[owner_id].findings_open[severity] += number
        if overdue:
            own[owner_id].findings_overdue[severity] += overdue

    for organisation_id, (cases, states) in _clock_counts(scope, now).items():
        own[organisation_id].incidents_open += cases
        own[organisation_id].clocks.update(states)
    return own


# --- the ranking -------------------------------------------------------------------------------

def _tops(organisations: dict, root) -> list:
    if root is not None:
        return [org for org in organisations.values() if org.parent_id == root.pk]
    return [org for org in organisations.values() if org.parent_id not in organisations]


def _maturity_by_org(organisations: dict, today) -> dict:
    """organisation id → YearScore of its team this year (teams with members or drills only)."""
    return {row.organisation.pk: row for row in maturity.ranking(organisations.values(), today.year, today)}


def _mean(values):
    values = [value for value in values if value is not None]
    return (round(sum(values) / len(values), 1), len(values)) if values else (None, 0)


def _rank(rows):
    rows.sort(key=lambda row: (not row.score.rated, -(row.score.value or 0), row.organisation.path))
    for position, row in enumerate(row for row in rows if row.score.rated):
        row.rank = position + 1
    return rows


def build_rows(organisations, own, root, formula, teams, flat=False) -> list[Row]:
    """Flat: every organisation on its own records. Otherwise: each child of ``root`` (or each top
    organisation) with its whole subtree, plus the root's own records when it has any."""
    if flat:
        rows = []
        for pk, org in organisations.items():
            counts = own.get(pk, Counts())
            team = teams.get(pk)
            rows.append(Row(org, counts, scoring.evaluate(formula, counts), subtree=False,
                            maturity=team.score if team else None, teams_rated=int(bool(team and team.rated))))
        return _rank(rows)
    tops = {org.pk: org for org in _tops(organisations, root)}
    sums = {pk: Counts() for pk in tops}
    scores = defaultdict(list)
    for pk, org in organisations.items():
        top = next((ancestor for ancestor in path_ids(org.path) if ancestor in tops), None)
        if top is None:
            continue
        if pk in own:
            sums[top].add(own[pk])
        if pk in teams:
            scores[top].append(teams[pk].score)
    rows = []
    for pk, org in tops.items():
        mean, rated = _mean(scores[pk])
        rows.append(Row(org, sums[pk], scoring.evaluate(formula, sums[pk]), maturity=mean, teams_rated=rated))
    if root is not None and root.pk in own and not own[root.pk].empty:
        team = teams.get(root.pk)
        rows.append(Row(root, own[root.pk], scoring.evaluate(formula, own[root.pk]), subtree=False, own=True,
                        maturity=team.score if team else None, teams_rated=int(bool(team and team.rated))))
    return _rank(rows)


@dataclass
class Ranking:
    root: Organisation | None
    formula: scoring.Formula
    rows: list
    flat: bool
    today: datetime.date


def ranking(user, root, flat=False, today=None) -> Ranking:
    today = today or timezone.localdate()
    formula = scoring.formula_on(today)
    scope = Scope(user, root)
    organisations = scope.organisations()
    own = own_counts(scope, formula, today, timezone.now())
    teams = _maturity_by_org(organisations, today)
    return Ranking(root, formula, build_rows(organisations, own, root, formula, teams, flat=flat), flat, today)


# --- the dashboard -----------------------------------------------------------------------------

def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarters(today: datetime.date, number: int = TREND_QUARTERS) -> list[datetime.date]:
    """The first days of the last ``number`` quarters, oldest first, the current one last."""
    starts = [quarter_start(today)]
    while len(starts) < number:
        previous = starts[-1] - datetime.timedelta(days=1)
        starts.append(quarter_start(previous))
    return starts[::-1]


def quarter_label(start: datetime.date) -> str:
    return f"Q{(start.month - 1) // 3 + 1}/{start.year}"


@dataclass
class Trend:
    starts: list
    series: dict  # key → list of counts per quarter

    @property
    def labels(self):
        return [quarter_label(start) for start in self.starts]

    def rows(self):
        return [(quarter_label(start), {key: values[index] for key, values in self.series.items()})
                for index, start in enumerate(self.starts)]


def _per_quarter(queryset, field_name, starts, is_datetime=False) -> list[int]:
    """How many rows fall in each quarter: one query of plain range comparisons (no date function
    per row, which SQLite would call back into Python for)."""
    bounds = [*starts, quarter_start(starts[-1] + datetime.timedelta(days=95))]
    if is_datetime:
        zone = timezone.get_current_timezone()
        bounds = [datetime.datetime.combine(day, datetime.time.min, tzinfo=zone) for day in bounds]
    counts = queryset.order_by().aggregate(**{
        f"q{index}": Count("pk", filter=Q(**{f"{field_name}__gte": bounds[index], f"{field_name}__lt": bounds[index + 1]}))
        for index in range(len(starts))})
    return [counts[f"q{index}"] for index in range(len(starts))]


def trend(scope: Scope, today: datetime.date, number: int = TREND_QUARTERS) -> Trend:
    """Counts per quarter from dated records: incidents detected, findings first seen and fixed,
    evidence recorded (the share of approved levels has no history, so it is not a series)."""
    starts = quarters(today, number)
    findings = scope.rows(Finding.objects.all())
    return Trend(starts, {
        "incidents": _per_quarter(scope.rows(Incident.objects.all()), "detected_at", starts, is_datetime=True),
        "findings_opened": _per_quarter(findings, "first_seen_on", starts),
        "findings_fixed": _per_quarter(findings.filter(status=FindingStatus.FIXED), "closed_on", starts),
        "evidence": _per_quarter(scope.rows(Evidence.objects.filter(withdrawn_at__isnull=True)), "occurred_on",
                                 starts),
    })


def incidents_by_type(scope: Scope, today: datetime.date) -> list[tuple]:
    """(type, label, open cases, cases detected in the last 12 months) for every type of the picklist."""
    since = datetime.datetime.combine(today - datetime.timedelta(days=365), datetime.time.min,
                                      tzinfo=timezone.get_current_timezone())
    counts = {kind: (number, recent) for kind, number, recent in (
        scope.rows(Incident.objects.all()).order_by().values_list("incident_type")
        .annotate(open=Count("pk", filter=~Q(status=IncidentStatus.CLOSED)),
                  recent=Count("pk", filter=Q(detected_at__gte=since))))}
    return [(value, label, *counts.get(value, (0, 0))) for value, label in IncidentType.choices]


def inbox(scope: Scope) -> dict:
    """Incident reports delivered to organisations of the subtree, and those not yet acknowledged."""
    rows = Delivery.objects.received_by(scope.user)
    if scope.root is not None:
        rows = rows.filter(recipient__path__startswith=scope.root.path)
    return rows.aggregate(received=Count("pk"), pending=Count("pk", filter=Q(acknowledged_at__isnull=True)))


@dataclass
class MaturitySummary:
    year: int
    teams: int
    rated: int
    mean: float | None
    by_level: list  # (level id, title, count)
    best: list
    worst: list


def maturity_summary(teams: dict, year: int, today) -> MaturitySummary:
    from attt.readiness import rules

    formula = rules.maturity().formula_on(maturity.reference_day(year, today))
    rated = sorted((row for row in teams.values() if row.rated), key=lambda row: -row.score)
    levels = Counter(row.level.id for row in rated)
    mean, _number = _mean([row.score for row in rated])
    return MaturitySummary(year, len(teams), len(rated), mean,
                           [(level.id, level.title, levels.get(level.id, 0)) for level in formula.levels],
                           rated[:3], rated[::-1][:3])


def report_status(root, today):
    """The periodic reports' submission status (reports room) of the organisations under ``root``."""
    if root is None:
        return None
    return submission_status.overview(root, today=today)


@dataclass
class Dashboard:
    root: Organisation | None
    today: datetime.date
    formula: scoring.Formula
    totals: Counts
    score: scoring.Score
    rows: list
    organisation_count: int
    incident_types: list
    trend: Trend
    inbox: dict
    maturity: MaturitySummary
    reports: object = None

    @property
    def incidents_open(self) -> int:
        return self.totals.incidents_open


def dashboard(user, root, today=None, now=None, with_reports=True) -> Dashboard:
    today = today or timezone.localdate()
    now = now or timezone.now()
    formula = scoring.formula_on(today)
    scope = Scope(user, root)
    organisations = scope.organisations()
    own = own_counts(scope, formula, today, now)
    totals = Counts()
    for counts in own.values():
        totals.add(counts)
    teams = _maturity_by_org(organisations, today)
    return Dashboard(
        root=root, today=today, formula=formula, totals=totals, score=scoring.evaluate(formula, totals),
        rows=build_rows(organisations, own, root, formula, teams), organisation_count=len(organisations),
        incident_types=incidents_by_type(scope, today), trend=trend(scope, today), inbox=inbox(scope),
        maturity=maturity_summary(teams, today.year, today),
        reports=report_status(root, today) if with_reports else None)


# --- overdue duties ------------------------------------------------------------------------------

@dataclass
class OverdueRow:
    status: DutyStatus
    duty: object  # the catalogue's Duty, or None when the catalogue no longer has it
    days: int

    @property
    def title(self) -> str:
        return languages.pick(self.duty.title) if self.duty else ""

    @property
    def citation(self) -> str:
        return languages.pick(self.duty.citation) if self.duty else ""


def overdue_duties(user, root, duty_id: str = ""):
    """Overdue duty statuses of the subtree, the longest overdue first."""
    rows = Scope(user, root).rows(DutyStatus.objects.filter(status=DutyState.OVERDUE))
    if duty_id:
        rows = rows.filter(duty_id=duty_id)
    return rows.select_related("organisation", "system").order_by("next_due", "organisation__path", "duty_id", "pk")


def overdue_rows(statuses, today) -> list[OverdueRow]:
    from attt.obligations.catalogue import catalogue

    duties = catalogue().by_id
    return [OverdueRow(status, duties.get(status.duty_id), (today - status.next_due).days if status.next_due else 0)
            for status in statuses]
