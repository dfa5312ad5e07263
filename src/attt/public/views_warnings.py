"""Web pages of customer warning campaigns: the staff pages (list, write, import the customer list,
send, pause, resume, follow the progress, the delivery record) and the public warning pages
(no login) of each organisation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from attt.tenancy.access import current_organisation, get_visible_or_404, visible
from attt.tenancy.forms import flash_errors, run_action
from attt.tenancy.models import Organisation
from attt.tenancy.roles import Permission
from attt.tenancy.scoping import scope_for

from . import audience as audience_files
from . import services_warnings as services
from .models import CampaignStatus, RecipientStatus, WarningCampaign

FORM_FIELDS = (*services.TEXT_FIELDS, "language")


def _campaign(request, pk):
    return get_visible_or_404(request, WarningCampaign.objects.select_related(
        "organisation", "created_by", "sent_by"), pk=pk)


def _form_data(post) -> dict:
    data = {name: post.get(name, "") for name in FORM_FIELDS}
    data["public"] = post.get("public") == "on"
    return data


def _form_context(request, campaign=None, data=None):
    values = {"language": "vi", "public": False}
    if campaign is not None:
        values.update({name: getattr(campaign, name) for name in (*FORM_FIELDS, "public")})
    values.update(data or {})
    organisations = Organisation.objects.visible_to(request.user, Permission.SEND_CUSTOMER_WARNINGS)
    return {"campaign": campaign, "v": values, "organisations": organisations,
            "current": campaign.organisation if campaign else current_organisation(request),
            "languages": WarningCampaign.LANGUAGES}


@login_required
def campaign_list(request):
    campaigns = visible(request, WarningCampaign.objects.select_related("organisation")).annotate(
        recipient_count=Count("recipients", distinct=True),
        sent_count=Count("recipients", filter=Q(recipients__status=RecipientStatus.SENT), distinct=True)).order_by(
        "-created_at", "-id")  # Meta.ordering is not applied to aggregated queries
    params = request.GET
    if params.get("status") in CampaignStatus.values:
        campaigns = campaigns.filter(status=params["status"])
    if params.get("q"):
        campaigns = campaigns.filter(title__icontains=params["q"])
    return render(request, "public/warnings/list.html", {
        "page": Paginator(campaigns, 50).get_page(params.get("page")), "params": params,
        "statuses": CampaignStatus.choices,
        "can_create": scope_for(request.user).can_anywhere(Permission.SEND_CUSTOMER_WARNINGS)})


@login_required
def campaign_new(request):
    if not scope_for(request.user).can_anywhere(Permission.SEND_CUSTOMER_WARNINGS):
        raise PermissionDenied
    if request.method == "POST":
        organisation = Organisation.objects.filter(code=request.POST.get("organisation", "")).first()
        data = _form_data(request.POST)
        try:
            campaign = services.create_campaign(request.user, organisation, data)
        except (ValidationError, PermissionDenied) as error:
            flash_errors(request, error if isinstance(error, ValidationError) else ValidationError(str(error)))
            return render(request, "public/warnings/form.html", _form_context(request, data=data), status=400)
        messages.success(request, _("Campaign created. Now import the customer list."))
        return redirect("warnings-audience", campaign.pk)
    context = _form_context(request)
    if context["current"] is not None:
        context["v"]["how_to_report_default"] = services.default_how_to_report(context["current"])
    return render(request, "public/warnings/form.html", context)


@login_required
def campaign_edit(request, pk):
    campaign = _campaign(request, pk)
    if not services.can_send(request.user, campaign.organisation):
        raise PermissionDenied
    if request.method == "POST":
        data = _form_data(request.POST)
        try:
            services.update_campaign(request.user, campaign, data)
        except ValidationError as error:
            flash_errors(request, error)
            return render(request, "public/warnings/form.html", _form_context(request, campaign, data), status=400)
        messages.success(request, _("Saved."))
        return redirect("warnings-campaign", campaign.pk)
    return render(request, "public/warnings/form.html", _form_context(request, campaign))


def _progress_context(campaign):
    figures = services.counts(campaign)
    return {"campaign": campaign, "figures": figures, "running": campaign.status == CampaignStatus.SENDING,
            "stale": campaign.status == CampaignStatus.SENDING and services.is_stale(campaign)}


@login_required
def campaign_detail(request, pk):
    campaign = _campaign(request, pk)
    rows = campaign.recipients.all()
    status = request.GET.get("status", "")
    if status in RecipientStatus.values:
        rows = rows.filter(status=status)
    if request.GET.get("q"):
        rows = rows.filter(Q(email__icontains=request.GET["q"]) | Q(customer_id__icontains=request.GET["q"]))
    return render(request, "public/warnings/detail.html", {
        **_progress_context(campaign), "deliveries": Paginator(rows, 100).get_page(request.GET.get("page")),
        "params": request.GET, "recipient_statuses": RecipientStatus.choices,
        "how_to_report": services.how_to_report(campaign),
        "can_send": services.can_send(request.user, campaign.organisation)})


@login_required
def campaign_progress(request, pk):
    """The fragment the campaign page polls (htmx, every 2 s) while the campaign is being sent."""
    campaign = _campaign(request, pk)
    context = _progress_context(campaign)
    response = render(request, "public/warnings/_progress.html", context)
    if request.headers.get("HX-Request") and not context["running"]:
        response["HX-Refresh"] = "true"  # finished or paused: reload once so the buttons match
    return response


@login_required
def campaign_audience(request, pk):
    campaign = _campaign(request, pk)
    if not services.can_send(request.user, campaign.organisation):
        raise PermissionDenied
    context = {"campaign": campaign, "headers": audience_files.HEADERS, "problems": [], "total_problems": 0,
               "limit_mb": audience_files.max_bytes() // (1024 * 1024), "limit_rows": audience_files.max_recipients()}
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            stored = services.import_audience(request.user, campaign, upload, getattr(upload, "name", ""))
        except audience_files.AudienceRejected as rejected:
            messages.error(request, _("The file was refused; nothing was stored."))
            context.update(problems=rejected.problems, total_problems=rejected.total)
            return render(request, "public/warnings/audience.html", context, status=400)
        except ValidationError as error:
            flash_errors(request, error)
            return render(request, "public/warnings/audience.html", context, status=400)
        campaign.refresh_from_db()
        messages.success(request, _("%(count)s customers imported (%(duplicates)s repeated addresses merged).") % {
            "count": stored, "duplicates": campaign.audience_duplicates})
        return redirect("warnings-campaign", campaign.pk)
    return render(request, "public/warnings/audience.html", context)


def _action(request, campaign, work, success):
    return run_action(request, work, success, ("warnings-campaign", campaign.pk))


@login_required
@require_POST
def campaign_send(request, pk):
    campaign = _campaign(request, pk)
    resend = request.POST.get("resend_interrupted") == "on"
    return _action(request, campaign, lambda: services.start_sending(request.user, campaign,
                                                                     resend_interrupted=resend),
                   _("Sending started: the page shows the progress."))


@login_required
@require_POST
def campaign_pause(request, pk):
    campaign = _campaign(request, pk)
    return _action(request, campaign, lambda: services.pause(request.user, campaign),
                   _("Paused: messages already handed to the mail server are recorded; resume when ready."))


# --- public pages (no login) -----------------------------------------------------------------

def public_warning_list(request, code):
    organisation = get_object_or_404(Organisation, code=code.upper())
    campaigns = WarningCampaign.objects.published().filter(organisation=organisation).order_by("-sent_at")
    return render(request, "public/warnings/public_list.html", {
        "organisation": organisation, "page": Paginator(campaigns, 20).get_page(request.GET.get("page"))})


def public_warning(request, code, pk):
    organisation = get_object_or_404(Organisation, code=code.upper())
    campaign = WarningCampaign.objects.published().filter(organisation=organisation, pk=pk).first()
    if campaign is None:
        raise Http404
    return render(request, "public/warnings/public_detail.html", {
        "organisation": organisation, "campaign": campaign, "how_to_report": services.how_to_report(campaign),
        "intake_url": f"/o/{organisation.code}/report/"})
