"""Web pages of the scans room: import (upload + progress), findings (filters, bulk triage),
finding detail, import ledger, unmatched hosts, fix deadlines, and the panel on a system's page."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from attt.inventory.models import InformationSystem
from attt.tenancy.access import current_organisation, get_visible_or_404, visible
from attt.tenancy.forms import flash_errors
from attt.tenancy.models import Organisation
from attt.tenancy.roles import Permission
from attt.tenancy.scoping import scope_for

from . import deadlines, parsers, progress, queries, services
from .models import (
    Finding,
    FindingStatus,
    ImportedSystem,
    ImportStatus,
    ScanImport,
    Severity,
    UnmatchedHost,
)
from .uploads import ReportUploadHandler


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Scanner report"))
    organisation = forms.CharField(label=gettext_lazy("Organisation"), required=False)
    system = forms.IntegerField(label=gettext_lazy("Information system"), required=False)
    format = forms.CharField(label=gettext_lazy("Format"), required=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("New status"), choices=FindingStatus.choices)
    note = forms.CharField(label=gettext_lazy("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    risk_expires_on = forms.DateField(label=gettext_lazy("Accepted until"), required=False,
                                      widget=forms.DateInput(attrs={"type": "date"}))


def scans_panel(request, system):
    """The "vulnerability scans" section of a system's page."""
    findings = Finding.objects.filter(system=system)
    summary = queries.summary(findings, timezone.localdate())
    history = ImportedSystem.objects.filter(system=system).select_related("scan_import")[:5]
    return render_to_string("scans/_system_panel.html", {
        "system": system, "summary": summary, "history": history}, request=request)


@login_required
def finding_list(request):
    findings = visible(request, Finding.objects.all())
    filters = queries.FindingFilters.from_query(request.GET)
    today = timezone.localdate()
    summary = queries.summary(findings, today)
    rows = filters.apply(findings, today).with_related()
    page = Paginator(queries.by_severity(rows), 100).get_page(request.GET.get("page"))
    return render(request, "scans/findings.html", {
        "page": page, "filters": filters, "summary": summary, "today": today,
        "severities": Severity.choices, "statuses": FindingStatus.choices,
        "systems": visible(request, InformationSystem.objects.all()).only("pk", "name")[:500],
        "tools": sorted(set(findings.values_list("tool", flat=True).distinct())),
        "status_form": StatusForm(), "can_triage": scope_for(request.user).can_anywhere(Permission.TRIAGE_FINDINGS),
        "query_string": filters.query_string()})


@login_required
def finding_detail(request, pk):
    finding = get_visible_or_404(request, Finding.objects.with_related().select_related(
        "first_seen_import", "last_seen_import", "status_changed_by", "risk_approved_by"), pk=pk)
    scope = scope_for(request.user)
    return render(request, "scans/finding.html", {
        "finding": finding, "vulnerability": finding.vulnerability, "today": timezone.localdate(),
        "status_form": StatusForm(initial={"status": finding.status}),
        "can_triage": scope.can(Permission.TRIAGE_FINDINGS, finding.system.owner)
        or scope.can(Permission.TRIAGE_FINDINGS, finding.system.operator)})


@login_required
@require_POST
def finding_status(request):
    """One or many findings (checkboxes on the list, or the form on a finding's page)."""
    form = StatusForm(request.POST)
    ids = [int(value) for value in request.POST.getlist("finding") if value.isdigit()]
    back = request.POST.get("next") or "scan-findings"
    if not ids:
        messages.error(request, _("Tick at least one finding."))
    elif not form.is_valid():
        flash_errors(request, ValidationError(form.errors))
    else:
        findings = Finding.objects.visible_to(request.user).filter(pk__in=ids)
        if findings.count() != len(set(ids)):
            raise Http404
        try:
            changed = services.change_status(request.user, findings, form.cleaned_data["status"],
                                             note=form.cleaned_data["note"],
                                             risk_expires_on=form.cleaned_data["risk_expires_on"])
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("%(count)s finding(s) changed.") % {"count": changed})
    return redirect(back if back.startswith("/") else "scan-findings")


@csrf_exempt
@login_required
def import_page(request):
    # The upload handler must be set before anything reads the body, hence csrf_exempt outside
    # and csrf_protect inside (Django's documented pattern for custom upload handlers).
    request.upload_handlers = [ReportUploadHandler(request)]
    return _import_page(request)


@csrf_protect
def _import_page(request):
    organisations = Organisation.objects.visible_to(request.user, Permission.IMPORT_SCANS)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if getattr(request, "scan_upload_too_large", False):
            messages.error(request, _("The report is larger than the %(limit)s MB limit.") % {
                "limit": services.max_report_bytes() // (1024 * 1024)})
        elif form.is_valid():
            try:
                scan = _start_import(request, form.cleaned_data)
            except ValidationError as exc:
                flash_errors(request, exc)
            except PermissionDenied as exc:
                messages.error(request, str(exc))
            else:
                services.queue(scan)
                return redirect("scan-import", pk=scan.pk)
        else:
            flash_errors(request, ValidationError(form.errors))
    imports = visible(request, ScanImport.objects.select_related("organisation", "system", "uploaded_by"))
    current = current_organisation(request)
    return render(request, "scans/imports.html", {
        "imports": Paginator(imports, 50).get_page(request.GET.get("page")),
        "organisations": organisations, "current": current,
        "systems": InformationSystem.objects.visible_to(request.user, Permission.IMPORT_SCANS).select_related(
            "owner").only("pk", "name", "owner__code")[:1000],
        "formats": parsers.formats(), "limit_mb": services.max_report_bytes() // (1024 * 1024)})


def _start_import(request, data):
    upload = data["file"]
    organisation = system = None
    if data["system"]:
        system = InformationSystem.objects.visible_to(request.user).select_related("owner", "operator").filter(
            pk=data["system"]).first()
        if system is None:
            raise ValidationError({"system": _("Unknown information system.")})
    if data["organisation"]:
        organisation = Organisation.objects.visible_to(request.user).filter(code=data["organisation"]).first()
        if organisation is None:
            raise ValidationError({"organisation": _("Unknown organisation.")})
    upload.seek(0)
    return services.create_import(request.user, source=upload, name=upload.name, organisation=organisation,
                                  system=system, requested_format=data["format"])


@login_required
def import_detail(request, pk):
    scan = get_visible_or_404(request, ScanImport.objects.select_related("organisation", "system", "uploaded_by"),
                              pk=pk)
    per_system = scan.per_system.select_related("system", "system__owner")
    return render(request, "scans/import.html", {
        "scan": scan, "per_system": per_system, "running": scan.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
        "progress": _progress(scan), "unmatched": scan.unmatched.all()[:200]})


@login_required
def import_progress(request, pk):
    """The htmx fragment the import page polls while the worker runs the import."""
    scan = get_visible_or_404(request, ScanImport.objects.all(), pk=pk)
    response = render(request, "scans/_progress.html", {
        "scan": scan, "progress": _progress(scan),
        "running": scan.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)})
    if scan.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        response["HX-Refresh"] = "true"  # reload the whole page once with the ledger filled in
    return response


def _progress(scan):
    figures = progress.read(scan.pk)
    done, total = figures.get("bytes"), figures.get("total") or scan.size
    percent = int(100 * done / total) if done is not None and total else None
    return {"records": figures.get("records", 0), "percent": percent}


@login_required
def unmatched_list(request):
    hosts = visible(request, UnmatchedHost.objects.select_related("organisation", "last_import"))
    return render(request, "scans/unmatched.html", {
        "hosts": Paginator(hosts, 100).get_page(request.GET.get("page")),
        "systems": InformationSystem.objects.visible_to(request.user, Permission.EDIT_INVENTORY).select_related(
            "owner").only("pk", "name", "owner__code")[:1000]})


@login_required
@require_POST
def unmatched_assign(request, pk):
    host = get_visible_or_404(request, UnmatchedHost.objects.select_related("organisation"), pk=pk)
    system = InformationSystem.objects.visible_to(request.user).select_related("owner", "operator").filter(
        pk=request.POST.get("system") if (request.POST.get("system") or "").isdigit() else None).first()
    if system is None:
        messages.error(request, _("Choose an information system."))
        return redirect("scan-unmatched")
    try:
        services.assign_host(request.user, host, system)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("%(host)s now belongs to %(system)s; the next import matches it.") % {
            "host": host, "system": system.name})
    return redirect("scan-unmatched")


@login_required
def deadline_table(request):
    code = request.GET.get("org") or request.POST.get("org")
    organisations = Organisation.objects.visible_to(request.user)
    if code:
        organisation = organisations.filter(code=code).first()
    else:
        organisation = current_organisation(request) or organisations.order_by("depth", "path").first()
    if organisation is None:
        raise Http404
    if request.method == "POST":
        try:
            services.set_fix_deadlines(request.user, organisation, _cells(request.POST))
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Fix deadlines saved; open findings were given the new deadlines."))
            return redirect(f"{request.path}?org={organisation.code}")
    table = deadlines.table_for(organisation)
    rows = [(value, label, [(level, *table[(value, level)]) for level in deadlines.LEVELS])
            for value, label in reversed(Severity.choices)]
    return render(request, "scans/deadlines.html", {
        "organisation": organisation, "rows": rows, "levels": deadlines.LEVELS,
        "organisations": organisations.order_by("path")[:500], "citations": deadlines.citations(),
        "can_edit": scope_for(request.user).can(Permission.MANAGE_FIX_POLICY, organisation)})


def _cells(data) -> dict:
    cells, errors = {}, {}
    for severity in Severity.values:
        for level in deadlines.LEVELS:
            name = f"{severity}_{level}"
            raw = (data.get(name) or "").strip()
            if not raw:
                cells[(severity, level)] = None
            elif raw.isdigit():
                cells[(severity, level)] = int(raw)
            else:
                errors[name] = _("“%(value)s” is not a number of days.") % {"value": raw}
    if errors:
        raise ValidationError(errors)
    return cells


@login_required
def system_imports(request, pk):
    """Import history of one system (linked from its page)."""
    system = get_visible_or_404(request, InformationSystem.objects.select_related("owner"), pk=pk)
    rows = ImportedSystem.objects.filter(system=system).select_related("scan_import", "scan_import__uploaded_by")
    counts = Finding.objects.filter(system=system).aggregate(
        open=Count("pk", filter=Q(status=FindingStatus.OPEN)), total=Count("pk"))
    return render(request, "scans/system_imports.html", {"system": system, "rows": rows, "counts": counts})
