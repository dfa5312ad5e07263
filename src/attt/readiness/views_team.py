"""Web pages of the team part of the readiness room: the readiness overview, an organisation's
response team (members, certificates, the five-expert rule, roster confirmation, maturity trend),
the 24/7 focal point with its history, drills (list, plan, detail with participants, findings and
scores, completion) and the maturity ranking of the teams in the user's scope."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from attt import languages
from attt.inventory.models import InformationSystem
from attt.tenancy.access import current_organisation, get_visible_or_404, visible
from attt.tenancy.forms import flash_errors, run_action
from attt.tenancy.models import Organisation
from attt.tenancy.roles import Permission
from attt.tenancy.scoping import scope_for

from . import maturity, rules, services_drills, services_team
from .models import (
    Certificate,
    Drill,
    DrillFinding,
    DrillParticipant,
    DrillStatus,
    DrillType,
    FindingCategory,
    FindingStatus,
    FocalPoint,
    Membership,
    TeamMember,
    TeamRole,
)

MEMBER_FORM = ("full_name", "username", "membership", "provider_name", "provider_code", "contract_end", "role",
               "skills", "email", "phone")
DRILL_FORM = ("title", "drill_type", "held_on", "plan", "scenario")


def _organisation(request, code):
    return get_visible_or_404(request, Organisation.objects.all(), code=code)


def _member(request, pk):
    return get_visible_or_404(request, TeamMember.objects.select_related("organisation"), pk=pk)


def _drill(request, pk):
    return get_visible_or_404(request, Drill.objects.select_related("organisation"), pk=pk)


def _members_by_organisation(organisations):
    grouped = defaultdict(list)
    for member in TeamMember.objects.filter(organisation__in=organisations).prefetch_related("certificates"):
        grouped[member.organisation_id].append(member)
    return grouped


# --- overview --------------------------------------------------------------------------------

@login_required
def overview(request):
    organisations = visible(request, Organisation.objects.all())
    page = Paginator(organisations, 50).get_page(request.GET.get("page"))
    rows_orgs = list(page)
    members = _members_by_organisation(rows_orgs)
    focal = {p.organisation_id: p for p in FocalPoint.objects.filter(organisation__in=rows_orgs, valid_to__isnull=True)}
    last_drills = {}
    for drill in Drill.objects.filter(organisation__in=rows_orgs).order_by("held_on", "id"):
        last_drills[drill.organisation_id] = drill
    year = timezone.localdate().year
    scores = maturity.scores_for(rows_orgs, year)
    rows = [{"organisation": o, "check": services_team.check_team(o, members=members[o.pk]),
             "focal": focal.get(o.pk), "drill": last_drills.get(o.pk), "maturity": scores[o.pk]} for o in rows_orgs]
    return render(request, "readiness/overview.html", {
        "page": page, "rows": rows, "year": year,
        "current": current_organisation(request), "rule": rules.team_rules().rule_on(timezone.localdate())})


# --- the team --------------------------------------------------------------------------------

@login_required
def team(request, code):
    organisation = _organisation(request, code)
    check = services_team.check_team(organisation)
    trend = maturity.trend(organisation)
    return render(request, "readiness/team/team.html", {
        "organisation": organisation, "check": check, "trend": trend,
        "focal": services_team.current_focal_point(organisation),
        "focal_rule": rules.team_rules().focal_point,
        "confirmations": organisation.team_confirmations.select_related("confirmed_by")[:5],
        "drills": organisation.drills.all()[:10],
        "can_manage": services_team.can_manage(request.user, organisation)})


def _member_context(request, organisation, member=None, values=None):
    initial = {"membership": Membership.INTERNAL, "role": TeamRole.MEMBER}
    if member is not None:
        initial.update({name: getattr(member, name) for name in MEMBER_FORM if name not in ("username", "skills")})
        initial["username"] = member.user.username if member.user else ""
        initial["skills"] = "; ".join(member.skills)
        initial["contract_end"] = member.contract_end.isoformat() if member.contract_end else ""
    initial.update(values or {})
    return {"organisation": organisation, "member": member, "v": initial, "memberships": Membership.choices,
            "roles": TeamRole.choices,
            "certificates": member.certificates.all() if member else [], "today": timezone.localdate()}


def _member_form(request, organisation, member=None):
    if not services_team.can_manage(request.user, organisation):
        raise PermissionDenied
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in MEMBER_FORM}
        certificate = {name: request.POST.get(f"cert_{name}", "") for name in services_team.CERTIFICATE_FIELDS}
        try:
            saved = services_team.save_member(request.user, organisation, values, member,
                                              certificates=[certificate] if certificate["name"] else [])
        except ValidationError as error:
            flash_errors(request, error)
            return render(request, "readiness/team/member_form.html",
                          _member_context(request, organisation, member, values), status=400)
        messages.success(request, _("%(name)s saved.") % {"name": saved.full_name})
        return redirect("readiness-team", organisation.code)
    return render(request, "readiness/team/member_form.html", _member_context(request, organisation, member))


@login_required
def member_new(request, code):
    return _member_form(request, _organisation(request, code))


@login_required
def member_edit(request, pk):
    member = _member(request, pk)
    return _member_form(request, member.organisation, member)


@login_required
@require_POST
def member_delete(request, pk):
    member = _member(request, pk)
    return run_action(request, lambda: services_team.delete_member(request.user, member),
                _("Member removed from the team."), ("readiness-team", member.organisation.code))


@login_required
@require_POST
def certificate_add(request, pk):
    member = _member(request, pk)
    data = {name: request.POST.get(name, "") for name in services_team.CERTIFICATE_FIELDS}
    return run_action(request, lambda: services_team.add_certificate(request.user, member, data),
                _("Certificate added."), ("readiness-member-edit", member.pk))


@login_required
@require_POST
def certificate_delete(request, pk):
    certificate = get_visible_or_404(request, Certificate.objects.select_related("member__organisation"), pk=pk)
    return run_action(request, lambda: services_team.delete_certificate(request.user, certificate),
                _("Certificate removed."), ("readiness-member-edit", certificate.member_id))


@login_required
@require_POST
def team_confirm(request, code):
    organisation = _organisation(request, code)

    def success(confirmation):
        if confirmation.meets_rule:
            return _("Roster confirmed: it meets the rule and is recorded as evidence of the response team.")
        return _("Roster confirmed, but it does not meet the rule yet: no evidence was recorded.")
    return run_action(request, lambda: services_team.confirm_roster(request.user, organisation,
                                                              request.POST.get("decision", "")),
                success, ("readiness-team", organisation.code))


@login_required
def focal_point(request, code):
    organisation = _organisation(request, code)
    can_manage = services_team.can_manage(request.user, organisation)
    status = 200
    values = {}
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in ("member", "name", "phone", "email", "note")}
        try:
            services_team.change_focal_point(request.user, organisation, values)
        except ValidationError as error:
            flash_errors(request, error)
            status = 400
        else:
            rule = rules.team_rules().focal_point
            messages.success(request, _("Focal point changed. Tell the %(recipient)s within %(hours)s hours.")
                             % {"recipient": languages.pick(rule["recipient"]), "hours": rule["notify_within_hours"]})
            return redirect("readiness-focal-point", organisation.code)
    return render(request, "readiness/team/focal_point.html", {
        "organisation": organisation, "history": organisation.focal_points.select_related("member", "changed_by"),
        "current": services_team.current_focal_point(organisation), "rule": rules.team_rules().focal_point,
        "members": organisation.team_members.all(), "can_manage": can_manage, "v": values}, status=status)


# --- drills ----------------------------------------------------------------------------------

@login_required
def drill_list(request):
    drills = visible(request, Drill.objects.select_related("organisation"))
    params = request.GET
    if params.get("type") in DrillType.values:
        drills = drills.filter(drill_type=params["type"])
    if params.get("status") in DrillStatus.values:
        drills = drills.filter(status=params["status"])
    if str(params.get("year", "")).isdigit():
        drills = drills.filter(held_on__year=int(params["year"]))
    if params.get("org"):
        drills = drills.filter(organisation__code=params["org"].strip().upper())
    if params.get("q"):
        drills = drills.filter(Q(title__icontains=params["q"]) | Q(scenario__icontains=params["q"]))
    page = Paginator(drills, 50).get_page(params.get("page"))
    return render(request, "readiness/team/drill_list.html", {
        "page": page, "params": params, "types": DrillType.choices, "statuses": DrillStatus.choices,
        "can_plan": scope_for(request.user).can_anywhere(Permission.MANAGE_READINESS)})


def _drill_form_context(request, drill=None, values=None, chosen=None):
    organisation = drill.organisation if drill else current_organisation(request)
    if drill is not None:
        systems = InformationSystem.objects.within(drill.organisation)
    else:
        systems = InformationSystem.objects.visible_to(request.user, Permission.MANAGE_READINESS)
        if organisation is not None:
            systems = systems.within(organisation)
    v = {"drill_type": DrillType.TABLETOP, "held_on": timezone.localdate().isoformat()}
    if drill is not None:
        v.update({name: getattr(drill, name) for name in DRILL_FORM})
        v["held_on"] = drill.held_on.isoformat()
        chosen = chosen if chosen is not None else set(drill.drill_systems.values_list("system_id", flat=True))
    v.update(values or {})
    return {"drill": drill, "v": v, "types": DrillType.choices, "systems": systems.order_by("name")[:500],
            "chosen": chosen or set(), "current": organisation,
            "organisations": Organisation.objects.visible_to(request.user, Permission.MANAGE_READINESS)}


@login_required
def drill_new(request):
    if not scope_for(request.user).can_anywhere(Permission.MANAGE_READINESS):
        raise PermissionDenied
    if request.method == "POST":
        organisation = Organisation.objects.filter(code=request.POST.get("organisation", "")).first()
        values = {name: request.POST.get(name, "") for name in DRILL_FORM}
        system_ids = request.POST.getlist("systems")
        try:
            drill = services_drills.save_drill(request.user, organisation, values, system_ids)
        except ValidationError as error:
            flash_errors(request, error)
            chosen = {int(pk) for pk in system_ids if pk.isdigit()}
            return render(request, "readiness/team/drill_form.html",
                          _drill_form_context(request, values=values, chosen=chosen), status=400)
        messages.success(request, _("Drill planned."))
        return redirect("readiness-drill-detail", drill.pk)
    return render(request, "readiness/team/drill_form.html", _drill_form_context(request))


@login_required
def drill_edit(request, pk):
    drill = _drill(request, pk)
    if not services_team.can_manage(request.user, drill.organisation):
        raise PermissionDenied
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in DRILL_FORM}
        system_ids = request.POST.getlist("systems")
        try:
            services_drills.save_drill(request.user, None, values, system_ids, drill=drill)
        except ValidationError as error:
            flash_errors(request, error)
            chosen = {int(pk) for pk in system_ids if pk.isdigit()}
            return render(request, "readiness/team/drill_form.html",
                          _drill_form_context(request, drill, values, chosen), status=400)
        messages.success(request, _("Saved."))
        return redirect("readiness-drill-detail", drill.pk)
    return render(request, "readiness/team/drill_form.html", _drill_form_context(request, drill))


@login_required
def drill_detail(request, pk):
    drill = _drill(request, pk)
    formula = services_drills.formula_for(drill)
    criteria = [{"id": c.id, "title": languages.pick(c.title), "weight": c.weight, "score": drill.scores.get(c.id)}
                for c in formula.criteria]
    scored = all(row["score"] is not None for row in criteria)
    return render(request, "readiness/team/drill_detail.html", {
        "drill": drill, "formula": formula, "criteria": criteria,
        "drill_score": maturity.drill_score(drill.scores, formula) if scored else None,
        "systems": [link.system for link in drill.drill_systems.select_related("system__owner")],
        "participants": drill.participants.select_related("member"),
        "findings": drill.findings.all(), "today": timezone.localdate(),
        "members": drill.organisation.team_members.all(), "categories": FindingCategory.choices,
        "finding_statuses": FindingStatus.choices, "scale": range(formula.scale_max + 1),
        "can_manage": services_team.can_manage(request.user, drill.organisation),
        "planned": drill.status == DrillStatus.PLANNED})


@login_required
@require_POST
def drill_participant(request, pk):
    drill = _drill(request, pk)
    return run_action(request, lambda: services_drills.add_participant(
        request.user, drill, request.POST.get("member") or None, request.POST.get("name", ""),
        request.POST.get("affiliation", "")), _("Participant added."), ("readiness-drill-detail", drill.pk))


@login_required
@require_POST
def drill_participant_remove(request, pk):
    row = get_visible_or_404(request, DrillParticipant.objects.select_related("drill__organisation"), pk=pk)
    return run_action(request, lambda: services_drills.remove_participant(request.user, row),
                _("Participant removed."), ("readiness-drill-detail", row.drill_id))


@login_required
@require_POST
def drill_finding(request, pk):
    drill = _drill(request, pk)
    data = {name: request.POST.get(name, "") for name in ("category", "description", "fix", "due_on")}
    return run_action(request, lambda: services_drills.add_finding(request.user, drill, data),
                _("Finding added."), ("readiness-drill-detail", drill.pk))


@login_required
@require_POST
def drill_finding_status(request, pk):
    finding = get_visible_or_404(request, DrillFinding.objects.select_related("drill__organisation"), pk=pk)
    return run_action(request, lambda: services_drills.set_finding_status(
        request.user, finding, request.POST.get("status", ""), request.POST.get("done_on") or None),
        _("Saved."), ("readiness-drill-detail", finding.drill_id))


def _posted_scores(request, drill):
    formula = services_drills.formula_for(drill)
    return {c.id: request.POST.get(f"score_{c.id}", "") for c in formula.criteria}


@login_required
@require_POST
def drill_scores(request, pk):
    drill = _drill(request, pk)
    return run_action(request, lambda: services_drills.set_scores(request.user, drill, _posted_scores(request, drill)),
                _("Scores saved."), ("readiness-drill-detail", drill.pk))


@login_required
@require_POST
def drill_complete(request, pk):
    drill = _drill(request, pk)
    return run_action(request, lambda: services_drills.complete_drill(
        request.user, drill, _posted_scores(request, drill), request.POST.get("results")),
        _("Drill completed; its evidence is recorded."), ("readiness-drill-detail", drill.pk))


@login_required
@require_POST
def drill_delete(request, pk):
    drill = _drill(request, pk)
    try:
        services_drills.delete_drill(request.user, drill)
    except ValidationError as error:
        flash_errors(request, error)
        return redirect("readiness-drill-detail", drill.pk)
    messages.success(request, _("Drill deleted; its evidence is withdrawn."))
    return redirect("readiness-drill-list")


# --- maturity ranking ------------------------------------------------------------------------

@login_required
def maturity_ranking(request):
    today = timezone.localdate()
    year = int(request.GET["year"]) if str(request.GET.get("year", "")).isdigit() else today.year
    year = min(max(year, 2000), today.year)
    rows = maturity.ranking(visible(request, Organisation.objects.all()), year, today)
    formula = rules.maturity().formula_on(maturity.reference_day(year, today))
    return render(request, "readiness/team/maturity.html", {
        "rows": rows, "year": year, "years": range(today.year, max(today.year - 6, 2000) - 1, -1),
        "formula": formula, "criteria": [(languages.pick(c.title), c.weight) for c in formula.criteria],
        "levels": [(languages.pick(level.title), level.start) for level in formula.levels]})
