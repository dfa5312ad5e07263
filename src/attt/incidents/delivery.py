"""Reports of a case and their delivery to the authorities. No HTTP here.

Generating a report freezes what the case says into a new version (DOCX and PDF kept with their
SHA-256). Sending it to organisations puts it in each recipient's incident inbox inside ATTT and
mails it, with both documents attached, to the recipient's published address (else to its
security officers, heads and regulators). The deliveries are committed before any mail leaves,
so a failed or interrupted mail never loses the record; each mail's Message-ID is logged. The
recipient acknowledges in ATTT or through the one-time link in the mail (QĐ 05 Art 12).
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from attt import mailing
from attt.obligations import evidence
from attt.tenancy.audit import stored_user
from attt.tenancy.models import Organisation, OrganisationKind, RoleAssignment
from attt.tenancy.roles import Permission, Role
from attt.tenancy.scoping import scope_for

from . import documents
from .catalogue import clocks as clock_catalogue
from .models import Delivery, DeliveryStatus, Incident, IncidentReport, TimelineKind
from .services import can_send, note, require_handle

LANGUAGES = ("vi", "en")
MAIL_ROLES = (Role.SECURITY_OFFICER, Role.HEAD, Role.REGULATOR)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
RECIPIENT_KINDS = {"national_coordination": OrganisationKind.NATIONAL_COORDINATION,
                   "regulator": OrganisationKind.NATIONAL_REGULATOR,
                   "personal_data_authority": OrganisationKind.NATIONAL_REGULATOR}


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def generate_report(user, incident, kind, language="vi") -> IncidentReport:
    require_handle(user, incident)
    if kind not in documents.KINDS:
        raise ValidationError({"kind": _("Unknown report: %(kind)s.") % {"kind": kind}})
    if language not in LANGUAGES:
        raise ValidationError({"language": _("Reports are written in Vietnamese or English.")})
    with transaction.atomic():
        # One numbering at a time, and the case as stored now (not as the caller last read it).
        incident = Incident.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=incident.pk)
        version = (incident.reports.filter(kind=kind).aggregate(last=Max("version"))["last"] or 0) + 1
        content = documents.snapshot(incident, kind, language, version=version)
        docx, pdf = documents.render_docx(content), documents.render_pdf(content)
        folder = f"incidents/reports/{incident.reference}"
        docx_path = default_storage.save(f"{folder}/{documents.filename(content, 'docx')}", ContentFile(docx))
        pdf_path = default_storage.save(f"{folder}/{documents.filename(content, 'pdf')}", ContentFile(pdf))
        report = IncidentReport.objects.create(
            incident=incident, kind=kind, version=version, language=language, title=content["title"][:500],
            content=content, docx=docx_path, docx_sha256=_sha(docx), pdf=pdf_path, pdf_sha256=_sha(pdf),
            generated_by=stored_user(user))
        note(incident, _("Report generated: %(title)s, version %(version)s.")
             % {"title": report.title, "version": version}, kind=TimelineKind.REPORT, user=user)
    return report


# --- recipients ------------------------------------------------------------------------------

def suggested_recipients(incident, kind=None) -> list[tuple[str, Organisation]]:
    """[(role, organisation)] the clocks name for this case (those satisfied by ``kind`` when given)."""
    roles = []
    for rule in clock_catalogue().rules:
        if kind is None or kind in rule.report_kinds:
            roles.extend(role for role in rule.recipients if role not in roles)
    systems = [link.system for link in incident.affected.select_related("system__owner", "system__security_unit")]
    found, seen = [], set()

    def add(role, organisation):
        if organisation is not None and organisation.pk != incident.organisation_id and organisation.pk not in seen:
            seen.add(organisation.pk)
            found.append((role, organisation))

    for role in roles:
        if role == "system_owner":
            owners = [s.owner for s in systems if s.owner_id != incident.organisation_id]
            for organisation in owners or [incident.organisation.parent]:
                add(role, organisation)
        elif role == "specialised_unit":
            for system in systems:
                add(role, system.security_unit)
        else:
            for organisation in Organisation.objects.filter(kind=RECIPIENT_KINDS[role]).order_by("path"):
                add(role, organisation)
    return found


def mail_addresses(organisation) -> list[str]:
    """The organisation's published address; without one, its officers', heads' and regulators'."""
    if organisation.email:
        return [organisation.email]
    rows = (RoleAssignment.objects.filter(organisation=organisation, role__in=MAIL_ROLES, user__is_active=True)
            .exclude(user__email="").values_list("user__email", flat=True))
    return sorted({email.strip() for email in rows})


# --- sending ---------------------------------------------------------------------------------

def send_report(user, report, recipients, *, roles=None, base_url=None) -> list[Delivery]:
    """Deliver ``report`` to each organisation of ``recipients`` (objects or codes)."""
    incident = report.incident
    if not can_send(user, incident):
        raise PermissionDenied(_("You may not send this organisation's incident reports."))
    organisations = []
    for item in recipients or []:
        organisation = item if isinstance(item, Organisation) else Organisation.objects.filter(
            code=str(item).strip().upper()).first()
        if organisation is None:
            raise ValidationError({"recipients": _("No organisation has the code %(code)s.") % {"code": item}})
        if organisation.pk == incident.organisation_id:
            raise ValidationError({"recipients": _("A report is not sent to its own organisation.")})
        if organisation not in organisations:
            organisations.append(organisation)
    if not organisations:
        raise ValidationError({"recipients": _("Choose at least one recipient.")})
    roles = roles or {organisation.pk: role for role, organisation in suggested_recipients(incident)}
    now = timezone.now()
    tokens = {}
    with transaction.atomic():
        deliveries = []
        for organisation in organisations:
            token = secrets.token_urlsafe(32)
            emails = mail_addresses(organisation)
            delivery = Delivery.objects.create(
                report=report, recipient=organisation, recipient_role=roles.get(organisation.pk, "")[:32],
                emails=", ".join(emails)[:1000], status=DeliveryStatus.IN_APP, sent_at=now, sent_by=stored_user(user),
                ack_token_hash=_sha(token.encode()))
            tokens[delivery.pk] = token
            deliveries.append(delivery)
            evidence.record(delivery, kind="incident_report", organisation=incident.organisation,
                            occurred_on=timezone.localdate(now),
                            title=f"{report.title} → {organisation.code}", recorded_by=stored_user(user))
        note(incident, _("%(title)s v%(version)s sent to %(recipients)s.") % {
            "title": report.title, "version": report.version,
            "recipients": ", ".join(o.code for o in organisations)}, kind=TimelineKind.DELIVERY, user=user)
    for delivery in deliveries:
        _mail(delivery, tokens[delivery.pk], base_url)
    return deliveries


def _mail(delivery, token, base_url=None):
    if not delivery.emails:
        return
    report = delivery.report
    incident = report.incident
    base = (base_url or settings.ATTT_BASE_URL).rstrip("/")
    prefix = documents.KINDS[report.kind].get("subject_prefix", "")
    subject = " ".join(part for part in (prefix, f"{report.title} – {incident.reference}") if part)
    body = _("%(sender)s sends you “%(title)s” (version %(version)s) about incident %(reference)s, "
             "detected %(detected)s.\n\nThe report is attached (DOCX and PDF). It is also in your "
             "organisation's incident inbox in ATTT:\n%(inbox)s\n\nPlease acknowledge receipt here "
             "(one-time link):\n%(ack)s\n") % {
        "sender": incident.organisation.name_vi, "title": report.title, "version": report.version,
        "reference": incident.reference, "detected": report.content.get("detected_at", ""),
        "inbox": base + reverse("incident-inbox"), "ack": base + reverse("incident-ack-link", args=[token])}
    message_id, error = mailing.send(
        subject, body, [e.strip() for e in delivery.emails.split(",") if e.strip()],
        [mailing.stored_attachment(report.docx, DOCX_TYPE), mailing.stored_attachment(report.pdf, "application/pdf")])
    status = DeliveryStatus.MAIL_FAILED if error else DeliveryStatus.SENT
    Delivery.objects.filter(pk=delivery.pk).update(status=status, error=error, message_id=message_id[:255])
    delivery.status, delivery.error, delivery.message_id = status, error, message_id


# --- acknowledgement -------------------------------------------------------------------------

def can_acknowledge(user, delivery) -> bool:
    return scope_for(user).can(Permission.ACKNOWLEDGE_REPORTS, delivery.recipient)


def _acknowledge(delivery, *, user=None, name="", via="app"):
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update(of=("self",)).select_related("report__incident").get(pk=delivery.pk)
        if delivery.acknowledged_at is not None:
            raise ValidationError(_("This report was already acknowledged."))
        delivery.acknowledged_at = timezone.now()
        delivery.acknowledged_by = user
        delivery.acknowledged_name = (name or (user.get_full_name() or user.username if user else ""))[:255]
        delivery.acknowledged_via = via
        delivery.ack_token_hash = ""  # the link works once
        delivery.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledged_name",
                                     "acknowledged_via", "ack_token_hash"])
        note(delivery.report.incident, _("%(recipient)s acknowledged %(title)s v%(version)s (%(name)s).") % {
            "recipient": delivery.recipient.code, "title": delivery.report.title,
            "version": delivery.report.version, "name": delivery.acknowledged_name},
            kind=TimelineKind.ACKNOWLEDGED, user=user)
    return delivery


def acknowledge(user, delivery):
    if not can_acknowledge(user, delivery):
        raise PermissionDenied(_("Only the receiving organisation acknowledges this report."))
    return _acknowledge(delivery, user=user, via="app")


def delivery_for_token(token):
    if not token:
        return None
    return (Delivery.objects.filter(ack_token_hash=_sha(token.encode()), acknowledged_at__isnull=True)
            .select_related("report__incident__organisation", "recipient").first())


def acknowledge_by_token(token, name):
    delivery = delivery_for_token(token)
    if delivery is None:
        raise ValidationError(_("This acknowledgement link is not valid or was already used."))
    if not (name or "").strip():
        raise ValidationError({"name": _("Give your name.")})
    return _acknowledge(delivery, name=name.strip(), via="link")
