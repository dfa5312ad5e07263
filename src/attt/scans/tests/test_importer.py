"""Import life cycle: matching, new/unchanged/closed/reopened, ledger, evidence, deadlines, atomicity."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from attt.inventory.models import SystemHost
from attt.obligations.models import Evidence
from attt.scans import services
from attt.scans.models import (
    Finding,
    FindingStatus,
    ImportStatus,
    ScanImport,
    UnmatchedHost,
)
from attt.scans.tests.reports import nessus
from attt.testing import make_system

pytestmark = pytest.mark.django_db


def run(world, path, user=None, organisation=None, system=None):
    return services.import_file(user or world.officer_a, path, organisation=organisation or world.ministry,
                                system=system)


def test_first_import_matches_hosts_and_records_the_ledger(world, tmp_path):
    # 10.1.0.10 is a registered host of Alpha; 10.1.0.77 lies in its range; www.alpha.a1.gov.vn is
    # under its domain; 10.9.9.9 belongs to nobody; 10.2.0.10 is Beta's, in another tree.
    report = nessus(tmp_path / "a.nessus", {
        "10.1.0.10": [("1001", 3, 443), ("1002", 0, 0)],
        "10.1.0.77": [("1003", 2, 22)],
        ("www.alpha.a1.gov.vn", "192.0.2.50"): [("1004", 4, 443)],
        "10.9.9.9": [("1005", 1, 80)],
        "10.2.0.10": [("1006", 3, 80)],
    })
    scan = run(world, report)
    assert scan.status == ImportStatus.DONE, scan.error
    assert (scan.records, scan.new, scan.unchanged, scan.closed, scan.reopened) == (6, 4, 0, 0, 0)
    assert scan.format == "nessus_xml" and scan.tool == "nessus"
    assert scan.unmatched_hosts == 2 and scan.unmatched_records == 2
    assert set(Finding.objects.values_list("system__name", flat=True)) == {world.system_a.name}
    assert set(UnmatchedHost.objects.values_list("host_ip", flat=True)) == {"10.9.9.9", "10.2.0.10"}
    assert list(scan.per_system.values_list("system_id", "findings", "new")) == [(world.system_a.pk, 4, 4)]
    proof = Evidence.objects.get(kind="vulnerability_scan", system=world.system_a)
    assert proof.occurred_on.isoformat() == "2026-11-16"  # the scan date from HOST_START, not the import date
    critical = Finding.objects.get(vulnerability__tool_id="1004")
    assert (critical.host_ip, critical.host_fqdn, critical.port, critical.severity) == (
        "192.0.2.50", "www.alpha.a1.gov.vn", 443, "critical")
    assert critical.vulnerability.cves == ["CVE-2024-1004"]


def test_reimport_keeps_closes_and_reopens(world, tmp_path):
    full = {"10.1.0.10": [("2001", 3, 443), ("2002", 2, 80), ("2003", 1, 22)]}
    first = run(world, nessus(tmp_path / "1.nessus", full))
    assert first.new == 3
    again = run(world, nessus(tmp_path / "2.nessus", full))
    assert (again.new, again.unchanged, again.closed, again.reopened) == (0, 3, 0, 0)
    assert Finding.objects.count() == 3 and Finding.objects.filter(last_seen_import=again).count() == 3

    fewer = run(world, nessus(tmp_path / "3.nessus", {"10.1.0.10": [("2001", 3, 443), ("2002", 2, 80)]}))
    assert (fewer.new, fewer.unchanged, fewer.closed) == (0, 2, 1)
    gone = Finding.objects.get(vulnerability__tool_id="2003")
    assert gone.status == FindingStatus.FIXED and gone.closed_on == timezone.localdate()

    back = run(world, nessus(tmp_path / "4.nessus", full))
    assert (back.new, back.unchanged, back.reopened, back.closed) == (0, 2, 1, 0)
    gone.refresh_from_db()
    assert gone.status == FindingStatus.OPEN and gone.reopened_count == 1 and gone.closed_on is None
    assert ScanImport.objects.count() == 4


def test_closing_is_limited_to_the_hosts_the_scan_covered(world, tmp_path):
    run(world, nessus(tmp_path / "1.nessus", {"10.1.0.10": [("3001", 2, 80)], "10.1.0.11": [("3002", 2, 80)]}))
    partial = run(world, nessus(tmp_path / "2.nessus", {"10.1.0.10": [("3001", 2, 80)]}))
    assert partial.closed == 0  # 10.1.0.11 was not scanned this time: its finding is not "absent"
    clean = run(world, nessus(tmp_path / "3.nessus", {"10.1.0.11": []}))
    assert clean.closed == 1  # scanned, nothing found: fixed


def test_triaged_findings_survive_reimport(world, tmp_path):
    run(world, nessus(tmp_path / "1.nessus", {"10.1.0.10": [("4001", 3, 443), ("4002", 2, 80)]}))
    accepted = Finding.objects.get(vulnerability__tool_id="4001")
    false_positive = Finding.objects.get(vulnerability__tool_id="4002")
    services.change_status(world.officer_a, [accepted], FindingStatus.ACCEPTED_RISK, note="Compensating WAF rule",
                           risk_expires_on=timezone.localdate() + timedelta(days=90))
    services.change_status(world.operator_a1, [false_positive], FindingStatus.FALSE_POSITIVE, note="Banner only")
    seen = run(world, nessus(tmp_path / "2.nessus", {"10.1.0.10": [("4001", 3, 443), ("4002", 2, 80)]}))
    assert seen.unchanged == 2
    absent = run(world, nessus(tmp_path / "3.nessus", {"10.1.0.10": []}))
    assert absent.closed == 0
    accepted.refresh_from_db()
    assert accepted.status == FindingStatus.ACCEPTED_RISK and accepted.risk_approved_by == world.officer_a
    assert Finding.objects.get(pk=false_positive.pk).status == FindingStatus.FALSE_POSITIVE


def test_duplicates_inside_one_report_count_once(world, tmp_path):
    scan = run(world, nessus(tmp_path / "d.nessus", {"10.1.0.10": [("5001", 2, 80), ("5001", 2, 80)]}))
    assert (scan.records, scan.new, scan.duplicates) == (2, 1, 1)


def test_a_broken_report_stores_nothing_and_keeps_earlier_imports(world, tmp_path):
    good = run(world, nessus(tmp_path / "g.nessus", {"10.1.0.10": [("6001", 2, 80)]}))
    text = nessus(tmp_path / "b.nessus", {"10.1.0.10": [("6002", 3, 80)] * 1, "10.1.0.11": [("6003", 3, 80)]}).read_text()
    broken = tmp_path / "broken.nessus"
    broken.write_text(text[: len(text) - 120])  # cut inside the last host: truncated download
    scan = run(world, broken)
    assert scan.status == ImportStatus.FAILED
    assert "truncated" in scan.error or "malformed" in scan.error
    assert list(Finding.objects.values_list("vulnerability__tool_id", flat=True)) == ["6001"]
    assert Finding.objects.get().last_seen_import == good
    assert not scan.per_system.exists() and not Evidence.objects.filter(source_id=str(scan.pk)).exists()


def test_code_findings_need_a_chosen_system(world, tmp_path):
    report = tmp_path / "bandit.json"
    report.write_text('{"errors": [], "generated_at": "2026-11-20T10:00:00Z", "metrics": {}, "results": ['
                      '{"code": "x", "filename": "app/views.py", "issue_confidence": "HIGH", "issue_severity": "HIGH",'
                      ' "issue_cwe": {"id": 78, "link": ""}, "issue_text": "shell=True", "line_number": 12,'
                      ' "line_range": [12], "more_info": "https://bandit.readthedocs.io", "test_id": "B602",'
                      ' "test_name": "subprocess_popen_with_shell_equals_true"}]}')
    refused = run(world, report)
    assert refused.status == ImportStatus.FAILED and "choose the information system" in refused.error
    placed = run(world, report, system=world.system_a)
    assert placed.status == ImportStatus.DONE and placed.new == 1
    finding = Finding.objects.get()
    assert (finding.system, finding.host, finding.file_path, finding.line) == (world.system_a, "", "app/views.py", 12)


def test_unmatched_host_is_assigned_and_matched_next_time(world, tmp_path):
    report = nessus(tmp_path / "u.nessus", {"10.7.7.7": [("7001", 2, 80)]})
    first = run(world, report)
    assert first.new == 0 and first.unmatched_hosts == 1
    host = UnmatchedHost.objects.get()
    services.assign_host(world.operator_a1, host, world.system_a)
    assert SystemHost.objects.filter(system=world.system_a, ip_address="10.7.7.7").exists()
    second = run(world, report)
    assert second.new == 1 and second.unmatched_hosts == 0 and not UnmatchedHost.objects.exists()


def test_fix_deadline_follows_severity_level_and_org_override(world, tmp_path):
    run(world, nessus(tmp_path / "f.nessus", {"10.1.0.10": [("8001", 4, 443), ("8002", 0, 0)]}))
    today = timezone.localdate()
    critical = Finding.objects.get(vulnerability__tool_id="8001")
    assert critical.due_on == today + timedelta(days=15)  # not yet classified: catalogue default 15 days
    assert Finding.objects.get(vulnerability__tool_id="8002").due_on is None  # informational: no deadline
    services.set_fix_deadlines(world.officer_a, world.ministry, {("critical", 0): 5})
    critical.refresh_from_db()
    assert critical.due_on == today + timedelta(days=5)  # open findings follow the new policy
    assert Finding.objects.overdue(today + timedelta(days=6)).count() == 1
    with pytest.raises(PermissionDenied):
        services.set_fix_deadlines(world.auditor_a, world.ministry, {("critical", 0): 1})
    with pytest.raises(ValidationError):
        services.set_fix_deadlines(world.officer_a, world.ministry, {("critical", 0): 0})


def test_status_changes_check_roles_and_reasons(world, tmp_path):
    run(world, nessus(tmp_path / "s.nessus", {"10.1.0.10": [("9001", 3, 443)]}))
    finding = Finding.objects.get()
    with pytest.raises(PermissionDenied):
        services.change_status(world.auditor_a, [finding], FindingStatus.FIXED)
    with pytest.raises(PermissionDenied):  # an operator triages but may not accept a risk
        services.change_status(world.operator_a1, [finding], FindingStatus.ACCEPTED_RISK, note="x",
                               risk_expires_on=timezone.localdate() + timedelta(days=30))
    with pytest.raises(ValidationError):
        services.change_status(world.officer_a, [finding], FindingStatus.ACCEPTED_RISK, note="x")
    with pytest.raises(ValidationError):
        services.change_status(world.officer_a, [finding], FindingStatus.FALSE_POSITIVE)
    with pytest.raises(PermissionDenied):
        services.change_status(world.officer_b, [finding], FindingStatus.FIXED)
    assert services.change_status(world.operator_a1, [finding], FindingStatus.FIXED) == 1
    finding.refresh_from_db()
    assert (finding.status, finding.status_changed_by, finding.closed_on) == (
        FindingStatus.FIXED, world.operator_a1, timezone.localdate())


def test_expired_accepted_risk_reopens(world, tmp_path):
    run(world, nessus(tmp_path / "r.nessus", {"10.1.0.10": [("9101", 3, 443)]}))
    finding = Finding.objects.get()
    services.change_status(world.officer_a, [finding], FindingStatus.ACCEPTED_RISK, note="Vendor patch pending",
                           risk_expires_on=timezone.localdate() + timedelta(days=10))
    assert services.expire_accepted_risks(timezone.localdate() + timedelta(days=5)) == 0
    assert services.expire_accepted_risks(timezone.localdate() + timedelta(days=11)) == 1
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN and finding.due_on is not None


def test_import_rights_and_size_limit(world, tmp_path, settings):
    report = nessus(tmp_path / "p.nessus", {"10.1.0.10": [("9201", 2, 80)]})
    with pytest.raises(PermissionDenied):
        run(world, report, user=world.auditor_a)
    with pytest.raises(PermissionDenied):
        run(world, report, user=world.officer_b)  # another tree
    with pytest.raises(PermissionDenied):
        run(world, report, user=world.officer_b, organisation=world.province, system=world.system_a)
    settings.ATTT_SCAN_MAX_BYTES = 100
    with pytest.raises(ValidationError) as refused:
        run(world, report)
    assert "limit" in str(refused.value)
    assert not ScanImport.objects.exists()


def test_ipv6_and_exact_host_before_range(world, tmp_path):
    inner = make_system(world.agency, "Inner-Pq2", hosts=["inner01 10.1.0.200"])  # inside Alpha's range
    v6 = make_system(world.agency, "Six-Wm4", networks=["2001:db8:5::/64"])
    scan = run(world, nessus(tmp_path / "6.nessus", {"10.1.0.200": [("9301", 2, 80)],
                                                     "2001:db8:5::10": [("9302", 2, 80)]}))
    assert scan.new == 2
    assert Finding.objects.get(vulnerability__tool_id="9301").system == inner
    assert Finding.objects.get(vulnerability__tool_id="9302").system == v6
