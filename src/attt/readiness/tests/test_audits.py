"""Audits and assessments: assessor rules, requirement results, findings and their fixes (overdue),
completion and its evidence, bad input, web pages and API."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from attt.levels.testing import pdf
from attt.obligations.models import Evidence
from attt.readiness import services_plans as services
from attt.readiness.models import (
    Assessment,
    AssessmentFile,
    AssessmentFinding,
    AssessmentRequirement,
    AssessmentSystem,
)

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def form(**extra):
    return {"title": "Đánh giá định kỳ 2026", "kind": "self", "assessor_unit": "MIN-A",
            "started_on": (TODAY - 20 * DAY).isoformat(), **extra}


@pytest.fixture
def assessment(world):
    return services.create_assessment(world.officer_a, world.agency, form(), [world.system_a.pk])


def nothing_stored():
    return not any(model.objects.exists() for model in (Assessment, AssessmentSystem, AssessmentRequirement,
                                                        AssessmentFinding, AssessmentFile))


# --- recording -------------------------------------------------------------------------------

def test_an_assessment_by_an_internal_unit(world, assessment):
    assert (assessment.kind, assessment.assessor_unit, assessment.status) == ("self", world.ministry, "in_progress")
    assert list(assessment.systems.all()) == [world.system_a]
    assert assessment.assessor_label() == str(world.ministry)


def test_a_licensed_organisation_needs_its_name_and_licence(world):
    with pytest.raises(ValidationError) as error:
        services.create_assessment(world.officer_a, world.agency, form(kind="licensed", assessor_unit=""))
    assert {"assessor_name", "licence_number"} <= set(error.value.message_dict)
    row = services.create_assessment(world.officer_a, world.agency, form(
        kind="licensed", assessor_unit="", assessor_name="Công ty ATTT Sao Mai", licence_number="123/GP-BTTTT"))
    assert row.assessor_label() == "Công ty ATTT Sao Mai (123/GP-BTTTT)" and row.assessor_unit is None


@pytest.mark.parametrize("changes, field", [
    ({"title": ""}, "title"),
    ({"kind": "guess"}, "kind"),
    ({"assessor_unit": ""}, "assessor_unit"),            # a self-assessment names its unit
    ({"assessor_unit": "UN-B1"}, "assessor_unit"),       # another tree's unit reads as unknown
    ({"kind": "independent", "assessor_unit": ""}, "assessor_name"),
    ({"started_on": ""}, "started_on"),
    ({"started_on": "05/01/2026"}, "started_on"),
    ({"ended_on": "2020-01-01"}, "ended_on"),           # before the start
])
def test_bad_input_gets_a_clear_error_and_stores_nothing(world, changes, field):
    with pytest.raises(ValidationError) as error:
        services.create_assessment(world.officer_a, world.agency, form(**changes), [world.system_a.pk],
                                   upload=pdf("report.pdf"))
    assert field in error.value.message_dict
    assert nothing_stored()


def test_systems_in_scope_must_be_the_organisations_and_visible(world):
    for ids in ([world.system_b.pk], ["abc"], [999999]):
        with pytest.raises(ValidationError) as error:
            services.create_assessment(world.officer_a, world.agency, form(), ids)
        assert "system" in error.value.message_dict
    assert nothing_stored()
    row = services.create_assessment(world.officer_a, world.agency, form(), [world.system_a.pk, str(world.system_a.pk)])
    assert row.scope.count() == 1


def test_rights(world, assessment):
    for user in (world.supervisor_a, world.auditor_a, world.officer_b):
        with pytest.raises(PermissionDenied):
            services.create_assessment(user, world.agency, form())
        with pytest.raises(PermissionDenied):
            services.add_finding(user, assessment, {"title": "x"})
        with pytest.raises(PermissionDenied):
            services.complete_assessment(user, assessment, TODAY)
    assert Assessment.objects.count() == 1 and not AssessmentFinding.objects.exists()


# --- results, findings -----------------------------------------------------------------------

def test_requirement_rows_are_all_or_nothing(world, assessment):
    rows = services.add_requirements(world.officer_a, assessment, [
        {"reference": "TT 12 App. II 1.1", "requirement": "Chính sách an toàn", "result": "met"},
        {"reference": "1.2", "requirement": "Tổ chức", "result": "partly", "note": "Thiếu quyết định"}])
    assert [r.position for r in rows] == [1, 2]
    with pytest.raises(ValidationError) as error:
        services.add_requirements(world.officer_a, assessment, [
            {"reference": "1.3", "requirement": "Nhân lực", "result": "met"},
            {"reference": "1.4", "requirement": "", "result": "maybe"}])
    assert "Row 2" in " ".join(error.value.message_dict["requirements"])
    assert assessment.requirements.count() == 2
    services.remove_requirement(world.officer_a, rows[0])
    assert [r.reference for r in assessment.requirements.all()] == ["1.2"]


def test_overdue_findings_are_flagged_until_fixed(world, assessment):
    late = services.add_finding(world.officer_a, assessment, {
        "title": "Không có sao lưu ngoại vi", "severity": "high", "fix": "Sao lưu ra trung tâm dự phòng",
        "owner": "Phòng CNTT", "due_on": (TODAY - DAY).isoformat()})
    services.add_finding(world.officer_a, assessment, {"title": "Mật khẩu yếu", "due_on": (TODAY + 30 * DAY).isoformat()})
    services.add_finding(world.officer_a, assessment, {"title": "Không hạn"})
    assert list(services.overdue_findings(AssessmentFinding.objects.all())) == [late]
    assert late.is_overdue(TODAY) and not late.is_overdue(TODAY - 2 * DAY)
    services.set_finding_status(world.officer_a, late, "fixed", note="Đã cấu hình sao lưu")
    late.refresh_from_db()
    assert (late.status, late.fixed_on, late.fixed_by, late.is_overdue(TODAY)) == ("fixed", TODAY, world.officer_a, False)
    assert not services.overdue_findings(AssessmentFinding.objects.all()).exists()
    services.set_finding_status(world.officer_a, late, "open")
    late.refresh_from_db()
    assert late.is_overdue(TODAY) and late.fixed_on is None


def test_finding_errors(world, assessment):
    for data, field in (({"title": ""}, "title"), ({"title": "x", "severity": "huge"}, "severity"),
                        ({"title": "x", "due_on": "tomorrow"}, "due_on"),
                        ({"title": "x", "due_on": "2000-01-01"}, "due_on")):
        with pytest.raises(ValidationError) as error:
            services.add_finding(world.officer_a, assessment, data)
        assert field in error.value.message_dict
    finding = services.add_finding(world.officer_a, assessment, {"title": "x"})
    with pytest.raises(ValidationError):
        services.set_finding_status(world.officer_a, finding, "gone")
    with pytest.raises(ValidationError):
        services.set_finding_status(world.officer_a, finding, "fixed", fixed_on=(TODAY + DAY).isoformat())
    assert AssessmentFinding.objects.get().status == "open"


# --- completion and evidence -----------------------------------------------------------------

def test_completion_needs_the_report_and_an_end_date(world, assessment):
    with pytest.raises(ValidationError) as error:
        services.complete_assessment(world.officer_a, assessment)
    assert {"ended_on", "file"} <= set(error.value.message_dict)
    services.add_assessment_file(world.officer_a, assessment, pdf("report.pdf"), "Báo cáo")
    for bad in ((TODAY + DAY).isoformat(), (TODAY - 30 * DAY).isoformat(), "soon"):
        with pytest.raises(ValidationError):
            services.complete_assessment(world.officer_a, assessment, bad)
    assessment.refresh_from_db()
    assert assessment.status == "in_progress" and not Evidence.objects.filter(kind="security_assessment").exists()


def test_completing_records_security_assessment_evidence_dated_with_the_end(world, assessment):
    finding = services.add_finding(world.officer_a, assessment, {"title": "x", "due_on": (TODAY - DAY).isoformat()})
    services.add_assessment_file(world.officer_a, assessment, pdf("report.pdf"))
    end = TODAY - 2 * DAY
    services.complete_assessment(world.officer_a, assessment, end.isoformat(), "Đạt yêu cầu cơ bản")
    assessment.refresh_from_db()
    assert (assessment.status, assessment.ended_on, assessment.summary) == ("completed", end, "Đạt yêu cầu cơ bản")
    rows = Evidence.objects.filter(kind="security_assessment")
    assert {(r.system_id, r.organisation_id, r.occurred_on) for r in rows} == {
        (world.system_a.pk, world.agency.pk, end), (None, world.agency.pk, end)}
    with pytest.raises(ValidationError):
        services.add_requirements(world.officer_a, assessment, [{"reference": "1", "requirement": "x", "result": "met"}])
    with pytest.raises(ValidationError):
        services.complete_assessment(world.officer_a, assessment, end)
    services.set_finding_status(world.officer_a, finding, "fixed")  # fixes are tracked after completion
    assert Evidence.objects.filter(kind="security_assessment").count() == 2


# --- web and API -----------------------------------------------------------------------------

def test_web_assessment_pages(world, login):
    client = login(world.officer_a)
    assert client.get("/readiness/audits/new/").status_code == 200
    response = client.post("/readiness/audits/new/", {**form(), "organisation": "AG-A1", "systems": [world.system_a.pk],
                                                      "file": pdf("report.pdf")})
    row = Assessment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/readiness/audits/{row.pk}/"
    base = f"/readiness/audits/{row.pk}"
    assert client.post(f"{base}/requirements/", {"reference": "1.1", "requirement": "Chính sách",
                                                 "result": "not_met"}).status_code == 302
    assert client.post(f"{base}/findings/", {"title": "Thiếu chính sách", "severity": "high",
                                             "due_on": (TODAY - DAY).isoformat()}).status_code == 302
    page = client.get(f"{base}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Thiếu chính sách" in page and "overdue" in page and "Not met" in page
    listing = client.get("/readiness/audits/?overdue=1", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert row.title in listing and "1 overdue" in listing
    finding = row.findings.get()
    assert client.post(f"/readiness/audits/findings/{finding.pk}/status/", {"status": "fixed", "note": "ok"}).status_code == 302
    assert row.title not in client.get("/readiness/audits/?overdue=1").content.decode()
    assert client.post(f"{base}/complete/", {"ended_on": TODAY.isoformat()}).status_code == 302
    assert Evidence.objects.filter(kind="security_assessment", system=world.system_a, occurred_on=TODAY).exists()
    system_page = client.get(f"/systems/{world.system_a.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert row.title in system_page
    download = client.get(f"/readiness/audits/files/{row.files.get().pk}/")
    assert download.status_code == 200


def test_web_bad_input_and_foreign_tree(world, login, assessment):
    client = login(world.officer_a)
    response = client.post("/readiness/audits/new/", {**form(kind="licensed", assessor_unit=""), "organisation": "AG-A1"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "licence number" in response.content.decode()
    assert Assessment.objects.count() == 1
    client = login(world.officer_b)
    assert client.get(f"/readiness/audits/{assessment.pk}/").status_code == 404
    assert client.post(f"/readiness/audits/{assessment.pk}/findings/", {"title": "x"}).status_code == 404
    assert assessment.title not in client.get("/readiness/audits/").content.decode()


def test_api_assessments(world, login):
    client = login(world.officer_a)
    response = client.post("/api/readiness/audits/", {**form(), "organisation": "AG-A1",
                                                      "systems": [world.system_a.pk]}, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["systems"] == [world.system_a.pk]
    bad = client.post(f"/api/readiness/audits/{pk}/requirements/", {"requirements": [{"reference": "1"}]},
                      content_type="application/json")
    assert bad.status_code == 400 and not AssessmentRequirement.objects.exists()
    ok = client.post(f"/api/readiness/audits/{pk}/requirements/", {"requirements": [
        {"reference": "1", "requirement": "x", "result": "met"}]}, content_type="application/json")
    assert ok.status_code == 201 and ok.json()[0]["result"] == "met"
    findings = client.post(f"/api/readiness/audits/{pk}/findings/", {"title": "x", "due_on": (TODAY - DAY).isoformat()},
                           content_type="application/json").json()
    assert findings[0]["overdue"] is True
    assert client.get("/api/readiness/audits/?overdue=1").json()["count"] == 1
    client.post(f"/api/readiness/audits/{pk}/findings/", {"finding": findings[0]["id"], "status": "fixed"},
                content_type="application/json")
    assert client.get("/api/readiness/audits/?overdue=1").json()["count"] == 0
    refused = client.post(f"/api/readiness/audits/{pk}/complete/", {"ended_on": TODAY.isoformat()},
                          content_type="application/json")
    assert refused.status_code == 400 and "file" in refused.json()
    assert client.post(f"/api/readiness/audits/{pk}/files/", {"file": pdf("r.pdf")}).status_code == 201
    done = client.post(f"/api/readiness/audits/{pk}/complete/", {"ended_on": TODAY.isoformat()},
                       content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "completed"
    assert login(world.supervisor_a).post("/api/readiness/audits/", {**form(), "organisation": "AG-A1"},
                                          content_type="application/json").status_code == 403
    assert login(world.officer_b).get(f"/api/readiness/audits/{pk}/").status_code == 404
