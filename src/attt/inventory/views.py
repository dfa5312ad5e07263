from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from attt.tenancy.access import get_visible_or_404, visible
from attt.tenancy.models import Organisation
from attt.tenancy.roles import Permission
from attt.tenancy.scoping import scope_for

from . import services, spreadsheet
from .panels import system_panels
from .downloads import export_response, template_response
from .forms import FIELD_FOR_ERROR, ImportForm, SystemForm
from .models import Hosting, InformationSystem, SystemStatus, SystemType

def filtered_systems(request):
    systems = visible(request, InformationSystem.objects.with_related())
    query = request.GET.get("q", "").strip()
    if query:
        systems = systems.filter(
            Q(name__icontains=query) | Q(description__icontains=query) | Q(owner__code__icontains=query)
            | Q(domains__domain__icontains=query) | Q(hosts__hostname__icontains=query)
            | Q(hosts__ip_address__icontains=query) | Q(networks__cidr__startswith=query)
        ).distinct()
    for key, enum in (("status", SystemStatus), ("type", SystemType), ("hosting", Hosting)):
        value = request.GET.get(key, "")
        if value in enum.values:
            systems = systems.filter(**{"system_type" if key == "type" else key: value})
    return systems, query


@login_required
def system_list(request):
    systems, query = filtered_systems(request)
    page = Paginator(systems, 50).get_page(request.GET.get("page"))
    context = {
        "page": page, "query": query, "filters": request.GET,
        "statuses": SystemStatus.choices, "types": SystemType.choices, "hostings": Hosting.choices,
        "can_edit": scope_for(request.user).can_anywhere(Permission.EDIT_INVENTORY),
    }
    template = "inventory/_system_rows.html" if request.htmx else "inventory/system_list.html"
    return render(request, template, context)


@login_required
def system_detail(request, pk):
    system = get_visible_or_404(
        request, InformationSystem.objects.with_related().prefetch_related("hosts", "networks", "domains"), pk=pk
    )
    return render(request, "inventory/system_detail.html", {
        "system": system,
        "history": services.system_history(system).select_related("actor")[:200],
        "can_edit": services.can_edit_system(request.user, system),
        "panels": system_panels(request, system),
    })


def _system_form(request, instance=None):
    organisations = Organisation.objects.visible_to(request.user)
    owners = Organisation.objects.visible_to(request.user, Permission.EDIT_INVENTORY)
    initial = {}
    if instance is None:
        default_owner = owners.filter(code=request.GET.get("owner", "")).first() or owners.first()
        initial = {"owner": default_owner, "operator": default_owner, "status": SystemStatus.OPERATING}
    form = SystemForm(
        request.POST or None, instance=instance, initial=initial,
        owner_choices=owners, organisation_choices=organisations,
    )
    if request.method == "POST" and form.is_valid():
        try:
            system = services.save_system(request.user, form.to_input(), instance)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                field = FIELD_FOR_ERROR.get(field, field)
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("System “%(name)s” saved.") % {"name": system.name})
            return redirect("system-detail", pk=system.pk)
    return render(request, "inventory/system_form.html", {"form": form, "system": instance})


@login_required
def system_create(request):
    if not scope_for(request.user).can_anywhere(Permission.EDIT_INVENTORY):
        raise PermissionDenied
    return _system_form(request)


@login_required
def system_edit(request, pk):
    system = get_visible_or_404(request, InformationSystem.objects.all(), pk=pk)
    if not services.can_edit_system(request.user, system):
        raise PermissionDenied
    return _system_form(request, system)


@login_required
@require_POST
def system_delete(request, pk):
    system = get_visible_or_404(request, InformationSystem.objects.all(), pk=pk)
    name = system.name
    services.delete_system(request.user, system)
    messages.success(request, _("System “%(name)s” deleted.") % {"name": name})
    return redirect("system-list")


@login_required
def system_import(request):
    scope = scope_for(request.user)
    if not scope.can_anywhere(Permission.EDIT_INVENTORY):
        raise PermissionDenied
    choices = Organisation.objects.visible_to(request.user, Permission.EDIT_INVENTORY)
    form = ImportForm(request.POST or None, request.FILES or None, organisation_choices=choices)
    problems, result = [], None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.ATTT_IMPORT_MAX_BYTES:
            form.add_error("file", _("The file is larger than %(mb)s MB.") % {"mb": settings.ATTT_IMPORT_MAX_BYTES // 1048576})
        else:
            try:
                result = spreadsheet.import_systems(
                    request.user, upload.name, upload.read(), default_org=form.cleaned_data.get("organisation")
                )
            except spreadsheet.SpreadsheetRejected as exc:
                problems = exc.problems
            else:
                messages.success(request, _("Imported %(created)s new and %(updated)s updated systems.") % {
                    "created": result.created, "updated": result.updated})
                return redirect("system-list")
    return render(request, "inventory/system_import.html", {"form": form, "problems": problems})


@login_required
def system_export(request, fmt):
    systems, _query = filtered_systems(request)
    return export_response(systems, fmt)


@login_required
def system_template(request):
    return template_response(request.user)
