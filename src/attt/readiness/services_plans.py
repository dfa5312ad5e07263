"""Incident response plans and security audits/assessments: the business rules (no HTTP).

Plans (duties D18-2, IR-7, L116-3): a plan per system or organisation is a series of versions;
each version follows the outline of TT 20 App. III or QĐ 05 App. II (``outlines.py``) as a
checklist, holds its scenarios and its document, and goes draft → approved. Approval needs
``approve_response_plans`` and every mandatory heading covered; it records ``response_plan``
evidence. A change of the system in the inventory flags its plans "review needed"
(``signals_plans.py``); approving a new version clears the flag.

Audits/assessments (duties N85-3, N331-5, CD33-1): completing one records ``security_assessment``
evidence for each system in scope and for the assessed organisation.

Rights are checked before input; bad input raises ValidationError and stores nothing.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from attt import languages, uploads
from attt.inventory.models import InformationSystem
from attt.levels.checklist import checklist_level
from attt.obligations import evidence
from attt.tenancy.audit import stored_user
from attt.tenancy.models import Organisation
from attt.tenancy.roles import Permission
from attt.tenancy.scoping import scope_for

from .models import (
    Assessment,
    AssessmentFile,
    AssessmentFinding,
    AssessmentFindingStatus,
    AssessmentKind,
    AssessmentRequirement,
    AssessmentSeverity,
    AssessmentStatus,
    AssessmentSystem,
    PlanDocument,
    PlanItemAnswer,
    PlanScenario,
    PlanStatus,
    PlanVersion,
    RequirementResult,
    ResponsePlan,
)
from .outlines import outlines

REASON_LIMIT = 2000


def can_manage(user, organisation) -> bool:
    return scope_for(user).can(Permission.MANAGE_READINESS, organisation)


def can_approve(user, plan) -> bool:
    return scope_for(user).can(Permission.APPROVE_RESPONSE_PLANS, plan.organisation)


def _require_manage(user, organisation):
    if organisation is None or not can_manage(user, organisation):
        raise PermissionDenied(_("You may not keep response plans or audits for this organisation."))


def _parse_date(value, field, errors, *, required=False, not_future=False):
    if value in (None, ""):
        if required:
            errors[field] = [_("This field is required.")]
        return None
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            errors[field] = [_("Give the date as YYYY-MM-DD.")]
            return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        errors[field] = [_("Give the date as YYYY-MM-DD.")]
        return None
    if not_future and value > timezone.localdate():
        errors[field] = [_("The date cannot be in the future.")]
        return None
    return value


def _text(data, name, limit=None):
    value = str(data.get(name) or "").strip()
    return value[:limit] if limit else value


def _flag(value) -> bool:
    return value not in (None, "", False, "0", "false", "off", "no") and bool(value)


def _store(upload) -> dict:
    try:
        return uploads.check_and_store(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None


def _system_of(user, organisation, system):
    """The system, when the user sees it and it belongs to (or is run by) the organisation's tree."""
    if system in (None, ""):
        return None
    if not isinstance(system, InformationSystem):
        system = (InformationSystem.objects.visible_to(user).filter(pk=int(system)).first()
                  if str(system).isdigit() else None)
    elif not InformationSystem.objects.visible_to(user).filter(pk=system.pk).exists():
        system = None
    if system is None or not (system.owner.is_within(organisation) or system.operator.is_within(organisation)):
        raise ValidationError({"system": _("Choose an information system of this organisation that you can see.")})
    return system


# --- outlines --------------------------------------------------------------------------------

def outline_for(organisation, system=None, on=None):
    """The outline a new version follows: by the system's level, or for an organisation-wide plan
    by the highest level among the systems it owns."""
    on = on or timezone.localdate()
    if system is not None:
        level = checklist_level(system)[0]
    else:
        levels = [checklist_level(s)[0] for s in InformationSystem.objects.filter(owner=organisation)
                  .select_related("level_status")]
        level = max((lv for lv in levels if lv), default=None)
    return outlines().for_level(level, on)


def checklist(version):
    """[(item, answer or None)] of the version's outline, in outline order."""
    outline = outlines().get(version.outline)
    answers = {a.item: a for a in version.answers.all()}
    return [(item, answers.get(item.id)) for item in outline.items] if outline else []


def uncovered_mandatory(version) -> list:
    return [item for item, answer in checklist(version) if item.mandatory and not (answer and answer.covered)]


def _clean_answers(outline, answers) -> dict:
    """{item id: (covered, section)} from {id: {covered, section}} or [{item, covered, section}]."""
    if isinstance(answers, dict):
        answers = [{"item": key, **(value if isinstance(value, dict) else {"covered": value})}
                   for key, value in answers.items()]
    if not isinstance(answers, (list, tuple)):
        raise ValidationError({"answers": [_("Give the checklist as a list of {item, covered, section}.")]})
    cleaned, errors = {}, []
    for row in answers:
        row = row if isinstance(row, dict) else {}
        item = outline.item(str(row.get("item") or ""))
        if item is None:
            errors.append(_("Unknown outline item: %(item)s.") % {"item": row.get("item")})
            continue
        covered, section = _flag(row.get("covered")), _text(row, "section")
        if len(section) > 255:
            errors.append(_("The section reference of “%(item)s” is too long.") % {"item": languages.pick(item.heading)})
        elif covered and not section:
            errors.append(_("Say which section of the document covers “%(item)s”.")
                          % {"item": languages.pick(item.heading)})
        cleaned[item.id] = (covered, section)
    if errors:
        raise ValidationError({"answers": errors})
    return cleaned


def _clean_scenario(data) -> dict:
    data = data if isinstance(data, dict) else {}
    cleaned = {"title": _text(data, "title"), "description": _text(data, "description"),
               "response_steps": _text(data, "response_steps")}
    errors = {}
    if not cleaned["title"]:
        errors["title"] = [_("Give the scenario a title.")]
    elif len(cleaned["title"]) > 255:
        errors["title"] = [_("The title is too long (255 characters at most).")]
    if not cleaned["response_steps"]:
        errors["response_steps"] = [_("Write the response steps of the scenario.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_version(data, user, required=True) -> dict:
    cleaned, errors = {}, {}
    for name, limit in (("title", 255), ("author", 255), ("notes", None)):
        if name in data or required:
            cleaned[name] = _text(data, name)
            if limit and len(cleaned[name]) > limit:
                errors[name] = [_("This text is too long (%(limit)s characters at most).") % {"limit": limit}]
    if "author" in cleaned and not cleaned["author"]:
        cleaned["author"] = user.get_full_name() or user.get_username() if stored_user(user) else ""
    for name in ("title", "author"):
        if name in cleaned and not cleaned[name] and name not in errors:
            errors[name] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- plans -----------------------------------------------------------------------------------

def create_plan(user, organisation, data, *, system=None, upload=None, answers=None, scenarios=()):
    """A new plan with its first (draft) version; the document, checklist and scenarios are optional."""
    _require_manage(user, organisation)
    cleaned = _clean_version(data, user)
    system = _system_of(user, organisation, system)
    outline = outline_for(organisation, system)
    answers = _clean_answers(outline, answers) if answers else {}
    scenarios = [_clean_scenario(item) for item in scenarios or ()]
    stored = _store(upload) if upload is not None else None
    with transaction.atomic():
        plan = ResponsePlan.objects.create(organisation=organisation, system=system, title=cleaned["title"],
                                           created_by=stored_user(user))
        version = PlanVersion.objects.create(plan=plan, number=1, outline=outline.id, created_by=stored_user(user),
                                             **cleaned)
        _write_parts(user, version, answers, scenarios, stored)
    return plan


def _write_parts(user, version, answers, scenarios, stored):
    PlanItemAnswer.objects.bulk_create([PlanItemAnswer(version=version, item=item, covered=covered, section=section)
                                        for item, (covered, section) in answers.items()])
    for position, scenario in enumerate(scenarios, start=1):
        PlanScenario.objects.create(version=version, position=position, **scenario)
    if stored is not None:
        PlanDocument.objects.create(version=version, uploaded_by=stored_user(user), **stored)


def new_version(user, plan, data, *, upload=None):
    """The next version, as a draft: checklist answers (of headings still in the outline) and
    scenarios are carried over from the newest version."""
    _require_manage(user, plan.organisation)
    cleaned = _clean_version({"title": plan.title, **{k: v for k, v in data.items() if v not in (None, "")}}, user)
    stored = _store(upload) if upload is not None else None
    with transaction.atomic():
        plan = ResponsePlan.objects.select_for_update().get(pk=plan.pk)
        latest = plan.latest_version()
        if latest is not None and latest.status == PlanStatus.DRAFT:
            raise ValidationError({"version": [_("Version %(number)s is still a draft: approve it or edit it first.")
                                               % {"number": latest.number}]})
        outline = outline_for(plan.organisation, plan.system)
        version = PlanVersion.objects.create(plan=plan, number=(latest.number + 1) if latest else 1,
                                             outline=outline.id, created_by=stored_user(user), **cleaned)
        answers = {a.item: (a.covered, a.section) for a in latest.answers.all() if outline.item(a.item)} if latest else {}
        scenarios = [{"title": s.title, "description": s.description, "response_steps": s.response_steps}
                     for s in latest.scenarios.all()] if latest else []
        _write_parts(user, version, answers, scenarios, stored)
    return version


def _require_draft(user, version):
    _require_manage(user, version.plan.organisation)
    if version.status != PlanStatus.DRAFT:
        raise ValidationError({"version": [_("Only a draft version can be changed; record a new version.")]})


def save_draft(user, version, data=None, answers=None):
    """Edit a draft's title, author, notes and checklist answers (only the items given)."""
    _require_draft(user, version)
    cleaned = _clean_version(data or {}, user, required=False)
    outline = outlines().get(version.outline)
    answers = _clean_answers(outline, answers) if answers is not None else {}
    with transaction.atomic():
        for name, value in cleaned.items():
            setattr(version, name, value)
        if cleaned:
            version.save()
        for item, (covered, section) in answers.items():
            PlanItemAnswer.objects.update_or_create(version=version, item=item,
                                                    defaults={"covered": covered, "section": section})
    return version


def add_document(user, version, upload):
    _require_draft(user, version)
    stored = _store(upload)
    return PlanDocument.objects.create(version=version, uploaded_by=stored_user(user), **stored)


def add_scenario(user, version, data):
    _require_draft(user, version)
    cleaned = _clean_scenario(data)
    position = (version.scenarios.aggregate(last=Max("position"))["last"] or 0) + 1
    return PlanScenario.objects.create(version=version, position=position, **cleaned)


def remove_scenario(user, scenario):
    _require_draft(user, scenario.version)
    scenario.delete()


def approve_version(user, version, approved_on=None):
    """Approve a draft (the head answers for it): the newest approved version supersedes the older
    ones, clears "review needed" and records ``response_plan`` evidence dated with the approval."""
    plan = version.plan
    if not can_approve(user, plan):
        raise PermissionDenied(_("Only a person who may approve response plans for this organisation can do this."))
    errors = {}
    day = _parse_date(approved_on, "approved_on", errors, not_future=True) or (
        None if errors else timezone.localdate())
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        version = PlanVersion.objects.select_for_update(of=("self",)).select_related("plan").get(pk=version.pk)
        plan = version.plan
        if version.status != PlanStatus.DRAFT:
            raise ValidationError({"version": [_("Only a draft version can be approved.")]})
        previous = list(plan.versions.filter(status=PlanStatus.APPROVED))
        if any(old.approved_on and old.approved_on > day for old in previous):
            errors["approved_on"] = [_("The approval date cannot be before the approval of an earlier version.")]
        if not version.documents.exists():
            errors["file"] = [_("Upload the plan document before approving it.")]
        missing = uncovered_mandatory(version)
        if missing:
            errors["answers"] = [_("These mandatory outline items are not covered: %(items)s.") % {
                "items": "; ".join(languages.pick(item.heading) for item in missing)}]
        if errors:
            raise ValidationError(errors)
        for old in previous:
            old.status = PlanStatus.SUPERSEDED
            old.save(update_fields=["status"])
        version.status, version.approved_on = PlanStatus.APPROVED, day
        version.approved_by, version.approved_at = stored_user(user), timezone.now()
        version.save(update_fields=["status", "approved_on", "approved_by", "approved_at"])
        plan.review_needed, plan.review_reason, plan.review_flagged_at = False, "", None
        plan.save(update_fields=["review_needed", "review_reason", "review_flagged_at", "updated_at"])
        # The old versions keep their evidence: the engine takes the newest.
        subject = {"system": plan.system} if plan.system_id else {"organisation": plan.organisation}
        evidence.record(version, kind="response_plan", occurred_on=day, title=str(version)[:500],
                        recorded_by=stored_user(user), **subject)
    return version


def flag_review(system_id, reason, at=None):
    """Mark every plan of a system "review needed" (the system changed in the inventory)."""
    at = at or timezone.now()
    stamp = timezone.localtime(at).strftime("%d/%m/%Y %H:%M")
    line = f"{stamp}: {reason}"
    for plan in ResponsePlan.objects.filter(system_id=system_id).only("pk", "review_needed", "review_reason",
                                                                               "review_flagged_at"):
        reasons = f"{plan.review_reason}\n{line}" if plan.review_needed and plan.review_reason else line
        # A queryset update: the flag is derived from the inventory's own (audited) change.
        ResponsePlan.objects.filter(pk=plan.pk).update(
            review_needed=True, review_reason=reasons[-REASON_LIMIT:],
            review_flagged_at=plan.review_flagged_at if plan.review_needed else at)
    return ResponsePlan.objects.filter(system_id=system_id).count()


# --- audits and assessments ------------------------------------------------------------------

def _clean_assessment(user, organisation, data) -> dict:
    errors = {}
    cleaned = {"title": _text(data, "title"), "kind": _text(data, "kind"), "summary": _text(data, "summary"),
               "assessor_name": _text(data, "assessor_name"), "licence_number": _text(data, "licence_number")}
    if not cleaned["title"]:
        errors["title"] = [_("This field is required.")]
    elif len(cleaned["title"]) > 255:
        errors["title"] = [_("The title is too long (255 characters at most).")]
    if cleaned["kind"] not in AssessmentKind.values:
        errors["kind"] = [_("Choose one of the listed values.")]
    unit = data.get("assessor_unit")
    if unit not in (None, "") and not isinstance(unit, Organisation):
        unit = Organisation.objects.visible_to(user).filter(code=str(unit).strip().upper()).first()
        if unit is None:
            errors["assessor_unit"] = [_("No organisation you can see has this code.")]
    cleaned["assessor_unit"] = unit or None
    if cleaned["kind"] == AssessmentKind.LICENSED:
        cleaned["assessor_unit"] = None
        for name in ("assessor_name", "licence_number"):
            if not cleaned[name]:
                errors[name] = [_("Give the licensed organisation's name and licence number.")]
    elif cleaned["kind"] == AssessmentKind.SELF and cleaned["assessor_unit"] is None and "assessor_unit" not in errors:
        errors["assessor_unit"] = [_("Give the internal unit that carries out the self-assessment.")]
    elif cleaned["kind"] == AssessmentKind.INDEPENDENT and not (cleaned["assessor_unit"] or cleaned["assessor_name"]):
        errors["assessor_name"] = [_("Give the assessing unit or organisation.")]
    for name in ("assessor_name", "licence_number"):
        if len(cleaned[name]) > (255 if name == "assessor_name" else 100) and name not in errors:
            errors[name] = [_("This text is too long.")]
    cleaned["started_on"] = _parse_date(data.get("started_on"), "started_on", errors, required=True)
    cleaned["ended_on"] = _parse_date(data.get("ended_on"), "ended_on", errors)
    if cleaned["started_on"] and cleaned["ended_on"] and cleaned["ended_on"] < cleaned["started_on"]:
        errors["ended_on"] = [_("The end date cannot be before the start date.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


def create_assessment(user, organisation, data, system_ids=(), upload=None):
    _require_manage(user, organisation)
    cleaned = _clean_assessment(user, organisation, data)
    systems = {}
    for pk in system_ids or ():
        system = _system_of(user, organisation, pk)
        if system is not None:
            systems[system.pk] = system
    stored = _store(upload) if upload is not None else None
    with transaction.atomic():
        assessment = Assessment.objects.create(organisation=organisation, created_by=stored_user(user), **cleaned)
        AssessmentSystem.objects.bulk_create([AssessmentSystem(assessment=assessment, system=s)
                                              for s in systems.values()])
        if stored is not None:
            AssessmentFile.objects.create(assessment=assessment, uploaded_by=stored_user(user), **stored)
    return assessment


def _require_open(user, assessment):
    _require_manage(user, assessment.organisation)
    if assessment.status != AssessmentStatus.IN_PROGRESS:
        raise ValidationError({"status": [_("This assessment is completed; its results can no longer change.")]})


def add_requirements(user, assessment, rows):
    """Add result rows [{reference, requirement, result, note}]; one bad row stores none."""
    _require_open(user, assessment)
    if not isinstance(rows, (list, tuple)) or not rows:
        raise ValidationError({"requirements": [_("Give at least one requirement row.")]})
    cleaned, errors = [], []
    for number, row in enumerate(rows, start=1):
        row = row if isinstance(row, dict) else {}
        values = {"reference": _text(row, "reference"), "requirement": _text(row, "requirement"),
                  "result": _text(row, "result"), "note": _text(row, "note")}
        if not values["reference"] or not values["requirement"]:
            errors.append(_("Row %(n)s: give the reference and the requirement.") % {"n": number})
        elif len(values["reference"]) > 100:
            errors.append(_("Row %(n)s: the reference is too long (100 characters at most).") % {"n": number})
        if values["result"] not in RequirementResult.values:
            errors.append(_("Row %(n)s: the result is met, partly or not_met.") % {"n": number})
        cleaned.append(values)
    if errors:
        raise ValidationError({"requirements": errors})
    start = assessment.requirements.aggregate(last=Max("position"))["last"] or 0
    with transaction.atomic():
        return [AssessmentRequirement.objects.create(assessment=assessment, position=start + index, **values)
                for index, values in enumerate(cleaned, start=1)]


def remove_requirement(user, row):
    _require_open(user, row.assessment)
    row.delete()


def add_finding(user, assessment, data):
    _require_open(user, assessment)
    errors = {}
    values = {"title": _text(data, "title"), "severity": _text(data, "severity") or AssessmentSeverity.MEDIUM,
              "fix": _text(data, "fix"), "owner": _text(data, "owner")}
    if not values["title"]:
        errors["title"] = [_("Describe the finding.")]
    elif len(values["title"]) > 500:
        errors["title"] = [_("This text is too long (%(limit)s characters at most).") % {"limit": 500}]
    if values["severity"] not in AssessmentSeverity.values:
        errors["severity"] = [_("Choose one of the listed values.")]
    if len(values["owner"]) > 255:
        errors["owner"] = [_("This text is too long (%(limit)s characters at most).") % {"limit": 255}]
    values["due_on"] = _parse_date(data.get("due_on"), "due_on", errors)
    if values["due_on"] and values["due_on"] < assessment.started_on:
        errors["due_on"] = [_("The fix deadline cannot be before the assessment started.")]
    if errors:
        raise ValidationError(errors)
    return AssessmentFinding.objects.create(assessment=assessment, **values)


def set_finding_status(user, finding, status, *, fixed_on=None, note=""):
    """Mark a finding fixed (with the day and how) or open again; allowed after completion too."""
    _require_manage(user, finding.assessment.organisation)
    errors = {}
    if status not in AssessmentFindingStatus.values:
        errors["status"] = [_("Choose one of the listed values.")]
    day = _parse_date(fixed_on, "fixed_on", errors, not_future=True)
    if errors:
        raise ValidationError(errors)
    finding.status = status
    if status == AssessmentFindingStatus.FIXED:
        finding.fixed_on, finding.fix_note, finding.fixed_by = day or timezone.localdate(), str(note or "").strip(), \
            stored_user(user)
    else:
        finding.fixed_on, finding.fix_note, finding.fixed_by = None, "", None
    finding.save()
    return finding


def add_assessment_file(user, assessment, upload, description=""):
    _require_manage(user, assessment.organisation)
    stored = _store(upload)
    return AssessmentFile.objects.create(assessment=assessment, description=str(description or "").strip()[:500],
                                         uploaded_by=stored_user(user), **stored)


def complete_assessment(user, assessment, ended_on=None, summary=None):
    """Close the assessment: its report and end date are final and become the evidence of the
    assessment duties, for each system in scope and for the assessed organisation."""
    _require_open(user, assessment)
    errors = {}
    day = _parse_date(ended_on, "ended_on", errors, not_future=True) or (None if errors else assessment.ended_on)
    if not errors:
        if day is None:
            errors["ended_on"] = [_("Give the end date of the assessment.")]
        elif day < assessment.started_on:
            errors["ended_on"] = [_("The end date cannot be before the start date.")]
        elif day > timezone.localdate():
            errors["ended_on"] = [_("The date cannot be in the future.")]
    if not assessment.files.exists():
        errors["file"] = [_("Upload the assessment report before completing it.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if assessment.status != AssessmentStatus.IN_PROGRESS:
            raise ValidationError({"status": [_("This assessment is already completed.")]})
        assessment.status, assessment.ended_on = AssessmentStatus.COMPLETED, day
        assessment.completed_by, assessment.completed_at = stored_user(user), timezone.now()
        if summary is not None:
            assessment.summary = str(summary).strip()
        assessment.save()
        title = f"{assessment.title} ({assessment.get_kind_display()})"[:500]
        for link in assessment.scope.select_related("system"):
            evidence.record(assessment, kind="security_assessment", system=link.system, occurred_on=day,
                            title=title, recorded_by=stored_user(user))
        evidence.record(assessment, kind="security_assessment", organisation=assessment.organisation,
                        occurred_on=day, title=title, recorded_by=stored_user(user))
    return assessment


def overdue_findings(queryset, today=None):
    """Open findings whose fix deadline has passed."""
    return queryset.filter(status=AssessmentFindingStatus.OPEN, due_on__lt=today or timezone.localdate())
