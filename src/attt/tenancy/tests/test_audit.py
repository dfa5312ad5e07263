import pytest
from django.core.management import call_command
from django.db import connection
from typer.testing import CliRunner

from attt.cli.main import app
from attt.inventory.models import InformationSystem
from attt.tenancy import audit
from attt.tenancy.models import AuditAction, AuditChainHead, AuditEntry
from attt.testing import PASSWORD


def test_every_change_is_chained(world):
    result = audit.verify_chain()
    assert result.ok, result
    assert result.checked == AuditEntry.objects.count() > 10
    entries = list(AuditEntry.objects.order_by("sequence"))
    assert entries[0].previous_hash == audit.GENESIS_HASH
    for previous, entry in zip(entries, entries[1:]):
        assert entry.previous_hash == previous.entry_hash


def test_update_records_before_and_after(world):
    world.system_a.description = "Mô tả mới"
    world.system_a.save()
    entry = AuditEntry.objects.filter(object_type="inventory.informationsystem", action=AuditAction.UPDATE).latest("sequence")
    assert entry.before["description"] == ""
    assert entry.after["description"] == "Mô tả mới"
    assert entry.organisation == world.agency
    assert ("description", "", "Mô tả mới") in entry.changed_fields()


def test_delete_is_recorded_with_the_deleted_values(world):
    name = world.system_b.name
    world.system_b.delete()
    entry = AuditEntry.objects.filter(action=AuditAction.DELETE, object_type="inventory.informationsystem").latest("sequence")
    assert entry.before["name"] == name and entry.after is None
    # Its hosts, ranges and domains went with it, each recorded too.
    assert AuditEntry.objects.filter(action=AuditAction.DELETE, anchor=entry.anchor).count() == 4
    assert audit.verify_chain().ok


def test_logins_and_failed_logins_are_recorded(world, client):
    assert client.login(username="officer.a", password=PASSWORD)
    login = AuditEntry.objects.filter(action=AuditAction.LOGIN).latest("sequence")
    assert login.actor == world.officer_a and login.organisation == world.ministry
    assert not client.login(username="officer.a", password="wrong")
    failed = AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).latest("sequence")
    assert failed.actor_username == "officer.a"
    assert audit.verify_chain().ok


def test_request_user_is_the_actor(world, login):
    client = login(world.officer_a)
    response = client.post(f"/systems/{world.system_a.pk}/delete/")
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action=AuditAction.DELETE).latest("sequence")
    assert entry.actor_username == "officer.a"
    assert entry.remote_addr == "127.0.0.1"


def _tamper(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_editing_a_row_in_the_database_breaks_verification(world):
    victim = AuditEntry.objects.order_by("sequence")[5]
    _tamper("UPDATE tenancy_auditentry SET actor_username = %s WHERE id = %s", ["mallory", victim.pk])
    result = audit.verify_chain()
    assert not result.ok
    assert result.broken_sequence == victim.sequence
    assert "content" in result.reason


def test_rehashing_an_edited_row_still_breaks_the_next_link(world):
    victim = AuditEntry.objects.order_by("sequence")[5]
    victim.actor_username = "mallory"
    victim.entry_hash = audit.compute_hash(victim)
    _tamper("UPDATE tenancy_auditentry SET actor_username = %s, entry_hash = %s WHERE id = %s",
            ["mallory", victim.entry_hash, victim.pk])
    result = audit.verify_chain()
    assert not result.ok and result.broken_sequence == victim.sequence + 1


def test_deleting_a_row_or_the_tail_breaks_verification(world):
    entries = list(AuditEntry.objects.order_by("sequence"))
    _tamper("DELETE FROM tenancy_auditentry WHERE id = %s", [entries[-1].pk])
    result = audit.verify_chain()
    assert not result.ok and "end of the chain" in result.reason
    _tamper("DELETE FROM tenancy_auditentry WHERE id = %s", [entries[3].pk])
    result = audit.verify_chain()
    assert not result.ok and result.broken_sequence == entries[3].sequence


def test_cli_audit_verify_reports_the_first_broken_link(world):
    runner = CliRunner()
    ok = runner.invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "intact" in ok.output
    victim = AuditEntry.objects.order_by("sequence")[2]
    _tamper("UPDATE tenancy_auditentry SET after = NULL WHERE id = %s", [victim.pk])
    broken = runner.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1
    assert f"#{victim.sequence}" in broken.output


def test_head_row_tracks_the_chain(world):
    head = AuditChainHead.objects.get(pk=1)
    last = AuditEntry.objects.order_by("-sequence").first()
    assert head.last_sequence == last.sequence and head.last_hash == last.entry_hash


def test_audit_entries_are_scoped(world):
    visible_a = AuditEntry.objects.visible_to(world.officer_a)
    assert visible_a.exists()
    assert not visible_a.filter(organisation__code__in=["PRV-B", "UN-B1", "ROOT"]).exists()
    assert not AuditEntry.objects.visible_to(world.officer_b).filter(object_repr__contains="Alpha").exists()


def test_audit_entries_cannot_be_changed_in_the_admin(world, login):
    client = login(world.platform_admin)
    entry = AuditEntry.objects.first()
    assert client.get(f"/admin/tenancy/auditentry/{entry.pk}/delete/").status_code == 403
    assert client.get("/admin/tenancy/auditentry/add/").status_code == 403


@pytest.mark.django_db
def test_system_with_no_entries_verifies():
    assert audit.verify_chain().ok
    assert InformationSystem.objects.count() == 0
    call_command("check")


def test_nightly_task_mails_administrators_when_the_chain_breaks(world, mailoutbox):
    from attt.tenancy.tasks import verify_audit_chain_nightly

    world.platform_admin.email = "soc@example.gov.vn"
    world.platform_admin.save()
    assert verify_audit_chain_nightly.call_local() is True
    assert mailoutbox == []
    victim = AuditEntry.objects.order_by("sequence")[1]
    _tamper("UPDATE tenancy_auditentry SET object_repr = %s WHERE id = %s", ["x", victim.pk])
    assert verify_audit_chain_nightly.call_local() is False
    assert mailoutbox[0].to == ["soc@example.gov.vn"]
    assert f"#{victim.sequence}" in mailoutbox[0].subject


def test_deleting_users_and_organisations_keeps_the_chain_intact(world):
    from attt.tenancy.models import Organisation

    unit = Organisation(code="TMP-1", kind="unit", parent=world.unit, name_vi="Tạm")
    unit.save()
    world.officer_b.delete()
    unit.delete()
    assert audit.verify_chain().ok
    removal = AuditEntry.objects.filter(action=AuditAction.DELETE, object_type="tenancy.organisation").latest("sequence")
    assert removal.organisation_code == "UN-B1"  # the parent keeps the record of its deleted child
    assert AuditEntry.objects.visible_to(world.admin_b).filter(pk=removal.pk).exists()
