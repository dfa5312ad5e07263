"""Incident cases: opening, editing, timeline, tasks and follow-ups, responders, indicators,
evidence files. Delivery of reports lives in ``delivery.py``. No HTTP here.

Rights: the owner organisation's subtree holders with ``handle_incidents`` work the case; an
assigned responder (possibly of another organisation) works that one case too. Everything a case
changes is one transaction; the obligations engine hears of the incident (``incident`` event,
``serious_incident`` for the affected systems once the QĐ 05 Art 9 test holds).
"""

from __future__ import annotations

import datetime
import hashlib
from pathlib import PurePath
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attt.inventory.models import InformationSystem
from attt.levels.checklist import checklist_level
from attt.obligations import evidence
from attt.obligations.models import SubjectEvent
from attt.tenancy.audit import stored_user
from attt.tenancy.models import Organisation
from attt.tenancy.roles import Permission
from attt.tenancy.scoping import scope_for

from . import clocks, indicators
from .catalogue import impact_choices
from .models import (
    DetectionMethod,
    Handling,
    Incident,
    IncidentFile,
    IncidentResponder,
    IncidentSeverity,
    IncidentStatus,
    IncidentSystem,
    IncidentTask,
    IncidentType,
    Indicator,
    IndicatorKind,
    TaskKind,
    TimelineEvent,
    TimelineKind,
    Tlp,
)

TEXT_FIELDS = ("title", "description", "reporter_name", "reporter_title", "reporter_phone", "reporter_email",
               "detection_method", "damage", "cause", "source_tracing", "measures", "public_statement",
               "lessons_learned", "support_requested", "pd_categories", "pd_volume", "pd_contact",
               "pd_consequences", "helping_organisations")
FLAG_FIELDS = ("personal_data", "harm_national_security", "serious_disruption", "beyond_capability",
               "complex_case", "confidential", "national_help_requested")
ENDED_STATUSES = (IncidentStatus.RECOVERED, IncidentStatus.CLOSED)
MAX_FILE_BYTES_DEFAULT = 200 * 1024 * 1024


# --- rights ----------------------------------------------------------------------------------

def can_handle(user, incident) -> bool:
    return Incident.objects.visible_to(user, Permission.HANDLE_INCIDENTS).filter(pk=incident.pk).exists()


def require_handle(user, incident):
    if not can_handle(user, incident):
        raise PermissionDenied(_("You may not work on this incident."))


def sees_case(user, incident_id) -> bool:
    """Whether the user sees the case itself (a report's recipient sees only the report)."""
    return Incident.objects.visible_to(user).filter(pk=incident_id).exists()


def can_send(user, incident) -> bool:
    return scope_for(user).can(Permission.SEND_INCIDENT_REPORTS, incident.organisation)


# --- reading ---------------------------------------------------------------------------------

def system_levels(incident, links=None) -> dict:
    """{system id: level or None} of the affected systems; ``links`` when the caller prefetched them."""
    if links is None:
        links = incident.affected.select_related("system__level_status")
    return {link.system_id: checklist_level(link.system)[0] for link in links}


def clock_states(incident, now=None):
    from .models import Delivery

    deliveries = list(Delivery.objects.filter(report__incident=incident).select_related("report"))
    return clocks.compute(incident, deliveries, system_levels(incident), now=now)


def serious_test(incident):
    return clocks.serious(incident, system_levels(incident))


# --- validation ------------------------------------------------------------------------------

def parse_detected_at(value, time_zone) -> datetime.datetime:
    """T0 from an aware datetime, or a naive one / 'YYYY-MM-DDTHH:MM' read in ``time_zone``."""
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError({"detected_at": _("Give the detection time as YYYY-MM-DD HH:MM.")}) from None
    if not isinstance(value, datetime.datetime):
        raise ValidationError({"detected_at": _("Give the detection time (T0).")})
    if timezone.is_naive(value):
        value = value.replace(tzinfo=ZoneInfo(time_zone))
    if value > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"detected_at": _("The detection time cannot be in the future.")})
    return value


def _time_zone(name):
    name = (name or "").strip() or "Asia/Ho_Chi_Minh"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError({"time_zone": _("Unknown time zone: %(zone)s.") % {"zone": name}}) from None
    return name


def _clean(data: dict, current=None) -> dict:
    """The case fields of ``data`` checked; only keys present are returned (partial updates)."""
    errors, cleaned = {}, {}
    for name in TEXT_FIELDS:
        if name in data:
            cleaned[name] = str(data[name] or "").strip()
    for name in FLAG_FIELDS:
        if name in data:
            cleaned[name] = bool(data[name]) and data[name] not in ("0", "false", "off")
    zone = current.time_zone if current else "Asia/Ho_Chi_Minh"
    if "time_zone" in data:
        try:
            zone = cleaned["time_zone"] = _time_zone(data["time_zone"])
        except ValidationError as error:
            errors.update(error.message_dict)
    if "detected_at" in data:
        try:
            cleaned["detected_at"] = parse_detected_at(data["detected_at"], zone)
        except ValidationError as error:
            errors.update(error.message_dict)
    choices = {"incident_type": IncidentType, "severity": IncidentSeverity, "status": IncidentStatus}
    for name, enum in choices.items():
        if name in data:
            if data[name] not in enum.values:
                errors[name] = [_("Choose one of the listed values.")]
            else:
                cleaned[name] = data[name]
    if "handling" in data:
        if data["handling"] not in ("", None, *Handling.values):
            errors["handling"] = [_("Choose one of the listed values.")]
        else:
            cleaned["handling"] = data["handling"] or ""
    if "estimated_damage_vnd" in data:
        value = str(data["estimated_damage_vnd"] if data["estimated_damage_vnd"] is not None else "").strip()
        value = value.replace(".", "").replace(",", "").replace(" ", "")
        if not value:
            cleaned["estimated_damage_vnd"] = None
        elif not value.isdigit():
            errors["estimated_damage_vnd"] = [_("Give the estimated damage as a whole number of đồng.")]
        else:
            cleaned["estimated_damage_vnd"] = int(value)
    if cleaned.get("detection_method") and cleaned["detection_method"] not in DetectionMethod.values:
        errors["detection_method"] = [_("Choose one of the listed values.")]
    if "impacts" in data:
        known = {impact for impact, _title in impact_choices()}
        impacts = list(dict.fromkeys(data["impacts"] or []))
        if set(impacts) - known:
            errors["impacts"] = [_("Unknown impact: %(names)s.") % {"names": ", ".join(sorted(set(impacts) - known))}]
        cleaned["impacts"] = impacts
    if "response_ended_at" in data:
        value = data["response_ended_at"]
        if value in (None, ""):
            cleaned["response_ended_at"] = None
        else:
            try:
                cleaned["response_ended_at"] = parse_detected_at(value, zone)
            except ValidationError:
                errors["response_ended_at"] = [_("Give the end of the response as YYYY-MM-DD HH:MM, not in the future.")]
    for name in ("title", "reporter_name"):
        if name in cleaned and not cleaned[name]:
            errors[name] = [_("This field is required.")]
    if cleaned.get("reporter_email"):
        from django.core.validators import validate_email

        try:
            validate_email(cleaned["reporter_email"])
        except ValidationError:
            errors["reporter_email"] = [_("Enter a valid e-mail address.")]
    detected = cleaned.get("detected_at") or (current.detected_at if current else None)
    ended = cleaned.get("response_ended_at", current.response_ended_at if current else None)
    if detected and ended and ended < detected:
        errors["response_ended_at"] = [_("The response cannot end before the incident was detected.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _systems(user, organisation, system_ids) -> list:
    ids = {int(pk) for pk in system_ids or []}
    if not ids:
        return []
    systems = list(InformationSystem.objects.visible_to(user).filter(pk__in=ids))
    inside = [s for s in systems if s.owner.is_within(organisation)
              or (s.operator_id and s.operator.is_within(organisation))]
    if len(inside) != len(ids):
        raise ValidationError({"systems": _("Choose information systems of this organisation that you can see.")})
    return inside


def _reference(detected_at) -> str:
    year = detected_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).year
    prefix = f"SC-{year}-"
    last = (Incident.objects.filter(reference__startswith=prefix).order_by("-reference")
            .values_list("reference", flat=True).first())
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


# --- the case --------------------------------------------------------------------------------

def note(incident, text, *, kind=TimelineKind.NOTE, user=None, at=None):
    return TimelineEvent.objects.create(incident=incident, occurred_at=at or timezone.now(), kind=kind,
                                        text=str(text)[:5000], actor=stored_user(user))


def open_incident(user, organisation, data: dict, system_ids=()) -> Incident:
    if organisation is None or not scope_for(user).can(Permission.HANDLE_INCIDENTS, organisation):
        raise PermissionDenied(_("You may not open incidents for this organisation."))
    required = {"title", "detected_at", "incident_type", "reporter_name"}
    missing = {name: [_("This field is required.")] for name in required if not data.get(name)}
    if missing:
        raise ValidationError(missing)
    cleaned = _clean(data)
    systems = _systems(user, organisation, system_ids)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                incident = Incident.objects.create(organisation=organisation, reference=_reference(cleaned["detected_at"]),
                                                   created_by=stored_user(user), **cleaned)
                IncidentSystem.objects.bulk_create([IncidentSystem(incident=incident, system=s) for s in systems])
                note(incident, _("Incident detected."), kind=TimelineKind.DETECTED, user=user, at=incident.detected_at)
                _record_events(incident)
            return incident
        except IntegrityError:
            continue  # two cases took the same reference number at once: take the next
    raise ValidationError(_("Could not number the incident; try again."))


def file_public_report(organisation, data: dict, uploads=()) -> Incident:
    """A report a member of the public filed through the organisation's intake form: it opens a
    case in the organisation's queue, marked as from the public, with the attachments kept as
    evidence files. The caller (the public room) has already checked the form and the abuse limits."""
    cleaned = _clean({**data, "incident_type": data.get("incident_type") or IncidentType.OTHER,
                      "severity": IncidentSeverity.MEDIUM})
    for name in ("title", "detected_at", "reporter_name"):
        if not cleaned.get(name):
            raise ValidationError({name: [_("This field is required.")]})
    cleaned.setdefault("detection_method", DetectionMethod.USER_REPORT)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                incident = Incident.objects.create(organisation=organisation, from_public=True,
                                                   reference=_reference(cleaned["detected_at"]), **cleaned)
                note(incident, _("Reported by the public through the intake form."), kind=TimelineKind.DETECTED,
                     at=incident.detected_at)
                for upload in uploads:
                    _store_file(incident, upload, "", None)
            return incident
        except IntegrityError:
            continue
    raise ValidationError(_("Could not number the incident; try again."))


def update_incident(user, incident, data: dict, system_ids=None) -> Incident:
    require_handle(user, incident)
    cleaned = _clean(data, current=incident)
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        old_status = incident.status
        for name, value in cleaned.items():
            setattr(incident, name, value)
        if incident.status in ENDED_STATUSES and incident.response_ended_at is None:
            incident.response_ended_at = timezone.now()
        incident.save()
        if system_ids is not None:
            systems = _systems(user, incident.organisation, system_ids)
            incident.affected.exclude(system__in=systems).delete()
            have = set(incident.affected.values_list("system_id", flat=True))
            IncidentSystem.objects.bulk_create([IncidentSystem(incident=incident, system=s)
                                                for s in systems if s.pk not in have])
        if incident.status != old_status:
            note(incident, _("Status: %(old)s → %(new)s.") % {
                "old": IncidentStatus(old_status).label, "new": incident.get_status_display()},
                kind=TimelineKind.STATUS, user=user)
        _record_events(incident)
    return incident


def _record_events(incident):
    """Tell the obligations engine once per case: the incident (Decree 331's 72-hour duty) and,
    once the QĐ 05 Art 9 test holds, a serious incident on each high-level affected system."""
    source_filter = {"source_id": str(incident.pk)}
    day = clocks.detected_day(incident)
    recorded = set(SubjectEvent.objects.filter(**source_filter, kind__in=["incident", "serious_incident"],
                                               source_type__model="incident")
                   .values_list("kind", "system_id"))
    if not any(kind == "incident" for kind, _system in recorded):
        evidence.record_event("incident", organisation=incident.organisation, occurred_on=day,
                              source=incident, description=str(incident))
    test = serious_test(incident)
    if test.result:
        for system_id in test.high_level_systems:
            if ("serious_incident", system_id) not in recorded:
                evidence.record_event("serious_incident", system=InformationSystem.objects.get(pk=system_id),
                                      occurred_on=day, source=incident, description=str(incident))


# --- timeline, tasks, responders -------------------------------------------------------------

def add_note(user, incident, text, occurred_at=None, kind=TimelineKind.NOTE):
    require_handle(user, incident)
    if not (text or "").strip():
        raise ValidationError({"text": _("Write what happened.")})
    if kind not in (TimelineKind.NOTE, TimelineKind.ACTION):
        raise ValidationError({"kind": _("Choose one of the listed values.")})
    at = parse_detected_at(occurred_at, incident.time_zone) if occurred_at else timezone.now()
    return note(incident, text.strip(), kind=kind, user=user, at=at)


def add_task(user, incident, title, *, assignee=None, due_on=None, kind=TaskKind.TASK, owner_organisation=None):
    require_handle(user, incident)
    errors = {}
    if not (title or "").strip():
        errors["title"] = [_("This field is required.")]
    if kind not in TaskKind.values:
        errors["kind"] = [_("Choose one of the listed values.")]
    if isinstance(due_on, str):
        try:
            due_on = datetime.date.fromisoformat(due_on) if due_on else None
        except ValueError:
            errors["due_on"] = [_("Give the date as YYYY-MM-DD.")]
    assignee = _person(assignee, incident, errors)
    if owner_organisation is not None and not isinstance(owner_organisation, Organisation):
        owner_organisation = Organisation.objects.filter(code=str(owner_organisation).strip().upper()).first()
        if owner_organisation is None:
            errors["owner_organisation"] = [_("No organisation has this code.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        task = IncidentTask.objects.create(incident=incident, title=title.strip()[:500], assignee=assignee,
                                           due_on=due_on, kind=kind, owner_organisation=owner_organisation)
        note(incident, _("Task added: %(title)s") % {"title": task.title}, kind=TimelineKind.TASK, user=user)
    return task


def _person(value, incident, errors):
    """A user who may work on the case: by object or user name."""
    if value in (None, ""):
        return None
    User = get_user_model()
    user = value if isinstance(value, User) else User.objects.filter(username=str(value).strip()).first()
    if user is None:
        errors["assignee"] = [_("No user has this name.")]
        return None
    if not can_handle(user, incident):
        errors["assignee"] = [_("This person cannot work on this incident; assign them as a responder first.")]
    return user


def complete_task(user, task, done=True):
    require_handle(user, task.incident)
    with transaction.atomic():
        task.done_at = timezone.now() if done else None
        task.save(update_fields=["done_at"])
        if done:
            note(task.incident, _("Task done: %(title)s") % {"title": task.title}, kind=TimelineKind.TASK, user=user)
    return task


def assign_responder(user, incident, username, role="", provider_code=""):
    """Give one person access to this case only (an outsourced expert, a colleague elsewhere)."""
    if not scope_for(user).can(Permission.HANDLE_INCIDENTS, incident.organisation):
        raise PermissionDenied(_("Only the owner organisation assigns responders."))
    User = get_user_model()
    person = User.objects.filter(username=(username or "").strip(), is_active=True).first()
    if person is None:
        raise ValidationError({"username": _("No active user has this name.")})
    provider = None
    if provider_code:
        provider = Organisation.objects.filter(code=provider_code.strip().upper()).first()
        if provider is None:
            raise ValidationError({"provider": _("No organisation has this code.")})
    with transaction.atomic():
        responder, created = IncidentResponder.objects.get_or_create(
            incident=incident, user=person, defaults={"role": role[:120], "provider": provider})
        if not created:
            raise ValidationError({"username": _("This person is already assigned to the case.")})
        note(incident, _("Responder assigned: %(name)s") % {"name": person.get_full_name() or person.username},
             kind=TimelineKind.ACTION, user=user)
    return responder


def remove_responder(user, responder):
    if not scope_for(user).can(Permission.HANDLE_INCIDENTS, responder.incident.organisation):
        raise PermissionDenied(_("Only the owner organisation assigns responders."))
    with transaction.atomic():
        note(responder.incident, _("Responder removed: %(name)s") % {"name": responder.user.username},
             kind=TimelineKind.ACTION, user=user)
        responder.delete()


# --- indicators and files --------------------------------------------------------------------

def add_indicators(user, incident, items, *, tlp=Tlp.AMBER, source="") -> tuple[int, int]:
    """Store [(kind, value)] or [{"kind", "value", "tlp", "description", "stix_id"}]; returns
    (added, already there). Every value is validated first: one bad value stores nothing."""
    require_handle(user, incident)
    rows, errors = [], []
    for item in items:
        item = item if isinstance(item, dict) else {"kind": item[0], "value": item[1]}
        row_tlp = item.get("tlp") or tlp
        if row_tlp not in Tlp.values:
            errors.append(_("Unknown TLP: %(tlp)s.") % {"tlp": row_tlp})
            continue
        if item.get("kind") not in IndicatorKind.values:
            errors.append(_("Unknown kind of indicator: %(kind)s.") % {"kind": item.get("kind")})
            continue
        try:
            value = indicators.normalise(item["kind"], item.get("value", ""))
        except ValidationError as error:
            errors.extend(error.messages)
            continue
        rows.append(Indicator(incident=incident, kind=item["kind"], value=value, tlp=row_tlp,
                              description=str(item.get("description") or "")[:500], source=source[:120],
                              stix_id=str(item.get("stix_id") or "")[:100]))
    if errors:
        raise ValidationError({"indicators": errors})
    if not rows:
        raise ValidationError({"indicators": [_("Give at least one indicator.")]})
    with transaction.atomic():
        existing = set(incident.indicators.values_list("kind", "value"))
        fresh = list({(row.kind, row.value): row for row in rows if (row.kind, row.value) not in existing}.values())
        Indicator.objects.bulk_create(fresh)
        if fresh:
            note(incident, _("%(count)s indicator(s) of compromise added.") % {"count": len(fresh)},
                 kind=TimelineKind.INDICATOR, user=user)
    return len(fresh), len(rows) - len(fresh)


def max_file_bytes():
    return int(getattr(settings, "ATTT_INCIDENT_FILE_MAX_BYTES", MAX_FILE_BYTES_DEFAULT))


def add_file(user, incident, upload, description="") -> IncidentFile:
    """Keep any kind of evidence (logs, captures, samples): hashed while streamed, stored under its
    SHA-256, and served back only as a download."""
    require_handle(user, incident)
    if upload is None:
        raise ValidationError({"file": _("Choose a file to upload.")})
    if not upload.size:
        raise ValidationError({"file": _("The file is empty.")})
    if upload.size > max_file_bytes():
        raise ValidationError({"file": _("The file is larger than the %(limit)s MB limit.")
                               % {"limit": max_file_bytes() // (1024 * 1024)}})
    return _store_file(incident, upload, description, user)


def _store_file(incident, upload, description, user) -> IncidentFile:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    sha = digest.hexdigest()
    name = PurePath(upload.name or "evidence").name[:255]
    path = f"incidents/{sha[:2]}/{sha}"
    with transaction.atomic():
        if not default_storage.exists(path):
            upload.seek(0)
            default_storage.save(path, upload)
        row = IncidentFile.objects.create(incident=incident, file=path, original_name=name, size=upload.size,
                                          content_type="application/octet-stream", sha256=sha,
                                          description=(description or "")[:500], uploaded_by=stored_user(user))
        note(incident, _("Evidence file added: %(name)s (SHA-256 %(sha)s)") % {"name": name, "sha": sha},
             kind=TimelineKind.FILE, user=user)
    return row
