"""Business rules of the obligations room that people act on: a subject's duty list (computed live,
with history), hand-uploaded evidence, manual events and calendar feeds."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attt import uploads
from attt.tenancy.roles import Permission
from attt.tenancy.scoping import scope_for

from . import engine, evidence, subjects
from .catalogue import catalogue
from .models import CalendarFeed, Evidence, EvidenceDocument, SubjectEvent

# Events a person may record by hand; the others come from the rooms that detect them.
MANUAL_EVENTS = ("authority_request", "wide_area_incident", "incident", "serious_incident")


@dataclass
class DutyLine:
    duty: object
    outcome: engine.Outcome
    evidence: list

    @property
    def applicable(self):
        return self.outcome.status != engine.NOT_APPLICABLE


def _lines(key, values, snapshot, subject, on, rows):
    by_id = {row.pk: row for row in rows}
    lines = []
    for duty in catalogue().for_subject(subject):
        proofs = snapshot.proofs_for(key, duty)
        outcome = snapshot.evaluate(key, values, duty, on)
        accepted = [by_id[proof.id] for proof in sorted(proofs, key=lambda p: p.occurred_on, reverse=True)
                    if proof.id in by_id]
        lines.append(DutyLine(duty, outcome, accepted))
    lines.sort(key=lambda line: (engine.SEVERITY[line.outcome.status],
                                 line.outcome.next_due or datetime.date.max, line.duty.id))
    return lines


def system_duties(system, on=None):
    """Every duty of the catalogue for ``system``: status, next due, proof and history, live."""
    on = on or timezone.localdate()
    snapshot = subjects.load({system.pk}, set())
    if system.pk not in snapshot.systems:  # retired: nothing is owed any more
        return []
    rows = Evidence.objects.filter(system=system).select_related("recorded_by", "document")
    return _lines(subjects.system_key(system.pk), snapshot.systems[system.pk], snapshot, "system", on, rows)


def organisation_duties(organisation, on=None):
    on = on or timezone.localdate()
    snapshot = subjects.load(set(), {organisation.pk})
    rows = Evidence.objects.filter(organisation=organisation, system__isnull=True).select_related(
        "recorded_by", "document")
    return _lines(subjects.organisation_key(organisation.pk), snapshot.organisations[organisation.pk], snapshot,
                  "organisation", on, rows)


# --- hand-recorded evidence and events ----------------------------------------------------------

def can_record(user, organisation):
    return scope_for(user).can(Permission.RECORD_EVIDENCE, organisation)


def _require_record(user, system, organisation):
    target = system.owner if system is not None else organisation
    allowed = can_record(user, target) or (system is not None and can_record(user, system.operator))
    if not allowed:
        raise PermissionDenied(_("You may not record evidence for this organisation."))


def upload_evidence(user, duty_id, occurred_on, title, upload=None, note="", system=None, organisation=None):
    """A person proves a duty occurrence with a document (or a dated note)."""
    duty = catalogue().by_id.get(duty_id)
    if duty is None:
        raise ValidationError({"duty_id": _("Unknown duty: %(duty)s.") % {"duty": duty_id}})
    if (duty.subject == "system") != (system is not None):
        raise ValidationError({"duty_id": _("This duty applies to an organisation, not a system.")
                               if system is not None else _("This duty applies to an information system.")})
    _require_record(user, system, organisation)
    errors = {}
    if occurred_on is None:
        errors["occurred_on"] = [_("Give the date of the evidence.")]
    elif occurred_on > timezone.localdate():
        errors["occurred_on"] = [_("The date of the evidence cannot be in the future.")]
    if not (title or "").strip():
        errors["title"] = [_("Give the evidence a title.")]
    if errors:
        raise ValidationError(errors)
    stored = uploads.check_and_store(upload) if upload is not None else None
    with transaction.atomic():
        row = evidence.record(kind=duty.evidence_kinds[0], duty_id=duty.id, occurred_on=occurred_on,
                              title=title.strip(), note=note, system=system, organisation=organisation,
                              recorded_by=user)
        if stored is not None:
            EvidenceDocument.objects.create(evidence=row, **stored)
    return row


def withdraw_evidence(user, row, reason):
    _require_record(user, row.system, row.organisation)
    if row.withdrawn_at is not None:
        raise ValidationError(_("This evidence is already withdrawn."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the evidence is withdrawn.")})
    evidence.withdraw(evidence=row, reason=reason.strip())
    row.refresh_from_db()
    return row


def record_manual_event(user, kind, occurred_on, description, system=None, organisation=None):
    if kind not in MANUAL_EVENTS:
        raise ValidationError({"kind": _("This event cannot be recorded by hand.")})
    _require_record(user, system, organisation)
    if occurred_on is None or occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("Give the date of the event (not in the future).")})
    return evidence.record_event(kind, occurred_on=occurred_on, system=system, organisation=organisation,
                                 description=description or "")


def events_of(system=None, organisation=None):
    rows = SubjectEvent.objects.all()
    return rows.filter(system=system) if system is not None else rows.filter(organisation=organisation,
                                                                             system__isnull=True)


# --- calendar feeds --------------------------------------------------------------------------

def create_feed(user, organisation=None):
    """A secret feed URL: a person's (everything they may see) or one organisation's subtree."""
    if organisation is not None and not scope_for(user).can(Permission.VIEW, organisation):
        raise PermissionDenied(_("You may not see this organisation."))
    return CalendarFeed.objects.create(user=user, organisation=organisation)


def revoke_feed(user, feed):
    if feed.user_id != user.pk:
        raise PermissionDenied(_("Only the person who created a feed may revoke it."))
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
    return feed


def feed_by_token(token):
    """The live feed for a token, or None (unknown, revoked, or its owner is no longer active)."""
    feed = (CalendarFeed.objects.filter(token=token, revoked_at__isnull=True, user__is_active=True)
            .select_related("user", "organisation").first())
    return feed
