"""Classification and the level-dossier workflow: who may do each step, the legal clocks, and the
approved-level status of every system. No HTTP here; views, the API and the CLI call these.

drafting → submitted → appraised → approved, or returned (with a reason) → submitted again.
Who appraises and approves, the parts a dossier needs and the time limits are read from the
procedure catalogue of the dossier's regime (``procedure.py``), never decided here.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from attt import languages, uploads, workdays
from attt.tenancy.models import Organisation, OrganisationKind
from attt.tenancy.roles import ROLE_PERMISSIONS, Permission
from attt.tenancy.scoping import scope_for

from . import classification as engine
from .models import (
    ApprovalDecision,
    ClassificationRecord,
    Dossier,
    DossierAttachment,
    DossierEvent,
    DossierState,
    LevelStatus,
    SecurityRegulation,
)
from .models.dossiers import OPEN_STATES, UNDER_REVIEW, system_snapshot
from .procedure import procedure_for

Action = DossierEvent.Action
IN_PROGRESS = OPEN_STATES + UNDER_REVIEW


def today():
    return timezone.localdate()


# --- classification --------------------------------------------------------------------------

def prefill_answers(system) -> dict:
    """Wizard answers the inventory already knows; what only the owner knows (harm, lists, scope)
    carries over from the last run, or starts at its harmless default."""
    answers = {name: default for name, (_k, _a, default) in engine.answer_spec.SPEC.items()
               if default is not None}
    latest = system.classifications.order_by("-created_at", "-id").first()
    if latest is not None:
        answers.update(latest.answers)
    answers.update(
        system_type=system.system_type,
        information_classes=list(system.information_classes or ["public"]),
        data_subjects_basic=system.data_subjects_basic,
        data_subjects_sensitive=system.data_subjects_sensitive)
    return answers


def can_prepare(user, system) -> bool:
    scope = scope_for(user)
    return (scope.can(Permission.PREPARE_LEVEL_DOSSIER, system.owner)
            or scope.can(Permission.PREPARE_LEVEL_DOSSIER, system.operator))


def preview(answers, on=None, in_investment_since=None):
    """Classify without storing; ValueError becomes a ValidationError for the caller."""
    try:
        return engine.classify(answers, on or today(), in_investment_since)
    except ValueError as exc:
        raise ValidationError({"answers": str(exc)}) from exc


@transaction.atomic
def classify_system(user, system, answers, on=None, in_investment_since=None):
    """Store one wizard run and put it on the system's open dossier (or start a new version)."""
    if not can_prepare(user, system):
        raise PermissionDenied(_("You may not classify systems of this organisation."))
    on = on or today()
    result = preview(answers, on, in_investment_since)
    record = ClassificationRecord.objects.create(
        system=system, classified_on=on, in_investment_since=in_investment_since,
        answers=result.answers,
        regime=result.regime, regime_version=result.regime_version,
        regime_reason=result.regime_reason, proposed_level=result.level,
        instrument=engine.load_catalogue()[result.regime].instrument,
        fired=[{"id": f.id, "level": f.level, "title": f.title, "citation": f.citation}
               for f in result.fired],
        system_snapshot=system_snapshot(system), created_by=user,
    )
    dossier = (Dossier.objects.select_for_update()
               .filter(system=system, state__in=OPEN_STATES)
               .order_by("-version").first())
    if dossier is None:
        dossier = _start_dossier(user, system, _("Classification of %(date)s")
                                 % {"date": on.strftime("%d/%m/%Y")})
    dossier.classification = record
    dossier.level = record.proposed_level
    dossier.regime = record.regime
    dossier.save()
    return record


def _start_dossier(user, system, reason):
    busy = system.dossiers.filter(state__in=UNDER_REVIEW)
    if busy.exists():
        raise ValidationError(_("A dossier of this system is being appraised or approved; "
                                "wait for the decision or ask for it to be returned."))
    version = (system.dossiers.aggregate(top=Max("version"))["top"] or 0) + 1
    dossier = Dossier.objects.create(system=system, version=version, started_reason=reason,
                                     created_by=user)
    DossierEvent.objects.create(dossier=dossier, action=Action.CREATED, actor=user, note=reason)
    return dossier


# --- who acts --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Actor:
    """The organisation expected to act on a dossier's open step, and under which article."""

    step: str
    role: str  # specialised_unit | regulator | owner | preparer
    organisation: Organisation | None
    citation: str


def procedure_of(dossier):
    return procedure_for(dossier.regime)


def regulator_over(organisation):
    """The nearest national regulator above (or at) ``organisation``, if any."""
    return (Organisation.objects.filter(pk__in=organisation.ancestor_ids(),
                                        kind=OrganisationKind.NATIONAL_REGULATOR)
            .order_by("-depth").first())


def expected_actor(dossier):
    system = dossier.system
    if dossier.is_open:
        return Actor("submit", "preparer", system.owner, "")
    if dossier.state == DossierState.APPROVED or dossier.level is None:
        return None
    authority = procedure_of(dossier).authority_for(dossier.level)
    step = "appraise" if dossier.state == DossierState.SUBMITTED else "approve"
    role = authority.appraiser if step == "appraise" else authority.approver
    if role == "specialised_unit":
        organisation = system.security_unit
    elif role == "regulator":
        organisation = regulator_over(system.owner)
    else:
        organisation = system.owner
    return Actor(step, role, organisation, authority.citation)


def _may_act(user, dossier, actor, permission):
    scope = scope_for(user)
    if actor.role == "regulator":
        # Only a role held at a regulator above the owner counts: a ministry's own officers
        # must not appraise their level 4–5 systems (NĐ 85 Art 12.1.c, NĐ 331 Art 18).
        owner_path = dossier.system.owner.path
        return scope.is_global or any(
            assignment.organisation.kind == OrganisationKind.NATIONAL_REGULATOR
            and owner_path.startswith(assignment.organisation.path)
            and permission in ROLE_PERMISSIONS.get(assignment.role, ())
            for assignment in scope.assignments)
    return actor.organisation is not None and scope.can(permission, actor.organisation)


def _require(user, dossier, step):
    actor = expected_actor(dossier)
    if actor is None or actor.step != step:
        raise ValidationError(_("This dossier is %(state)s; that step is not open.")
                              % {"state": dossier.get_state_display().lower()})
    if actor.role == "specialised_unit" and actor.organisation is None:
        raise ValidationError(_("The system has no specialised security unit; set one in the "
                                "inventory before this step."))
    if actor.role == "regulator" and actor.organisation is None:
        raise ValidationError(_("No regulator organisation is registered above this owner; a "
                                "level %(level)s dossier is appraised by the regulator.")
                              % {"level": dossier.level})
    permission = {"submit": Permission.PREPARE_LEVEL_DOSSIER,
                  "appraise": Permission.APPRAISE_LEVEL_DOSSIER,
                  "approve": Permission.APPROVE_LEVEL_DOSSIER}[step]
    allowed = (can_prepare(user, dossier.system) if step == "submit"
               else _may_act(user, dossier, actor, permission))
    if not allowed:
        raise PermissionDenied(role_refusal(dossier, actor))
    return actor


def role_refusal(dossier, actor):
    who = {
        "preparer": _("the owner or operator (security officer, head or operator)"),
        "specialised_unit": _("the specialised security unit"),
        "regulator": _("the regulator"),
        "owner": _("the head of the owner organisation"),
    }[actor.role]
    organisation = actor.organisation.name_vi if actor.organisation else "—"
    step = {"submit": _("submit"), "appraise": _("appraise"), "approve": _("approve")}[actor.step]
    message = _("Only %(who)s (%(org)s) may %(step)s a level %(level)s dossier") % {
        "who": who, "org": organisation, "step": step, "level": dossier.level}
    if actor.citation:
        message += f" ({actor.citation})"
    return message + "."


def allowed_steps(user, dossier) -> set:
    actor = expected_actor(dossier)
    if actor is None:
        return set()
    try:
        _require(user, dossier, actor.step)
    except (PermissionDenied, ValidationError):
        return set()
    steps = {actor.step}
    if actor.step in ("appraise", "approve"):
        steps.add("return")
    return steps


# --- attachments -----------------------------------------------------------------------------

def parts_status(dossier):
    """[(part, attachments)] for the dossier's level; all parts while the level is unknown."""
    procedure = procedure_of(dossier) if dossier.regime else None
    if procedure is None:
        return []
    parts = procedure.parts_for(dossier.level or 5)
    by_part = {}
    for attachment in dossier.attachments.all():
        by_part.setdefault(attachment.part, []).append(attachment)
    return [(part, by_part.get(part.id, [])) for part in parts]


@transaction.atomic
def add_attachment(user, dossier, part, upload):
    if not can_prepare(user, dossier.system):
        raise PermissionDenied(_("You may not change this dossier."))
    if not dossier.is_open:
        raise ValidationError(_("Files can be added only while the dossier is being drafted or "
                                "after it was returned."))
    known = {p.id for p, _files in parts_status(dossier)}
    if part not in known:
        raise ValidationError({"part": _("Unknown dossier part “%(part)s”.") % {"part": part}})
    return DossierAttachment.objects.create(dossier=dossier, part=part, uploaded_by=user,
                                            **uploads.check_and_store(upload))


@transaction.atomic
def remove_attachment(user, attachment):
    if not can_prepare(user, attachment.dossier.system):
        raise PermissionDenied(_("You may not change this dossier."))
    if not attachment.dossier.is_open:
        raise ValidationError(_("Files of a submitted dossier cannot be removed."))
    attachment.delete()


# --- steps -----------------------------------------------------------------------------------

def _start_clock(dossier, step, start):
    limit = procedure_of(dossier).time_limit(step, dossier.level)
    dossier.step_started_on = start
    dossier.step_due_on = limit.due(start) if limit else None
    return dossier.step_due_on


def _event(dossier, action, user, organisation=None, note="", due_on=None):
    DossierEvent.objects.create(dossier=dossier, action=action, actor=user, note=note,
                                acting_organisation=organisation, due_on=due_on)


def _locked(dossier):
    return Dossier.objects.with_related().select_for_update(of=("self",)).get(pk=dossier.pk)


@transaction.atomic
def submit(user, dossier, on=None):
    dossier = _locked(dossier)
    _require(user, dossier, "submit")
    on = on or today()
    record = dossier.classification
    if record is None or record.proposed_level is None:
        raise ValidationError(_("Classify the system first: the dossier has no proposed level."))
    if record.system_snapshot != system_snapshot(dossier.system):
        raise ValidationError(_("The system changed after its classification; classify it again "
                                "before submitting."))
    missing = [languages.pick(part.title) for part, files in parts_status(dossier)
               if part.required and not files]
    if missing:
        raise ValidationError(_("Attach the missing dossier parts first: %(parts)s.")
                              % {"parts": "; ".join(missing)})
    validity = procedure_of(dossier).time_limit("validity_check", dossier.level)
    dossier.validity_due_on = validity.due(on) if validity else None
    due = _start_clock(dossier, "appraisal", on)
    dossier.state = DossierState.SUBMITTED
    dossier.submitted_at = timezone.now()
    dossier.return_reason = ""
    dossier.save()
    _event(dossier, Action.SUBMITTED, user, dossier.system.owner, due_on=due)
    return dossier


@transaction.atomic
def return_dossier(user, dossier, reason):
    dossier = _locked(dossier)
    actor = expected_actor(dossier)
    if actor is None or actor.step not in ("appraise", "approve"):
        raise ValidationError(_("Only a submitted or appraised dossier can be returned."))
    _require(user, dossier, actor.step)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the dossier is returned.")})
    dossier.state = DossierState.RETURNED
    dossier.return_reason = reason.strip()
    dossier.step_started_on = dossier.step_due_on = dossier.validity_due_on = None
    dossier.save()
    _event(dossier, Action.RETURNED, user, actor.organisation, note=reason.strip())
    return dossier


@transaction.atomic
def appraise(user, dossier, opinion, on=None):
    dossier = _locked(dossier)
    actor = _require(user, dossier, "appraise")
    if not (opinion or "").strip():
        raise ValidationError({"opinion": _("Write the appraisal opinion: suitability of the "
                                            "level and of the security plan.")})
    on = on or today()
    due = _start_clock(dossier, "approval", on)
    dossier.state = DossierState.APPRAISED
    dossier.appraised_at = timezone.now()
    dossier.appraisal_opinion = opinion.strip()
    dossier.appraised_by_org = actor.organisation
    dossier.validity_due_on = None
    dossier.save()
    _event(dossier, Action.APPRAISED, user, actor.organisation, note=opinion.strip(), due_on=due)
    return dossier


def regulation_in_force(organisation, on):
    """The owner's (or a parent's) security regulation decided on or before ``on``."""
    return (SecurityRegulation.objects.filter(organisation_id__in=organisation.ancestor_ids(),
                                              decided_on__lte=on)
            .order_by("-decided_on").first())


@transaction.atomic
def approve(user, dossier, number, decided_on, issuer, signed_file, on=None):
    dossier = _locked(dossier)
    actor = _require(user, dossier, "approve")
    on = on or today()
    errors = {}
    if not (number or "").strip():
        errors["number"] = _("Give the decision number.")
    if not isinstance(decided_on, datetime.date):
        errors["decided_on"] = _("Give the decision date.")
    elif decided_on > on:
        errors["decided_on"] = _("The decision date is in the future.")
    if not (issuer or "").strip():
        errors["issuer"] = _("Say who issued the decision.")
    if errors:
        raise ValidationError(errors)
    if regulation_in_force(dossier.system.owner, on) is None:
        rule = procedure_of(dossier).security_regulation
        raise ValidationError(_("The owner has no security regulation (quy chế) on record; "
                                "a level cannot be approved without one (%(citation)s). "
                                "Record the regulation's decision first.")
                              % {"citation": rule["citation"]})
    try:
        stored = uploads.check_and_store(signed_file)
    except ValidationError as exc:
        raise ValidationError({"signed_file": exc.messages}) from exc
    ApprovalDecision.objects.create(dossier=dossier, number=number.strip(), decided_on=decided_on,
                                    issuer=issuer.strip(), uploaded_by=user, **stored)
    dossier.state = DossierState.APPROVED
    dossier.approved_at = timezone.now()
    dossier.step_started_on = dossier.step_due_on = None
    dossier.save()
    _event(dossier, Action.APPROVED, user, actor.organisation,
           note=f"{number.strip()} ({decided_on:%d/%m/%Y}, {issuer.strip()})")
    LevelStatus.objects.update_or_create(system=dossier.system, defaults={
        "approved_dossier": dossier, "approved_level": dossier.level, "approved_on": decided_on,
        "reclassification_needed": False, "changed_fields": []})
    return dossier


# --- clocks ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Clock:
    step: str
    started_on: datetime.date
    due_on: datetime.date
    unit: str
    days: int
    citation: str
    days_left: int

    @property
    def overdue(self):
        return self.days_left < 0


# The clocks each state runs (catalogue step, the dossier field holding its due date); the due date
# is fixed when the step starts, the limit and its article are read from the catalogue.
STATE_CLOCKS = {
    DossierState.SUBMITTED: (("validity_check", "validity_due_on"), ("appraisal", "step_due_on")),
    DossierState.APPRAISED: (("approval", "step_due_on"),),
}


def open_clocks(dossier, on=None):
    """The running legal time limits of the dossier's open step (may be none: L1–2 appraisal)."""
    on = on or today()
    clocks = []
    for step, field in STATE_CLOCKS.get(dossier.state, ()):
        due = getattr(dossier, field)
        if due is None:
            continue
        limit = procedure_of(dossier).time_limit(step, dossier.level)
        left = (workdays.working_days_between(on, due) if limit.unit == "working"
                else (due - on).days)
        clocks.append(Clock(step, dossier.step_started_on, due, limit.unit, limit.days,
                            limit.citation, left))
    return clocks


# --- re-classification -----------------------------------------------------------------------

def reclassification_check(system):
    """Flag an approved system whose level-relevant fields changed and start a new dossier."""
    status = LevelStatus.objects.filter(system=system).select_related(
        "approved_dossier__classification").first()
    if status is None or status.approved_dossier is None:
        return None
    approved = status.approved_dossier.classification.system_snapshot
    current = system_snapshot(system)
    changed = sorted(name for name in current if approved.get(name) != current[name])
    if changed == status.changed_fields:  # the flag is always set together with the list
        return status
    with transaction.atomic():
        status.reclassification_needed = bool(changed)
        status.changed_fields = changed
        status.save()
        if changed and not system.dossiers.filter(state__in=IN_PROGRESS).exists():
            labels = [str(system._meta.get_field(name).verbose_name) for name in changed]
            rule = procedure_of(status.approved_dossier).reclassification
            _start_dossier(None, system, _("Re-classification needed: %(fields)s changed (%(citation)s).")
                           % {"fields": ", ".join(labels), "citation": rule["citation"]})
    return status
