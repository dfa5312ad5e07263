from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from attt.inventory.models import InformationSystem
from attt.tenancy.access import current_organisation, get_visible_or_404, visible
from attt.tenancy.forms import flash_errors
from attt.tenancy.models import Organisation

from . import board as board_service
from . import ical, services
from .catalogue import catalogue
from .forms import EventForm, EvidenceForm, WithdrawForm
from .models import CalendarFeed, DutyState, DutyStatus, Evidence, EvidenceDocument

TABS = ("systems", "organisations", "rollup")


def _flash_form(request, form):
    """An invalid form of a page that redirects: one message per problem, named by its field."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def obligations_panel(request, system):
    """The "legal duties" section of a system's page: counts by status and the most urgent ones."""
    rows = list(DutyStatus.objects.filter(system=system).order_by("next_due"))
    duties = catalogue().by_id
    urgent = [(duties[row.duty_id], row) for row in rows
              if row.duty_id in duties and row.status in (DutyState.OVERDUE, DutyState.DUE_SOON)][:5]
    counts = {state: sum(1 for row in rows if row.status == state) for state, _label in DutyState.choices}
    return render_to_string("obligations/_system_panel.html", {
        "system": system, "counts": counts, "urgent": urgent, "states": DutyState}, request=request)


@login_required
def board(request):
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "systems"
    statuses = visible(request, DutyStatus.objects.all())
    status = request.GET.get("status") if request.GET.get("status") in DutyState.values else ""
    instrument = request.GET.get("instrument", "")
    context = {"tab": tab, "status": status, "instrument": instrument, "query": request.GET.get("q", "").strip(),
               "states": board_service.STATES, "state_choices": DutyState.choices,
               "instruments": sorted({d.instrument.slug: d.instrument.short for d in catalogue().duties}.items()),
               "organisation": current_organisation(request)}
    organisations = visible(request, Organisation.objects.all())
    if tab == "systems":
        context["board"] = board_service.system_board(
            statuses, visible(request, InformationSystem.objects.all()), status=status or None,
            instrument=instrument or None, query=context["query"])
    elif tab == "organisations":
        rows = statuses.filter(status=status) if status else statuses
        if instrument:
            rows = rows.filter(duty_id__in=[d.id for d in catalogue().duties if d.instrument.slug == instrument])
        context["organisation_rows"] = board_service.organisation_statuses(rows, organisations)
    else:
        context["rollup"] = board_service.rollup(statuses, organisations)
    return render(request, "obligations/board.html", context)


def _subject_page(request, template, lines, system=None, organisation=None):
    target = system.owner if system is not None else organisation
    can_record = services.can_record(request.user, target) or (
        system is not None and services.can_record(request.user, system.operator))
    applicable = [line for line in lines if line.applicable]
    other = [line for line in lines if not line.applicable]
    return render(request, template, {
        "system": system, "organisation": organisation, "applicable": applicable, "other": other,
        "can_record": can_record, "evidence_form": EvidenceForm(), "event_form": EventForm(),
        "events": services.events_of(system=system, organisation=organisation)[:20],
        "today": timezone.localdate()})


@login_required
def system_duties(request, pk):
    system = get_visible_or_404(request, InformationSystem.objects.select_related("owner", "operator"), pk=pk)
    return _subject_page(request, "obligations/subject.html", services.system_duties(system), system=system)


@login_required
def organisation_duties(request, code):
    organisation = get_visible_or_404(request, Organisation.objects.all(), code=code)
    return _subject_page(request, "obligations/subject.html", services.organisation_duties(organisation),
                         organisation=organisation)


def _subject_from_post(request):
    if request.POST.get("system"):
        if not request.POST["system"].isdigit():
            raise Http404
        system = get_visible_or_404(request, InformationSystem.objects.select_related("owner", "operator"),
                                    pk=request.POST["system"])
        return system, None, redirect("obligation-system", system.pk)
    organisation = get_visible_or_404(request, Organisation.objects.all(), code=request.POST.get("organisation", ""))
    return None, organisation, redirect("obligation-organisation", organisation.code)


@login_required
@require_POST
def evidence_add(request):
    system, organisation, back = _subject_from_post(request)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        _flash_form(request, form)
        return back
    data = form.cleaned_data
    try:
        services.upload_evidence(request.user, data["duty_id"], data["occurred_on"], data["title"],
                                 upload=data.get("file"), note=data.get("note", ""), system=system,
                                 organisation=organisation)
    except ValidationError as exc:
        flash_errors(request, exc)
        return back
    messages.success(request, _("Evidence recorded; the duty's status is updated."))
    return back


@login_required
@require_POST
def event_add(request):
    system, organisation, back = _subject_from_post(request)
    form = EventForm(request.POST)
    if form.is_valid():
        try:
            services.record_manual_event(request.user, form.cleaned_data["kind"], form.cleaned_data["occurred_on"],
                                         form.cleaned_data["description"], system=system, organisation=organisation)
            messages.success(request, _("Event recorded."))
        except ValidationError as exc:
            flash_errors(request, exc)
    else:
        _flash_form(request, form)
    return back


@login_required
@require_POST
def evidence_withdraw(request, pk):
    row = get_visible_or_404(request, Evidence.objects.select_related("system", "organisation"), pk=pk)
    form = WithdrawForm(request.POST)
    try:
        services.withdraw_evidence(request.user, row, form.data.get("reason", ""))
        messages.success(request, _("Evidence withdrawn."))
    except ValidationError as exc:
        flash_errors(request, exc)
    if row.system_id:
        return redirect("obligation-system", row.system_id)
    return redirect("obligation-organisation", row.organisation.code)


@login_required
def evidence_download(request, pk):
    document = get_visible_or_404(request, EvidenceDocument.objects.all(), pk=pk)
    if not default_storage.exists(document.file.name):
        raise Http404
    return FileResponse(default_storage.open(document.file.name, "rb"), as_attachment=True,
                        filename=document.original_name, content_type=document.content_type)


@login_required
def duty_catalogue(request):
    duties = sorted(catalogue().duties, key=lambda duty: (duty.instrument.slug, duty.id))
    return render(request, "obligations/catalogue.html", {"duties": duties, "today": timezone.localdate(),
                                                          "kinds": catalogue().evidence_kinds})


# --- calendar feeds --------------------------------------------------------------------------

@login_required
def feeds(request):
    if request.method == "POST":
        code = request.POST.get("organisation", "")
        organisation = get_visible_or_404(request, Organisation.objects.all(), code=code) if code else None
        services.create_feed(request.user, organisation)
        messages.success(request, _("A new calendar address was created. Keep it secret."))
        return redirect("obligation-feeds")
    rows = CalendarFeed.objects.filter(user=request.user).select_related("organisation")
    return render(request, "obligations/feeds.html", {
        "feeds": rows, "organisations": visible(request, Organisation.objects.all(), within_current=False)[:300]})


@login_required
@require_POST
def feed_revoke(request, pk):
    feed = CalendarFeed.objects.filter(user=request.user, pk=pk).first()
    if feed is None:
        raise Http404
    services.revoke_feed(request.user, feed)
    messages.success(request, _("Calendar address revoked."))
    return redirect("obligation-feeds")


def feed_ics(request, token):
    """Public by design: the secret token is the credential (calendar apps cannot log in)."""
    feed = services.feed_by_token(token)
    if feed is None:
        raise Http404
    rows = DutyStatus.objects.visible_to(feed.user).filter(next_due__isnull=False)
    title = _("ATTT legal duties")
    if feed.organisation is not None:
        rows = rows.within(feed.organisation)
        title = f"{title} – {feed.organisation.code}"
    # Built whole (a scope's upcoming dates are a few thousand events at most) while the request's
    # language is still active.
    body = ical.calendar_bytes(rows, title, request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="attt-duties.ics"'
    return response
