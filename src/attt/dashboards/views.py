"""Pages of the dashboards room: the overview (home), the supervisors' dashboard over a subtree,
the ranking by compliance score and the overdue duties, each also as CSV and XLSX (?export=).

``?org=CODE`` chooses the subtree the same way the organisation switcher does (it stores the choice
in the session), so the record lists every figure links to show the same subtree; an organisation
the user may not see is a 404. ``?org=`` (empty) goes back to everything the user sees.
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from attt import languages
from attt.inventory.models import InformationSystem, SystemStatus, SystemType
from attt.levels import rollup
from attt.levels.models import Dossier
from attt.levels.models.dossiers import UNDER_REVIEW
from attt.obligations.catalogue import catalogue as duty_catalogue
from attt.obligations.models import DutyState, DutyStatus
from attt.scans.models import Severity
from attt.tenancy.access import CURRENT_ORG_SESSION_KEY, current_organisation, visible
from attt.tenancy.models import AuditEntry, Organisation, path_ids

from . import charts, exports, services
from .charts import Bar, Series

CHART_ROWS = 20
SEVERITY_COLOURS = {"critical": "#7b1fa2", "high": "#c62828", "medium": "#ef6c00", "low": "#f9a825",
                    "info": "#90a4ae"}
DUTY_COLOURS = {DutyState.MET: "#2e7d32", DutyState.DUE_SOON: "#f9a825", DutyState.NO_EVIDENCE: "#5c6bc0",
                DutyState.OVERDUE: "#c62828"}
REPORT_COLOURS = {"on_time": "#2e7d32", "late": "#ef6c00", "missing": "#c62828", "not_due": "#90a4ae"}
TREND_COLOURS = {"incidents": "#c62828", "findings_opened": "#ef6c00", "findings_fixed": "#2e7d32",
                 "evidence": "#0b3d66"}


@login_required
def home(request):
    systems = visible(request, InformationSystem.objects.all())
    by_status = dict(systems.values_list("status").annotate(n=Count("id")))
    by_type = dict(systems.values_list("system_type").annotate(n=Count("id")))
    duties = dict(visible(request, DutyStatus.objects.all()).order_by().values_list("status").annotate(n=Count("id")))
    return render(request, "dashboards/home.html", {
        "level_share": rollup.summary(rollup.counted_systems(request))[2],
        "dossiers_in_progress": visible(request, Dossier.objects.filter(
            state__in=UNDER_REVIEW)).count(),
        "duties_overdue": duties.get(DutyState.OVERDUE, 0),
        "duties_met_share": round(100 * duties.get(DutyState.MET, 0) / sum(duties.values()), 1) if duties else None,
        "current": current_organisation(request),
        "organisation_count": visible(request, Organisation.objects.all()).count(),
        "system_count": sum(by_status.values()),
        "by_status": [(label, by_status.get(value, 0)) for value, label in SystemStatus.choices],
        "by_type": [(label, by_type.get(value, 0)) for value, label in SystemType.choices],
        "recent": visible(request, AuditEntry.objects.all()).select_related("organisation")[:10],
    })


# --- the subtree -------------------------------------------------------------------------------

def chosen_root(request):
    """The subtree of the page: ?org=CODE (kept in the switcher), else the switcher's choice, else the
    one organisation at the top of the user's scope (None: several trees)."""
    if "org" in request.GET:
        code = request.GET.get("org", "").strip()
        if not code:
            request.session.pop(CURRENT_ORG_SESSION_KEY, None)
            return services.default_root(request.user)
        organisation = services.chosen(request.user, code)
        if organisation is None:
            raise Http404
        request.session[CURRENT_ORG_SESSION_KEY] = organisation.code
        return organisation
    return current_organisation(request) or services.default_root(request.user)


def _breadcrumb(user, root):
    if root is None:
        return []
    ids = path_ids(root.path)
    found = {org.pk: org for org in Organisation.objects.visible_to(user).filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def _export(request):
    fmt = request.GET.get("export", "")
    if fmt and fmt not in exports.FORMATS:
        raise Http404
    return fmt


def url(name, **query):
    """A page's address with a query string (empty values left out)."""
    query = {key: value for key, value in query.items() if value not in ("", None)}
    return reverse(name) + (f"?{urlencode(query)}" if query else "")


def reports_url(item=None):
    """The reports room's submission status page, for one report kind and period when given."""
    if item is None:
        return url("periodic-status")
    period = item.period
    return url("periodic-status", kind=item.kind, year=period.year, number=period.number)


def org_url(organisation, name="dash-overview"):
    return url(name, org=organisation.code)


# --- charts ------------------------------------------------------------------------------------

def _chart_rows(rows):
    """(label, link, row) of the first ranked rows; the root's own records are labelled as such."""
    own = _("own")  # outside the f-string, where makemessages finds it
    return [(f"{row.organisation.code} ({own})" if row.own else row.organisation.code,
             "" if row.own else org_url(row.organisation), row) for row in rows[:CHART_ROWS]]


def duties_chart(dash):
    series = [(state, label, DUTY_COLOURS[state]) for state, label in DutyState.choices if state in DUTY_COLOURS]
    rows = [(label, row.counts.duties, link) for label, link, row in _chart_rows(dash.rows)]
    return charts.stacked_bar(rows, series, chart_id="chart-duties", normalise=True,
                              title=_("Applicable duties by status, per organisation"),
                              empty=_("No duty applies yet in this subtree."))


def levels_chart(dash):
    items = [Bar(f"{label} {row.counts.approved}/{row.counts.systems}", row.counts.approved_share or 0, link,
                 "#2e7d32") for label, link, row in _chart_rows(dash.rows) if row.counts.systems]
    return charts.hbar_chart(items, chart_id="chart-levels", scale_max=100,
                             title=_("Share of systems with an approved level (%)"),
                             empty=_("No system in investment or operating."))


def findings_chart(dash):
    totals = dash.totals
    items = [Bar(str(label), totals.findings_open.get(value, 0), url("scan-findings", severity=value),
                 SEVERITY_COLOURS[value]) for value, label in reversed(Severity.choices)]
    return charts.bar_chart(items, chart_id="chart-findings", title=_("Open findings by severity"),
                            empty=_("No open finding."))


def incidents_chart(dash):
    items = [Bar(str(label), recent, url("incident-list", type=value), "#c62828")
             for value, label, _open, recent in dash.incident_types if recent]
    return charts.hbar_chart(items, chart_id="chart-incidents", label_width=230,
                             title=_("Incidents by type, detected in the last 12 months"),
                             empty=_("No incident in the last 12 months."))


def trend_chart(dash):
    labels = exports.series_labels()
    series = [Series(labels[key], tuple(values), TREND_COLOURS[key]) for key, values in dash.trend.series.items()]
    return charts.line_chart(dash.trend.labels, series, chart_id="chart-trend",
                             title=_("Per quarter: incidents, findings and evidence"),
                             empty=_("Nothing recorded in these quarters."))


def maturity_chart(dash):
    items = [Bar(languages.pick(title), number, url("readiness-maturity")) for _id, title, number in
             dash.maturity.by_level]
    return charts.bar_chart(items, chart_id="chart-maturity",
                            title=_("Response teams by maturity level, %(year)s") % {"year": dash.maturity.year},
                            empty=_("No team rated this year."))


def reports_chart(dash):
    labels = exports.state_labels()
    series = [(state, labels[state], REPORT_COLOURS[state]) for state in exports.STATES]
    rows = [(f"{item.title} · {exports.period_label(item)}", item.counts, reports_url(item))
            for item in dash.reports or ()]
    return charts.stacked_bar(rows, series, chart_id="chart-reports", label_width=230,
                              title=_("Periodic reports by submission state"), empty=_("No report is due yet."))


def _chart_context(dash):
    return {name: mark_safe(builder(dash)) for name, builder in (
        ("duties_chart", duties_chart), ("levels_chart", levels_chart), ("findings_chart", findings_chart),
        ("incidents_chart", incidents_chart), ("trend_chart", trend_chart), ("maturity_chart", maturity_chart),
        ("reports_chart", reports_chart))}


def _links(root):
    """Where each figure of the subtree drills down to (the lists follow the switcher's subtree)."""
    inbox = {"pending": 1, "org": root.code if root else ""}
    return {
        "levels": url("level-overview"), "duties": url("obligation-board", tab="rollup"),
        "duties_overdue": url("dash-overdue"), "duties_met": url("obligation-board", status="met"),
        "findings": url("scan-findings"), "findings_overdue": url("scan-findings", overdue=1),
        "serious": url("scan-findings", severity="critical"),
        "serious_overdue": url("scan-findings", severity="critical", overdue=1),
        "high": url("scan-findings", severity="high"),
        "high_overdue": url("scan-findings", severity="high", overdue=1),
        "incidents_open": url("incident-list", status="open"),
        "clocks_overdue": url("incident-list", status="open", overdue=1),
        "inbox": url("incident-inbox", **inbox), "inbox_all": url("incident-inbox", org=inbox["org"]),
        "maturity": url("readiness-maturity"), "reports": reports_url(),
        "ranking": url("dash-ranking"), "ranking_all": url("dash-ranking", all=1),
    }


def _severity_rows(totals):
    return [(value, label, totals.findings_open.get(value, 0), totals.findings_overdue.get(value, 0),
             url("scan-findings", severity=value), url("scan-findings", severity=value, overdue=1))
            for value, label in reversed(Severity.choices)]


# --- pages -------------------------------------------------------------------------------------

@login_required
def dashboard(request):
    root = chosen_root(request)
    fmt = _export(request)
    dash = services.dashboard(request.user, root)
    if fmt:
        return exports.dashboard_response(dash, fmt)
    children = [row.organisation for row in dash.rows if not row.own]
    return render(request, "dashboards/dashboard.html", {
        "dash": dash, "root": root, "totals": dash.totals, "breadcrumb": _breadcrumb(request.user, root),
        "children": sorted(children, key=lambda org: org.code), "links": _links(root),
        "severities": _severity_rows(dash.totals), "ranking_rows": dash.rows[:CHART_ROWS],
        "more_rows": max(0, len(dash.rows) - CHART_ROWS), "state_labels": exports.state_labels(),
        "trend_labels": exports.series_labels(), "formula": dash.formula,
        "report_rows": [(item.title, exports.period_label(item), item.period.due, reports_url(item),
                         [item.counts.get(state, 0) for state in exports.STATES]) for item in dash.reports or ()],
        "components": _components(dash.formula, dash.score), "scored": True, **_chart_context(dash)})


def _components(formula, score=None):
    """The formula's components for the explanation, with the subtree's own values when scored."""
    parts = {part.component.id: part for part in score.parts} if score is not None else {}
    return [{"title": languages.pick(c.title), "explanation": languages.pick(c.explanation), "weight": c.weight,
             "article": c.article, "share": round(100 * c.weight / formula.total_weight, 1), "part": parts.get(c.id)}
            for c in formula.components]


@login_required
def ranking(request):
    root = chosen_root(request)
    fmt = _export(request)
    flat = request.GET.get("all") == "1"
    result = services.ranking(request.user, root, flat=flat)
    if fmt:
        return exports.ranking_response(result, fmt)
    page = Paginator(result.rows, 100).get_page(request.GET.get("page"))
    return render(request, "dashboards/ranking.html", {
        "result": result, "root": root, "page": page, "flat": flat, "formula": result.formula,
        "components": _components(result.formula), "breadcrumb": _breadcrumb(request.user, root),
        "links": _links(root), "page_query": urlencode({"all": 1} if flat else {})})


@login_required
def overdue(request):
    root = chosen_root(request)
    fmt = _export(request)
    duty = request.GET.get("duty", "").strip()
    duties = duty_catalogue().by_id
    duty = duty if duty in duties else ""
    statuses = services.overdue_duties(request.user, root, duty)
    today = timezone.localdate()
    if fmt:
        return exports.overdue_response(root, services.overdue_rows(statuses, today), fmt)
    page = Paginator(statuses, 100).get_page(request.GET.get("page"))
    present = (services.Scope(request.user, root).rows(DutyStatus.objects.filter(status=DutyState.OVERDUE))
               .order_by().values_list("duty_id").annotate(n=Count("pk")))
    return render(request, "dashboards/overdue.html", {
        "root": root, "page": page, "rows": services.overdue_rows(page.object_list, today), "duty": duty,
        "duty_choices": [(pk, languages.pick(duties[pk].title), number) for pk, number in sorted(present)
                         if pk in duties],
        "breadcrumb": _breadcrumb(request.user, root), "page_query": urlencode({"duty": duty} if duty else {})})
