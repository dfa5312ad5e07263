"""Stored statuses: full and incremental recompute, the evidence interface, the levels room's
records as evidence, system changes re-opening duties, hand-recorded evidence and its rules."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from attt.levels.testing import pdf
from attt.obligations import evidence, recompute, services
from attt.obligations.models import DutyStatus, Evidence, SubjectEvent
from attt.testing import make_org

TODAY = datetime.date(2026, 11, 23)


def status_of(duty_id, system=None, organisation=None):
    rows = DutyStatus.objects.filter(duty_id=duty_id)
    row = rows.filter(system=system).first() if system else rows.filter(organisation=organisation,
                                                                         system__isnull=True).first()
    return (row.status, row.next_due) if row else None


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(recompute, "today", lambda: TODAY)
    return TODAY


def test_full_recompute_stores_applicable_duties_only(world, frozen):
    counts, snapshot = recompute.recompute_all()
    assert counts["created"] == DutyStatus.objects.count() > 0
    assert world.system_a.pk in snapshot.target_systems
    # A ministry's agency system: the scan duty applies; it has never been scanned.
    assert status_of("D18-1", world.system_a)[0] in ("overdue", "no_evidence")
    # Nothing for a duty that does not apply: tree B's province system is under a province (CT 18 applies),
    # but a telecom duty never applies to a ministry.
    assert status_of("D18-5", organisation=world.ministry) is None
    again, _snapshot = recompute.recompute_all()
    assert again == {"created": 0, "updated": 0, "deleted": 0}


def test_evidence_updates_the_status_at_commit(world, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(recompute, "today", lambda: datetime.date(2026, 6, 1))
    recompute.recompute_all()
    with django_capture_on_commit_callbacks(execute=True):
        row = evidence.record(kind="vulnerability_scan", system=world.system_a, occurred_on=datetime.date(2026, 3, 1),
                              title="Scan of Alpha")
    assert status_of("D18-1", world.system_a) == ("met", datetime.date(2026, 9, 1))
    stored = DutyStatus.objects.get(duty_id="D18-1", system=world.system_a)
    assert stored.evidence_id == row.pk and stored.satisfied_on == datetime.date(2026, 3, 1)
    with django_capture_on_commit_callbacks(execute=True):
        evidence.withdraw(evidence=row, reason="wrong system")
    stored.refresh_from_db()
    # Back to "not yet proven": the system is new, its first scan falls due 6 months after it was created.
    assert stored.evidence_id is None and stored.status != "met"


def test_scan_evidence_moves_through_its_dates(world, django_capture_on_commit_callbacks):
    evidence.record(kind="vulnerability_scan", system=world.system_a, occurred_on=datetime.date(2026, 3, 1), title="x")
    expected = {datetime.date(2026, 6, 1): "met", datetime.date(2026, 8, 15): "due_soon",
                datetime.date(2026, 9, 2): "overdue"}
    for day, state in expected.items():
        recompute.recompute_all(on=day)
        assert status_of("D18-1", world.system_a) == (state, datetime.date(2026, 9, 1)), day


def test_recording_twice_from_one_source_updates_one_row(world):
    decision_like = world.ministry  # any saved object can be a source
    first = evidence.record(decision_like, kind="response_team", organisation=world.ministry,
                            occurred_on=datetime.date(2022, 12, 1), title="Team")
    second = evidence.record(decision_like, kind="response_team", organisation=world.ministry,
                             occurred_on=datetime.date(2022, 12, 5), title="Team (corrected)")
    assert first.pk == second.pk and Evidence.objects.count() == 1
    assert evidence.withdraw(decision_like) == 1


def test_withdraw_needs_a_source_or_a_row(world):
    services.upload_evidence(world.officer_a, "D18-1", TODAY, "hand upload", system=world.system_a)
    with pytest.raises(ValueError):
        evidence.withdraw()
    assert Evidence.objects.filter(withdrawn_at__isnull=True).count() == 1


def test_unknown_kind_or_event_is_refused(world):
    with pytest.raises(ValidationError):
        evidence.record(kind="horoscope", system=world.system_a, occurred_on=TODAY, title="x")
    with pytest.raises(ValidationError):
        evidence.record_event("meteor", system=world.system_a, occurred_on=TODAY)


def test_telecom_without_published_contacts_is_overdue(world, frozen):
    telecom = make_org("TEL-A", "telecom_isp", world.root, is_telecom=True)
    recompute.recompute_all()
    assert status_of("D18-5", organisation=telecom) == ("overdue", datetime.date(2022, 10, 31))
    evidence.record(kind="incident_contacts_published", organisation=telecom, occurred_on=datetime.date(2026, 1, 2),
                    title="https://tel.example/lien-he-su-co")
    recompute.recompute_all()
    assert status_of("D18-5", organisation=telecom)[0] == "met"


def test_a_system_change_reopens_the_plan_update(world, django_capture_on_commit_callbacks):
    # The change is dated by the real clock, so this test computes as of the real day too.
    evidence.record(kind="response_plan", system=world.system_a, occurred_on=datetime.date(2023, 1, 10), title="Plan v1")
    recompute.recompute_all()
    assert status_of("D18-2", world.system_a)[0] == "met"
    with django_capture_on_commit_callbacks(execute=True):
        world.system_a.hosting = "cloud" if world.system_a.hosting != "cloud" else "data_centre"
        world.system_a.save()
    event = SubjectEvent.objects.get(system=world.system_a, kind="system_changed")
    assert "hosting" in event.description.lower()
    assert status_of("D18-2", world.system_a)[0] in ("due_soon", "no_evidence")
    # A description edit is not a change of the system.
    with django_capture_on_commit_callbacks(execute=True):
        world.system_a.description = "only words"
        world.system_a.save()
    assert SubjectEvent.objects.filter(kind="system_changed").count() == 1


def test_level_approval_and_security_regulation_become_evidence(world, frozen):
    from attt.levels.testing import approved, prepare_levels

    prepare_levels(world)
    dossier = approved(world)
    proof = Evidence.objects.get(kind="level_approval", system=dossier.system)
    assert proof.occurred_on == dossier.decision.decided_on
    assert Evidence.objects.filter(kind="security_regulation").exists()
    recompute.recompute_all()
    assert status_of("N331-2", dossier.system)[0] == "met"
    dossier.decision.delete()
    assert Evidence.objects.get(pk=proof.pk).withdrawn_at is not None


def test_hand_recorded_evidence_rules(world, frozen):
    with pytest.raises(PermissionDenied):
        services.upload_evidence(world.supervisor_a, "D18-1", TODAY, "x", system=world.system_a)
    with pytest.raises(PermissionDenied):
        services.upload_evidence(world.officer_b, "D18-1", TODAY, "x", system=world.system_a)
    with pytest.raises(ValidationError) as future:
        services.upload_evidence(world.officer_a, "D18-1", datetime.date(2099, 1, 1), "x", system=world.system_a)
    assert "future" in str(future.value)
    with pytest.raises(ValidationError):
        services.upload_evidence(world.officer_a, "D18-4", TODAY, "x", system=world.system_a)  # an organisation duty
    with pytest.raises(ValidationError):
        services.upload_evidence(world.officer_a, "NOPE-1", TODAY, "x", system=world.system_a)
    with pytest.raises(ValidationError):
        services.upload_evidence(world.officer_a, "D18-1", TODAY, "x", system=world.system_a,
                                 upload=pdf("bad.exe"))
    assert Evidence.objects.count() == 0
    row = services.upload_evidence(world.officer_a, "D18-1", TODAY, "Quét tháng 11", upload=pdf("scan.pdf"),
                                   system=world.system_a)
    assert row.duty_id == "D18-1" and row.kind == "vulnerability_scan" and row.document.sha256
    with pytest.raises(ValidationError):
        services.withdraw_evidence(world.officer_a, row, "")
    services.withdraw_evidence(world.officer_a, row, "uploaded twice")
    with pytest.raises(ValidationError):
        services.withdraw_evidence(world.officer_a, row, "again")


def test_hand_evidence_counts_only_for_its_duty(world, frozen):
    """A drill report uploaded for N85-4 (training) must not also tick another duty that takes drills."""
    services.upload_evidence(world.officer_a, "D18-1", TODAY, "scan", system=world.system_a)
    recompute.recompute_all()
    assert status_of("D18-1", world.system_a)[0] == "met"
    row = DutyStatus.objects.filter(system=world.system_a, evidence__isnull=False).values_list("duty_id", flat=True)
    assert list(row) == ["D18-1"]


def test_retired_system_owes_nothing(world, frozen, django_capture_on_commit_callbacks):
    recompute.recompute_all()
    assert DutyStatus.objects.filter(system=world.system_a).exists()
    with django_capture_on_commit_callbacks(execute=True):
        world.system_a.status = "retired"
        world.system_a.save()
    assert not DutyStatus.objects.filter(system=world.system_a).exists()
    assert services.system_duties(world.system_a) == []


def test_refresh_due_recomputes_only_rows_whose_answer_changes(world, django_capture_on_commit_callbacks):
    evidence.record(kind="vulnerability_scan", system=world.system_a, occurred_on=datetime.date(2026, 3, 1), title="x")
    recompute.recompute_all(on=datetime.date(2026, 6, 1))
    row = DutyStatus.objects.get(duty_id="D18-1", system=world.system_a)
    assert row.status == "met" and row.recheck_on == datetime.date(2026, 8, 2)
    recompute.refresh_due(on=datetime.date(2026, 8, 2))
    row.refresh_from_db()
    assert row.status == "due_soon"


def test_manual_events_and_their_rules(world, frozen):
    with pytest.raises(ValidationError):
        services.record_manual_event(world.officer_a, "system_changed", TODAY, "x", system=world.system_a)
    with pytest.raises(PermissionDenied):
        services.record_manual_event(world.auditor_a, "authority_request", TODAY, "x", system=world.system_a)
    event = services.record_manual_event(world.officer_a, "authority_request", TODAY, "Công văn 12", system=world.system_a)
    recompute.recompute_all()
    assert event.kind == "authority_request"
    assert status_of("N331-1", world.system_a)[0] in ("due_soon", "no_evidence", "overdue")
