"""Drills: planning with systems of the organisation's subtree, participants, findings, scores,
completion recording evidence (drill_real_world per system, drill for the organisation), deletion
withdrawing it; web and API."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from attt.obligations.models import Evidence
from attt.readiness import services_drills, services_team
from attt.readiness.models import Drill, DrillFinding, DrillParticipant, DrillSystem
from attt.testing import make_system

HELD = datetime.date(2026, 5, 20)
SCORES = {"detection": 4, "containment": 3, "communication": 5, "reporting": 2, "recovery": 4}


def plan(world, drill_type="real_world", systems=None, org=None, **extra):
    data = {"title": "Diễn tập Alpha-Zq7", "drill_type": drill_type, "held_on": HELD, "scenario": "Ransomware",
            **extra}
    return services_drills.save_drill(world.officer_a, org or world.agency, data,
                                      [world.system_a.pk] if systems is None else systems)


def test_systems_come_from_the_organisations_subtree(world):
    with pytest.raises(ValidationError) as error:
        plan(world, systems=[world.system_b.pk])
    assert "systems" in error.value.message_dict
    with pytest.raises(ValidationError):
        plan(world, systems=["abc"])
    drill = plan(world, org=world.ministry)  # AG-A1's system lies in MIN-A's subtree
    assert list(drill.systems.all()) == [world.system_a]
    assert Drill.objects.count() == 1


def test_bad_drill_input_and_rights(world):
    with pytest.raises(ValidationError) as error:
        services_drills.save_drill(world.officer_a, world.agency, {"title": "", "drill_type": "game",
                                                                   "held_on": "soon"}, [])
    assert set(error.value.message_dict) == {"title", "drill_type", "held_on"}
    with pytest.raises(PermissionDenied):
        services_drills.save_drill(world.supervisor_a, world.agency, {"title": "x"}, [])
    with pytest.raises(PermissionDenied):
        services_drills.save_drill(world.officer_b, world.agency, {"title": "x"}, [])
    assert not Drill.objects.exists()


def test_completing_a_real_world_drill_records_evidence_for_each_system_and_the_organisation(world):
    other = make_system(world.agency, "Cổng dịch vụ công A1")
    drill = plan(world, systems=[world.system_a.pk, other.pk])
    with pytest.raises(ValidationError, match="Score every criterion"):
        services_drills.complete_drill(world.officer_a, drill, {"detection": 4})
    assert not Evidence.objects.exists()
    services_drills.complete_drill(world.operator_a1, drill, SCORES, "Đã khôi phục trong 3 giờ")
    drill.refresh_from_db()
    assert (drill.status, drill.scores, drill.completed_by) == ("completed", SCORES, world.operator_a1)
    real = Evidence.objects.filter(kind="drill_real_world")
    assert {row.system for row in real} == {world.system_a, other}
    assert {row.occurred_on for row in real} == {HELD}
    org_row = Evidence.objects.get(kind="drill")
    assert (org_row.organisation, org_row.system) == (world.agency, None)
    with pytest.raises(ValidationError, match="completed"):
        services_drills.set_scores(world.officer_a, drill, {"detection": 1})
    with pytest.raises(ValidationError, match="completed"):
        services_drills.save_drill(world.officer_a, None, {"title": "x"}, drill=drill)


def test_a_tabletop_records_only_the_organisation_drill(world):
    drill = plan(world, "tabletop", systems=[])
    services_drills.complete_drill(world.officer_a, drill, SCORES)
    assert list(Evidence.objects.values_list("kind", "organisation__code")) == [("drill", "AG-A1")]


def test_completion_rules(world):
    real = plan(world, systems=[])
    with pytest.raises(ValidationError, match="at least one information system"):
        services_drills.complete_drill(world.officer_a, real, SCORES)
    future = plan(world, "tabletop", held_on=datetime.date.today() + datetime.timedelta(days=3))
    with pytest.raises(ValidationError, match="on or after its date"):
        services_drills.complete_drill(world.officer_a, future, SCORES)
    with pytest.raises(ValidationError, match="from 0 to 5"):
        services_drills.set_scores(world.officer_a, future, {"detection": 6})
    with pytest.raises(ValidationError, match="Unknown criterion"):
        services_drills.set_scores(world.officer_a, future, {"luck": 3})
    assert not Evidence.objects.exists()


def test_deleting_a_drill_withdraws_its_evidence(world):
    drill = plan(world)
    services_drills.complete_drill(world.officer_a, drill, SCORES)
    services_drills.delete_drill(world.officer_a, drill)
    assert Evidence.objects.count() == 2
    assert not Evidence.objects.filter(withdrawn_at__isnull=True).exists()


def test_participants_and_findings(world):
    drill = plan(world)
    lead = services_team.save_member(world.officer_a, world.agency, {"full_name": "Nguyễn An", "role": "lead"})
    stranger = services_team.save_member(world.officer_b, world.unit, {"full_name": "Người B"})
    services_drills.add_participant(world.officer_a, drill, lead.pk)
    services_drills.add_participant(world.officer_a, drill, name="Chuyên gia VNCERT", affiliation="VNCERT")
    with pytest.raises(ValidationError):
        services_drills.add_participant(world.officer_a, drill, stranger.pk)
    with pytest.raises(ValidationError, match="already takes part"):
        services_drills.add_participant(world.officer_a, drill, lead.pk)
    assert sorted(drill.participants.values_list("name", "affiliation")) == [
        ("Chuyên gia VNCERT", "VNCERT"), ("Nguyễn An", "Team lead")]
    finding = services_drills.add_finding(world.officer_a, drill, {
        "category": "process", "description": "Báo cáo trễ", "fix": "Cập nhật quy trình", "due_on": "30/06/2026"})
    with pytest.raises(ValidationError) as error:
        services_drills.add_finding(world.officer_a, drill, {"category": "luck", "description": ""})
    assert set(error.value.message_dict) == {"category", "description"}
    services_drills.set_finding_status(world.officer_a, finding, "done", "2026-06-15")
    finding.refresh_from_db()
    assert (finding.status, finding.done_on, finding.due_on) == ("done", datetime.date(2026, 6, 15),
                                                                 datetime.date(2026, 6, 30))
    with pytest.raises(PermissionDenied):
        services_drills.set_finding_status(world.supervisor_a, finding, "open")
    assert DrillFinding.objects.count() == 1


def test_drill_pages(world, login):
    client = login(world.officer_a)
    response = client.post("/readiness/drills/new/", {
        "organisation": "AG-A1", "title": "Diễn tập Alpha-Zq7", "drill_type": "real_world",
        "held_on": HELD.isoformat(), "systems": [world.system_a.pk]})
    assert response.status_code == 302
    drill = Drill.objects.get()
    bad = client.post("/readiness/drills/new/", {"organisation": "AG-A1", "title": "", "drill_type": "x",
                                                 "held_on": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400 and "Give the drill a title" in bad.content.decode()
    base = f"/readiness/drills/{drill.pk}/"
    client.post(base + "participants/", {"name": "Chuyên gia X"})
    client.post(base + "findings/", {"category": "people", "description": "Thiếu trực", "due_on": "2026-07-01"})
    client.post(base + "scores/", {f"score_{k}": v for k, v in SCORES.items()})
    drill.refresh_from_db()
    assert drill.scores == SCORES and DrillParticipant.objects.count() == 1
    page = client.get(base, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Thiếu trực" in page and "Drill score: 70.0 / 100" in page
    assert client.post(base + "complete/", {"results": "OK"}).status_code == 302
    drill.refresh_from_db()
    assert drill.status == "completed" and Evidence.objects.filter(kind="drill_real_world").count() == 1
    listing = client.get("/readiness/drills/?type=real_world&year=2026").content.decode()
    assert "Diễn tập Alpha-Zq7" in listing
    assert "Diễn tập Alpha-Zq7" not in login(world.officer_b).get("/readiness/drills/").content.decode()
    assert login(world.supervisor_a).get(base + "edit/").status_code == 403
    assert login(world.supervisor_a).post(base + "delete/").status_code == 403
    assert Drill.objects.exists()
    assert login(world.officer_a).post(base + "delete/").status_code == 302 and not Drill.objects.exists()


def test_drill_api(world, login):
    client = login(world.officer_a)
    response = client.post("/api/readiness/drills/", {
        "organisation": "AG-A1", "title": "Diễn tập Alpha-Zq7", "drill_type": "real_world",
        "held_on": HELD.isoformat(), "systems": [world.system_a.pk]}, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["systems"] == [world.system_a.pk]
    url = f"/api/readiness/drills/{pk}/"
    assert client.post(url + "findings/", {"category": "technology", "description": "EDR thiếu",
                                           "due_on": "2026-06-01"}, content_type="application/json").status_code == 201
    finding = DrillFinding.objects.get()
    assert client.post(url + "finding-status/", {"finding": finding.pk, "status": "in_progress"},
                       content_type="application/json").json()["findings"][0]["status"] == "in_progress"
    assert client.post(url + "complete/", {"scores": {"detection": 9}},
                       content_type="application/json").status_code == 400
    done = client.post(url + "complete/", {"scores": SCORES}, content_type="application/json")
    assert done.status_code == 200 and done.json()["drill_score"] == 70.0
    assert Evidence.objects.filter(kind__in=["drill", "drill_real_world"]).count() == 2
    assert login(world.officer_b).get(url).status_code == 404
    assert login(world.supervisor_a).delete(url).status_code == 403
    assert DrillSystem.objects.count() == 1


def test_every_form_page_renders_for_a_manager(world, login):
    drill = plan(world)
    member = services_team.save_member(world.officer_a, world.agency, {"full_name": "Nguyễn An"},
                                       certificates=[{"name": "CEH", "expires_on": "2020-01-01"}])
    client = login(world.officer_a)
    for url, marker in (("/readiness/team/AG-A1/members/new/", "member-form"),
                        (f"/readiness/members/{member.pk}/", "CEH"),
                        ("/readiness/drills/new/", "Alpha-Zq7"),
                        (f"/readiness/drills/{drill.pk}/edit/", "Diễn tập Alpha-Zq7"),
                        ("/readiness/maturity/?year=1999", "ranking")):
        response = client.get(url)
        assert response.status_code == 200 and marker in response.content.decode(), url
