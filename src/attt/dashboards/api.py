"""Read-only REST API of the dashboards: the figures of a subtree and the ranking.

``?org=CODE`` chooses the subtree (an organisation the caller may not see is a 404); without it,
the organisation switcher's choice (session callers) or the top of the caller's scope.
"""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.response import Response

from attt import languages
from attt.tenancy.access import current_organisation

from . import services

ORG = OpenApiParameter("org", str, description="Organisation code: the subtree (default: the caller's scope)")


def _root(request):
    code = request.query_params.get("org", "").strip()
    if code:
        organisation = services.chosen(request.user, code)
        if organisation is None:
            raise Http404
        return organisation
    return current_organisation(request) or services.default_root(request.user)


def _organisation(organisation):
    if organisation is None:
        return None
    return {"code": organisation.code, "name": organisation.name, "kind": organisation.kind,
            "depth": organisation.depth}


def counts_data(counts) -> dict:
    return {
        "systems": {"counted": counts.systems, "approved": counts.approved, "missing": counts.missing,
                    "approved_share": counts.approved_share},
        "duties": {"total": counts.duties_total, "by_status": dict(counts.duties),
                   "met_share": counts.duties_met_share, "overdue": counts.duties_overdue,
                   "overdue_share": counts.duties_overdue_share},
        "findings": {"open": dict(counts.findings_open), "overdue": dict(counts.findings_overdue),
                     "open_total": counts.findings_open_total, "overdue_total": counts.findings_overdue_total},
        "incidents": {"open": counts.incidents_open, "clocks": dict(counts.clocks)},
        "team_duty": {"met": counts.team_met, "applies": counts.team_total},
    }


def score_data(score) -> dict:
    return {"formula": score.formula.id, "value": score.value,
            "components": [{"id": part.component.id, "weight": part.component.weight, "good": part.good,
                            "total": part.total, "percent": part.percent, "article": part.component.article,
                            "title": languages.pick(part.component.title)} for part in score.parts]}


def row_data(row) -> dict:
    return {"rank": row.rank, "organisation": _organisation(row.organisation),
            "counts": "own" if not row.subtree else "subtree", "score": score_data(row.score),
            "figures": counts_data(row.counts), "team_maturity": row.maturity, "teams_rated": row.teams_rated}


def summary_data(dash) -> dict:
    summary = dash.maturity
    data = {
        "organisation": _organisation(dash.root), "date": dash.today, "organisations": dash.organisation_count,
        "figures": counts_data(dash.totals), "score": score_data(dash.score),
        "incidents_by_type": [{"type": value, "label": str(label), "open": open_cases, "last_12_months": recent}
                              for value, label, open_cases, recent in dash.incident_types],
        "inbox": dash.inbox,
        "maturity": {"year": summary.year, "teams": summary.teams, "rated": summary.rated, "mean": summary.mean,
                     "by_level": {level: number for level, _title, number in summary.by_level}},
        "trend": {"quarters": dash.trend.labels, "series": dash.trend.series},
        "ranking": [row_data(row) for row in dash.rows],
        "reports": None,
    }
    if dash.reports is not None:
        data["reports"] = [{"kind": item.kind, "title": str(item.title), "period": item.period.label_en,
                            "due": item.period.due, "counts": dict(item.counts)} for item in dash.reports]
    return data


class SummaryViewSet(viewsets.ViewSet):
    """Every figure of the dashboard over one subtree (the web page's numbers, as JSON)."""

    @extend_schema(operation_id="dashboard_summary", parameters=[ORG], responses=OpenApiTypes.OBJECT)
    def list(self, request):
        return Response(summary_data(services.dashboard(request.user, _root(request))))


class RankingViewSet(viewsets.ViewSet):
    """Organisations by compliance score: the children of the subtree (each with its subtree), or
    ``?all=1`` every organisation of the subtree on its own records."""

    @extend_schema(operation_id="dashboard_ranking", responses=OpenApiTypes.OBJECT, parameters=[
        ORG, OpenApiParameter("all", bool, description="Every organisation on its own records")])
    def list(self, request):
        flat = request.query_params.get("all") in ("1", "true")
        result = services.ranking(request.user, _root(request), flat=flat)
        return Response({"organisation": _organisation(result.root), "date": result.today,
                         "formula": result.formula.id, "mode": "all" if flat else "children",
                         "rows": [row_data(row) for row in result.rows]})


def register(router):
    """Add this room's viewsets to the API router (called by attt/api_urls.py)."""
    router.register("dashboard/summary", SummaryViewSet, basename="dash-summary")
    router.register("dashboard/ranking", RankingViewSet, basename="dash-ranking")
