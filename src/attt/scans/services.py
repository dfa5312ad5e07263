"""Scans: start an import, run it, triage findings, assign unmatched hosts, set fix deadlines.

Views, the API, the CLI and the huey task all come through here.
"""

from __future__ import annotations

import hashlib
import logging
import os
from datetime import date, timedelta
from pathlib import Path, PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attt.inventory import services as inventory
from attt.inventory.models import InformationSystem
from attt.tenancy import audit
from attt.tenancy.roles import Permission
from attt.tenancy.scoping import scope_for

from . import deadlines, progress
from .importer import Importer
from .models import (
    Finding,
    FindingStatus,
    FixDeadline,
    ImportStatus,
    ScanImport,
    Severity,
    UnmatchedHost,
)
from .parsers import ParseError

log = logging.getLogger(__name__)
CHUNK = 1024 * 1024


def max_report_bytes() -> int:
    return int(getattr(settings, "ATTT_SCAN_MAX_BYTES", 2 * 1024 ** 3))


def reports_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "scans" / "reports"


# --- starting and running imports -----------------------------------------------------------

def check_target(user, organisation, system=None):
    """Refuse an import the user may not make; returns the organisation the import belongs to."""
    scope = scope_for(user)
    if system is not None:
        if not InformationSystem.objects.visible_to(user).filter(pk=system.pk).exists():
            raise PermissionDenied(_("You may not import scans for this system."))
        organisation = organisation or system.owner
        if not (scope.can(Permission.IMPORT_SCANS, system.owner) or scope.can(Permission.IMPORT_SCANS, system.operator)):
            raise PermissionDenied(_("You may not import scans for this system."))
        if not (system.owner.is_within(organisation) or system.operator.is_within(organisation)):
            raise ValidationError({"system": _("The system does not belong to the chosen organisation.")})
    if organisation is None:
        raise ValidationError({"organisation": _("Choose the organisation or the system the scan covers.")})
    if not scope.can(Permission.IMPORT_SCANS, organisation):
        raise PermissionDenied(_("You may not import scans for %(org)s.") % {"org": organisation.code})
    return organisation


def store_report(source, name: str) -> dict:
    """Copy an uploaded or local report into the report store, hashing it on the way.

    ``source`` is a path or an open binary file. The copy streams in 1 MiB chunks; the size limit
    is enforced while copying, so an oversized file never fills the disk.
    """
    limit = max_report_bytes()
    directory = reports_dir() / "incoming"
    directory.mkdir(parents=True, exist_ok=True)
    temporary = directory / f"{os.getpid()}-{timezone.now().timestamp()}.part"
    digest, size = hashlib.sha256(), 0
    handle = open(source, "rb") if isinstance(source, (str, Path)) else source
    try:
        with open(temporary, "wb") as out:
            while chunk := handle.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise ValidationError({"file": _("The report is larger than the %(limit)s MB limit.") % {
                        "limit": limit // (1024 * 1024)}})
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    finally:
        if handle is not source:
            handle.close()
    sha = digest.hexdigest()
    suffix = PurePath(name).suffix.lower()[:12]
    final = reports_dir() / sha[:2] / f"{sha}{suffix}"
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists():
        temporary.unlink()
    else:
        os.replace(temporary, final)
    return {"stored_path": str(final.relative_to(settings.MEDIA_ROOT)), "size": size, "sha256": sha,
            "original_name": PurePath(name).name[:255] or "report"}


def create_import(user, *, source, name: str, organisation=None, system=None, requested_format="") -> ScanImport:
    """Store the report and queue its import (nothing is parsed yet)."""
    organisation = check_target(user, organisation, system)
    if requested_format:
        from . import parsers

        try:
            parsers.by_name(requested_format)
        except ParseError as exc:
            raise ValidationError({"format": str(exc)}) from None
    stored = store_report(source, name)
    if not stored["size"]:
        raise ValidationError({"file": _("The file is empty.")})
    return ScanImport.objects.create(organisation=organisation, system=system, uploaded_by=audit.stored_user(user),
                                     requested_format=requested_format, **stored)


def queue(scan_import: ScanImport):
    """Run the import on the task worker once the row is committed."""
    from .tasks import import_scan

    transaction.on_commit(lambda: import_scan(scan_import.pk))


def report_path(scan_import: ScanImport) -> Path:
    return Path(settings.MEDIA_ROOT) / scan_import.stored_path


def run_import(scan_import_id: int, echo=None) -> ScanImport:
    """Parse and persist one queued import. Atomic: on any error nothing of it is stored, and the
    ledger row says why (a ParseError's message is shown as is)."""
    scan = ScanImport.objects.select_related("organisation", "system", "system__owner", "uploaded_by").get(
        pk=scan_import_id)
    if scan.status not in (ImportStatus.QUEUED, ImportStatus.FAILED):
        return scan
    ScanImport.objects.filter(pk=scan.pk).update(status=ImportStatus.RUNNING, started_at=timezone.now(), error="")
    scan.status, scan.started_at = ImportStatus.RUNNING, timezone.now()
    path = report_path(scan)
    writer = progress.ProgressWriter(scan.pk, path, scan.size, echo=echo)
    try:
        with audit.acting_as(scan.uploaded_by, "scan import"):
            Importer(scan, progress=writer).run(path)
    except (ParseError, ValidationError) as exc:
        message = str(exc) if isinstance(exc, ParseError) else "; ".join(exc.messages)
        _fail(scan, message)
        return scan
    except Exception:
        log.exception("scan import %s failed", scan.pk)
        _fail(scan, _("The import failed because of an internal error; nothing was stored. "
                      "The administrator can find the details in the server log."))
        raise
    finally:
        progress.clear(scan.pk)
    ScanImport.objects.filter(pk=scan.pk).update(status=ImportStatus.DONE, finished_at=timezone.now())
    scan.refresh_from_db()
    return scan


def _fail(scan, message):
    ScanImport.objects.filter(pk=scan.pk).update(status=ImportStatus.FAILED, error=message[:4000],
                                                 finished_at=timezone.now())
    scan.refresh_from_db()


def import_file(user, path, *, organisation=None, system=None, requested_format="", echo=None) -> ScanImport:
    """Store and import a local file now (the CLI), in this process."""
    with open(path, "rb") as handle:
        scan = create_import(user, source=handle, name=Path(path).name, organisation=organisation,
                             system=system, requested_format=requested_format)
    return run_import(scan.pk, echo=echo)


def delete_import_file(scan_import: ScanImport):
    """Remove a stored report no other import shares (used when an import row is deleted)."""
    if not ScanImport.objects.filter(sha256=scan_import.sha256).exclude(pk=scan_import.pk).exists():
        report_path(scan_import).unlink(missing_ok=True)


# --- triage -------------------------------------------------------------------------------

def change_status(user, findings, status: str, *, note: str = "", risk_expires_on: date | None = None) -> int:
    """Set the status of findings (one or many), recording who and when; returns how many changed."""
    if status not in FindingStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    # Rights first: someone who may not act learns nothing from the validation messages.
    permission = Permission.ACCEPT_RISK if status == FindingStatus.ACCEPTED_RISK else Permission.TRIAGE_FINDINGS
    ids = [f.pk for f in findings] if not hasattr(findings, "values_list") else list(findings.values_list("pk", flat=True))
    allowed = Finding.objects.editable_by(user, permission).filter(pk__in=ids)
    if allowed.count() != len(set(ids)):
        raise PermissionDenied(_("You may not change some of these findings."))
    note = (note or "").strip()
    today = timezone.localdate()
    if status == FindingStatus.ACCEPTED_RISK:
        if risk_expires_on is None or risk_expires_on <= today:
            raise ValidationError({"risk_expires_on": _("An accepted risk needs an expiry date in the future.")})
        if risk_expires_on > today + timedelta(days=366):
            raise ValidationError({"risk_expires_on": _("A risk is accepted for one year at most; review it then.")})
    if status in (FindingStatus.ACCEPTED_RISK, FindingStatus.FALSE_POSITIVE) and not note:
        raise ValidationError({"note": _("Say why: the reason is kept with the finding.")})
    now, changed = timezone.now(), 0
    with transaction.atomic(), audit.batch():
        for finding in allowed.select_related("system", "system__owner"):
            if finding.status == status and status != FindingStatus.ACCEPTED_RISK:
                continue
            finding.status, finding.status_changed_at, finding.status_changed_by = status, now, user
            finding.status_note = note
            finding.closed_on = today if status == FindingStatus.FIXED else None
            finding.risk_expires_on = risk_expires_on if status == FindingStatus.ACCEPTED_RISK else None
            finding.risk_approved_by = user if status == FindingStatus.ACCEPTED_RISK else None
            finding.save()
            changed += 1
    return changed


def expire_accepted_risks(on: date | None = None) -> int:
    """Accepted risks past their expiry are open again, with a new fix deadline from today."""
    on = on or timezone.localdate()
    policy = deadlines.DeadlinePolicy()
    count = 0
    with transaction.atomic(), audit.acting_as(None, "risk expiry"), audit.batch():
        for finding in Finding.objects.filter(status=FindingStatus.ACCEPTED_RISK, risk_expires_on__lt=on).select_related(
                "system", "system__owner"):
            finding.status, finding.status_changed_at, finding.status_changed_by = FindingStatus.OPEN, timezone.now(), None
            finding.status_note = _("The accepted risk expired on %(day)s.") % {"day": finding.risk_expires_on}
            finding.due_on = policy.due_on(finding.system, finding.severity, on)
            finding.save()
            count += 1
    return count


# --- unmatched hosts and fix deadlines ------------------------------------------------------------

def assign_host(user, unmatched: UnmatchedHost, system: InformationSystem):
    """Add the scanned host to a system's inventory; the next import matches it."""
    if not system.owner.is_within(unmatched.organisation) and not system.operator.is_within(unmatched.organisation):
        raise ValidationError({"system": _("Choose a system of %(org)s.") % {"org": unmatched.organisation.code}})
    text = " ".join(part for part in (unmatched.host_fqdn, unmatched.host_ip) if part)
    with transaction.atomic():
        inventory.add_host(user, system, text)
        unmatched.delete()


def set_fix_deadlines(user, organisation, cells: dict) -> int:
    """Store an organisation's deadlines ({(severity, level): days or None}); cells equal to what the
    organisation would inherit are not stored. Open findings in the subtree get the new deadlines."""
    if not scope_for(user).can(Permission.MANAGE_FIX_POLICY, organisation):
        raise PermissionDenied(_("You may not set fix deadlines for %(org)s.") % {"org": organisation.code})
    errors = {}
    for (severity, level), days in cells.items():
        if severity not in Severity.values or level not in deadlines.LEVELS:
            errors[f"{severity}_{level}"] = _("Unknown cell.")
        elif days is not None and not 1 <= days <= 3650:
            errors[f"{severity}_{level}"] = _("Give between 1 and 3650 days, or leave empty for no deadline.")
    if errors:
        raise ValidationError(errors)
    parent = organisation.parent
    inherited = deadlines.table_for(parent) if parent is not None else {
        cell: (days, None) for cell, days in deadlines.defaults().items()}
    with transaction.atomic():
        for (severity, level), days in cells.items():
            if inherited[(severity, level)][0] == days:
                FixDeadline.objects.filter(organisation=organisation, severity=severity, level=level).delete()
            else:
                FixDeadline.objects.update_or_create(organisation=organisation, severity=severity, level=level,
                                                     defaults={"days": days})
        return reapply_deadlines(organisation)


def reapply_deadlines(organisation) -> int:
    """Recompute the deadline of every open finding in the subtree (from the day it was first seen,
    or reopened)."""
    policy = deadlines.DeadlinePolicy()
    open_findings = Finding.objects.within(organisation).filter(status=FindingStatus.OPEN).select_related(
        "system", "system__owner").only("pk", "severity", "first_seen_on", "status_changed_at", "reopened_count",
                                        "due_on", "system")
    changes = []
    for finding in open_findings.iterator(chunk_size=2000):
        start = finding.first_seen_on
        if finding.reopened_count and finding.status_changed_at:
            start = timezone.localtime(finding.status_changed_at).date()
        due = policy.due_on(finding.system, finding.severity, start)
        if due != finding.due_on:
            finding.due_on = due
            changes.append(finding)
    Finding.objects.bulk_update(changes, ["due_on"], batch_size=500)
    return len(changes)
