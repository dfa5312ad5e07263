"""Per-system checklist of the requirements of its level (Circular 12/2022 → TCVN 11930:2017) and
the deployment status computed from it; the owner's security regulation."""

import datetime
from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attt import uploads
from attt.tenancy.roles import Permission
from attt.tenancy.scoping import scope_for

from . import requirements as catalogue
from .models import RequirementAnswer, RequirementEvidence, RequirementStatus, SecurityRegulation
from .services import can_prepare


def checklist_level(system):
    """The approved level while it is current, otherwise the level of the newest dossier."""
    status = getattr(system, "level_status", None)
    if status is not None and status.is_current:
        return status.approved_level, "approved"
    dossier = system.dossiers.exclude(level__isnull=True).order_by("-version").first()
    if dossier is not None:
        return dossier.level, "proposed"
    return None, None


@dataclass
class Line:
    requirement: object
    clause: str
    answer: RequirementAnswer | None

    @property
    def status(self):
        return self.answer.status if self.answer else None


@dataclass
class Checklist:
    system: object
    level: int | None
    level_source: str | None
    standard: object
    lines: list

    @cached_property
    def counts(self):
        return catalogue.deployment_counts(
            [line.requirement for line in self.lines],
            {line.requirement.id: line.status for line in self.lines})

    @property
    def deployment(self):
        return catalogue.status_of_counts(self.counts)

    def groups(self):
        """[(group, lines)] in catalogue order, for display."""
        grouped = {}
        for line in self.lines:
            grouped.setdefault(line.requirement.group, []).append(line)
        return [(self.standard.group(group_id), lines) for group_id, lines in grouped.items()]


def checklist_for(system, on=None):
    standard = catalogue.standard_on(on or timezone.localdate())
    level, source = checklist_level(system)
    if level is None:
        return Checklist(system, None, None, standard, [])
    answers = {a.requirement: a for a in RequirementAnswer.objects.filter(
        system=system, standard=standard.id).prefetch_related("evidence")}
    lines = [Line(req, req.clause_for(level), answers.get(req.id))
             for req in standard.for_level(level)]
    return Checklist(system, level, source, standard, lines)


@transaction.atomic
def answer_requirement(user, system, requirement_id, status, remediation_plan="", due_on=None,
                       reason="", on=None):
    if not can_prepare(user, system):
        raise PermissionDenied(_("You may not change the checklist of this system."))
    standard = catalogue.standard_on(on or timezone.localdate())
    try:
        standard.get(requirement_id)
    except KeyError:
        raise ValidationError({"requirement": _("Unknown requirement “%(id)s”.")
                               % {"id": requirement_id}}) from None
    if status not in RequirementStatus.values:
        raise ValidationError({"status": _("Choose met, not met or not applicable.")})
    remediation_plan, reason = (remediation_plan or "").strip(), (reason or "").strip()
    errors = {}
    if status == RequirementStatus.NOT_MET:
        if not remediation_plan:
            errors["remediation_plan"] = _("A requirement not met needs a remediation plan.")
        if not isinstance(due_on, datetime.date):
            errors["due_on"] = _("A requirement not met needs a remediation due date.")
    if status == RequirementStatus.NOT_APPLICABLE and not reason:
        errors["reason"] = _("Say why the requirement does not apply.")
    if errors:
        raise ValidationError(errors)
    answer, _created = RequirementAnswer.objects.update_or_create(
        system=system, standard=standard.id, requirement=requirement_id,
        defaults={
            "status": status, "updated_by": user,
            "remediation_plan": remediation_plan if status == RequirementStatus.NOT_MET else "",
            "due_on": due_on if status == RequirementStatus.NOT_MET else None,
            "reason": reason if status == RequirementStatus.NOT_APPLICABLE else "",
        })
    return answer


@transaction.atomic
def add_evidence(user, answer, upload):
    if not can_prepare(user, answer.system):
        raise PermissionDenied(_("You may not change the checklist of this system."))
    return RequirementEvidence.objects.create(answer=answer, uploaded_by=user,
                                              **uploads.check_and_store(upload))


def can_record_regulation(user, organisation):
    return scope_for(user).can(Permission.PREPARE_LEVEL_DOSSIER, organisation)


@transaction.atomic
def record_regulation(user, organisation, title, decision_number, decided_on, upload):
    if not can_record_regulation(user, organisation):
        raise PermissionDenied(_("You may not record regulations of this organisation."))
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Give the regulation's title.")
    if not (decision_number or "").strip():
        errors["decision_number"] = _("Give the decision number.")
    if not isinstance(decided_on, datetime.date):
        errors["decided_on"] = _("Give the decision date.")
    elif decided_on > timezone.localdate():
        errors["decided_on"] = _("The decision date is in the future.")
    if errors:
        raise ValidationError(errors)
    try:
        stored = uploads.check_and_store(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    return SecurityRegulation.objects.create(
        organisation=organisation, title=title.strip(), decision_number=decision_number.strip(),
        decided_on=decided_on, uploaded_by=user, **stored)
