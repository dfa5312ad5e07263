"""Web pages of the contact part: the officers' list and edit page (login), and what the public
reaches without an account: the contact page, security.txt (by organisation code or by the host
name the request came to), the intake form and its thank-you page."""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from attt.tenancy.access import get_visible_or_404, visible
from attt.tenancy.models import Organisation
from attt.tenancy.roles import Permission
from attt.tenancy.scoping import scope_for

from . import intake, securitytxt, services_contact
from .models import PublicContact

FORM_FIELDS = ("phone", "email", "hours", "languages", "pgp_key_url", "policy_url", "host_names")
INTAKE_FIELDS = (*intake.TEXT_LIMITS, "detected_at")


def _errors(error) -> dict:
    """Field → messages; a message without a field is shown above the form."""
    return error.message_dict if hasattr(error, "error_dict") else {"form": error.messages}


# --- officers --------------------------------------------------------------------------------

@login_required
def contact_list(request):
    organisations = visible(request, Organisation.objects.select_related("public_contact"))
    query = request.GET.get("q", "").strip()
    if query:
        organisations = organisations.filter(Q(code__icontains=query) | Q(name_vi__icontains=query)
                                             | Q(name_en__icontains=query))
    if request.GET.get("published") == "yes":
        organisations = organisations.filter(public_contact__published=True)
    elif request.GET.get("published") == "no":
        organisations = organisations.exclude(public_contact__published=True)
    page = Paginator(organisations.order_by("path"), 50).get_page(request.GET.get("page"))
    scope = scope_for(request.user)
    rows = []
    for organisation in page:
        contact = getattr(organisation, "public_contact", None)
        rows.append({"organisation": organisation, "contact": contact,
                     "published": bool(contact and contact.published),
                     "can_manage": scope.can(Permission.MANAGE_PUBLIC_CONTACT, organisation)})
    return render(request, "public/contact/list.html", {"page": page, "rows": rows, "params": request.GET})


@login_required
def contact_edit(request, code):
    organisation = get_visible_or_404(request, Organisation.objects.all(), code=code)
    if not services_contact.can_manage(request.user, organisation):
        raise PermissionDenied
    contact = PublicContact.objects.filter(organisation=organisation).first()
    if request.method == "POST":
        data = {name: request.POST.get(name, "") for name in FORM_FIELDS}
        data["published"] = request.POST.get("published") == "on"
        try:
            contact = services_contact.save_contact(request.user, organisation, data)
        except ValidationError as error:
            return render(request, "public/contact/edit.html", {
                "organisation": organisation, "contact": contact, "v": data, "errors": _errors(error)},
                status=400)
        if contact.published:
            messages.success(request, _("The contacts of %(code)s are published.") % {"code": organisation.code})
        else:
            messages.success(request, _("The contacts of %(code)s are saved, not published.") % {
                "code": organisation.code})
        return redirect("public-contacts")
    values = {"languages": "vi, en", "published": False}
    if contact is not None:
        values = {**{name: getattr(contact, name) for name in FORM_FIELDS}, "published": contact.published}
    return render(request, "public/contact/edit.html", {
        "organisation": organisation, "contact": contact, "v": values, "errors": {},
        "publications": contact.publications.all()[:10] if contact else []})


# --- the public ------------------------------------------------------------------------------

def _published_or_404(code):
    contact = services_contact.published_contact_by_code(code)
    if contact is None:
        raise Http404
    return contact


def _language_names(contact):
    names = []
    for tag in contact.language_list:
        try:
            names.append(get_language_info(tag)["name_local"])
        except KeyError:
            names.append(tag)
    return names


def contact_page(request, code):
    contact = _published_or_404(code)
    return render(request, "public/contact/page.html", {
        "contact": contact, "organisation": contact.organisation, "languages": _language_names(contact),
        "links": services_contact.links(contact, request), "tel": services_contact.tel_uri(contact.phone)})


def _security_txt(request, contact):
    text = securitytxt.build(contact, request.build_absolute_uri(request.path),
                             services_contact.links(contact, request))
    return HttpResponse(text.encode("utf-8"), content_type=securitytxt.CONTENT_TYPE)


def security_txt_for_code(request, code):
    return _security_txt(request, _published_or_404(code))


def security_txt_for_host(request):
    host, _port = split_domain_port(request.get_host())
    contact = services_contact.contact_for_host(host)
    if contact is None:
        raise Http404
    return _security_txt(request, contact)


def _intake_page(request, contact, values=None, errors=None, status=200):
    now = timezone.localtime(timezone.now(), ZoneInfo(intake.TIME_ZONE))
    return render(request, "public/contact/intake.html", {
        "contact": contact, "organisation": contact.organisation,
        "v": values or {"detected_at": now.strftime("%Y-%m-%dT%H:%M")}, "errors": errors or {},
        "token": intake.form_token(contact.organisation), "honeypot": intake.HONEYPOT_FIELD,
        "max_files": intake.limit("ATTT_INTAKE_MAX_FILES"), "max_mb": intake.limit("ATTT_INTAKE_MAX_FILE_MB")},
        status=status)


@csrf_exempt  # checked below, after the body size: a huge upload is refused before it is parsed
@require_http_methods(["GET", "HEAD", "POST"])
def intake_form(request, code):
    contact = _published_or_404(code)
    if request.method != "POST":
        return _intake_page(request, contact)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > intake.max_body_bytes():
        return _intake_page(request, contact, errors={"form": [
            _("The report is too large. Attach at most %(n)s files of %(mb)s MB each.") % {
                "n": intake.limit("ATTT_INTAKE_MAX_FILES"), "mb": intake.limit("ATTT_INTAKE_MAX_FILE_MB")}]},
            status=413)
    return _intake_post(request, contact)


@csrf_protect
def _intake_post(request, contact):
    values = {name: request.POST.get(name, "") for name in INTAKE_FIELDS}
    try:
        incident = intake.submit_report(contact.organisation, {
            **values, intake.HONEYPOT_FIELD: request.POST.get(intake.HONEYPOT_FIELD, ""),
            intake.TOKEN_FIELD: request.POST.get(intake.TOKEN_FIELD, "")},
            request.FILES.getlist("attachments"), client_address=request.META.get("REMOTE_ADDR", ""))
    except ValidationError as error:
        return _intake_page(request, contact, values, _errors(error), status=400)
    except intake.RateLimited as error:
        return _intake_page(request, contact, values, {"form": [str(error)]}, status=429)
    url = reverse("public-intake-thanks", kwargs={"code": contact.organisation.code})
    if incident is not None:
        url += "?r=" + intake.thanks_token(incident.reference)
    return redirect(url)


def intake_thanks(request, code):
    contact = _published_or_404(code)
    return render(request, "public/contact/thanks.html", {
        "contact": contact, "organisation": contact.organisation,
        "reference": intake.reference_from_token(request.GET.get("r", "")),
        "tel": services_contact.tel_uri(contact.phone)})
