"""Web pages of the plans part: response plans (list, new plan, plan page with versions, checklist,
scenarios, document and approval, new version) and audits/assessments (list, new, the assessment
page with requirements, findings and their fixes, report files, completion); the "response plans"
section of a system's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
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

from . import services_plans as services
from .models import (
    Assessment,
    AssessmentFile,
    AssessmentFinding,
    AssessmentFindingStatus,
    AssessmentKind,
    AssessmentRequirement,
    AssessmentSeverity,
    AssessmentStatus,
    PlanDocument,
    PlanScenario,
    PlanStatus,
    PlanVersion,
    RequirementResult,
    ResponsePlan,
)
from .outlines import outlines


def _errors(error):
    return error if isinstance(error, ValidationError) else ValidationError(str(error) or _("Not allowed."))


def _file_response(stored):
    try:
        handle = default_storage.open(stored.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=stored.original_name, content_type=stored.content_type)


def _action(request, target, work, success):
    return run_action(request, work, success, target)


def _form_organisations(request):
    return Organisation.objects.visible_to(request.user, Permission.MANAGE_READINESS)


def _form_systems(request):
    systems = InformationSystem.objects.visible_to(request.user).select_related("owner").order_by("name")
    organisation = current_organisation(request)
    return (systems.within(organisation) if organisation else systems)[:500]


# --- response plans --------------------------------------------------------------------------

def _with_versions(plans):
    versions = PlanVersion.objects.filter(plan=OuterRef("pk"))
    latest = versions.order_by("-number")
    approved = versions.filter(status=PlanStatus.APPROVED).order_by("-number")
    return plans.annotate(latest_number=Subquery(latest.values("number")[:1]),
                          latest_status=Subquery(latest.values("status")[:1]),
                          current_number=Subquery(approved.values("number")[:1]),
                          current_approved_on=Subquery(approved.values("approved_on")[:1]))


@login_required
def plan_list(request):
    plans = _with_versions(visible(request, ResponsePlan.objects.select_related("organisation", "system")))
    params = request.GET
    if params.get("review") == "1":
        plans = plans.filter(review_needed=True)
    if params.get("status") == "draft":
        plans = plans.filter(latest_status=PlanStatus.DRAFT)
    elif params.get("status") == "approved":
        plans = plans.filter(current_number__isnull=False)
    elif params.get("status") == "none":
        plans = plans.filter(current_number__isnull=True)
    if params.get("q"):
        plans = plans.filter(Q(title__icontains=params["q"]) | Q(system__name__icontains=params["q"]))
    page = Paginator(plans.order_by("-review_needed", "organisation__path", "title"), 50).get_page(params.get("page"))
    return render(request, "readiness/plans/list.html", {
        "page": page, "params": params, "statuses": PlanStatus,
        "can_create": scope_for(request.user).can_anywhere(Permission.MANAGE_READINESS)})


@login_required
def plan_new(request):
    if not scope_for(request.user).can_anywhere(Permission.MANAGE_READINESS):
        raise PermissionDenied
    values = {"system": request.GET.get("system", ""), "author": request.user.get_full_name()}
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in ("organisation", "system", "title", "author", "notes")}
        organisation = Organisation.objects.filter(code=values["organisation"]).first()
        try:
            plan = services.create_plan(request.user, organisation, values, system=values["system"] or None,
                                        upload=request.FILES.get("file"))
        except (ValidationError, PermissionDenied) as error:
            flash_errors(request, _errors(error))
        else:
            messages.success(request, _("Plan created as draft version 1."))
            return redirect("readiness-plan-detail", plan.pk)
    chosen = (InformationSystem.objects.visible_to(request.user).filter(pk=values["system"]).first()
              if str(values["system"]).isdigit() else None)
    return render(request, "readiness/plans/form.html", {
        "v": values, "organisations": _form_organisations(request), "systems": _form_systems(request),
        "current": current_organisation(request) or (chosen.owner if chosen else None)},
        status=400 if request.method == "POST" else 200)


def _item_rows(version):
    return [{"id": item.id, "heading": languages.pick(item.heading), "source": item.source,
             "mandatory": item.mandatory, "covered": bool(answer and answer.covered),
             "section": answer.section if answer else ""} for item, answer in services.checklist(version)]


@login_required
def plan_detail(request, pk):
    plan = get_visible_or_404(request, ResponsePlan.objects.select_related("organisation", "system"), pk=pk)
    versions = list(plan.versions.select_related("approved_by", "created_by"))
    number = request.GET.get("version")
    version = next((v for v in versions if str(v.number) == number), versions[0] if versions else None)
    outline = outlines().get(version.outline) if version else None
    suggested = services.outline_for(plan.organisation, plan.system)
    can_manage = services.can_manage(request.user, plan.organisation)
    return render(request, "readiness/plans/detail.html", {
        "plan": plan, "versions": versions, "version": version,
        "outline": outline, "outline_title": languages.pick(outline.title) if outline else "",
        "suggested_title": languages.pick(suggested.title) if outline and suggested.id != outline.id else "",
        "items": _item_rows(version) if version else [],
        "scenarios": version.scenarios.all() if version else [],
        "documents": version.documents.select_related("uploaded_by") if version else [],
        "is_draft": bool(version and version.status == PlanStatus.DRAFT),
        "can_manage": can_manage, "can_approve": services.can_approve(request.user, plan),
        "can_new_version": can_manage and not (versions and versions[0].status == PlanStatus.DRAFT),
        "today": timezone.localdate()})


@login_required
def plan_version_new(request, pk):
    plan = get_visible_or_404(request, ResponsePlan.objects.select_related("organisation", "system"), pk=pk)
    if not services.can_manage(request.user, plan.organisation):
        raise PermissionDenied
    values = {"title": plan.title, "author": request.user.get_full_name(), "notes": ""}
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in values}
        try:
            version = services.new_version(request.user, plan, values, upload=request.FILES.get("file"))
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("Version %(number)s created as a draft.") % {"number": version.number})
            return redirect(f"{plan_url(plan)}?version={version.number}")
    return render(request, "readiness/plans/version_form.html", {"plan": plan, "v": values},
                  status=400 if request.method == "POST" else 200)


def plan_url(plan):
    return reverse("readiness-plan-detail", args=[plan.pk])


def _version(request, pk):
    return get_visible_or_404(request, PlanVersion.objects.select_related("plan__organisation", "plan__system"),
                              pk=pk)


def _back(version):
    return f"{plan_url(version.plan)}?version={version.number}"


@login_required
@require_POST
def plan_draft_save(request, pk):
    version = _version(request, pk)
    outline = outlines().get(version.outline)
    answers = [{"item": item.id, "covered": request.POST.get(f"covered_{item.id}") == "on",
                "section": request.POST.get(f"section_{item.id}", "")} for item in outline.items]
    data = {name: request.POST[name] for name in ("title", "author", "notes") if name in request.POST}
    return _action(request, _back(version), lambda: services.save_draft(request.user, version, data, answers),
                   _("Draft saved."))


@login_required
@require_POST
def plan_document(request, pk):
    version = _version(request, pk)
    return _action(request, _back(version), lambda: services.add_document(request.user, version,
                                                                          request.FILES.get("file")),
                   _("Document uploaded."))


@login_required
def plan_document_download(request, pk):
    return _file_response(get_visible_or_404(request, PlanDocument.objects.all(), pk=pk))


@login_required
@require_POST
def plan_scenario_add(request, pk):
    version = _version(request, pk)
    data = {name: request.POST.get(name, "") for name in ("title", "description", "response_steps")}
    return _action(request, _back(version), lambda: services.add_scenario(request.user, version, data),
                   _("Scenario added."))


@login_required
@require_POST
def plan_scenario_remove(request, pk):
    scenario = get_visible_or_404(request, PlanScenario.objects.select_related("version__plan"), pk=pk)
    return _action(request, _back(scenario.version), lambda: services.remove_scenario(request.user, scenario),
                   _("Scenario removed."))


@login_required
@require_POST
def plan_approve(request, pk):
    version = _version(request, pk)
    return _action(request, _back(version), lambda: services.approve_version(
        request.user, version, request.POST.get("approved_on") or None), _("Version approved."))


def plans_panel(request, system):
    """The "response plans" section of a system's page."""
    plans = _with_versions(ResponsePlan.objects.visible_to(request.user).filter(system=system))
    assessment = (Assessment.objects.visible_to(request.user).filter(scope__system=system,
                                                                        status=AssessmentStatus.COMPLETED)
                  .order_by("-ended_on").first())
    return render_to_string("readiness/plans/_system_panel.html", {
        "system": system, "plans": plans, "assessment": assessment,
        "can_create": scope_for(request.user).can_anywhere(Permission.MANAGE_READINESS)}, request=request)


# --- audits and assessments ------------------------------------------------------------------

@login_required
def assessment_list(request):
    today = timezone.localdate()
    rows = visible(request, Assessment.objects.select_related("organisation", "assessor_unit")).annotate(
        system_count=Count("scope", distinct=True),
        open_findings=Count("findings", filter=Q(findings__status=AssessmentFindingStatus.OPEN), distinct=True),
        overdue_findings=Count("findings", filter=Q(findings__status=AssessmentFindingStatus.OPEN,
                                                    findings__due_on__lt=today), distinct=True))
    params = request.GET
    if params.get("status") in AssessmentStatus.values:
        rows = rows.filter(status=params["status"])
    if params.get("kind") in AssessmentKind.values:
        rows = rows.filter(kind=params["kind"])
    if params.get("overdue") == "1":
        rows = rows.filter(overdue_findings__gt=0)
    if params.get("q"):
        rows = rows.filter(Q(title__icontains=params["q"]) | Q(assessor_name__icontains=params["q"]))
    page = Paginator(rows.order_by("-started_on", "-id"), 50).get_page(params.get("page"))
    return render(request, "readiness/plans/assessment_list.html", {
        "page": page, "params": params, "statuses": AssessmentStatus.choices, "kinds": AssessmentKind.choices,
        "can_create": scope_for(request.user).can_anywhere(Permission.MANAGE_READINESS)})


ASSESSMENT_FIELDS = ("organisation", "title", "kind", "assessor_unit", "assessor_name", "licence_number",
                     "started_on", "ended_on", "summary")


@login_required
def assessment_new(request):
    if not scope_for(request.user).can_anywhere(Permission.MANAGE_READINESS):
        raise PermissionDenied
    values, chosen = {"kind": AssessmentKind.SELF, "started_on": timezone.localdate().isoformat()}, set()
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in ASSESSMENT_FIELDS}
        chosen = {int(pk) for pk in request.POST.getlist("systems") if pk.isdigit()}
        organisation = Organisation.objects.filter(code=values["organisation"]).first()
        try:
            assessment = services.create_assessment(request.user, organisation, values, sorted(chosen),
                                                    upload=request.FILES.get("file"))
        except (ValidationError, PermissionDenied) as error:
            flash_errors(request, _errors(error))
        else:
            messages.success(request, _("Assessment recorded."))
            return redirect("readiness-assessment-detail", assessment.pk)
    return render(request, "readiness/plans/assessment_form.html", {
        "v": values, "chosen": chosen, "kinds": AssessmentKind.choices,
        "organisations": _form_organisations(request), "systems": _form_systems(request),
        "current": current_organisation(request)}, status=400 if request.method == "POST" else 200)


def _assessment(request, pk):
    return get_visible_or_404(request, Assessment.objects.select_related("organisation", "assessor_unit"), pk=pk)


@login_required
def assessment_detail(request, pk):
    assessment = _assessment(request, pk)
    today = timezone.localdate()
    findings = list(assessment.findings.select_related("fixed_by"))
    return render(request, "readiness/plans/assessment_detail.html", {
        "assessment": assessment, "today": today,
        "systems": [link.system for link in assessment.scope.select_related("system__owner")],
        "requirements": assessment.requirements.all(),
        "findings": [(finding, finding.is_overdue(today)) for finding in findings],
        "overdue": sum(1 for finding in findings if finding.is_overdue(today)),
        "files": assessment.files.select_related("uploaded_by"),
        "is_open": assessment.status == AssessmentStatus.IN_PROGRESS,
        "can_manage": services.can_manage(request.user, assessment.organisation),
        "results": RequirementResult.choices, "severities": AssessmentSeverity.choices})


def _detail(assessment):
    return reverse("readiness-assessment-detail", args=[assessment.pk])


@login_required
@require_POST
def assessment_requirement(request, pk):
    assessment = _assessment(request, pk)
    row = {name: request.POST.get(name, "") for name in ("reference", "requirement", "result", "note")}
    return _action(request, _detail(assessment), lambda: services.add_requirements(request.user, assessment, [row]),
                   _("Requirement added."))


@login_required
@require_POST
def assessment_requirement_remove(request, pk):
    row = get_visible_or_404(request, AssessmentRequirement.objects.select_related("assessment"), pk=pk)
    return _action(request, _detail(row.assessment), lambda: services.remove_requirement(request.user, row),
                   _("Requirement removed."))


@login_required
@require_POST
def assessment_finding(request, pk):
    assessment = _assessment(request, pk)
    data = {name: request.POST.get(name, "") for name in ("title", "severity", "fix", "owner", "due_on")}
    return _action(request, _detail(assessment), lambda: services.add_finding(request.user, assessment, data),
                   _("Finding added."))


@login_required
@require_POST
def assessment_finding_status(request, pk):
    finding = get_visible_or_404(request, AssessmentFinding.objects.select_related("assessment__organisation"),
                                 pk=pk)
    return _action(request, _detail(finding.assessment), lambda: services.set_finding_status(
        request.user, finding, request.POST.get("status", ""), fixed_on=request.POST.get("fixed_on") or None,
        note=request.POST.get("note", "")), _("Saved."))


@login_required
@require_POST
def assessment_file(request, pk):
    assessment = _assessment(request, pk)
    return _action(request, _detail(assessment), lambda: services.add_assessment_file(
        request.user, assessment, request.FILES.get("file"), request.POST.get("description", "")),
        _("File uploaded."))


@login_required
def assessment_file_download(request, pk):
    return _file_response(get_visible_or_404(request, AssessmentFile.objects.all(), pk=pk))


@login_required
@require_POST
def assessment_complete(request, pk):
    assessment = _assessment(request, pk)
    summary = request.POST.get("summary") if "summary" in request.POST else None
    return _action(request, _detail(assessment), lambda: services.complete_assessment(
        request.user, assessment, request.POST.get("ended_on") or None, summary),
        _("Assessment completed; it now counts as evidence of the assessment duties."))
