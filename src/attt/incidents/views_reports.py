"""Web pages of incident reports: a report version (preview, documents, deliveries, send), the
organisation's incident inbox of reports received, acknowledgement in ATTT and by one-time link.

A recipient reaches a report through its inbox; the report page then shows the report and its
delivery to that recipient, never the case behind it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from attt.tenancy.access import get_visible_or_404
from attt.tenancy.forms import flash_errors
from attt.tenancy.models import Organisation

from . import delivery, documents, services
from .models import Delivery, IncidentReport

FORMATS = {"docx": ("docx", delivery.DOCX_TYPE), "pdf": ("pdf", "application/pdf")}


def _report(request, pk):
    return get_visible_or_404(request, IncidentReport.objects.select_related("incident__organisation"), pk=pk)


@login_required
def report_detail(request, pk):
    report = _report(request, pk)
    sees_case = services.sees_case(request.user, report.incident_id)
    deliveries = report.deliveries.select_related("recipient", "sent_by", "acknowledged_by")
    if not sees_case:  # a recipient sees its own deliveries only
        deliveries = deliveries.filter(pk__in=Delivery.objects.received_by(request.user).values("pk"))
    suggestions, versions = [], []
    can_send = sees_case and services.can_send(request.user, report.incident)
    if sees_case:
        suggestions = delivery.suggested_recipients(report.incident, report.kind)
        versions = report.incident.reports.filter(kind=report.kind).order_by("-version")
    rows = [(d, delivery.can_acknowledge(request.user, d)) for d in deliveries]
    return render(request, "incidents/report.html", {
        "report": report, "incident": report.incident, "sees_case": sees_case, "deliveries": rows,
        "suggestions": [(role, org, bool(delivery.mail_addresses(org))) for role, org in suggestions],
        "versions": versions, "can_send": can_send, "missing": report.content.get("missing", [])})


@login_required
@xframe_options_sameorigin
def report_preview(request, pk):
    report = _report(request, pk)
    return HttpResponse(documents.render_html(report.content))


@login_required
def report_download(request, pk, fmt):
    report = _report(request, pk)
    if fmt not in FORMATS:
        raise Http404
    field, content_type = FORMATS[fmt]
    try:
        handle = getattr(report, field).open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=documents.filename(report.content, fmt),
                        content_type=content_type)


@login_required
@require_POST
def report_send(request, pk):
    report = _report(request, pk)
    if not services.sees_case(request.user, report.incident_id):
        raise Http404
    codes = request.POST.getlist("recipients")
    codes += [code for code in request.POST.get("other", "").replace(",", " ").split() if code]
    try:
        sent = delivery.send_report(request.user, report, codes, base_url=request.build_absolute_uri("/"))
    except ValidationError as error:
        flash_errors(request, error)
    else:
        failed = [d.recipient.code for d in sent if d.status == "mail_failed"]
        messages.success(request, _("Sent to %(count)s organisation(s).") % {"count": len(sent)})
        if failed:
            messages.warning(request, _("The e-mail to %(codes)s failed; the report is in their ATTT inbox.")
                             % {"codes": ", ".join(failed)})
    return redirect("incident-report", report.pk)


@login_required
def inbox(request):
    rows = Delivery.objects.received_by(request.user).select_related(
        "report__incident__organisation", "recipient")
    organisation = Organisation.objects.visible_to(request.user).filter(code=request.GET.get("org", "")).first()
    if organisation is not None:
        rows = rows.filter(recipient__path__startswith=organisation.path)
    if request.GET.get("pending") == "1":
        rows = rows.filter(acknowledged_at__isnull=True)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "incidents/inbox.html", {
        "page": page, "params": request.GET,
        "acknowledgeable": {d.pk for d in page if delivery.can_acknowledge(request.user, d)}})


@login_required
@require_POST
def delivery_acknowledge(request, pk):
    row = get_visible_or_404(request, Delivery.objects.select_related("report", "recipient"), pk=pk)
    try:
        delivery.acknowledge(request.user, row)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("Receipt acknowledged."))
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/") and not back.startswith("//") else "incident-inbox")


def acknowledge_link(request, token):
    """The one-time link of the e-mail: no login, shows what is acknowledged, records a name."""
    row = delivery.delivery_for_token(token)
    if row is None:
        return render(request, "incidents/ack_link.html", {"invalid": True}, status=404)
    if request.method == "POST":
        try:
            delivery.acknowledge_by_token(token, request.POST.get("name", ""))
        except ValidationError as error:
            return render(request, "incidents/ack_link.html", {"delivery": row, "errors": error.messages},
                          status=400)
        return render(request, "incidents/ack_link.html", {"done": True, "delivery": row})
    return render(request, "incidents/ack_link.html", {"delivery": row})
