"""Routes of the plans part for the visibility suite (see tenancy/tests/routes.py).

Tree A holds a plan of Alpha with an approved version 1 and a draft version 2 (document, checklist,
scenario), and an assessment of AG-A1 in progress (requirement, finding, report file)."""

from attt.tenancy.tests.routes import ACTION, DETAIL, EDIT, LIST, Route, api_writes


def _pdf():
    from attt.levels.testing import pdf

    return pdf("leak.pdf", b"leak attempt")


def _plan_form(w):
    return {"organisation": "AG-A1", "system": w.system_a.pk, "title": "Lén tạo", "author": "x", "file": _pdf()}


def _assessment_form(w):
    return {"organisation": "AG-A1", "title": "Lén tạo", "kind": "self", "assessor_unit": "AG-A1",
            "started_on": "2026-01-05", "systems": [w.system_a.pk]}


ROUTES = {
    "readiness-plan-list": Route(LIST, query="?q=Alpha"),
    "readiness-plan-new": Route(LIST, writes=[("post", _plan_form)]),
    "readiness-plan-detail": Route(DETAIL, lambda w: {"pk": w.plan.pk}),
    "readiness-plan-version-new": Route(EDIT, lambda w: {"pk": w.plan.pk}, writes=[("post", lambda w: {"title": "x"})]),
    "readiness-plan-draft": Route(ACTION, lambda w: {"pk": w.plan_draft.pk}, writes=[("post", lambda w: {
        "title": "x", "covered_overview": "on", "section_overview": "9"})]),
    "readiness-plan-document": Route(ACTION, lambda w: {"pk": w.plan_draft.pk},
                                     writes=[("post", lambda w: {"file": _pdf()})]),
    "readiness-plan-scenario": Route(ACTION, lambda w: {"pk": w.plan_draft.pk},
                                     writes=[("post", lambda w: {"title": "x", "response_steps": "y"})]),
    "readiness-plan-approve": Route(ACTION, lambda w: {"pk": w.plan_draft.pk}, writes=[("post", lambda w: {})]),
    "readiness-plan-document-file": Route(DETAIL, lambda w: {"pk": w.plan_document.pk}),
    "readiness-plan-scenario-remove": Route(ACTION, lambda w: {"pk": w.plan_scenario.pk},
                                            writes=[("post", lambda w: {})]),
    "readiness-assessment-list": Route(LIST, query="?q=Alpha"),
    "readiness-assessment-new": Route(LIST, writes=[("post", _assessment_form)]),
    "readiness-assessment-detail": Route(DETAIL, lambda w: {"pk": w.assessment.pk}),
    "readiness-assessment-requirement": Route(ACTION, lambda w: {"pk": w.assessment.pk}, writes=[("post", lambda w: {
        "reference": "x", "requirement": "y", "result": "met"})]),
    "readiness-assessment-requirement-remove": Route(ACTION, lambda w: {"pk": w.assessment_requirement.pk},
                                                     writes=[("post", lambda w: {})]),
    "readiness-assessment-finding": Route(ACTION, lambda w: {"pk": w.assessment.pk},
                                          writes=[("post", lambda w: {"title": "x", "severity": "low"})]),
    "readiness-assessment-finding-status": Route(ACTION, lambda w: {"pk": w.assessment_finding.pk},
                                                 writes=[("post", lambda w: {"status": "fixed"})]),
    "readiness-assessment-file": Route(ACTION, lambda w: {"pk": w.assessment.pk},
                                       writes=[("post", lambda w: {"file": _pdf()})]),
    "readiness-assessment-file-download": Route(DETAIL, lambda w: {"pk": w.assessment_file.pk}),
    "readiness-assessment-complete": Route(ACTION, lambda w: {"pk": w.assessment.pk},
                                           writes=[("post", lambda w: {"ended_on": "2026-01-10"})]),
    "api:readinessplan-list": Route(LIST, query="?review=1", writes=api_writes(create_payload=lambda w: {
        "organisation": "AG-A1", "system": w.system_a.pk, "title": "x"})),
    "api:readinessplan-detail": Route(DETAIL, lambda w: {"pk": w.plan.pk}, writes=api_writes(lambda w: {"title": "x"})),
    "api:readinessplan-versions": Route(ACTION, lambda w: {"pk": w.plan.pk}, writes=[("post", lambda w: {"title": "x"})]),
    "api:readinessplan-checklist": Route(ACTION, lambda w: {"pk": w.plan.pk}, writes=[("post", lambda w: {
        "answers": [{"item": "overview", "covered": False}]})]),
    "api:readinessplan-scenarios": Route(ACTION, lambda w: {"pk": w.plan.pk}, writes=[
        ("post", lambda w: {"title": "x", "response_steps": "y"}), ("post", lambda w: {"remove": w.plan_scenario.pk})]),
    "api:readinessplan-documents": Route(ACTION, lambda w: {"pk": w.plan.pk}, writes=[("post", lambda w: {"file": _pdf()})]),
    "api:readinessplan-approve": Route(ACTION, lambda w: {"pk": w.plan.pk}, writes=[("post", lambda w: {})]),
    "api:readinessassessment-list": Route(LIST, writes=api_writes(create_payload=lambda w: {
        **_assessment_form(w), "systems": [w.system_a.pk]})),
    "api:readinessassessment-detail": Route(DETAIL, lambda w: {"pk": w.assessment.pk},
                                            writes=api_writes(lambda w: {"title": "x"})),
    "api:readinessassessment-requirements": Route(ACTION, lambda w: {"pk": w.assessment.pk}, writes=[("post", lambda w: {
        "requirements": [{"reference": "x", "requirement": "y", "result": "met"}]})]),
    "api:readinessassessment-findings": Route(ACTION, lambda w: {"pk": w.assessment.pk}, writes=[
        ("post", lambda w: {"title": "x"}), ("post", lambda w: {"finding": w.assessment_finding.pk, "status": "fixed"})]),
    "api:readinessassessment-files": Route(ACTION, lambda w: {"pk": w.assessment.pk},
                                           writes=[("post", lambda w: {"file": _pdf()})]),
    "api:readinessassessment-complete": Route(ACTION, lambda w: {"pk": w.assessment.pk},
                                              writes=[("post", lambda w: {"ended_on": "2026-01-10"})]),
}


def rows(world):
    """Create tree A's rows of this part; keep what ROUTES need on world."""
    from attt.levels.testing import pdf
    from attt.readiness import services_plans as services
    from attt.tenancy.roles import Role
    from attt.testing import make_user

    approver = getattr(world, "head_a", None) or make_user("head.plans.a", world.ministry, Role.HEAD)
    outline = services.outline_for(world.agency, world.system_a)
    answers = [{"item": item.id, "covered": True, "section": "Alpha-Zq7 §1"} for item in outline.items]
    plan = services.create_plan(world.officer_a, world.agency, {"title": "Phương án Alpha-Zq7", "author": "officer.a"},
                                system=world.system_a, upload=pdf("plan-v1.pdf"), answers=answers,
                                scenarios=[{"title": "Mã độc Alpha-Zq7", "response_steps": "Cô lập máy chủ"}])
    services.approve_version(approver, plan.latest_version())
    world.plan = plan
    world.plan_draft = services.new_version(world.officer_a, plan, {"notes": "AG-A1 v2"}, upload=pdf("plan-v2.pdf"))
    world.plan_document = world.plan_draft.documents.get()
    world.plan_scenario = world.plan_draft.scenarios.get()
    world.assessment = services.create_assessment(world.officer_a, world.agency, {
        "title": "Đánh giá Alpha-Zq7", "kind": "self", "assessor_unit": "MIN-A", "started_on": "2026-01-05"},
        [world.system_a.pk], upload=pdf("report.pdf"))
    [world.assessment_requirement] = services.add_requirements(world.officer_a, world.assessment, [
        {"reference": "AG-A1 1.1", "requirement": "Chính sách", "result": "partly"}])
    world.assessment_finding = services.add_finding(world.officer_a, world.assessment, {
        "title": "Alpha-Zq7 thiếu sao lưu", "severity": "high", "due_on": "2026-02-01"})
    world.assessment_file = world.assessment.files.get()


def state(world):
    """Everything a write to this part could change."""
    from attt.readiness.models import (
        Assessment,
        AssessmentFile,
        AssessmentFinding,
        AssessmentRequirement,
        AssessmentSystem,
        PlanDocument,
        PlanItemAnswer,
        PlanScenario,
        PlanVersion,
        ResponsePlan,
    )

    return (
        tuple(ResponsePlan.objects.order_by("pk").values_list("pk", "title", "review_needed", "updated_at")),
        tuple(PlanVersion.objects.order_by("pk").values_list("pk", "status", "title", "author", "approved_on")),
        PlanDocument.objects.count(), PlanScenario.objects.count(),
        tuple(PlanItemAnswer.objects.order_by("pk").values_list("pk", "covered", "section")),
        tuple(Assessment.objects.order_by("pk").values_list("pk", "status", "title", "ended_on", "summary")),
        AssessmentSystem.objects.count(), AssessmentRequirement.objects.count(), AssessmentFile.objects.count(),
        tuple(AssessmentFinding.objects.order_by("pk").values_list("pk", "status", "fixed_on")),
    )
