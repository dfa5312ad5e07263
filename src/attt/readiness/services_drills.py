"""Drills of an organisation's response team: plan, scenario, type, date, systems (from the
inventory of the organisation's subtree), participants, findings (process / technology / people,
each with a fix, due date and status) and scores per criterion of catalogue/maturity.yaml.

Completing a drill records evidence for the obligations engine: ``drill_real_world`` for each
system of a real-world drill (D18-3) and ``drill`` for the organisation (N85-4, N331-6). Deleting
a drill withdraws it. No HTTP here.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attt.inventory.models import InformationSystem
from attt.obligations import evidence
from attt.tenancy.audit import stored_user

from . import rules
from .models import (
    Drill,
    DrillFinding,
    DrillParticipant,
    DrillStatus,
    DrillSystem,
    DrillType,
    FindingCategory,
    FindingStatus,
    TeamMember,
)
from .services_team import can_manage, parse_day


def require_manage(user, organisation):
    if not can_manage(user, organisation):
        raise PermissionDenied(_("You may not manage the drills of this organisation."))


def _require_planned(drill):
    if drill.status == DrillStatus.COMPLETED:
        raise ValidationError({"status": [_("This drill is completed; its plan, systems and scores are closed.")]})


def formula_for(drill):
    return rules.maturity().formula_on(drill.held_on)


# --- the drill itself ------------------------------------------------------------------------

def _systems(organisation, system_ids) -> list:
    wanted = {int(pk) for pk in system_ids if str(pk).strip().isdigit()}
    if len(wanted) != len([pk for pk in system_ids if str(pk).strip()]):
        raise ValidationError({"systems": [_("Systems are given by their numbers.")]})
    found = list(InformationSystem.objects.within(organisation).filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise ValidationError({"systems": [_("Every system must belong to the organisation's subtree.")]})
    return found


def save_drill(user, organisation, data: dict, system_ids=None, drill=None) -> Drill:
    """Plan a drill for ``organisation`` (or edit a planned ``drill``); ``system_ids`` None keeps them."""
    organisation = drill.organisation if drill is not None else organisation
    if organisation is None:
        raise ValidationError({"organisation": [_("Choose the organisation whose team runs the drill.")]})
    require_manage(user, organisation)
    if drill is not None:
        _require_planned(drill)
    errors = {}
    values = {name: data[name] for name in ("title", "drill_type", "held_on", "plan", "scenario", "results")
              if name in data}
    if drill is None or "title" in values:
        values["title"] = str(values.get("title") or "").strip()[:255]
        if not values["title"]:
            errors["title"] = [_("Give the drill a title.")]
    if drill is None or "drill_type" in values:
        if values.get("drill_type") not in DrillType.values:
            errors["drill_type"] = [_("Choose tabletop or real-world.")]
    if drill is None or "held_on" in values:
        try:
            values["held_on"] = parse_day(values.get("held_on"), "held_on")
        except ValidationError as error:
            errors.update(error.message_dict)
        else:
            if values["held_on"] is None:
                errors["held_on"] = [_("Give the date of the drill.")]
    for name in ("plan", "scenario", "results"):
        if name in values:
            values[name] = str(values[name] or "").strip()
    systems = None
    if system_ids is not None:
        try:
            systems = _systems(organisation, list(system_ids))
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        drill = drill or Drill(organisation=organisation, created_by=stored_user(user))
        for name, value in values.items():
            setattr(drill, name, value)
        drill.save()
        if systems is not None:
            keep = {system.pk for system in systems}
            DrillSystem.objects.filter(drill=drill).exclude(system_id__in=keep).delete()
            known = set(DrillSystem.objects.filter(drill=drill).values_list("system_id", flat=True))
            for system in systems:
                if system.pk not in known:
                    DrillSystem.objects.create(drill=drill, system=system)
    return drill


def delete_drill(user, drill):
    require_manage(user, drill.organisation)
    with transaction.atomic():
        evidence.withdraw(drill, reason=_("The drill was deleted."))
        drill.delete()


# --- participants and findings ---------------------------------------------------------------

def add_participant(user, drill, member=None, name: str = "", affiliation: str = "") -> DrillParticipant:
    """A team member of the drill's organisation (by id) or anyone else by name."""
    require_manage(user, drill.organisation)
    chosen = None
    if member not in (None, ""):
        chosen = TeamMember.objects.filter(organisation=drill.organisation,
                                           pk=int(member) if str(member).isdigit() else 0).first()
        if chosen is None:
            raise ValidationError({"member": [_("Choose a member of this organisation's team.")]})
        if drill.participants.filter(member=chosen).exists():
            raise ValidationError({"member": [_("%(name)s already takes part.") % {"name": chosen.full_name}]})
    name = str(name or "").strip()[:255] or (chosen.full_name if chosen else "")
    if not name:
        raise ValidationError({"name": [_("Choose a team member or give the participant's name.")]})
    affiliation = str(affiliation or "").strip()[:255] or (chosen.get_role_display() if chosen else "")
    return DrillParticipant.objects.create(drill=drill, member=chosen, name=name, affiliation=affiliation)


def remove_participant(user, participant):
    require_manage(user, participant.drill.organisation)
    participant.delete()


def _finding_values(data: dict, partial=False) -> dict:
    errors, values = {}, {}
    if not partial or "category" in data:
        if data.get("category") not in FindingCategory.values:
            errors["category"] = [_("Choose process, technology or people.")]
        values["category"] = data.get("category")
    if not partial or "description" in data:
        values["description"] = str(data.get("description") or "").strip()
        if not values["description"]:
            errors["description"] = [_("Describe the finding.")]
    if not partial or "fix" in data:
        values["fix"] = str(data.get("fix") or "").strip()
    if not partial or "due_on" in data:
        try:
            values["due_on"] = parse_day(data.get("due_on"), "due_on")
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return values


def add_finding(user, drill, data: dict) -> DrillFinding:
    require_manage(user, drill.organisation)
    return DrillFinding.objects.create(drill=drill, **_finding_values(data))


def set_finding_status(user, finding, status: str, done_on=None) -> DrillFinding:
    """Move a finding's fix along; ``done`` keeps the day it was done (default today)."""
    require_manage(user, finding.drill.organisation)
    if status not in FindingStatus.values:
        raise ValidationError({"status": [_("Unknown status: %(status)s.") % {"status": status}]})
    day = parse_day(done_on, "done_on") if status == FindingStatus.DONE else None
    if status == FindingStatus.DONE:
        day = day or timezone.localdate()
        if day > timezone.localdate():
            raise ValidationError({"done_on": [_("A fix cannot be done in the future.")]})
    finding.status, finding.done_on = status, day
    finding.save(update_fields=["status", "done_on"])
    return finding


# --- scores and completion -------------------------------------------------------------------

def clean_scores(drill, scores: dict, complete=False) -> dict:
    """Scores 0..scale_max per criterion of the formula in force on the drill's date."""
    formula = formula_for(drill)
    known = {criterion.id for criterion in formula.criteria}
    errors, cleaned = {}, {}
    for key, value in (scores or {}).items():
        if key not in known:
            errors.setdefault("scores", []).append(_("Unknown criterion: %(id)s.") % {"id": key})
            continue
        if value in (None, ""):
            continue
        try:
            number = int(str(value).strip())
        except ValueError:
            number = -1
        if not 0 <= number <= formula.scale_max:
            errors.setdefault("scores", []).append(_("Score each criterion from 0 to %(max)s.")
                                                   % {"max": formula.scale_max})
            continue
        cleaned[key] = number
    if complete and not errors and set(cleaned) != known:
        errors["scores"] = [_("Score every criterion before completing the drill.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


def set_scores(user, drill, scores: dict) -> Drill:
    require_manage(user, drill.organisation)
    _require_planned(drill)
    drill.scores = {**drill.scores, **clean_scores(drill, scores)}
    drill.save(update_fields=["scores", "updated_at"])
    return drill


def complete_drill(user, drill, scores: dict | None = None, results: str | None = None) -> Drill:
    """Close the drill with its scores and record its evidence."""
    require_manage(user, drill.organisation)
    _require_planned(drill)
    given = {key: value for key, value in (scores or {}).items() if value not in (None, "")}  # blank: keep
    merged = clean_scores(drill, {**drill.scores, **given}, complete=True)
    errors = {}
    if drill.held_on > timezone.localdate():
        errors["held_on"] = [_("A drill can be completed only on or after its date.")]
    systems = [link.system for link in drill.drill_systems.select_related("system__owner")]
    if drill.drill_type == DrillType.REAL_WORLD and not systems:
        errors["systems"] = [_("A real-world drill is run on at least one information system.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        drill.scores, drill.status = merged, DrillStatus.COMPLETED
        drill.completed_at, drill.completed_by = timezone.now(), stored_user(user)
        if results is not None:
            drill.results = str(results).strip()
        drill.save()
        record_drill_evidence(drill, systems, user)
    return drill


def record_drill_evidence(drill, systems, user=None):
    recorded_by = stored_user(user) if user is not None else None
    if drill.drill_type == DrillType.REAL_WORLD:
        for system in systems:
            evidence.record(drill, kind="drill_real_world", system=system, occurred_on=drill.held_on,
                            title=_("Real-world drill: %(title)s") % {"title": drill.title}, recorded_by=recorded_by)
    evidence.record(drill, kind="drill", organisation=drill.organisation, occurred_on=drill.held_on,
                    title=_("Drill: %(title)s") % {"title": drill.title}, recorded_by=recorded_by)
