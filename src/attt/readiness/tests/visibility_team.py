"""Routes of the team part for the visibility suite (see tenancy/tests/routes.py).

Tree A (AG-A1) holds a team member with a certificate, a focal point, a roster confirmation, a
planned drill on Alpha with a participant and a finding, and a completed drill."""

import datetime

from attt.tenancy.tests.routes import ACTION, DETAIL, EDIT, LIST, Route, api_writes

HELD = datetime.date(2026, 3, 10)
SCORES = {"detection": 4, "containment": 3, "communication": 5, "reporting": 2, "recovery": 4}


def member_form(w):
    return {"full_name": "Lén thêm", "membership": "internal", "role": "member", "cert_name": "CEH"}


def drill_form(w):
    return {"organisation": "AG-A1", "title": "Lén tạo", "drill_type": "tabletop", "held_on": "2026-01-05",
            "systems": [w.system_a.pk]}


def score_form(w):
    return {f"score_{key}": value for key, value in SCORES.items()}


ROUTES = {
    "readiness-overview": Route(LIST),
    "readiness-team": Route(DETAIL, lambda w: {"code": "AG-A1"}),
    "readiness-member-new": Route(EDIT, lambda w: {"code": "AG-A1"}, writes=[("post", member_form)]),
    "readiness-team-confirm": Route(ACTION, lambda w: {"code": "AG-A1"}, writes=[("post", lambda w: {"decision": "x"})]),
    "readiness-focal-point": Route(DETAIL, lambda w: {"code": "AG-A1"}, writes=[("post", lambda w: {
        "name": "Lén đổi", "phone": "0900", "email": "x@x.vn"})]),
    "readiness-member-edit": Route(EDIT, lambda w: {"pk": w.team_member.pk}, writes=[("post", member_form)]),
    "readiness-member-delete": Route(ACTION, lambda w: {"pk": w.team_member.pk}, writes=[("post", lambda w: {})]),
    "readiness-certificate-add": Route(ACTION, lambda w: {"pk": w.team_member.pk},
                                       writes=[("post", lambda w: {"name": "Lén cấp"})]),
    "readiness-certificate-delete": Route(ACTION, lambda w: {"pk": w.team_certificate.pk},
                                          writes=[("post", lambda w: {})]),
    "readiness-drill-list": Route(LIST, query="?q=Alpha"),
    "readiness-drill-new": Route(LIST, writes=[("post", drill_form)]),
    "readiness-drill-detail": Route(DETAIL, lambda w: {"pk": w.drill.pk}),
    "readiness-drill-edit": Route(EDIT, lambda w: {"pk": w.drill.pk}, writes=[("post", drill_form)]),
    "readiness-drill-delete": Route(ACTION, lambda w: {"pk": w.drill.pk}, writes=[("post", lambda w: {})]),
    "readiness-drill-participant": Route(ACTION, lambda w: {"pk": w.drill.pk},
                                         writes=[("post", lambda w: {"name": "Lén dự"})]),
    "readiness-drill-participant-remove": Route(ACTION, lambda w: {"pk": w.drill_participant.pk},
                                                writes=[("post", lambda w: {})]),
    "readiness-drill-finding": Route(ACTION, lambda w: {"pk": w.drill.pk}, writes=[("post", lambda w: {
        "category": "people", "description": "Lén ghi"})]),
    "readiness-drill-finding-status": Route(ACTION, lambda w: {"pk": w.drill_finding.pk},
                                            writes=[("post", lambda w: {"status": "done"})]),
    "readiness-drill-scores": Route(ACTION, lambda w: {"pk": w.drill.pk}, writes=[("post", score_form)]),
    "readiness-drill-complete": Route(ACTION, lambda w: {"pk": w.drill.pk}, writes=[("post", score_form)]),
    "readiness-maturity": Route(LIST, query="?year=2026"),
    # API.
    "api:readiness-team-member-list": Route(LIST, writes=api_writes(create_payload=lambda w: {
        "organisation": "AG-A1", "full_name": "Lén thêm"})),
    "api:readiness-team-member-detail": Route(DETAIL, lambda w: {"pk": w.team_member.pk},
                                              writes=api_writes(lambda w: {"full_name": "Lén đổi"})),
    "api:readiness-team-member-certificates": Route(ACTION, lambda w: {"pk": w.team_member.pk},
                                                    writes=[("post", lambda w: {"name": "Lén cấp"})]),
    "api:readiness-team-member-rule": Route(DETAIL, query="?organisation=AG-A1"),
    "api:readiness-team-member-confirm": Route(ACTION, writes=[("post", lambda w: {"organisation": "AG-A1"})]),
    "api:readiness-focal-point-list": Route(LIST, writes=api_writes(create_payload=lambda w: {
        "organisation": "AG-A1", "name": "Lén đổi", "phone": "0900", "email": "x@x.vn"})),
    "api:readiness-focal-point-detail": Route(DETAIL, lambda w: {"pk": w.focal_point.pk},
                                              writes=api_writes(lambda w: {"name": "Lén đổi"})),
    "api:readiness-drill-list": Route(LIST, writes=api_writes(create_payload=drill_form)),
    "api:readiness-drill-detail": Route(DETAIL, lambda w: {"pk": w.drill.pk},
                                        writes=api_writes(lambda w: {"title": "Lén đổi"})),
    "api:readiness-drill-complete": Route(ACTION, lambda w: {"pk": w.drill.pk},
                                          writes=[("post", lambda w: {"scores": SCORES})]),
    "api:readiness-drill-scores": Route(ACTION, lambda w: {"pk": w.drill.pk},
                                        writes=[("post", lambda w: {"scores": SCORES})]),
    "api:readiness-drill-findings": Route(ACTION, lambda w: {"pk": w.drill.pk}, writes=[("post", lambda w: {
        "category": "people", "description": "Lén ghi"})]),
    "api:readiness-drill-finding-status": Route(ACTION, lambda w: {"pk": w.drill.pk}, writes=[("post", lambda w: {
        "finding": w.drill_finding.pk, "status": "done"})]),
    "api:readiness-drill-participants": Route(ACTION, lambda w: {"pk": w.drill.pk},
                                              writes=[("post", lambda w: {"name": "Lén dự"})]),
    "api:readiness-maturity-list": Route(LIST),
    "api:readiness-maturity-detail": Route(DETAIL, lambda w: {"code": "AG-A1"}),
}


def rows(world):
    """Create tree A's rows of this part; keep what ROUTES need on world."""
    from attt.readiness import services_drills, services_team

    user, agency = world.officer_a, world.agency
    world.team_member = services_team.save_member(user, agency, {
        "full_name": "Chuyên gia Alpha-Zq7", "membership": "outsourced", "provider_name": "Nhà thầu AG-A1",
        "contract_end": "2030-12-31", "role": "lead", "skills": "IR", "email": "expert@alpha.a1.gov.vn"},
        certificates=[{"name": "CEH Alpha-Zq7", "expires_on": "2030-01-01"}])
    world.team_certificate = world.team_member.certificates.get()
    world.focal_point = services_team.change_focal_point(user, agency, {"member": world.team_member.pk,
                                                                        "phone": "0901 234 567"})
    services_team.confirm_roster(user, agency, "QĐ AG-A1")
    world.drill = services_drills.save_drill(user, agency, {
        "title": "Diễn tập Alpha-Zq7", "drill_type": "real_world", "held_on": HELD, "scenario": "AG-A1"},
        [world.system_a.pk])
    world.drill_participant = services_drills.add_participant(user, world.drill, world.team_member.pk)
    world.drill_finding = services_drills.add_finding(user, world.drill, {
        "category": "process", "description": "Alpha-Zq7 báo cáo chậm", "due_on": "2026-04-01"})
    done = services_drills.save_drill(user, agency, {"title": "Đã diễn tập Alpha-Zq7", "drill_type": "tabletop",
                                                     "held_on": HELD}, [])
    services_drills.complete_drill(user, done, SCORES)


def state(world):
    """Everything a write to this part could change."""
    from attt.readiness.models import (
        Certificate,
        Drill,
        DrillFinding,
        DrillParticipant,
        DrillSystem,
        FocalPoint,
        TeamConfirmation,
        TeamMember,
    )

    return (
        tuple(TeamMember.objects.order_by("pk").values_list("pk", "full_name", "role", "updated_at")),
        tuple(Certificate.objects.order_by("pk").values_list("pk", "name", "expires_on")),
        tuple(FocalPoint.objects.order_by("pk").values_list("pk", "name", "phone", "valid_to")),
        TeamConfirmation.objects.count(),
        tuple(Drill.objects.order_by("pk").values_list("pk", "title", "status", "updated_at")),
        DrillSystem.objects.count(), DrillParticipant.objects.count(),
        tuple(DrillFinding.objects.order_by("pk").values_list("pk", "status", "done_on")),
    )
