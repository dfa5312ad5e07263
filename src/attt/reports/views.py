"""Web pages of the periodic reports: the list and generate form, a report version (figures that
link to their records, approval, signature, submission, downloads), the records behind a
figure, and the supervisor's submission status with one-click consolidation."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from attt.tenancy.access import current_organisation, get_visible_or_404, visible
from attt.tenancy.forms import flash_errors, run_action
from attt.tenancy.models import Organisation
from attt.tenancy.roles import Permission

from . import documents, periods, services, sources, status
from .labels import FIGURE_LABELS, figure_rows
from .models import PeriodicReport, ReportKind, ReportState

FORMATS = ("pdf", "docx", "xlsx")


def _report(request, pk):
    return get_visible_or_404(request, PeriodicReport.objects.select_related("organisation", "recipient"), pk=pk)


def _back(request):
    """Where a failed generation returns: the posted page when it is on this site, else the list."""
    target = request.POST.get("back", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect("periodic-list")


def _preparable(request):
    """Organisations of the current subtree for which the user may generate reports."""
    organisations = visible(request, Organisation.objects.all()).order_by("path")
    return [o for o in organisations[:500] if services.may(request.user, Permission.PREPARE_REPORTS, o)]


@login_required
def report_list(request):
    reports = visible(request, PeriodicReport.objects.select_related("organisation", "recipient")).matching(request.GET)
    kind, state, year = request.GET.get("kind", ""), request.GET.get("state", ""), request.GET.get("year", "")
    today = status.today_in_vietnam()
    page = Paginator(reports.order_by("-generated_at", "-pk"), 50).get_page(request.GET.get("page"))
    return render(request, "reports/list.html", {
        "page": page, "kinds": ReportKind.choices, "states": ReportState.choices,
        "filters": {"kind": kind, "state": state, "year": year}, "preparable": _preparable(request),
        "current": current_organisation(request),
        "defaults": {kind: status.reporting_period(kind, today) for kind in periods.KINDS},
        "year": today.year})


@login_required
@require_POST
def report_generate(request):
    code = request.POST.get("organisation", "")
    organisation = visible(request, Organisation.objects.all(), within_current=False).filter(code=code).first()
    if organisation is None:
        flash_errors(request, ValidationError({"organisation": _("Choose an organisation in your scope.")}))
        return _back(request)
    try:
        report = services.generate(
            request.user, organisation, request.POST.get("kind", ""), request.POST.get("year", ""),
            request.POST.get("number") or None, language=request.POST.get("language", "vi"),
            consolidated=request.POST.get("consolidated") == "1",
            recommendations=request.POST.get("recommendations", ""))
    except ValidationError as error:
        flash_errors(request, error)
        return _back(request)
    return redirect(report.get_absolute_url())


@login_required
def report_detail(request, pk):
    report = _report(request, pk)
    versions = PeriodicReport.objects.filter(
        organisation=report.organisation, kind=report.kind, year=report.year, number=report.number,
        consolidated=report.consolidated).order_by("-version")
    organisation = report.organisation
    return render(request, "reports/detail.html", {
        "report": report, "snapshot": report.snapshot, "versions": versions,
        "sections": figure_rows(report.snapshot),
        "can_prepare": services.may(request.user, Permission.PREPARE_REPORTS, organisation),
        "can_approve": services.may(request.user, Permission.APPROVE_REPORTS, organisation),
        "formats": FORMATS})


@login_required
def report_download(request, pk, fmt):
    report = _report(request, pk)
    if fmt == "signature":
        if not report.signature:
            raise Http404
        handle, filename = report.signature.open("rb"), report.signature_name
    elif fmt in FORMATS:
        try:
            handle = getattr(report, fmt).open("rb")
        except FileNotFoundError:
            raise Http404 from None
        filename = documents.filename(report.snapshot, fmt)
    else:
        raise Http404
    return FileResponse(handle, as_attachment=True, filename=filename,
                        content_type=documents.CONTENT_TYPES.get(fmt, "application/octet-stream"))


@login_required
def report_sources(request, pk):
    report = _report(request, pk)
    figure = request.GET.get("figure", "")
    try:
        found = sources.trace(report.snapshot, figure)
    except KeyError:
        raise Http404 from None
    rows = list(sources.records(found, visible(request, found.model.objects.all(), within_current=False)))
    hidden = len(found.ids) - len(rows)
    return render(request, "reports/sources.html", {
        "report": report, "figure": figure, "trace": found, "rows": rows, "hidden": hidden,
        "label": FIGURE_LABELS.get(found.key, found.key),
        "type_label": sources.RECORD_TYPES[found.record_type][1]})


def _action(request, pk, work, success):
    report = _report(request, pk)
    return run_action(request, lambda: work(report), success, ("periodic-detail", report.pk))


@login_required
@require_POST
def report_approve(request, pk):
    return _action(request, pk, lambda r: services.approve(request.user, r), _("Report approved."))


@login_required
@require_POST
def report_sign(request, pk):
    return _action(request, pk, lambda r: services.attach_signature(request.user, r, request.FILES.get("signature")),
                   _("Signature file attached."))


@login_required
@require_POST
def report_submit(request, pk):
    return _action(request, pk, lambda r: services.submit(request.user, r, base_url=request.build_absolute_uri("/")),
                   lambda r: _("Report submitted to %(org)s (%(timeliness)s).")
                   % {"org": r.recipient.code, "timeliness": r.get_timeliness_display().lower()})


@login_required
@require_POST
def report_discard(request, pk):
    report = _report(request, pk)
    try:
        services.discard(request.user, report)
    except ValidationError as error:
        flash_errors(request, error)
        return redirect(report.get_absolute_url())
    return redirect("periodic-list")


@login_required
def status_page(request):
    organisation = current_organisation(request)
    if organisation is None:
        roots = visible(request, Organisation.objects.all()).order_by("depth", "path")
        organisation = roots.first()
    if organisation is None:
        raise PermissionDenied(_("You see no organisation."))
    today = status.today_in_vietnam()
    kind = request.GET.get("kind", "quarterly")
    if kind not in ReportKind.values:
        kind = "quarterly"
    try:
        period = (services.parse_period(kind, request.GET["year"], request.GET.get("number"))
                  if request.GET.get("year") else status.reporting_period(kind, today))
    except ValidationError as error:
        flash_errors(request, error)
        period = status.reporting_period(kind, today)
    result = status.submissions(organisation, kind, period, today)
    consolidations = PeriodicReport.objects.filter(
        organisation=organisation, kind=kind, year=period.year, number=period.number, consolidated=True)
    choices = []
    for year in (today.year + 1, today.year, today.year - 1, today.year - 2):
        for occurrence in periods.catalogue()[kind]["occurrences"]:
            candidate = periods.period_for(kind, year, occurrence["number"])
            if candidate.start <= today or year == today.year:
                choices.append(candidate)
    return render(request, "reports/status.html", {
        "organisation": organisation, "kind": kind, "kinds": ReportKind.choices, "period": period,
        "status": result, "choices": choices, "consolidations": consolidations.order_by("-version"),
        "can_prepare": services.may(request.user, Permission.PREPARE_REPORTS, organisation),
        "has_children": organisation.children.exists()})
