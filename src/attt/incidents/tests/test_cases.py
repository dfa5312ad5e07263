"""Opening and working a case: validation, numbering, T0 in its time zone, timeline, tasks and
follow-ups, indicators, evidence files, responders' access, events for the obligations engine."""

import datetime
import hashlib
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from attt.incidents import services
from attt.incidents.models import Incident, IncidentStatus, TimelineKind
from attt.levels.models import LevelStatus
from attt.obligations.models import SubjectEvent
from attt.tenancy.roles import Role
from attt.testing import make_user

pytestmark = pytest.mark.django_db


def test_open_numbers_and_records_detection(world, opened):
    first, second = opened(), opened(title="Mã độc mã hoá dữ liệu", incident_type="ransomware")
    year = timezone.now().astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).year
    assert first.reference == f"SC-{year}-0001" and second.reference == f"SC-{year}-0002"
    assert list(first.affected.values_list("system_id", flat=True)) == [world.system_a.pk]
    assert first.timeline.get().kind == TimelineKind.DETECTED
    event = SubjectEvent.objects.get(kind="incident", source_id=str(first.pk))
    assert event.organisation == world.agency and event.occurred_on is not None


def test_naive_t0_is_read_in_the_case_time_zone(world, opened):
    case = opened(detected_at="2026-08-19T00:30", time_zone="Asia/Ho_Chi_Minh")
    assert case.detected_at == datetime.datetime(2026, 8, 18, 17, 30, tzinfo=datetime.timezone.utc)
    bangkok = opened(detected_at="2026-08-19T00:30", time_zone="Asia/Bangkok")
    assert bangkok.detected_at == case.detected_at  # same UTC offset
    tokyo = opened(detected_at="2026-08-19T00:30", time_zone="Asia/Tokyo")
    assert tokyo.detected_at == datetime.datetime(2026, 8, 18, 15, 30, tzinfo=datetime.timezone.utc)


@pytest.mark.parametrize("change,field", [
    ({"title": ""}, "title"),
    ({"incident_type": "alien_invasion"}, "incident_type"),
    ({"detected_at": "yesterday"}, "detected_at"),
    ({"detected_at": timezone.now() + datetime.timedelta(days=1)}, "detected_at"),
    ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ({"impacts": ["bad_luck"]}, "impacts"),
    ({"reporter_email": "not-an-address"}, "reporter_email"),
])
def test_bad_input_is_refused_and_nothing_is_stored(world, opened, change, field):
    with pytest.raises(ValidationError) as error:
        opened(**change)
    assert field in error.value.message_dict
    assert not Incident.objects.exists() and not SubjectEvent.objects.exists()


def test_systems_must_belong_to_the_organisation(world):
    with pytest.raises(ValidationError) as error:
        services.open_incident(world.operator_a1, world.agency, {
            "title": "x", "incident_type": "dos", "detected_at": timezone.now(), "reporter_name": "A"},
            [world.system_b.pk])
    assert "systems" in error.value.message_dict


def test_rights(world, opened):
    data = {"title": "x", "incident_type": "dos", "detected_at": timezone.now(), "reporter_name": "A"}
    for user in (world.supervisor_a, world.auditor_a, world.officer_b, world.nobody):
        with pytest.raises(PermissionDenied):
            services.open_incident(user, world.agency, data)
    case = opened()
    with pytest.raises(PermissionDenied):
        services.update_incident(world.supervisor_a, case, {"status": "closed"})
    with pytest.raises(PermissionDenied):
        services.add_note(world.officer_b, case, "hello")


def test_status_change_ends_the_response_and_is_on_the_timeline(world, opened):
    case = opened()
    case = services.update_incident(world.officer_a, case, {"status": IncidentStatus.RECOVERED,
                                                             "cause": "Lỗ hổng plugin CMS chưa vá"})
    assert case.response_ended_at is not None and case.cause == "Lỗ hổng plugin CMS chưa vá"
    assert case.timeline.filter(kind=TimelineKind.STATUS).exists()
    with pytest.raises(ValidationError) as error:
        services.update_incident(world.officer_a, case, {
            "response_ended_at": case.detected_at - datetime.timedelta(hours=1)})
    assert "response_ended_at" in error.value.message_dict


def test_serious_incident_event_once_the_test_holds(world, opened):
    LevelStatus.objects.update_or_create(system=world.system_a, defaults={"approved_level": 4})
    case = opened()
    assert not SubjectEvent.objects.filter(kind="serious_incident").exists()
    services.update_incident(world.operator_a1, case, {"impacts": ["service_interruption"], "beyond_capability": True})
    case = services.update_incident(world.operator_a1, case, {"severity": "critical"})
    event = SubjectEvent.objects.get(kind="serious_incident")
    assert event.system == world.system_a
    assert services.serious_test(case).result


def test_tasks_and_follow_ups(world, opened):
    case = opened()
    task = services.add_task(world.operator_a1, case, "Khôi phục trang chủ", assignee="operator.a1",
                             due_on="2026-12-01")
    follow = services.add_task(world.officer_a, case, "Vá plugin trên mọi cổng", kind="follow_up",
                               owner_organisation="MIN-A")
    assert follow.owner_organisation == world.ministry and task.due_on == datetime.date(2026, 12, 1)
    services.complete_task(world.operator_a1, task)
    task.refresh_from_db()
    assert task.done_at is not None
    with pytest.raises(ValidationError) as error:
        services.add_task(world.operator_a1, case, "x", assignee="officer.b")
    assert "assignee" in error.value.message_dict  # cannot work on the case
    with pytest.raises(ValidationError):
        services.add_task(world.operator_a1, case, "x", due_on="31/12/2026")


def test_indicators_validated_normalised_deduplicated(world, opened):
    case = opened()
    added, known = services.add_indicators(world.operator_a1, case, [
        ("ipv4", "203.0.113.7"), ("domain", "Evil.EXAMPLE."), ("sha256", "A" * 64),
        ("url", "https://evil.example/x?a=1"), ("email", "attacker@Evil.example")], tlp="green")
    assert (added, known) == (5, 0)
    assert set(case.indicators.values_list("value", flat=True)) >= {"evil.example", "a" * 64, "attacker@evil.example"}
    assert services.add_indicators(world.operator_a1, case, [("domain", "evil.example")]) == (0, 1)
    with pytest.raises(ValidationError):
        services.add_indicators(world.operator_a1, case, [("ipv4", "999.1.1.1"), ("domain", "ok.example")])
    assert not case.indicators.filter(value="ok.example").exists()  # one bad value stores nothing
    with pytest.raises(ValidationError):
        services.add_indicators(world.operator_a1, case, [("ipv4", "1.2.3.4")], tlp="purple")


def test_evidence_file_hashed_and_kept(world, opened, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = opened()
    row = services.add_file(world.operator_a1, case, SimpleUploadedFile("access.log", b"GET /wp-admin 200\n"),
                            "Nhật ký web")
    assert row.sha256 == hashlib.sha256(b"GET /wp-admin 200\n").hexdigest()
    assert (tmp_path / row.file.name).read_bytes() == b"GET /wp-admin 200\n"
    with pytest.raises(ValidationError):
        services.add_file(world.operator_a1, case, SimpleUploadedFile("empty.bin", b""))
    settings.ATTT_INCIDENT_FILE_MAX_BYTES = 10
    with pytest.raises(ValidationError):
        services.add_file(world.operator_a1, case, SimpleUploadedFile("big.bin", b"x" * 11))


def test_outsourced_responder_sees_that_case_and_nothing_else(world, opened):
    expert = make_user("expert.vendor")
    case, other = opened(), opened(title="Another case")
    assert not Incident.objects.visible_to(expert).exists()
    with pytest.raises(PermissionDenied):
        services.assign_responder(world.supervisor_a, case, "expert.vendor")
    services.assign_responder(world.operator_a1, case, "expert.vendor", "Phân tích mã độc")
    assert list(Incident.objects.visible_to(expert)) == [case]
    assert other not in Incident.objects.visible_to(expert)
    from attt.inventory.models import InformationSystem
    assert not InformationSystem.objects.visible_to(expert).exists()
    services.add_note(expert, case, "Phát hiện webshell")
    with pytest.raises(PermissionDenied):
        services.assign_responder(expert, case, "nobody")  # only the owner organisation assigns
    with pytest.raises(ValidationError):
        services.assign_responder(world.operator_a1, case, "expert.vendor")
    services.remove_responder(world.operator_a1, case.responders.get())
    assert not Incident.objects.visible_to(expert).exists()


def test_supervisors_see_cases_below_them_other_trees_do_not(world, opened):
    case = opened()
    for user in (world.officer_a, world.supervisor_a, world.auditor_a, world.regulator):
        assert case in Incident.objects.visible_to(user)
    for user in (world.officer_b, world.admin_b, world.nobody):
        assert case not in Incident.objects.visible_to(user)
    responder_role_user = make_user("ir.b1", world.unit, Role.INCIDENT_RESPONDER)
    assert case not in Incident.objects.visible_to(responder_role_user)


def test_public_report_opens_a_case_in_the_queue(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = services.file_public_report(world.agency, {
        "title": "Trang web bị thay đổi", "reporter_name": "Người dân", "reporter_email": "dan@example.vn",
        "detected_at": timezone.now(), "description": "Trang chủ hiện nội dung lạ"},
        [SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\nimage")])
    assert case.from_public and case.incident_type == "other" and case.detection_method == "user_report"
    assert case.files.get().sha256 == hashlib.sha256(b"\x89PNG\r\n\x1a\nimage").hexdigest()
    assert case in Incident.objects.visible_to(world.officer_a)
    assert not SubjectEvent.objects.filter(source_id=str(case.pk)).exists()  # not an incident until triaged
    services.update_incident(world.officer_a, case, {"incident_type": "defacement"})
    assert SubjectEvent.objects.filter(kind="incident", source_id=str(case.pk)).exists()
    with pytest.raises(ValidationError):
        services.file_public_report(world.agency, {"title": "", "reporter_name": "x", "detected_at": timezone.now()})


def test_form05_handling_fields(world, opened):
    case = opened()
    case = services.update_incident(world.officer_a, case, {
        "handling": "domestic_help", "national_help_requested": True, "estimated_damage_vnd": "12.500.000",
        "helping_organisations": "VNCERT/CC"})
    assert (case.handling, case.national_help_requested, case.estimated_damage_vnd) == ("domestic_help", True, 12_500_000)
    for bad in ({"handling": "by_magic"}, {"estimated_damage_vnd": "nhiều"}):
        with pytest.raises(ValidationError) as error:
            services.update_incident(world.officer_a, case, bad)
        assert set(bad) <= set(error.value.message_dict)
    case.refresh_from_db()
    assert case.handling == "domestic_help"
