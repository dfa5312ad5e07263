from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from attt.inventory.models import InformationSystem
from attt.tenancy.access import get_visible_or_404, visible
from attt.tenancy.forms import apply_errors, flash_errors
from attt.tenancy.models import Organisation
from attt.tenancy.roles import Permission

from . import checklist as checklist_service
from . import documents, rollup, services
from .forms import (
    AppraiseForm,
    ApproveForm,
    AttachmentForm,
    ReasonForm,
    RegulationForm,
    RequirementForm,
    WizardForm,
)
from .models import (
    ApprovalDecision,
    Dossier,
    DossierAttachment,
    DossierState,
    RequirementAnswer,
    RequirementEvidence,
    SecurityRegulation,
)


def level_panel(request, system):
    """The "security level" section of a system's page."""
    from django.template.loader import render_to_string

    latest = system.dossiers.order_by("-version").first()
    status = getattr(system, "level_status", None)  # the reverse one-to-one raises when absent
    report = checklist_service.checklist_for(system)
    return render_to_string("levels/_system_panel.html", {
        "system": system, "dossier": latest, "status": status, "checklist": report,
        "can_prepare": services.can_prepare(request.user, system)}, request=request)


# --- approval share --------------------------------------------------------------------------

@login_required
def overview(request):
    systems = rollup.counted_systems(request)
    rows = rollup.rollup(systems, visible(request, Organisation.objects.all()))
    missing = Paginator(rollup.missing_systems(systems).order_by("owner__path", "name"), 50)
    approved, total, share = rollup.summary(systems)
    return render(request, "levels/overview.html", {
        "rows": rows, "page": missing.get_page(request.GET.get("page")),
        "total": total, "approved": approved, "share": share,
    })


@login_required
def missing_export(request):
    return rollup.missing_csv_response(rollup.counted_systems(request))


# --- wizard ----------------------------------------------------------------------------------

@login_required
def classify(request, pk):
    system = get_visible_or_404(request, InformationSystem.objects.with_related(), pk=pk)
    if not services.can_prepare(request.user, system):
        raise PermissionDenied(_("You may not classify systems of this organisation."))
    initial = {**services.prefill_answers(system), "classified_on": services.today()}
    form = WizardForm(request.POST or None, initial=initial)
    result = error = None
    if request.method == "POST" and form.is_valid():
        on = form.cleaned_data["classified_on"] or services.today()
        since = form.cleaned_data["in_investment_since"]
        try:
            if "save" in request.POST:
                services.classify_system(request.user, system, form.answers(), on, since)
                messages.success(request, _("Classification saved on the system's dossier."))
                dossier = system.dossiers.order_by("-version").first()
                return redirect("dossier-detail", dossier.pk)
            result = services.preview(form.answers(), on, since)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    context = {"system": system, "form": form, "result": result, "error": error}
    if request.htmx:
        return render(request, "levels/_classification_result.html", context)
    return render(request, "levels/classify.html", context)


# --- dossiers --------------------------------------------------------------------------------

@login_required
def dossier_list(request):
    dossiers = visible(request, Dossier.objects.with_related())
    state = request.GET.get("state", "")
    if state in DossierState.values:
        dossiers = dossiers.filter(state=state)
    if request.GET.get("overdue"):
        dossiers = dossiers.filter(step_due_on__lt=services.today())
    page = Paginator(dossiers.order_by("-updated_at"), 50).get_page(request.GET.get("page"))
    return render(request, "levels/dossier_list.html", {
        "page": page, "states": DossierState.choices, "filters": request.GET,
        "today": services.today()})


STEP_FORMS = {"submit": None, "return": ReasonForm, "appraise": AppraiseForm, "approve": ApproveForm}


def _dossier(request, pk):
    return get_visible_or_404(request, Dossier.objects.with_related(), pk=pk)


@login_required
def dossier_detail(request, pk, forms=None):
    dossier = _dossier(request, pk)
    steps = services.allowed_steps(request.user, dossier)
    forms = forms or {}
    return render(request, "levels/dossier_detail.html", {
        "dossier": dossier,
        "procedure": services.procedure_of(dossier) if dossier.regime else None,
        "parts": services.parts_status(dossier),
        "clocks": services.open_clocks(dossier),
        "actor": services.expected_actor(dossier),
        "steps": steps,
        "can_prepare": services.can_prepare(request.user, dossier.system) and dossier.is_open,
        "events": dossier.events.select_related("actor", "acting_organisation"),
        "versions": dossier.system.dossiers.order_by("-version"),
        "decision": ApprovalDecision.objects.filter(dossier=dossier).first(),
        "status": getattr(dossier.system, "level_status", None),
        "return_form": forms.get("return") or ReasonForm(),
        "appraise_form": forms.get("appraise") or AppraiseForm(),
        "approve_form": forms.get("approve") or ApproveForm(),
        "attachment_form": AttachmentForm(),
        "documents": documents.available(dossier),
    })


@login_required
@require_POST
def dossier_step(request, pk, step):
    dossier = _dossier(request, pk)
    if step not in STEP_FORMS:
        raise Http404
    form_class = STEP_FORMS[step]
    form = form_class(request.POST, request.FILES) if form_class else None
    if form is not None and not form.is_valid():
        response = dossier_detail(request, pk, forms={step: form})
        response.status_code = 400
        return response
    try:
        if step == "submit":
            services.submit(request.user, dossier)
            messages.success(request, _("Dossier submitted for appraisal."))
        elif step == "return":
            services.return_dossier(request.user, dossier, form.cleaned_data["reason"])
            messages.success(request, _("Dossier returned."))
        elif step == "appraise":
            services.appraise(request.user, dossier, form.cleaned_data["opinion"])
            messages.success(request, _("Appraisal recorded."))
        else:
            data = form.cleaned_data
            services.approve(request.user, dossier, data["number"], data["decided_on"],
                             data["issuer"], data["signed_file"])
            messages.success(request, _("Level approved."))
    except ValidationError as exc:
        flash_errors(request, exc)
    except PermissionDenied as exc:
        # A wrong actor is told who must act, on the dossier page itself.
        messages.error(request, str(exc))
    return redirect("dossier-detail", dossier.pk)


@login_required
@require_POST
def attachment_add(request, pk):
    dossier = _dossier(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect("dossier-detail", dossier.pk)
    try:
        services.add_attachment(request.user, dossier, form.cleaned_data["part"],
                                form.cleaned_data["file"])
        messages.success(request, _("File attached."))
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("dossier-detail", dossier.pk)


@login_required
@require_POST
def attachment_delete(request, pk):
    attachment = get_visible_or_404(request, DossierAttachment.objects.select_related(
        "dossier__system__owner", "dossier__system__operator"), pk=pk)
    try:
        services.remove_attachment(request.user, attachment)
        messages.success(request, _("File removed."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("dossier-detail", attachment.dossier_id)


def file_response(stored):
    try:
        handle = default_storage.open(stored.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=stored.original_name,
                        content_type=stored.content_type)


@login_required
def dossier_document(request, pk, name, fmt):
    """The dossier or one of its Decree 331 forms, as DOCX or PDF, filled with the system's data."""
    dossier = _dossier(request, pk)
    try:
        content, filename, content_type = documents.render(dossier, name, fmt)
    except ValueError:
        raise Http404 from None
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def attachment_download(request, pk):
    return file_response(get_visible_or_404(request, DossierAttachment.objects.all(), pk=pk))


@login_required
def decision_download(request, pk):
    return file_response(get_visible_or_404(request, ApprovalDecision.objects.all(), dossier_id=pk))


# --- checklist -------------------------------------------------------------------------------

@login_required
def checklist(request, pk):
    system = get_visible_or_404(request, InformationSystem.objects.with_related(), pk=pk)
    can_edit = services.can_prepare(request.user, system)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("You may not change the checklist of this system."))
        form = RequirementForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                answer = checklist_service.answer_requirement(
                    request.user, system, data["requirement"], data["status"],
                    data["remediation_plan"], data["due_on"], data["reason"])
                if request.FILES.get("evidence"):
                    checklist_service.add_evidence(request.user, answer, request.FILES["evidence"])
                messages.success(request, _("Requirement updated."))
            except ValidationError as exc:
                flash_errors(request, exc)
        else:
            messages.error(request, _("Choose a status for the requirement."))
        return redirect(f"{request.path}#req-{request.POST.get('requirement', '')}")
    return render(request, "levels/checklist.html", {
        "system": system, "checklist": checklist_service.checklist_for(system),
        "can_edit": can_edit, "statuses": RequirementAnswer._meta.get_field("status").choices})


@login_required
def evidence_download(request, pk):
    return file_response(get_visible_or_404(request, RequirementEvidence.objects.all(), pk=pk))


# --- security regulations --------------------------------------------------------------------

@login_required
def regulation_list(request):
    regulations = visible(request, SecurityRegulation.objects.select_related("organisation"))
    organisations = visible(request, Organisation.objects.visible_to(
        request.user, Permission.PREPARE_LEVEL_DOSSIER))
    form = RegulationForm(request.POST or None, request.FILES or None, organisations=organisations)
    if request.method == "POST":
        if not organisations.exists():
            raise PermissionDenied(_("You may not record regulations."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                checklist_service.record_regulation(
                    request.user, data["organisation"], data["title"], data["decision_number"],
                    data["decided_on"], data["file"])
                messages.success(request, _("Security regulation recorded."))
                return redirect("regulation-list")
            except ValidationError as exc:
                apply_errors(form, exc)
    return render(request, "levels/regulation_list.html", {
        "regulations": regulations, "form": form, "can_add": organisations.exists()})


@login_required
def regulation_download(request, pk):
    return file_response(get_visible_or_404(request, SecurityRegulation.objects.all(), pk=pk))
