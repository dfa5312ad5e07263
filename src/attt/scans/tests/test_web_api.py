"""The scans pages and API: upload → job → ledger, findings filters, bulk triage, deadlines, CLI."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from typer.testing import CliRunner

from attt.scans import services
from attt.scans.models import (
    Finding,
    FindingStatus,
    FixDeadline,
    ImportStatus,
    ScanImport,
)
from attt.scans.tests.corpus import CORPUS
from attt.scans.tests.reports import nessus

pytestmark = pytest.mark.django_db


@pytest.fixture
def immediate_worker():
    """Run queued huey tasks in-process, as the worker would."""
    previous, HUEY.immediate = HUEY.immediate, True
    yield
    HUEY.immediate = previous


def upload(tmp_path, hosts, name="scan.nessus"):
    return SimpleUploadedFile(name, nessus(tmp_path / name, hosts).read_bytes())


def imported(world, tmp_path, hosts):
    return services.import_file(world.officer_a, nessus(tmp_path / "seed.nessus", hosts), organisation=world.ministry)


def test_upload_page_queues_the_import_and_shows_the_ledger(world, login, tmp_path, immediate_worker,
                                                           django_capture_on_commit_callbacks):
    client = login(world.operator_a1)
    assert client.get("/scans/imports/", HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/scans/imports/", {"file": upload(tmp_path, {"10.1.0.10": [("11", 3, 443)]}),
                                                   "organisation": "AG-A1"})
    scan = ScanImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/scans/imports/{scan.pk}/"
    assert scan.status == ImportStatus.DONE and scan.new == 1 and scan.uploaded_by == world.operator_a1
    page = client.get(f"/scans/imports/{scan.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Alpha-Zq7" in page and "nessus_xml" in page
    fragment = client.get(f"/scans/imports/{scan.pk}/progress/")
    assert fragment.status_code == 200 and fragment["HX-Refresh"] == "true"


def test_a_refused_upload_says_why(world, login, tmp_path, immediate_worker, django_capture_on_commit_callbacks):
    client = login(world.operator_a1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/scans/imports/", {"file": SimpleUploadedFile("x.json", b'{"hello": 1}'), "organisation": "AG-A1"})
    scan = ScanImport.objects.get()
    page = client.get(f"/scans/imports/{scan.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert scan.status == ImportStatus.FAILED and "not in a scanner format" in page


def test_upload_over_the_limit_is_refused_while_streaming(world, login, tmp_path, settings):
    settings.ATTT_SCAN_MAX_BYTES = 50
    client = login(world.operator_a1)
    response = client.post("/scans/imports/", {"file": upload(tmp_path, {"10.1.0.10": [("12", 3, 443)]}),
                                               "organisation": "AG-A1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "limit" in response.content.decode()
    assert not ScanImport.objects.exists()


def test_findings_list_filters_and_bulk_triage(world, login, tmp_path):
    imported(world, tmp_path, {"10.1.0.10": [("21", 4, 443), ("22", 1, 80), ("23", 2, 22)]})
    client = login(world.officer_a)
    page = client.get("/scans/?severity=critical", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Check 21" in page and "Check 22" not in page
    assert "Check 23" in client.get("/scans/?cve=CVE-2024-0023").content.decode()
    ids = list(Finding.objects.filter(vulnerability__tool_id__in=["22", "23"]).values_list("pk", flat=True))
    response = client.post("/scans/findings/status/", {"finding": ids, "status": "false_positive",
                                                       "note": "Internal test host", "next": "/scans/"})
    assert response.status_code == 302
    assert Finding.objects.filter(status=FindingStatus.FALSE_POSITIVE).count() == 2
    overdue = Finding.objects.get(vulnerability__tool_id="21")
    Finding.objects.filter(pk=overdue.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    listed = client.get("/scans/?overdue=1").content.decode()
    assert "Check 21" in listed and "Check 22" not in listed
    detail = client.get(f"/scans/findings/{overdue.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "overdue" in detail and "CVE-2024-0021" in detail


def test_system_page_panel_and_history(world, login, tmp_path):
    imported(world, tmp_path, {"10.1.0.10": [("31", 3, 443)]})
    client = login(world.supervisor_a)
    page = client.get(f"/systems/{world.system_a.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="scans-panel"' in page
    history = client.get(f"/scans/by-system/{world.system_a.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "seed.nessus" in history


def test_deadline_page_saves_overrides(world, login, tmp_path):
    imported(world, tmp_path, {"10.1.0.10": [("41", 3, 443)]})
    client = login(world.officer_a)
    data = {f"{severity}_{level}": "" for severity in ("critical", "high", "medium", "low", "info") for level in range(6)}
    from attt.scans import deadlines

    for (severity, level), days in deadlines.defaults().items():
        data[f"{severity}_{level}"] = "" if days is None else str(days)
    data["high_0"] = "3"
    response = client.post("/scans/fix-deadlines/?org=MIN-A", {**data, "org": "MIN-A"})
    assert response.status_code == 302
    assert list(FixDeadline.objects.values_list("severity", "level", "days")) == [("high", 0, 3)]
    assert Finding.objects.get().due_on == timezone.localdate() + timedelta(days=3)
    data["high_0"] = "soon"
    page = client.post("/scans/fix-deadlines/", {**data, "org": "MIN-A"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "not a number of days" in page


def test_api_upload_returns_a_job_to_poll(world, client, tmp_path, immediate_worker, django_capture_on_commit_callbacks):
    client.force_login(world.operator_a1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/scans/imports/", {
            "file": SimpleUploadedFile("zap.xml", (CORPUS / "zap/0_zap_sample.xml").read_bytes()),
            "system": world.system_a.pk})
    assert response.status_code == 202, response.content
    job = client.get(response["Location"]).json()
    assert job["status"] == "done" and job["format"] == "zap" and job["new"] > 0
    findings = client.get("/api/scans/findings/?tool=zap").json()
    assert findings["count"] == job["new"] and findings["results"][0]["system_name"] == world.system_a.name
    first = findings["results"][0]["id"]
    changed = client.post(f"/api/scans/findings/{first}/status/", {"status": "fixed"}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["status"] == "fixed"
    refused = client.post("/api/scans/findings/bulk-status/", {"findings": [first], "status": "accepted_risk",
                                                              "note": "x"}, content_type="application/json")
    assert refused.status_code == 403  # an operator may not accept a risk
    summary = client.get("/api/scans/findings/summary/").json()
    assert summary["fixed"] == 1
    formats = client.get("/api/scans/formats/").json()
    assert {"nessus_xml", "sarif", "trivy", "generic_csv"} <= {row["name"] for row in formats}


def test_api_fix_deadlines_and_unmatched_hosts(world, client, tmp_path):
    imported(world, tmp_path, {"10.8.8.8": [("51", 2, 80)]})
    client.force_login(world.officer_a)
    table = client.get("/api/scans/fix-deadlines/?org=MIN-A").json()
    assert table["cells"]["critical"]["0"] == 15 and table["can_edit"] is True
    saved = client.put("/api/scans/fix-deadlines/table/?org=MIN-A", {"cells": {"critical": {"0": 9}}},
                       content_type="application/json")
    assert saved.status_code == 200 and saved.json()["inherited_from"]["critical"]["0"] == "MIN-A"
    bad = client.put("/api/scans/fix-deadlines/table/?org=MIN-A", {"cells": {"critical": {"0": "x"}}},
                     content_type="application/json")
    assert bad.status_code == 400
    host = client.get("/api/scans/unmatched-hosts/").json()["results"][0]
    assert host["host_ip"] == "10.8.8.8"
    assigned = client.post(f"/api/scans/unmatched-hosts/{host['id']}/assign/", {"system": world.system_a.pk},
                           content_type="application/json")
    assert assigned.status_code == 204
    assert world.system_a.hosts.filter(ip_address="10.8.8.8").exists()


def test_cli_imports_and_lists_formats(world, tmp_path):
    from attt.cli.main import app

    runner = CliRunner()
    listed = runner.invoke(app, ["scans", "formats"])
    assert listed.exit_code == 0 and "nessus_xml" in listed.output
    report = nessus(tmp_path / "cli.nessus", {"10.1.0.10": [("61", 3, 443)]})
    result = runner.invoke(app, ["scans", "import", str(report), "--org", "MIN-A", "--user", "officer.a"])
    assert result.exit_code == 0, result.output
    assert Finding.objects.get().vulnerability.tool_id == "61"
    denied = runner.invoke(app, ["scans", "import", str(report), "--org", "MIN-A", "--user", "auditor.a"])
    assert denied.exit_code == 2
    broken = tmp_path / "broken.json"
    broken.write_text('{"runs": [')
    failed = runner.invoke(app, ["scans", "import", str(broken), "--system", str(world.system_a.pk)])
    assert failed.exit_code == 1
