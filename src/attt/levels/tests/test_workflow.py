"""The level-dossier workflow through the services: steps, actors, clocks, regulation, versions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from attt.inventory import services as inventory
from attt.levels import services
from attt.levels.models import Dossier, DossierState, LevelStatus
from attt.levels.rollup import counted_systems, missing_systems, rollup
from attt.tenancy.models import Organisation

from .conftest import ANSWERS_L2, ANSWERS_L3, ANSWERS_L4, TODAY, approved, drafted, pdf, regulate

pytestmark = pytest.mark.django_db


def test_classification_is_stored_with_answers_and_fired_criteria(levels_world):
    w = levels_world
    record = services.classify_system(w.officer_a, w.system_a, ANSWERS_L3, TODAY)
    assert record.proposed_level == 3
    assert record.regime == "decree-331"
    assert any(item["citation"].startswith("Nghị định 331") for item in record.fired)
    assert record.answers["data_subjects_basic"] == 150_000
    dossier = w.system_a.dossiers.get()
    assert (dossier.version, dossier.level, dossier.classification) == (1, 3, record)


def test_prefill_comes_from_the_inventory(levels_world):
    w = levels_world
    answers = services.prefill_answers(w.system_a)
    assert answers["system_type"] == "online_service"
    assert answers["anqg_listed"] is False


def test_bad_answers_are_refused_and_nothing_is_stored(levels_world):
    w = levels_world
    with pytest.raises(ValidationError, match="unknown answer"):
        services.classify_system(w.officer_a, w.system_a, {**ANSWERS_L3, "colour": "red"}, TODAY)
    assert not w.system_a.classifications.exists() and not w.system_a.dossiers.exists()


def test_another_tree_cannot_classify(levels_world):
    w = levels_world
    with pytest.raises(PermissionDenied):
        services.classify_system(w.officer_b, w.system_a, ANSWERS_L3, TODAY)
    with pytest.raises(PermissionDenied):
        services.classify_system(w.supervisor_a, w.system_a, ANSWERS_L3, TODAY)


def test_submit_needs_every_required_part(levels_world):
    w = levels_world
    services.classify_system(w.officer_a, w.system_a, ANSWERS_L3, TODAY)
    dossier = w.system_a.dossiers.get()
    with pytest.raises(ValidationError, match="missing dossier parts"):
        services.submit(w.officer_a, dossier, TODAY)
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.DRAFTING


def test_level_3_path_with_working_day_clocks(levels_world):
    w = levels_world
    dossier = drafted(w)
    dossier = services.submit(w.officer_a, dossier, TODAY)
    assert dossier.state == DossierState.SUBMITTED
    # Decree 331: reply on validity in 5 WD, appraisal of level 3 in 15 WD (Mon 23/11/2026;
    # 24/11 is Vietnamese Culture Day off).
    assert dossier.validity_due_on == datetime.date(2026, 12, 1)
    assert dossier.step_due_on == datetime.date(2026, 12, 15)
    clocks = services.open_clocks(dossier, TODAY)
    assert [c.step for c in clocks] == ["validity_check", "appraisal"]
    assert clocks[1].days_left == 15 and not clocks[1].overdue
    late = services.open_clocks(dossier, datetime.date(2026, 12, 16))
    assert late[1].overdue
    # The head may not appraise: that is the specialised unit's step.
    with pytest.raises(PermissionDenied, match="specialised security unit"):
        services.appraise(w.head_a, dossier, "ok", TODAY)
    dossier = services.appraise(w.officer_a, dossier, "Phù hợp với cấp độ 3.", TODAY)
    assert dossier.step_due_on == datetime.date(2026, 12, 3)  # approval: 7 WD
    with pytest.raises(PermissionDenied, match="head of the owner"):
        services.approve(w.officer_a, dossier, "1/QĐ", TODAY, "x", pdf(), TODAY)


def test_approval_is_blocked_without_a_security_regulation(levels_world):
    w = levels_world
    dossier = drafted(w)
    services.submit(w.officer_a, dossier, TODAY)
    services.appraise(w.officer_a, dossier, "ok", TODAY)
    with pytest.raises(ValidationError, match="no security regulation"):
        services.approve(w.head_a, dossier, "45/QĐ", TODAY, "Bộ trưởng", pdf(), TODAY)
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.APPRAISED
    regulate(w.officer_a, w.ministry)
    dossier = services.approve(w.head_a, dossier, "45/QĐ", TODAY, "Bộ trưởng", pdf(), TODAY)
    assert dossier.state == DossierState.APPROVED
    status = LevelStatus.objects.get(system=w.system_a)
    assert (status.approved_level, status.is_current) == (3, True)
    assert len(dossier.decision.sha256) == 64


def test_level_4_is_appraised_by_the_regulator_only(levels_world):
    w = levels_world
    dossier = drafted(w, ANSWERS_L4)
    assert dossier.level == 4
    assert {p.id for p, _ in services.parts_status(dossier)} >= {"specialised_unit_opinion",
                                                                 "risk_assessment"}
    dossier = services.submit(w.officer_a, dossier, TODAY)
    assert dossier.step_due_on == datetime.date(2026, 12, 29)  # 25 WD
    with pytest.raises(PermissionDenied, match="regulator"):
        services.appraise(w.officer_a, dossier, "ok", TODAY)
    assert services.allowed_steps(w.regulator, dossier) == {"appraise", "return"}
    services.appraise(w.regulator, dossier, "Đồng ý cấp độ 4.", TODAY)
    assert Dossier.objects.get(pk=dossier.pk).appraised_by_org == w.root


def test_level_2_specialised_unit_appraises_and_its_head_approves(levels_world):
    w = levels_world
    dossier = drafted(w, ANSWERS_L2)
    assert dossier.level == 2
    dossier = services.submit(w.officer_a, dossier, TODAY)
    assert dossier.step_due_on is None  # no appraisal time limit for levels 1–2
    services.appraise(w.officer_a, dossier, "ok", TODAY)
    regulate(w.officer_a, w.ministry)
    assert services.approve(w.head_a, dossier, "2/QĐ", TODAY, "x", pdf(), TODAY).state == "approved"


def test_return_needs_a_reason_and_resubmission_restarts_the_clock(levels_world):
    w = levels_world
    dossier = services.submit(w.officer_a, drafted(w), TODAY)
    with pytest.raises(ValidationError):
        services.return_dossier(w.officer_a, dossier, "  ")
    dossier = services.return_dossier(w.officer_a, dossier, "Thiếu sơ đồ mạng.")
    assert dossier.state == DossierState.RETURNED and dossier.step_due_on is None
    later = datetime.date(2026, 12, 7)
    dossier = services.submit(w.officer_a, dossier, later)
    assert dossier.step_started_on == later
    actions = list(dossier.events.values_list("action", flat=True))
    assert actions == ["created", "submitted", "returned", "submitted"]


def test_wrong_step_is_refused_clearly(levels_world):
    w = levels_world
    dossier = drafted(w)
    with pytest.raises(ValidationError, match="not open"):
        services.appraise(w.officer_a, dossier, "ok", TODAY)


def test_system_change_flags_reclassification_and_starts_a_new_version(levels_world):
    w = levels_world
    first = approved(w)
    system = w.system_a
    data = inventory.SystemInput(
        owner=system.owner, operator=system.operator, security_unit=system.security_unit,
        name=system.name, system_type=system.system_type, hosting="cloud", status=system.status,
        information_classes=system.information_classes, networks=[], domains=[], hosts=[])
    inventory.save_system(w.officer_a, data, system)
    status = LevelStatus.objects.get(system=system)
    assert status.reclassification_needed and status.changed_fields == ["hosting"]
    versions = list(system.dossiers.order_by("version"))
    assert [(d.version, d.state) for d in versions] == [(1, "approved"), (2, "drafting")]
    assert "Điều" in versions[1].started_reason
    assert Dossier.objects.get(pk=first.pk).state == DossierState.APPROVED  # kept as it was
    # The stale classification cannot be submitted: classify again first.
    with pytest.raises(ValidationError, match="(?i)classify"):
        services.submit(w.officer_a, versions[1], TODAY)


def test_rollup_counts_current_approvals_per_subtree(levels_world):
    w = levels_world
    approved(w)
    systems = counted_systems(w.regulator)
    rows = {row.organisation.code: row for row in rollup(systems, Organisation.objects.all())}
    assert (rows["ROOT"].approved, rows["ROOT"].total) == (1, 2)
    assert rows["MIN-A"].share == 100.0 and rows["PRV-B"].share == 0.0
    assert list(missing_systems(systems)) == [w.system_b]
    # Another tree sees neither the system nor the ministry's row.
    rows_b = rollup(counted_systems(w.officer_b), Organisation.objects.visible_to(w.officer_b))
    assert {row.organisation.code for row in rows_b} == {"PRV-B", "UN-B1"}


def test_cli_status_and_clocks_are_scoped(levels_world):
    from typer.testing import CliRunner

    from attt.cli.main import app

    w = levels_world
    services.submit(w.officer_a, drafted(w), datetime.date(2026, 10, 1))
    runner = CliRunner()
    result = runner.invoke(app, ["levels", "clocks", "--overdue", "--as", "officer.a"])
    assert result.exit_code == 1, result.output  # the validity reply (5 WD from 01/10) is overdue
    result = runner.invoke(app, ["levels", "clocks", "--as", "officer.b"])
    assert result.exit_code == 0 and "Alpha" not in result.output
    result = runner.invoke(app, ["levels", "status", "--missing", "--as", "officer.b"])
    assert "Beta-Kx3" in result.output and "Alpha-Zq7" not in result.output
    result = runner.invoke(app, ["levels", "status", "--as", "regulator"])
    assert result.exit_code == 0 and "MIN-A" in result.output
