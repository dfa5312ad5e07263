"""The public intake form's rules: field checks, attachments, and the abuse limits that need no
third-party service. No HTTP here; the view passes the posted fields, files and client address.

* a honeypot field humans never see: filled in, the submission looks accepted but nothing is kept;
* a signed timestamp given with the form: a form sent back faster than ATTT_INTAKE_MIN_FILL_SECONDS,
  or older than ATTT_INTAKE_FORM_MAX_AGE_HOURS, or for another organisation, is refused;
* rate limits kept in the database (so they hold across processes): filed reports per client
  address per hour and per organisation per day;
* attachments: at most ATTT_INTAKE_MAX_FILES, each at most ATTT_INTAKE_MAX_FILE_MB, PNG, JPEG, PDF or
  text (.txt, .log), checked by extension and first bytes; the view caps the whole body first.

A report that passes lands in the organisation's incident queue through
``attt.incidents.services.file_public_report``; the reporter and the organisation's security
officers are told by e-mail, best effort (a mail failure never loses the report).
"""

from __future__ import annotations

import codecs
import datetime
import logging
import time
from pathlib import PurePath

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from attt.incidents.services import file_public_report, parse_detected_at
from attt.tenancy.models import Organisation, RoleAssignment
from attt.tenancy.roles import Role

from . import services_contact
from .models import IntakeAttempt

log = logging.getLogger(__name__)

HONEYPOT_FIELD = "homepage"
TOKEN_FIELD = "form_token"
TIME_ZONE = "Asia/Ho_Chi_Minh"
FORM_SALT = "attt.public.intake.form"
THANKS_SALT = "attt.public.intake.thanks"
# extension -> magic prefixes (None: text, checked as UTF-8)
ALLOWED_TYPES = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".pdf": (b"%PDF-",),
    ".txt": None,
    ".log": None,
}
TEXT_LIMITS = {"reporter_name": 255, "reporter_email": 254, "reporter_phone": 64, "title": 255,
               "description": 10_000, "affected_service": 500}
DEFAULTS = {
    "ATTT_INTAKE_PER_ADDRESS_PER_HOUR": 5,
    "ATTT_INTAKE_PER_ORGANISATION_PER_DAY": 50,
    "ATTT_INTAKE_MIN_FILL_SECONDS": 3,
    "ATTT_INTAKE_FORM_MAX_AGE_HOURS": 12,
    "ATTT_INTAKE_MAX_FILES": 3,
    "ATTT_INTAKE_MAX_FILE_MB": 5,
}


class RateLimited(Exception):
    """Too many reports from one address or to one organisation: try later, or call."""


def limit(name):
    return getattr(settings, name, DEFAULTS[name])


def max_file_bytes() -> int:
    return int(limit("ATTT_INTAKE_MAX_FILE_MB") * 1024 * 1024)


def max_body_bytes() -> int:
    """The whole request: every attachment at its limit plus room for the text fields."""
    default = int(limit("ATTT_INTAKE_MAX_FILES")) * max_file_bytes() + 1024 * 1024
    return int(getattr(settings, "ATTT_INTAKE_MAX_BODY_BYTES", default))


# --- the form's signed timestamp --------------------------------------------------------------

def form_token(organisation, now=None) -> str:
    return signing.dumps({"o": organisation.code, "t": now if now is not None else time.time()}, salt=FORM_SALT)


def check_form_token(token, organisation, now=None):
    """The form was rendered for this organisation, long enough ago for a human, not too long ago."""
    now = now if now is not None else time.time()
    try:
        value = signing.loads(token or "", salt=FORM_SALT)
    except signing.BadSignature:
        value = None
    if not isinstance(value, dict) or value.get("o") != organisation.code:
        raise ValidationError({"form": [_("The form could not be checked. Check your entries and send it again.")]})
    elapsed = now - float(value.get("t", 0))
    if elapsed > float(limit("ATTT_INTAKE_FORM_MAX_AGE_HOURS")) * 3600:
        raise ValidationError({"form": [_("The form was open too long. Check your entries and send it again.")]})
    if elapsed < float(limit("ATTT_INTAKE_MIN_FILL_SECONDS")):
        raise ValidationError({"form": [_("The form was sent too quickly. Check your entries and send it again.")]})


def thanks_token(reference) -> str:
    return signing.dumps(reference, salt=THANKS_SALT)


def reference_from_token(token) -> str:
    try:
        return str(signing.loads(token or "", salt=THANKS_SALT, max_age=24 * 3600))
    except signing.BadSignature:
        return ""


# --- checking the submission -----------------------------------------------------------------

def is_bot(data) -> bool:
    return bool(str(data.get(HONEYPOT_FIELD) or "").strip())


def check_uploads(uploads) -> list[str]:
    """Problems with the attachments, one message each (empty: all fine)."""
    uploads = [upload for upload in uploads if upload is not None]
    problems = []
    if len(uploads) > int(limit("ATTT_INTAKE_MAX_FILES")):
        return [_("Attach at most %(n)s files.") % {"n": limit("ATTT_INTAKE_MAX_FILES")}]
    for upload in uploads:
        name = PurePath(upload.name or "").name
        extension = PurePath(name).suffix.lower()
        if extension not in ALLOWED_TYPES:
            problems.append(_("%(name)s: only PNG, JPG, PDF, TXT and LOG files are accepted.") % {"name": name})
        elif not upload.size:
            problems.append(_("%(name)s: the file is empty.") % {"name": name})
        elif upload.size > max_file_bytes():
            problems.append(_("%(name)s: the file is larger than %(mb)s MB.") % {
                "name": name, "mb": limit("ATTT_INTAKE_MAX_FILE_MB")})
        elif not _content_matches(extension, upload):
            problems.append(_("%(name)s: the content is not a %(ext)s file.") % {"name": name, "ext": extension})
    return problems


def _content_matches(extension, upload) -> bool:
    upload.seek(0)
    head = upload.read(1024 * 1024)
    upload.seek(0)
    magics = ALLOWED_TYPES[extension]
    if magics is not None:
        return any(head.startswith(magic) for magic in magics)
    try:
        # Not final: a character cut at the 1 MiB boundary is still text.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head


def clean(data, uploads) -> dict:
    """The report's fields checked (all problems at once); raises ValidationError."""
    errors, cleaned = {}, {}
    for name, size in TEXT_LIMITS.items():
        cleaned[name] = str(data.get(name) or "").strip()
        if len(cleaned[name]) > size:
            errors[name] = [_("Keep this under %(n)s characters.") % {"n": size}]
    for name in ("reporter_name", "title", "description"):
        if not cleaned[name]:
            errors[name] = [_("This field is required.")]
    if cleaned["reporter_email"] and "reporter_email" not in errors:
        try:
            validate_email(cleaned["reporter_email"])
        except ValidationError:
            errors["reporter_email"] = [_("Enter a valid e-mail address.")]
    if cleaned["reporter_phone"] and not services_contact.valid_phone(cleaned["reporter_phone"]):
        errors["reporter_phone"] = [_("Enter a phone number of digits, spaces and + ( ) . - only.")]
    if not cleaned["reporter_email"] and not cleaned["reporter_phone"]:
        errors["reporter_email"] = [_("Give an e-mail address or a phone number so that we can reach you.")]
    raw_detected = str(data.get("detected_at") or "").strip()
    if not raw_detected:
        errors["detected_at"] = [_("This field is required.")]
    else:
        try:
            cleaned["detected_at"] = parse_detected_at(raw_detected, TIME_ZONE)
        except ValidationError as error:
            errors.update(error.message_dict)
    problems = check_uploads(uploads)
    if problems:
        errors["attachments"] = problems
    if errors:
        raise ValidationError(errors)
    return cleaned


def _case_data(cleaned) -> dict:
    description = cleaned["description"]
    if cleaned["affected_service"]:
        description += "\n\n" + _("Affected website or service: %(service)s") % {"service": cleaned["affected_service"]}
    return {"title": cleaned["title"], "description": description, "detected_at": cleaned["detected_at"],
            "time_zone": TIME_ZONE, "reporter_name": cleaned["reporter_name"],
            "reporter_email": cleaned["reporter_email"], "reporter_phone": cleaned["reporter_phone"]}


def check_rate_limits(organisation, client_address, now):
    per_address = IntakeAttempt.objects.filter(client_address=client_address,
                                               created_at__gte=now - datetime.timedelta(hours=1)).count()
    if per_address >= int(limit("ATTT_INTAKE_PER_ADDRESS_PER_HOUR")):
        raise RateLimited(_("Too many reports were sent from your address in the last hour. Please try again "
                            "later, or call or e-mail the organisation."))
    per_organisation = IntakeAttempt.objects.filter(organisation=organisation,
                                                    created_at__gte=now - datetime.timedelta(days=1)).count()
    if per_organisation >= int(limit("ATTT_INTAKE_PER_ORGANISATION_PER_DAY")):
        raise RateLimited(_("This organisation has received too many reports through this form today. Please "
                            "call or e-mail it instead."))


# --- filing ----------------------------------------------------------------------------------

def submit_report(organisation, data, uploads=(), *, client_address="", token=None, now=None):
    """File a report from the public form. Returns the Incident, or None when the honeypot caught
    a bot (the caller answers as if accepted). Raises ValidationError (bad input, form too fast or
    too old) or RateLimited; in every one of these cases nothing is stored."""
    if is_bot(data):
        return None
    check_form_token(token if token is not None else data.get(TOKEN_FIELD), organisation)
    uploads = [upload for upload in uploads if upload is not None]
    cleaned = clean(data, uploads)
    address = (client_address or "unknown")[:64]
    now = now or timezone.now()
    with transaction.atomic():
        # One filer per organisation at a time: two requests cannot both pass the last free slot.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        check_rate_limits(organisation, address, now)
        incident = file_public_report(organisation, _case_data(cleaned), uploads)
        IntakeAttempt.objects.create(organisation=organisation, client_address=address, created_at=now,
                                     incident=incident)
        IntakeAttempt.objects.filter(created_at__lt=now - datetime.timedelta(days=2)).delete()
    notify(incident)
    return incident


def officer_emails(organisation) -> list[str]:
    """The e-mail addresses of the security officers of the organisation, or of its nearest
    ancestor that has any (an agency's officer often sits at its ministry)."""
    current = organisation
    while current is not None:
        emails = sorted(set(
            RoleAssignment.objects.filter(organisation=current, role=Role.SECURITY_OFFICER, user__is_active=True)
            .exclude(user__email="").values_list("user__email", flat=True)))
        if emails:
            return emails
        current = current.parent
    return []


def _send(subject, body, recipients) -> bool:
    if not recipients:
        return False
    try:
        send_mail(" ".join(subject.split())[:200], body, settings.DEFAULT_FROM_EMAIL, recipients)
        return True
    except Exception:  # best effort: the report is already filed
        log.exception("could not send the intake notice %r to %s", subject, recipients)
        return False


def notify(incident) -> dict:
    """Tell the reporter its reference number and the organisation that a report came in."""
    organisation = incident.organisation
    contact = services_contact.published_contact(organisation)
    received = timezone.localtime(incident.created_at).strftime("%d/%m/%Y %H:%M")
    sent = {"reporter": False, "organisation": False}
    if incident.reporter_email:
        lines = [_("Thank you. %(organisation)s received your incident report “%(title)s” on %(when)s.") % {
                     "organisation": organisation.name_vi, "title": incident.title, "when": received},
                 _("Its reference number is %(reference)s; please quote it when you contact us.") % {
                     "reference": incident.reference}]
        if contact is not None:
            if contact.phone:
                lines.append(_("Phone: %(phone)s") % {"phone": contact.phone})
            if contact.email:
                lines.append(_("E-mail: %(email)s") % {"email": contact.email})
        sent["reporter"] = _send(_("Your incident report %(reference)s") % {"reference": incident.reference},
                                 "\n\n".join(lines), [incident.reporter_email])
    recipients = officer_emails(organisation)
    if contact is not None and contact.email and contact.email not in recipients:
        recipients.append(contact.email)
    link = settings.ATTT_BASE_URL + reverse("incident-detail", kwargs={"pk": incident.pk})
    body = "\n".join([
        _("A member of the public filed an incident report for %(code)s through the intake form.") % {
            "code": organisation.code},
        "",
        _("Reference: %(reference)s") % {"reference": incident.reference},
        _("Title: %(title)s") % {"title": incident.title},
        _("Reported by: %(name)s %(email)s %(phone)s") % {
            "name": incident.reporter_name, "email": incident.reporter_email, "phone": incident.reporter_phone},
        _("Received: %(when)s") % {"when": received},
        "",
        link,
    ])
    sent["organisation"] = _send(_("New incident report from the public: %(reference)s (%(code)s)") % {
        "reference": incident.reference, "code": organisation.code}, body, recipients)
    return sent
