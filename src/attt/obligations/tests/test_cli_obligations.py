"""`attt obligations recompute | status | remind`."""

import datetime

import pytest
from typer.testing import CliRunner

from attt.cli import main as cli
from attt.obligations import evidence
from attt.obligations.models import DutyStatus, ReminderSent

D = datetime.date.fromisoformat


@pytest.fixture
def runner(monkeypatch):
    monkeypatch.setattr(cli.console, "_width", 250)  # wide tables: no wrapped cells to assert on
    return CliRunner()


@pytest.fixture
def scanned(world):
    evidence.record(kind="vulnerability_scan", system=world.system_a, occurred_on=D("2025-01-10"), title="Scan")
    return world


def test_recompute_prints_the_counts_and_is_idempotent(scanned, runner):
    result = runner.invoke(cli.app, ["obligations", "recompute", "--date", "2025-07-01"])
    assert result.exit_code == 0, result.output
    created = DutyStatus.objects.count()
    assert created > 0
    assert f"{created} created, 0 updated, 0 deleted" in result.output and "01/07/2025" in result.output
    row = DutyStatus.objects.get(duty_id="D18-1", system=scanned.system_a)
    assert (row.status, row.next_due) == ("due_soon", D("2025-07-10"))

    again = runner.invoke(cli.app, ["obligations", "recompute", "--date", "2025-07-01"])
    assert "0 created, 0 updated, 0 deleted" in again.output

    later = runner.invoke(cli.app, ["obligations", "recompute", "--date", "2025-07-20"])
    assert later.exit_code == 0
    assert DutyStatus.objects.get(duty_id="D18-1", system=scanned.system_a).status == "overdue"


def test_recompute_rejects_a_bad_date(world, runner):
    result = runner.invoke(cli.app, ["obligations", "recompute", "--date", "20/07/2025"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_status_is_scoped_and_overdue_sets_the_exit_code(scanned, runner):
    empty = runner.invoke(cli.app, ["obligations", "status", "--overdue", "--as", "officer.a"])
    assert empty.exit_code == 0, empty.output  # nothing computed yet: nothing overdue
    runner.invoke(cli.app, ["obligations", "recompute", "--date", "2025-07-20"])

    late = runner.invoke(cli.app, ["obligations", "status", "--overdue", "--as", "officer.a"])
    assert late.exit_code == 1, late.output
    assert "D18-1" in late.output and "Alpha-Zq7" in late.output and "10/07/2025" in late.output
    assert "Beta-Kx3" not in late.output and "│ MIN-A" in late.output  # the other tree is not shown

    own = runner.invoke(cli.app, ["obligations", "status", "--as", "officer.b"])
    assert own.exit_code == 0 and "Beta-Kx3" in own.output and "Alpha-Zq7" not in own.output

    narrowed = runner.invoke(cli.app, ["obligations", "status", "--org", "AG-A1", "--overdue"])
    assert narrowed.exit_code == 1 and "Alpha-Zq7" in narrowed.output
    assert "│ AG-A1" in narrowed.output and "│ MIN-A" not in narrowed.output  # only the subtree

    nobody = runner.invoke(cli.app, ["obligations", "status", "--overdue", "--as", "nobody"])
    assert nobody.exit_code == 0 and "No duty statuses." in nobody.output

    foreign = runner.invoke(cli.app, ["obligations", "status", "--org", "AG-A1", "--as", "officer.b"])
    assert foreign.exit_code == 2


def test_remind_sends_and_prints_the_counts(scanned, runner, mailoutbox):
    scanned.officer_a.email = "officer.a@min-a.gov.vn"
    scanned.officer_a.save(update_fields=["email"])
    runner.invoke(cli.app, ["obligations", "recompute", "--date", "2025-07-01"])
    result = runner.invoke(cli.app, ["obligations", "remind", "--date", "2025-07-01"])
    assert result.exit_code == 0, result.output
    assert "before" in result.output and "already_sent" in result.output
    assert any("D18-1" in message.subject and message.to == ["officer.a@min-a.gov.vn"] for message in mailoutbox)
    assert ReminderSent.objects.filter(duty_id="D18-1", kind="before").count() == 1
    sent = len(mailoutbox)
    runner.invoke(cli.app, ["obligations", "remind", "--date", "2025-07-01"])
    assert len(mailoutbox) == sent
