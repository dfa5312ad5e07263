from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import audit, services
from .access import CURRENT_ORG_SESSION_KEY, can, get_visible_or_404, visible
from .forms import OrganisationForm, RoleAssignmentForm, apply_errors
from .models import AuditAction, AuditEntry, Organisation, RoleAssignment
from .roles import Permission
from .scoping import scope_for


@login_required
def organisation_list(request):
    organisations = visible(request, Organisation.objects.all()).annotate(
        system_count=Count("owned_systems", distinct=True)
    )
    query = request.GET.get("q", "").strip()
    if query:
        organisations = organisations.filter(
            Q(code__icontains=query) | Q(name_vi__icontains=query) | Q(name_en__icontains=query)
        )
    context = {
        "organisations": organisations,
        "query": query,
        "can_add": scope_for(request.user).can_anywhere(Permission.MANAGE_ORGANISATIONS),
    }
    template = "tenancy/_organisation_rows.html" if request.htmx else "tenancy/organisation_list.html"
    return render(request, template, context)


@login_required
def organisation_detail(request, code):
    organisation = get_visible_or_404(request, Organisation.objects.all(), code=code)
    children = Organisation.objects.visible_to(request.user).filter(parent=organisation)
    assignments = RoleAssignment.objects.visible_to(request.user).filter(organisation=organisation).select_related("user")
    return render(request, "tenancy/organisation_detail.html", {
        "organisation": organisation,
        "children": children,
        "assignments": assignments,
        "ancestors": Organisation.objects.visible_to(request.user).filter(pk__in=organisation.ancestor_ids()[:-1]),
        "can_manage": can(request, Permission.MANAGE_ORGANISATIONS, organisation),
        "can_manage_roles": can(request, Permission.MANAGE_ROLES, organisation),
        "role_form": RoleAssignmentForm(),
    })


def _organisation_form(request, instance=None):
    parents = Organisation.objects.visible_to(request.user, Permission.MANAGE_ORGANISATIONS)
    if instance is not None:
        parents = parents.exclude(path__startswith=instance.path)
    initial = {}
    if instance is None and request.GET.get("parent"):
        initial["parent"] = parents.filter(code=request.GET["parent"]).first()
    form = OrganisationForm(request.POST or None, instance=instance, parent_choices=parents, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.save_organisation(request.user, form.cleaned_data, instance)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Organisation %(code)s saved.") % {"code": organisation.code})
            return redirect("organisation-detail", code=organisation.code)
    return render(request, "tenancy/organisation_form.html", {"form": form, "organisation": instance})


@login_required
def organisation_create(request):
    if not scope_for(request.user).can_anywhere(Permission.MANAGE_ORGANISATIONS):
        raise PermissionDenied
    return _organisation_form(request)


@login_required
def organisation_edit(request, code):
    organisation = get_visible_or_404(request, Organisation.objects.all(), code=code)
    if not can(request, Permission.MANAGE_ORGANISATIONS, organisation):
        raise PermissionDenied
    return _organisation_form(request, organisation)


@login_required
@require_POST
def organisation_delete(request, code):
    organisation = get_visible_or_404(request, Organisation.objects.all(), code=code)
    try:
        services.delete_organisation(request.user, organisation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("organisation-detail", code=code)
    messages.success(request, _("Organisation %(code)s deleted.") % {"code": code})
    return redirect("organisation-list")


@login_required
@require_POST
def role_assign(request, code):
    organisation = get_visible_or_404(request, Organisation.objects.all(), code=code)
    form = RoleAssignmentForm(request.POST)
    if form.is_valid():
        try:
            services.assign_role(request.user, organisation, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Role assigned."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("organisation-detail", code=code)


@login_required
@require_POST
def role_revoke(request, pk):
    assignment = get_visible_or_404(request, RoleAssignment.objects.select_related("organisation"), pk=pk)
    services.revoke_role(request.user, assignment)
    messages.success(request, _("Role removed."))
    return redirect("organisation-detail", code=assignment.organisation.code)


@login_required
@require_POST
def switch_organisation(request):
    code = request.POST.get("organisation", "")
    if code and Organisation.objects.visible_to(request.user).filter(code=code).exists():
        request.session[CURRENT_ORG_SESSION_KEY] = code
    else:
        request.session.pop(CURRENT_ORG_SESSION_KEY, None)
    return HttpResponseRedirect(safe_next(request, reverse("home")))


@login_required
def audit_list(request):
    entries = visible(request, AuditEntry.objects.all()).select_related("organisation")
    action = request.GET.get("action", "")
    if action in AuditAction.values:
        entries = entries.filter(action=action)
    query = request.GET.get("q", "").strip()
    if query:
        entries = entries.filter(
            Q(actor_username__icontains=query) | Q(object_repr__icontains=query) | Q(object_type__icontains=query)
        )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "tenancy/audit_list.html", {
        "page": page, "action": action, "query": query, "actions": AuditAction.choices,
        "can_verify": scope_for(request.user).is_global,
    })


@login_required
@require_POST
def audit_verify(request):
    if not scope_for(request.user).is_global:
        raise PermissionDenied  # the chain spans every organisation
    result = audit.verify_chain()
    if result.ok:
        messages.success(request, _("Audit chain intact: %(count)s entries verified.") % {"count": result.checked})
    else:
        messages.error(request, _("Audit chain broken at entry #%(seq)s: %(reason)s.") % {"seq": result.broken_sequence, "reason": result.reason})
    return redirect("audit-list")


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or fallback
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else fallback
