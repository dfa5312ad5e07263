"""The one small interface through which other rooms prove duties.

A room that produces proof (a scan import, an approved plan, a drill, an audit, a report sent)
records it by *kind* — the catalogue (``catalogue/evidence-kinds.yaml``) decides which duties a
kind satisfies — and withdraws it when its object is deleted or annulled::

    from attt.obligations import evidence

    evidence.record(import_run, kind="vulnerability_scan", system=system,
                    occurred_on=import_run.scanned_on, title=f"Scan {import_run}")
    evidence.withdraw(import_run)                       # e.g. the import was deleted
    evidence.record_event("serious_incident", system=system, occurred_on=case.detected_on,
                          source=case, description=case.title)

Recording is idempotent per (source, kind, system or organisation): recording again updates the
row. The duty statuses of the subjects concerned are recomputed when the transaction commits.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import recompute
from .catalogue import catalogue
from .models import Evidence, SubjectEvent


def _source(source):
    if source is None:
        return None, ""
    return ContentType.objects.get_for_model(source, for_concrete_model=False), str(source.pk)


def _subject(system, organisation):
    if system is None and organisation is None:
        raise ValidationError(_("Evidence belongs to an information system or an organisation."))
    return system, organisation if organisation is not None else system.owner


def _changed(system, organisation):
    recompute.mark_changed([system.pk] if system else [], [] if system else [organisation.pk])


def record(source=None, *, kind, occurred_on, title, system=None, organisation=None, duty_id="", note="",
           recorded_by=None):
    """Record (or update) evidence of ``kind`` for a system or an organisation; returns the row."""
    duties = catalogue()
    if kind not in duties.evidence_kinds:
        raise ValidationError({"kind": _("Unknown kind of evidence: %(kind)s.") % {"kind": kind}})
    if duty_id and (duty_id not in duties.by_id or kind not in duties.by_id[duty_id].evidence_kinds):
        raise ValidationError({"duty_id": _("This duty does not accept this kind of evidence.")})
    if occurred_on is None:
        raise ValidationError({"occurred_on": _("Give the date of the evidence.")})
    system, organisation = _subject(system, organisation)
    source_type, source_id = _source(source)
    values = {"occurred_on": occurred_on, "title": str(title)[:500], "note": note, "duty_id": duty_id,
              "withdrawn_at": None, "withdrawn_reason": ""}
    with transaction.atomic():
        row = None
        if source_type is not None:
            row = Evidence.objects.filter(source_type=source_type, source_id=source_id, kind=kind,
                                          system=system, organisation=organisation).first()
        if row is None:
            row = Evidence.objects.create(source_type=source_type, source_id=source_id, kind=kind, system=system,
                                          organisation=organisation, recorded_by=recorded_by, **values)
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
        _changed(system, organisation)
    return row


def withdraw(source=None, *, evidence=None, reason=""):
    """Withdraw the evidence recorded for ``source`` (or one row): it no longer proves anything,
    but stays on record for the history."""
    if (source is None) == (evidence is None):
        # Without this, withdraw() would match every row recorded without a source (all uploads).
        raise ValueError("withdraw needs exactly one of a source object or an evidence row")
    rows = Evidence.objects.filter(withdrawn_at__isnull=True)
    if evidence is not None:
        rows = rows.filter(pk=evidence.pk)
    else:
        source_type, source_id = _source(source)
        rows = rows.filter(source_type=source_type, source_id=source_id)
    with transaction.atomic():
        touched = list(rows.select_related("system", "organisation"))
        for row in touched:
            row.withdrawn_at, row.withdrawn_reason = timezone.now(), reason[:500]
            row.save(update_fields=["withdrawn_at", "withdrawn_reason"])
            _changed(row.system, row.organisation)
    return len(touched)


def record_event(kind, *, occurred_on, system=None, organisation=None, description="", source=None):
    """Record an event that re-opens duties (``events`` in ``evidence-kinds.yaml``)."""
    if kind not in catalogue().events:
        raise ValidationError({"kind": _("Unknown event: %(kind)s.") % {"kind": kind}})
    system, organisation = _subject(system, organisation)
    source_type, source_id = _source(source)
    with transaction.atomic():
        event = SubjectEvent.objects.create(kind=kind, occurred_on=occurred_on, system=system,
                                            organisation=organisation, description=description[:500],
                                            source_type=source_type, source_id=source_id)
        _changed(system, organisation)
    return event
