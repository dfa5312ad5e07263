"""Periodic reports: generate a version, approve it, attach a signature, submit it. No HTTP here.

Each generation freezes the figures (``snapshot.build``) and the three documents with their
SHA-256 into a new version. The head approves a version (who and when go into the signature
block, so the documents are re-rendered once); a detached signature file may be attached; then
the version is submitted to the supervisor (the parent organisation): it is committed first —
frozen, visible in the supervisor's status and consolidation, recorded as evidence for the
obligations engine — and then mailed with its files. A submitted version never changes; a
correction is a new version submitted again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from attt import mailing
from attt.incidents.delivery import mail_addresses
from attt.obligations import evidence
from attt.tenancy.audit import stored_user
from attt.tenancy.models import Organisation
from attt.tenancy.roles import ROLE_PERMISSIONS, Permission, Role
from attt.tenancy.scoping import scope_for

from . import documents, periods, snapshot
from .figures import REPORT_TIME_ZONE
from .models import MailStatus, PeriodicReport, ReportKind, ReportState, Timeliness

LANGUAGES = ("vi", "en")
# Roles that act only for the organisation they are held at, never for the ones below it: the
# regulator writes its own (national) reports, not the organisations'.
OWN_ORGANISATION_ONLY = frozenset({Role.REGULATOR})
SIGNATURE_TYPES = {".p7s": (b"0", b"-----BEGIN"), ".sig": None, ".asc": (b"-----BEGIN PGP SIGNATURE",),
                   ".pdf": (b"%PDF-",)}
SIGNATURE_MAX_BYTES = 5 * 1024 * 1024


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def may(user, permission, organisation) -> bool:
    scope = scope_for(user)
    if scope.is_global:
        return True
    return any(
        permission in ROLE_PERMISSIONS.get(a.role, ())
        and (a.organisation_id == organisation.pk
             or (a.role not in OWN_ORGANISATION_ONLY and organisation.path.startswith(a.organisation.path)))
        for a in scope.assignments)


def _require(user, permission, organisation, message):
    if not may(user, permission, organisation):
        raise PermissionDenied(message)


def parse_period(kind, year, number=None) -> periods.Period:
    """The period of ``kind``; bad input raises ValidationError naming the field."""
    if kind not in ReportKind.values:
        raise ValidationError({"kind": _("Unknown report: %(kind)s. Known: %(known)s.")
                               % {"kind": kind, "known": ", ".join(ReportKind.values)}})
    try:
        year = int(year)
        number = int(number) if number not in (None, "") else None
    except (TypeError, ValueError):
        raise ValidationError({"period": _("The year and period number must be whole numbers.")}) from None
    if not 2000 <= year <= 2100:
        raise ValidationError({"period": _("Give a year between 2000 and 2100.")})
    try:
        return periods.period_for(kind, year, number)
    except ValueError:
        raise ValidationError({"period": _("This report has no period %(number)s in a year.")
                               % {"number": number}}) from None


def _store(report, files: dict):
    folder = f"reports/{report.organisation.code}/{report.kind}-{report.year}-{report.number}"
    for fmt, content in files.items():
        name = documents.filename(report.snapshot, fmt)
        setattr(report, fmt, default_storage.save(f"{folder}/{name}", ContentFile(content)))
        setattr(report, f"{fmt}_sha256", _sha(content))


def _snapshot_sha(data) -> str:
    return _sha(json.dumps(data, sort_keys=True, ensure_ascii=False).encode())


def generate(user, organisation: Organisation, kind, year, number=None, *, language="vi", consolidated=False,
             recommendations="", now=None, progress=None) -> PeriodicReport:
    """A new version of ``organisation``'s report of ``kind`` for the period, computed now."""
    _require(user, Permission.PREPARE_REPORTS, organisation,
             _("You may not prepare this organisation's periodic reports."))
    period = parse_period(kind, year, number)
    if language not in LANGUAGES:
        raise ValidationError({"language": _("Reports are written in Vietnamese or English.")})
    if consolidated and not organisation.children.exists():
        raise ValidationError({"consolidated": _("%(org)s has no organisations under it to consolidate.")
                               % {"org": organisation.code}})
    now = now or timezone.now()
    with transaction.atomic():
        # One numbering at a time per organisation.
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        same = PeriodicReport.objects.filter(organisation=organisation, kind=kind, year=period.year,
                                             number=period.number, consolidated=consolidated)
        version = (same.aggregate(last=Max("version"))["last"] or 0) + 1
        user_name = (user.get_full_name() or user.get_username()) if getattr(user, "pk", None) else ""
        data = snapshot.build(kind, organisation, period, language=language, version=version,
                              generated_by=user_name, now=now, consolidated=consolidated,
                              recommendations=recommendations.strip(), progress=progress)
        report = PeriodicReport(
            organisation=organisation, kind=kind, year=period.year, number=period.number,
            consolidated=consolidated, version=version, language=language,
            title=str(ReportKind(kind).label)[:300], period_label=period.label_vi if language == "vi" else period.label_en,
            due_on=period.due_for(organisation), recommendations=recommendations.strip(), snapshot=data,
            snapshot_sha256=_snapshot_sha(data), generated_by=stored_user(user), generated_at=now)
        _store(report, documents.render(data))
        report.save()
    return report


def _lock(report) -> PeriodicReport:
    return PeriodicReport.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=report.pk)


def approve(user, report, *, now=None) -> PeriodicReport:
    """The head approves the version: name and time go into its signature block."""
    _require(user, Permission.APPROVE_REPORTS, report.organisation,
             _("Only the head of the organisation approves its periodic reports."))
    now = now or timezone.now()
    with transaction.atomic():
        report = _lock(report)
        if report.state != ReportState.DRAFT:
            raise ValidationError(_("This version is %(state)s; only a draft can be approved.")
                                  % {"state": report.get_state_display().lower()})
        report.approved_by = stored_user(user)
        report.approved_name = (user.get_full_name() or user.get_username())[:255]
        report.approved_at = now
        report.snapshot = {**report.snapshot, "approval": snapshot.approval_data(report.approved_name, now)}
        report.snapshot_sha256 = _snapshot_sha(report.snapshot)
        report.state = ReportState.APPROVED
        drafts = [getattr(report, fmt).name for fmt in ("docx", "pdf", "xlsx")]
        _store(report, documents.render(report.snapshot))
        report.save()
        # The draft's documents were never sent anywhere: only the approved ones are kept.
        transaction.on_commit(lambda: [default_storage.delete(name) for name in drafts if name])
    return report


def _check_signature(upload) -> tuple[str, bytes]:
    if upload is None:
        raise ValidationError({"signature": _("Choose the signature file.")})
    name = PurePath(upload.name or "").name
    extension = PurePath(name).suffix.lower()
    if extension not in SIGNATURE_TYPES:
        raise ValidationError({"signature": _("A detached signature is a %(types)s file.")
                               % {"types": ", ".join(sorted(SIGNATURE_TYPES))}})
    if upload.size is not None and upload.size > SIGNATURE_MAX_BYTES:
        raise ValidationError({"signature": _("The signature file is larger than 5 MB.")})
    content = upload.read(SIGNATURE_MAX_BYTES + 1)
    if not content:
        raise ValidationError({"signature": _("The signature file is empty.")})
    if len(content) > SIGNATURE_MAX_BYTES:
        raise ValidationError({"signature": _("The signature file is larger than 5 MB.")})
    magics = SIGNATURE_TYPES[extension]
    if magics is not None and not any(content.startswith(magic) for magic in magics):
        raise ValidationError({"signature": _("The file's content is not a %(ext)s signature.")
                               % {"ext": extension}})
    return name, content


def attach_signature(user, report, upload, *, now=None) -> PeriodicReport:
    """A detached signature (e.g. PKCS#7 .p7s over the PDF) kept with its SHA-256, before submission."""
    _require(user, Permission.APPROVE_REPORTS, report.organisation,
             _("Only the head of the organisation signs its periodic reports."))
    name, content = _check_signature(upload)
    with transaction.atomic():
        report = _lock(report)
        if report.state != ReportState.APPROVED:
            raise ValidationError(_("Sign the approved version before it is submitted."))
        sha = _sha(content)
        path = f"reports/signatures/{sha[:2]}/{sha}{PurePath(name).suffix.lower()}"
        if not default_storage.exists(path):
            path = default_storage.save(path, ContentFile(content))
        report.signature, report.signature_name, report.signature_sha256 = path, name[:255], sha
        report.signature_uploaded_at = now or timezone.now()
        report.save()
    return report


def submit(user, report, *, now=None, base_url=None) -> PeriodicReport:
    """Submit an approved version to the supervisor; frozen from now on."""
    _require(user, Permission.PREPARE_REPORTS, report.organisation,
             _("You may not submit this organisation's periodic reports."))
    now = now or timezone.now()
    with transaction.atomic():
        report = _lock(report)
        if report.state == ReportState.SUBMITTED:
            raise ValidationError(_("This version was already submitted; generate a new version to correct it."))
        if report.state != ReportState.APPROVED:
            raise ValidationError(_("The head of the organisation must approve this version before it is submitted."))
        recipient = report.organisation.parent
        if recipient is None:
            raise ValidationError(_("%(org)s has no supervisor to submit to.") % {"org": report.organisation.code})
        submitted_on = timezone.localtime(now, REPORT_TIME_ZONE).date()
        report.state = ReportState.SUBMITTED
        report.recipient = recipient
        report.submitted_by = stored_user(user)
        report.submitted_at = now
        report.timeliness = Timeliness.ON_TIME if submitted_on <= report.due_on else Timeliness.LATE
        report.mail_to = ", ".join(mail_addresses(recipient))[:1000]
        report.save()
        period = periods.period_for(report.kind, report.year, report.number)
        for kind in period.evidence_kinds:
            evidence.record(report, kind=kind, organisation=report.organisation, occurred_on=submitted_on,
                            title=f"{report.title} · {report.period_label} v{report.version}",
                            recorded_by=stored_user(user))
    _mail(report, base_url)
    return report


def _mail(report, base_url=None):
    if not report.mail_to:
        PeriodicReport.objects.filter(pk=report.pk).update(mail_status=MailStatus.NO_ADDRESS)
        report.mail_status = MailStatus.NO_ADDRESS
        return
    base = (base_url or settings.ATTT_BASE_URL).rstrip("/")
    subject = f"[ATTT] {report.organisation.code} – {report.title} – {report.period_label} (v{report.version})"
    body = _("%(sender)s submits “%(title)s”, %(period)s, version %(version)s, approved by %(approver)s.\n\n"
             "The report is attached (PDF, DOCX, XLSX). It is also in ATTT:\n%(url)s\n") % {
        "sender": report.organisation.name_vi, "title": report.title, "period": report.period_label,
        "version": report.version, "approver": report.approved_name, "url": base + report.get_absolute_url()}
    attachments = [mailing.stored_attachment(getattr(report, fmt), documents.CONTENT_TYPES[fmt])
                   for fmt in ("pdf", "docx", "xlsx")]
    if report.signature:
        attachments.append(mailing.stored_attachment(report.signature, "application/octet-stream",
                                                     report.signature_name))
    message_id, error = mailing.send(subject, body, [e.strip() for e in report.mail_to.split(",") if e.strip()],
                                     attachments)
    status = MailStatus.FAILED if error else MailStatus.SENT
    PeriodicReport.objects.filter(pk=report.pk).update(mail_status=status, mail_error=error,
                                                       message_id=message_id[:255])
    report.mail_status, report.mail_error, report.message_id = status, error, message_id


def discard(user, report):
    """Delete a version that was never submitted."""
    _require(user, Permission.PREPARE_REPORTS, report.organisation,
             _("You may not prepare this organisation's periodic reports."))
    with transaction.atomic():
        report = _lock(report)
        if report.state == ReportState.SUBMITTED:
            raise ValidationError(_("A submitted report is kept as it was sent; generate a new version to correct it."))
        report.delete()

