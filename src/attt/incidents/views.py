"""Web pages of a case: list (overdue clocks first), open, edit, the case page (clocks panel,
serious-incident test, timeline, tasks and follow-ups, indicators, evidence files, reports,
responders) and its POST actions. Reports, deliveries and the inbox are in ``views_reports.py``."""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from attt import languages
from attt.inventory.models import InformationSystem
from attt.tenancy.access import current_organisation, get_visible_or_404, visible
from attt.tenancy.forms import flash_errors, run_action
from attt.tenancy.models import Organisation
from attt.tenancy.roles import Permission
from attt.tenancy.scoping import scope_for

from . import clocks, delivery, documents, indicators, services, stix
from .catalogue import impact_choices
from .models import (
    Delivery,
    DetectionMethod,
    Handling,
    Incident,
    IncidentFile,
    IncidentResponder,
    IncidentSeverity,
    IncidentStatus,
    IncidentTask,
    IncidentType,
    IndicatorKind,
    TaskKind,
    Tlp,
)

CASE_FIELDS = (*services.TEXT_FIELDS, "detected_at", "time_zone", "incident_type", "severity", "status",
               "response_ended_at", "handling", "estimated_damage_vnd")


def _case(request, pk):
    return get_visible_or_404(request, Incident.objects.select_related("organisation"), pk=pk)


def _form_data(post) -> dict:
    data = {name: post.get(name, "") for name in CASE_FIELDS if name in post}
    for name in services.FLAG_FIELDS:
        data[name] = post.get(name) == "on"
    data["impacts"] = post.getlist("impacts")
    return data


def _form_context(request, incident=None, data=None):
    organisation = incident.organisation if incident else current_organisation(request)
    systems = InformationSystem.objects.visible_to(request.user).select_related("owner").order_by("name")
    if organisation is not None:
        systems = systems.within(organisation)
    chosen = set(incident.affected.values_list("system_id", flat=True)) if incident else set()
    if data is not None:
        chosen = {int(pk) for pk in data.get("systems", []) if str(pk).isdigit()}
    values = {"time_zone": "Asia/Ho_Chi_Minh", "severity": "medium", "impacts": [],
              "reporter_name": request.user.get_full_name(), "reporter_email": request.user.email}
    if incident is not None:
        values.update({name: getattr(incident, name) for name in (*CASE_FIELDS, *services.FLAG_FIELDS, "impacts",
                                                                  "detection_method")})
        values["detected_at"] = timezone.localtime(incident.detected_at, ZoneInfo(incident.time_zone)).strftime(
            "%Y-%m-%dT%H:%M")
        ended = incident.response_ended_at
        values["response_ended_at"] = (timezone.localtime(ended, ZoneInfo(incident.time_zone)).strftime(
            "%Y-%m-%dT%H:%M") if ended else "")
    values.update(data or {})
    return {
        "incident": incident, "v": values, "types": IncidentType.choices,
        "severities": IncidentSeverity.choices, "statuses": IncidentStatus.choices,
        "impacts": [(key, languages.pick(title)) for key, title in impact_choices()],
        "methods": DetectionMethod.choices, "handlings": Handling.choices,
        "systems": systems[:500], "chosen": chosen,
        "organisations": Organisation.objects.visible_to(request.user, Permission.HANDLE_INCIDENTS),
        "current": organisation,
    }


@login_required
def incident_list(request):
    cases = visible(request, Incident.objects.select_related("organisation"))
    params = request.GET
    if params.get("status") == "open":
        cases = cases.exclude(status=IncidentStatus.CLOSED)
    elif params.get("status") in IncidentStatus.values:
        cases = cases.filter(status=params["status"])
    if params.get("type") in IncidentType.values:
        cases = cases.filter(incident_type=params["type"])
    if params.get("severity") in IncidentSeverity.values:
        cases = cases.filter(severity=params["severity"])
    if params.get("source") == "public":
        cases = cases.filter(from_public=True)
    if params.get("q"):
        cases = cases.filter(Q(title__icontains=params["q"]) | Q(reference__icontains=params["q"]))
    cases = list(cases.prefetch_related("affected__system__level_status", "reports__deliveries")[:2000])
    now = timezone.now()
    rows = []
    for case in cases:
        deliveries = [d for report in case.reports.all() for d in report.deliveries.all()]
        levels = services.system_levels(case, case.affected.all())
        states = clocks.compute(case, deliveries, levels, now=now)
        overdue = [c for c in states if c.state == "overdue"]
        upcoming = [c for c in states if c.state == "due" and c.deadline]
        rows.append({"case": case, "states": states, "overdue": overdue,
                     "next": min(upcoming, key=lambda c: c.deadline) if upcoming else None,
                     "key": clocks.urgency(states)})
    if params.get("overdue") == "1":
        rows = [row for row in rows if row["overdue"]]
    rows.sort(key=lambda row: (row["key"], -row["case"].detected_at.timestamp()))
    page = Paginator(rows, 50).get_page(params.get("page"))
    return render(request, "incidents/list.html", {
        "page": page, "params": params, "now": now, "types": IncidentType.choices,
        "severities": IncidentSeverity.choices, "statuses": IncidentStatus.choices,
        "can_open": scope_for(request.user).can_anywhere(Permission.HANDLE_INCIDENTS)})


@login_required
def incident_new(request):
    if not scope_for(request.user).can_anywhere(Permission.HANDLE_INCIDENTS):
        raise PermissionDenied
    if request.method == "POST":
        organisation = Organisation.objects.filter(code=request.POST.get("organisation", "")).first()
        data = _form_data(request.POST)
        try:
            incident = services.open_incident(request.user, organisation, data, request.POST.getlist("systems"))
        except (ValidationError, PermissionDenied) as error:
            flash_errors(request, error if isinstance(error, ValidationError) else ValidationError(str(error)))
            context = _form_context(request, data={**data, "systems": request.POST.getlist("systems")})
            return render(request, "incidents/form.html", context, status=400)
        messages.success(request, _("Incident %(reference)s opened.") % {"reference": incident.reference})
        return redirect("incident-detail", incident.pk)
    return render(request, "incidents/form.html", _form_context(request))


@login_required
def incident_edit(request, pk):
    incident = _case(request, pk)
    if not services.can_handle(request.user, incident):
        raise PermissionDenied
    if request.method == "POST":
        data = _form_data(request.POST)
        try:
            services.update_incident(request.user, incident, data, request.POST.getlist("systems"))
        except ValidationError as error:
            flash_errors(request, error)
            context = _form_context(request, incident, data={**data, "systems": request.POST.getlist("systems")})
            return render(request, "incidents/form.html", context, status=400)
        messages.success(request, _("Saved."))
        return redirect("incident-detail", incident.pk)
    return render(request, "incidents/form.html", _form_context(request, incident))


@login_required
def incident_detail(request, pk):
    incident = _case(request, pk)
    now = timezone.now()
    affected = list(incident.affected.select_related("system__owner", "system__level_status"))
    levels = services.system_levels(incident, affected)
    deliveries = list(Delivery.objects.filter(report__incident=incident).select_related("report", "recipient"))
    reports = list(incident.reports.prefetch_related("deliveries__recipient"))
    return render(request, "incidents/detail.html", {
        "incident": incident, "now": now,
        "affected": [(link.system, levels[link.system_id]) for link in affected],
        "clocks": clocks.compute(incident, deliveries, levels, now=now),
        "serious": clocks.serious(incident, levels),
        "impact_titles": dict((key, languages.pick(title)) for key, title in impact_choices()),
        "timeline": incident.timeline.select_related("actor"),
        "tasks": incident.tasks.select_related("assignee", "owner_organisation"),
        "indicators": incident.indicators.all(), "files": incident.files.select_related("uploaded_by"),
        "reports": reports, "responders": incident.responders.select_related("user", "provider"),
        "can_handle": services.can_handle(request.user, incident),
        "can_assign": scope_for(request.user).can(Permission.HANDLE_INCIDENTS, incident.organisation),
        "can_send": services.can_send(request.user, incident),
        "report_kinds": documents.kind_choices(languages.active()), "indicator_kinds": IndicatorKind.choices,
        "tlps": Tlp.choices, "task_kinds": TaskKind.choices,
    })


def _action(request, incident, work, success):
    return run_action(request, work, success, ("incident-detail", incident.pk))


@login_required
@require_POST
def incident_note(request, pk):
    incident = _case(request, pk)
    return _action(request, incident, lambda: services.add_note(
        request.user, incident, request.POST.get("text", ""), request.POST.get("occurred_at") or None,
        kind=request.POST.get("kind") or "note"), _("Added to the timeline."))


@login_required
@require_POST
def incident_task(request, pk):
    incident = _case(request, pk)
    return _action(request, incident, lambda: services.add_task(
        request.user, incident, request.POST.get("title", ""), assignee=request.POST.get("assignee") or None,
        due_on=request.POST.get("due_on") or None, kind=request.POST.get("kind") or TaskKind.TASK,
        owner_organisation=request.POST.get("owner_organisation") or None), _("Task added."))


@login_required
@require_POST
def incident_task_done(request, pk):
    task = get_visible_or_404(request, IncidentTask.objects.select_related("incident"), pk=pk)
    return _action(request, task.incident, lambda: services.complete_task(
        request.user, task, done=request.POST.get("done", "1") == "1"), _("Saved."))


@login_required
@require_POST
def incident_indicators(request, pk):
    incident = _case(request, pk)

    def work():
        found, errors = indicators.parse_lines(request.POST.get("values", ""))
        if errors:
            raise ValidationError({"indicators": errors})
        return services.add_indicators(request.user, incident, found, tlp=request.POST.get("tlp") or Tlp.AMBER,
                                       source=_("entered by hand"))
    return _action(request, incident, work, lambda counts: _(
        "%(added)s indicator(s) added, %(known)s already recorded.") % {"added": counts[0], "known": counts[1]})


@login_required
@require_POST
def incident_stix_import(request, pk):
    incident = _case(request, pk)

    def work():
        upload = request.FILES.get("bundle")
        if upload is None:
            raise ValidationError({"bundle": _("Choose a STIX bundle (JSON) to import.")})
        if upload.size > 20 * 1024 * 1024:
            raise ValidationError({"bundle": _("The bundle is larger than 20 MB.")})
        items, errors = stix.read_indicators(upload.read())
        if not items:
            raise ValidationError({"bundle": errors or [_("The bundle holds no indicator ATTT can use.")]})
        for message in errors[:20]:
            messages.warning(request, message)
        return services.add_indicators(request.user, incident, items, source=_("STIX import"))
    return _action(request, incident, work, lambda counts: _(
        "%(added)s indicator(s) added, %(known)s already recorded.") % {"added": counts[0], "known": counts[1]})


@login_required
def incident_stix(request, pk):
    incident = _case(request, pk)
    response = HttpResponse(stix.export_bundle(incident), content_type="application/stix+json;version=2.1")
    response["Content-Disposition"] = f'attachment; filename="{incident.reference}-stix.json"'
    return response


@login_required
@require_POST
def incident_file(request, pk):
    incident = _case(request, pk)
    return _action(request, incident, lambda: services.add_file(
        request.user, incident, request.FILES.get("file"), request.POST.get("description", "")),
        lambda row: _("File kept; SHA-256 %(sha)s.") % {"sha": row.sha256})


@login_required
def incident_file_download(request, pk):
    row = get_visible_or_404(request, IncidentFile.objects.all(), pk=pk)
    try:
        handle = row.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # Evidence may be malware: always a download, never rendered by the browser.
    return FileResponse(handle, as_attachment=True, filename=row.original_name,
                        content_type="application/octet-stream")


@login_required
@require_POST
def incident_responder(request, pk):
    incident = _case(request, pk)
    return _action(request, incident, lambda: services.assign_responder(
        request.user, incident, request.POST.get("username", ""), request.POST.get("role", ""),
        request.POST.get("provider", "")), _("Responder assigned."))


@login_required
@require_POST
def incident_responder_remove(request, pk):
    responder = get_visible_or_404(request, IncidentResponder.objects.select_related("incident", "user"), pk=pk)
    incident = responder.incident
    return _action(request, incident, lambda: services.remove_responder(request.user, responder),
                   _("Responder removed."))


@login_required
@require_POST
def incident_report_generate(request, pk):
    incident = _case(request, pk)
    try:
        report = delivery.generate_report(request.user, incident, request.POST.get("kind", ""),
                                          request.POST.get("language") or "vi")
    except ValidationError as error:
        flash_errors(request, error)
        return redirect("incident-detail", incident.pk)
    messages.success(request, _("Report generated: %(title)s, version %(version)s.")
                     % {"title": report.title, "version": report.version})
    return redirect("incident-report", report.pk)
