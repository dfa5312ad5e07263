"""Incident response plans: versions, the outline checklist, approval rules, evidence, the
"review needed" flag on inventory changes, web pages and API."""

import dataclasses
import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from attt.inventory import services as inventory
from attt.inventory.addressing import parse_domains, parse_hosts, parse_networks
from attt.levels.testing import ANSWERS_L4, drafted, pdf, prepare_levels
from attt.obligations.models import Evidence
from attt.readiness import services_plans as services
from attt.readiness.models import (
    PlanDocument,
    PlanItemAnswer,
    PlanScenario,
    PlanStatus,
    PlanVersion,
    ResponsePlan,
)
from attt.readiness.outlines import outlines
from attt.tenancy.roles import Role
from attt.testing import make_user

SCENARIO = {"title": "Ransomware on the application servers", "description": "Files encrypted",
            "response_steps": "1. Isolate the servers\n2. Restore from backup"}


@pytest.fixture
def head(world):
    """The head of MIN-A: approves response plans for its subtree."""
    return make_user("head.plans", world.ministry, Role.HEAD)


def covered(outline_id="tt20-app3", skip=()):
    return [{"item": item.id, "covered": True, "section": f"§{n}"}
            for n, item in enumerate(outlines().get(outline_id).items, start=1) if item.id not in skip]


@pytest.fixture
def plan(world):
    return services.create_plan(world.officer_a, world.agency, {"title": "Phương án ứng phó Alpha", "author": "An"},
                                system=world.system_a, upload=pdf("plan.pdf"), answers=covered(), scenarios=[SCENARIO])


def plan_evidence(**subject):
    return Evidence.objects.filter(kind="response_plan", **subject)


def edit_system(world, user=None, **changes):
    system = world.system_a
    data = inventory.SystemInput(
        owner=system.owner, operator=system.operator, name=system.name, system_type=system.system_type,
        hosting=system.hosting, status=system.status, security_unit=system.security_unit,
        description=system.description, information_classes=list(system.information_classes),
        data_subjects_basic=system.data_subjects_basic, data_subjects_sensitive=system.data_subjects_sensitive,
        hosting_provider=system.hosting_provider, go_live_date=system.go_live_date,
        hosts=parse_hosts(["alpha01 10.1.0.10"]), networks=parse_networks(["10.1.0.0/24"]),
        domains=parse_domains(["alpha.a1.gov.vn"]))
    return inventory.save_system(user or world.officer_a, dataclasses.replace(data, **changes), instance=system)


# --- versions and the outline ----------------------------------------------------------------

def test_a_plan_starts_as_draft_version_1_with_its_parts(world, plan):
    version = plan.latest_version()
    assert (version.number, version.status, version.outline, version.author) == (1, PlanStatus.DRAFT, "tt20-app3", "An")
    assert plan.organisation == world.agency and plan.system == world.system_a
    assert version.documents.get().original_name == "plan.pdf"
    assert version.answers.filter(covered=True).count() == len(outlines().get("tt20-app3").items)
    assert version.scenarios.get().title == SCENARIO["title"]
    assert plan.current_version() is None


def test_new_versions_are_numbered_and_carry_checklist_and_scenarios(world, plan, head):
    with pytest.raises(ValidationError) as error:
        services.new_version(world.officer_a, plan, {})
    assert "still a draft" in str(error.value)
    services.approve_version(head, plan.latest_version())
    second = services.new_version(world.officer_a, plan, {"notes": "New hosting"}, upload=pdf("v2.pdf"))
    assert (second.number, second.status, second.title, second.notes) == (2, "draft", plan.title, "New hosting")
    assert {(a.item, a.covered, a.section) for a in second.answers.all()} == \
        {(a.item, a.covered, a.section) for a in plan.versions.get(number=1).answers.all()}
    assert [s.title for s in second.scenarios.all()] == [SCENARIO["title"]]
    services.approve_version(head, second)
    assert list(plan.versions.order_by("number").values_list("number", "status")) == [
        (1, PlanStatus.SUPERSEDED), (2, PlanStatus.APPROVED)]
    assert plan.current_version() == second


def test_the_outline_follows_the_systems_level(world):
    assert services.outline_for(world.agency, world.system_a).id == "tt20-app3"  # no level yet
    prepare_levels(world)
    drafted(world, ANSWERS_L4)  # a proposed level 4
    assert services.outline_for(world.agency, world.system_a).id == "qd05-app2"
    assert services.outline_for(world.agency).id == "qd05-app2"  # AG-A1 owns a level-4 system
    assert services.outline_for(world.unit).id == "tt20-app3"
    plan = services.create_plan(world.officer_a, world.agency, {"title": "P"}, system=world.system_a)
    version = plan.latest_version()
    assert version.outline == "qd05-app2"
    assert "continuity_priorities" in [item.id for item, _answer in services.checklist(version)]


def test_every_outline_cites_its_source_and_has_the_priority_conditions():
    for outline in outlines().outlines:
        assert outline.article and all(item.source for item in outline.items)
        ids = {item.id for item in outline.items if item.mandatory}
        assert {"overview", "scenarios", "response_options", "continuity_priorities", "recovery", "organisation",
                "resources", "training_drills", "reporting"} <= ids, outline.id
        assert "12.2" in outline.item("continuity_priorities").source


def test_draft_checklist_edits_and_their_errors(world, plan):
    version = plan.latest_version()
    services.save_draft(world.officer_a, version, {"author": "Bình"}, [{"item": "recovery", "covered": False}])
    version.refresh_from_db()
    assert version.author == "Bình" and not version.answers.get(item="recovery").covered
    with pytest.raises(ValidationError) as error:
        services.save_draft(world.officer_a, version, {}, [{"item": "overview", "covered": True, "section": ""}])
    assert "Say which section" in str(error.value)
    with pytest.raises(ValidationError) as error:
        services.save_draft(world.officer_a, version, {}, [{"item": "no_such_item", "covered": True}])
    assert "Unknown outline item" in str(error.value)
    assert version.answers.get(item="overview").section == "§1"


# --- approval --------------------------------------------------------------------------------

def test_only_a_person_who_may_approve_plans_approves(world, plan, head):
    version = plan.latest_version()
    for user in (world.officer_a, world.operator_a1, world.supervisor_a, world.officer_b, make_user("head.b", world.province, Role.HEAD)):
        with pytest.raises(PermissionDenied):
            services.approve_version(user, version)
    assert PlanVersion.objects.get(pk=version.pk).status == PlanStatus.DRAFT
    services.approve_version(head, version, "2026-11-02")
    version.refresh_from_db()
    assert (version.status, version.approved_by, version.approved_on) == ("approved", head, datetime.date(2026, 11, 2))


def test_uncovered_mandatory_items_block_approval_with_a_clear_message(world, head):
    plan = services.create_plan(world.officer_a, world.agency, {"title": "P"}, system=world.system_a,
                                upload=pdf(), answers=covered(skip=("continuity_priorities", "recovery")))
    with pytest.raises(ValidationError) as error:
        services.approve_version(head, plan.latest_version())
    message = " ".join(error.value.message_dict["answers"])
    assert "mandatory outline items are not covered" in message
    assert "Mandatory priority conditions for keeping the system running" in message and "Recovery" in message
    assert plan.latest_version().status == "draft" and not plan_evidence().exists()
    # An optional heading left out does not block.
    services.save_draft(world.officer_a, plan.latest_version(), {}, [
        {"item": "continuity_priorities", "covered": True, "section": "4"}, {"item": "recovery", "covered": "on",
                                                                            "section": "5"}])
    services.approve_version(head, plan.latest_version())


def test_approval_needs_the_document_and_a_sensible_date(world, head):
    plan = services.create_plan(world.officer_a, world.agency, {"title": "P"}, system=world.system_a,
                                answers=covered())
    with pytest.raises(ValidationError) as error:
        services.approve_version(head, plan.latest_version())
    assert "Upload the plan document" in str(error.value)
    services.add_document(world.officer_a, plan.latest_version(), pdf())
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for bad in (tomorrow, "31/12/2026"):
        with pytest.raises(ValidationError):
            services.approve_version(head, plan.latest_version(), bad)
    assert plan.latest_version().status == "draft"


def test_an_approved_version_is_frozen(world, plan, head):
    version = services.approve_version(head, plan.latest_version())
    for work in (lambda: services.save_draft(world.officer_a, version, {"title": "x"}),
                 lambda: services.add_scenario(world.officer_a, version, SCENARIO),
                 lambda: services.add_document(world.officer_a, version, pdf()),
                 lambda: services.approve_version(head, version)):
        with pytest.raises(ValidationError):
            work()


# --- evidence --------------------------------------------------------------------------------

def test_approval_records_response_plan_evidence_and_later_versions_add_theirs(world, plan, head):
    first = services.approve_version(head, plan.latest_version(), "2026-03-01")
    row = plan_evidence(system=world.system_a).get()
    assert (row.occurred_on, row.organisation, row.recorded_by) == (datetime.date(2026, 3, 1), world.agency, head)
    assert row.source_type == ContentType.objects.get_for_model(PlanVersion) and row.source_id == str(first.pk)
    second = services.new_version(world.officer_a, plan, {}, upload=pdf("v2.pdf"))
    services.approve_version(head, second, "2026-06-01")
    rows = plan_evidence(system=world.system_a).order_by("occurred_on")
    assert [(r.occurred_on, r.withdrawn_at) for r in rows] == [(datetime.date(2026, 3, 1), None),
                                                               (datetime.date(2026, 6, 1), None)]
    third = services.new_version(world.officer_a, plan, {}, upload=pdf("v3.pdf"))
    with pytest.raises(ValidationError) as error:
        services.approve_version(head, third, "2026-05-01")
    assert "earlier version" in str(error.value)


def test_an_organisation_wide_plan_is_evidence_of_the_organisation(world, head):
    plan = services.create_plan(world.officer_a, world.agency, {"title": "Phương án ứng cứu khẩn cấp"},
                                upload=pdf(), answers=covered())
    services.approve_version(head, plan.latest_version())
    row = plan_evidence().get()
    assert row.system is None and row.organisation == world.agency and row.occurred_on == timezone.localdate()


# --- review needed ---------------------------------------------------------------------------

def test_a_system_change_flags_the_plan_and_a_new_approved_version_clears_it(world, plan, head):
    services.approve_version(head, plan.latest_version())
    edit_system(world)  # saved with nothing changed
    plan.refresh_from_db()
    assert not plan.review_needed
    edit_system(world, hosting="cloud", hosting_provider="Viettel IDC")
    plan.refresh_from_db()
    assert plan.review_needed and "hosting" in plan.review_reason and "hosting provider" in plan.review_reason
    flagged_at = plan.review_flagged_at
    assert flagged_at is not None
    edit_system(world, hosting="cloud", hosting_provider="Viettel IDC", domains=parse_domains(["new.a1.gov.vn"]))
    plan.refresh_from_db()
    assert "Domain removed: alpha.a1.gov.vn" in plan.review_reason and "Domain added: new.a1.gov.vn" in plan.review_reason
    assert plan.review_flagged_at == flagged_at  # "needs review since" the first change
    second = services.new_version(world.officer_a, plan, {}, upload=pdf("v2.pdf"))
    plan.refresh_from_db()
    assert plan.review_needed  # a draft is not enough
    services.approve_version(head, second)
    plan.refresh_from_db()
    assert (plan.review_needed, plan.review_reason, plan.review_flagged_at) == (False, "", None)


def test_hosts_added_by_hand_or_saved_directly_flag_the_plan(world, plan):
    other = services.create_plan(world.officer_b, world.unit, {"title": "B"}, system=world.system_b)
    inventory.add_host(world.officer_a, world.system_a, "alpha02 10.1.0.11")
    plan.refresh_from_db()
    assert plan.review_needed and "Host added: alpha02 / 10.1.0.11" in plan.review_reason
    world.system_a.networks.get().delete()
    plan.refresh_from_db()
    assert "IP range removed: 10.1.0.0/24" in plan.review_reason
    world.system_a.description = "Mô tả mới"
    world.system_a.save()
    plan.refresh_from_db()
    assert "description" in plan.review_reason
    other.refresh_from_db()
    assert not other.review_needed  # another system's plan is untouched


# --- bad input -------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, field", [
    ({"data": {"title": ""}}, "title"),
    ({"data": {"title": "x" * 300}}, "title"),
    ({"system": "system_b"}, "system"),
    ({"system": "999999"}, "system"),
    ({"answers": [{"item": "nope", "covered": True}]}, "answers"),
    ({"answers": "not a list"}, "answers"),
    ({"scenarios": [{"title": "No steps"}]}, "response_steps"),
    ({"upload": SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 not a pdf")}, "file"),
    ({"upload": SimpleUploadedFile("plan.exe", b"%PDF-1.7")}, "file"),
])
def test_bad_input_gets_a_clear_error_and_stores_nothing(world, kwargs, field):
    data = kwargs.pop("data", {"title": "P"})
    if kwargs.get("system") == "system_b":
        kwargs["system"] = world.system_b
    with pytest.raises(ValidationError) as error:
        services.create_plan(world.officer_a, world.agency, data, **kwargs)
    assert field in error.value.message_dict
    assert not ResponsePlan.objects.exists() and not PlanVersion.objects.exists()
    assert not (PlanDocument.objects.exists() or PlanItemAnswer.objects.exists() or PlanScenario.objects.exists())


def test_rights_to_keep_plans(world, plan):
    for user in (world.supervisor_a, world.auditor_a, world.officer_b, world.nobody):
        with pytest.raises(PermissionDenied):
            services.create_plan(user, world.agency, {"title": "x"})
        with pytest.raises(PermissionDenied):
            services.add_scenario(user, plan.latest_version(), SCENARIO)
    assert ResponsePlan.objects.count() == 1 and PlanScenario.objects.count() == 1


# --- web and API -----------------------------------------------------------------------------

def test_web_plan_pages(world, login, head):
    client = login(world.officer_a)
    page = client.get("/readiness/plans/new/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "New response plan" in page.content.decode()
    response = client.post("/readiness/plans/new/", {"organisation": "AG-A1", "system": world.system_a.pk,
                                                     "title": "Phương án Alpha", "author": "An", "file": pdf()})
    plan = ResponsePlan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/readiness/plans/{plan.pk}/"
    version = plan.latest_version()
    form = {"title": "Phương án Alpha", "author": "An"}
    for n, item in enumerate(outlines().get(version.outline).items):
        form[f"covered_{item.id}"], form[f"section_{item.id}"] = "on", f"{n}"
    assert client.post(f"/readiness/plans/versions/{version.pk}/draft/", form).status_code == 302
    assert client.post(f"/readiness/plans/versions/{version.pk}/scenarios/", SCENARIO).status_code == 302
    assert version.answers.filter(covered=True).count() == len(outlines().get(version.outline).items)
    page = client.get(f"/readiness/plans/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Outline checklist" in page and SCENARIO["title"] in page and "Approve version 1" not in page
    denied = client.post(f"/readiness/plans/versions/{version.pk}/approve/")
    assert denied.status_code == 403 and plan.latest_version().status == "draft"
    head_client = login(head)
    assert head_client.post(f"/readiness/plans/versions/{version.pk}/approve/",
                            {"approved_on": "2026-11-01"}).status_code == 302
    assert plan.current_version().approved_on == datetime.date(2026, 11, 1)
    download = head_client.get(f"/readiness/plans/documents/{version.documents.get().pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_web_shows_the_review_flag_in_lists_and_on_the_systems_page(world, plan, login, head):
    services.approve_version(head, plan.latest_version())
    edit_system(world, hosting="cloud")
    client = login(world.supervisor_a)
    listing = client.get("/readiness/plans/?review=1", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert plan.title in listing and "review needed" in listing
    assert plan.title in client.get("/readiness/plans/?status=approved").content.decode()
    assert plan.title not in client.get("/readiness/plans/?status=none").content.decode()
    system_page = client.get(f"/systems/{world.system_a.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Incident response plans" in system_page and "review needed" in system_page
    detail = client.get(f"/readiness/plans/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Why a review is needed" in detail and "hosting" in detail


def test_web_bad_input_is_answered_and_stores_nothing(world, login):
    client = login(world.officer_a)
    response = client.post("/readiness/plans/new/", {"organisation": "AG-A1", "system": world.system_b.pk, "title": "x"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "Choose an information system" in response.content.decode()
    assert not ResponsePlan.objects.exists()


def test_api_plans(world, login, head):
    client = login(world.officer_a)
    response = client.post("/api/readiness/plans/", {
        "organisation": "AG-A1", "system": world.system_a.pk, "title": "API plan", "scenarios": [SCENARIO],
        "answers": covered()}, content_type="application/json")
    assert response.status_code == 201, response.content
    plan_id = response.json()["id"]
    assert response.json()["versions"][0]["status"] == "draft"
    assert client.post(f"/api/readiness/plans/{plan_id}/documents/", {"file": pdf()}).status_code == 201
    response = client.post(f"/api/readiness/plans/{plan_id}/checklist/", {
        "answers": [{"item": "recovery", "covered": False}]}, content_type="application/json")
    assert response.status_code == 200
    assert client.post(f"/api/readiness/plans/{plan_id}/approve/", {}, content_type="application/json").status_code == 403
    head_client = login(head)
    refused = head_client.post(f"/api/readiness/plans/{plan_id}/approve/", {}, content_type="application/json")
    assert refused.status_code == 400 and "answers" in refused.json()
    client = login(world.officer_a)
    client.post(f"/api/readiness/plans/{plan_id}/checklist/", {
        "answers": [{"item": "recovery", "covered": True, "section": "5"}]}, content_type="application/json")
    head_client = login(head)
    approved = head_client.post(f"/api/readiness/plans/{plan_id}/approve/", {"approved_on": "2026-11-20"},
                                content_type="application/json")
    assert approved.status_code == 200 and approved.json()["versions"][0]["approved_on"] == "2026-11-20"
    assert plan_evidence(system=world.system_a).get().occurred_on == datetime.date(2026, 11, 20)
    response = head_client.post(f"/api/readiness/plans/{plan_id}/versions/", {"notes": "v2"},
                                content_type="application/json")
    assert response.status_code == 201 and [v["number"] for v in response.json()["versions"]] == [2, 1]
    listing = login(world.officer_b).get("/api/readiness/plans/").json()
    assert listing["count"] == 0 if isinstance(listing, dict) else listing == []
