"""The case through its interfaces: web pages and forms, the REST API, the CLI."""

import datetime
import json

import pytest
import stix2
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from typer.testing import CliRunner

from attt.cli.main import app
from attt.incidents.models import Delivery, Incident

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_open_a_case_through_the_form(world, login):
    client = login(world.operator_a1)
    assert client.get("/incidents/new/", **EN).status_code == 200
    response = client.post("/incidents/new/", {
        "organisation": "AG-A1", "title": "Tấn công DDoS cổng thông tin", "incident_type": "dos",
        "detected_at": (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "time_zone": "Asia/Ho_Chi_Minh", "severity": "high", "reporter_name": "An", "systems": [world.system_a.pk],
        "serious_disruption": "on"}, **EN)
    case = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/incidents/{case.pk}/"
    assert case.serious_disruption and not case.personal_data
    page = client.get(f"/incidents/{case.pk}/", **EN).content.decode()
    assert "N331-IMM" in page or "IR-1" in page  # the clocks panel, whichever regime today is
    assert "Alpha-Zq7" in page
    bad = client.post("/incidents/new/", {"organisation": "AG-A1", "title": "", "incident_type": "dos",
                                          "detected_at": "2026-01-01T10:00", "reporter_name": "An"}, **EN)
    assert bad.status_code == 400 and Incident.objects.count() == 1


def test_list_puts_overdue_clocks_first(world, opened, login):
    fresh = opened(title="Fresh case")
    old = opened(title="Old case", detected_at=timezone.now() - datetime.timedelta(days=10))
    page = login(world.officer_a).get("/incidents/", **EN).content.decode()
    assert page.index(old.reference) < page.index(fresh.reference)
    only = login(world.officer_a).get("/incidents/?overdue=1", **EN).content.decode()
    assert old.reference in only and fresh.reference not in only


def test_case_page_actions(world, opened, login):
    case = opened()
    client = login(world.operator_a1)
    client.post(f"/incidents/{case.pk}/notes/", {"text": "Cô lập máy chủ", "kind": "action"})
    client.post(f"/incidents/{case.pk}/tasks/", {"title": "Vá CMS", "due_on": "2026-12-31"})
    client.post(f"/incidents/{case.pk}/indicators/", {"values": "203.0.113.9\nsha1: " + "b" * 40, "tlp": "green"})
    client.post(f"/incidents/{case.pk}/files/", {"file": SimpleUploadedFile("x.pcap", b"\xd4\xc3\xb2\xa1data")})
    assert case.timeline.filter(kind="action").exists() and case.tasks.count() == 1
    assert set(case.indicators.values_list("kind", flat=True)) == {"ipv4", "sha1"}
    row = case.files.get()
    download = client.get(f"/incidents/files/{row.pk}/")
    assert download["Content-Type"] == "application/octet-stream" and "attachment" in download["Content-Disposition"]
    bad = client.post(f"/incidents/{case.pk}/indicators/", {"values": "not an indicator at all"}, **EN)
    assert bad.status_code == 302 and case.indicators.count() == 2
    bundle = client.get(f"/incidents/{case.pk}/stix/")
    parsed = stix2.parse(bundle.content.decode(), allow_custom=False)
    assert len([o for o in parsed.objects if o.type == "indicator"]) == 2
    other = opened(title="Other")
    upload = SimpleUploadedFile("b.json", bundle.content)
    client.post(f"/incidents/{other.pk}/stix/import/", {"bundle": upload})
    assert set(other.indicators.values_list("value", flat=True)) == set(case.indicators.values_list("value", flat=True))


def test_generate_preview_send_and_inbox_through_the_web(world, opened, login, nca):
    case = opened()
    client = login(world.operator_a1)
    response = client.post(f"/incidents/{case.pk}/reports/", {"kind": "form03", "language": "vi"})
    report = case.reports.get()
    assert response["Location"] == f"/incidents/reports/{report.pk}/"
    assert "Tấn công thay đổi giao diện cổng thông tin" in client.get(f"/incidents/reports/{report.pk}/preview/").content.decode()
    assert client.get(f"/incidents/reports/{report.pk}/docx/").status_code == 200
    client.post(f"/incidents/reports/{report.pk}/send/", {"recipients": ["NCA"], "other": "prv-b"})
    assert set(Delivery.objects.values_list("recipient__code", flat=True)) == {"NCA", "PRV-B"}
    assert mail.outbox[0].subject.startswith("[TBSC]")
    officer_b = login(world.officer_b)
    inbox = officer_b.get("/incidents/inbox/?pending=1", **EN).content.decode()
    assert report.title in inbox
    row = Delivery.objects.get(recipient__code="PRV-B")
    officer_b.post(f"/incidents/deliveries/{row.pk}/ack/", {"next": "/incidents/inbox/"})
    row.refresh_from_db()
    assert row.acknowledged_by == world.officer_b


def test_api(world, opened, login, nca):
    client = login(world.operator_a1)
    created = client.post("/api/incidents/cases/", {
        "organisation": "AG-A1", "title": "Rò rỉ dữ liệu", "incident_type": "data_theft",
        "detected_at": (timezone.now() - datetime.timedelta(hours=80)).isoformat(), "reporter_name": "An",
        "personal_data": True, "systems": [world.system_a.pk]}, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert client.post("/api/incidents/cases/", {"organisation": "AG-A1"}, content_type="application/json").status_code == 400
    clocks = client.get(f"/api/incidents/cases/{pk}/clocks/").json()["clocks"]
    assert "PDP-72H" in {c["id"] for c in clocks} and all("seconds_left" in c for c in clocks)
    assert client.patch(f"/api/incidents/cases/{pk}/", {"status": "contained"},
                        content_type="application/json").json()["status"] == "contained"
    added = client.post(f"/api/incidents/cases/{pk}/indicators/", {"indicators": [
        {"kind": "url", "value": "http://evil.example/a"}, {"kind": "md5", "value": "a" * 32, "tlp": "red"}]},
        content_type="application/json").json()
    assert added["added"] == 2
    assert client.post(f"/api/incidents/cases/{pk}/indicators/", {"indicators": [{"kind": "md5", "value": "zz"}]},
                       content_type="application/json").status_code == 400
    report = client.post(f"/api/incidents/cases/{pk}/reports/", {"kind": "pd_breach"},
                         content_type="application/json").json()
    sent = client.post(f"/api/incidents/reports/{report['id']}/send/", {"recipients": ["NCA"]},
                       content_type="application/json")
    assert sent.status_code == 201 and sent.json()[0]["message_id"]
    assert client.get(f"/api/incidents/reports/{report['id']}/download/?document=docx").status_code == 200
    stix_text = client.get(f"/api/incidents/cases/{pk}/stix/").content.decode()
    assert json.loads(stix_text)["type"] == "bundle"
    pd_clock = {c["id"]: c for c in client.get(f"/api/incidents/cases/{pk}/clocks/").json()["clocks"]}["PDP-72H"]
    assert pd_clock["state"] == "sent_late"  # detected 80 hours ago, sent now


def test_cli_export(world, opened, tmp_path):
    case = opened()
    runner = CliRunner()
    out = tmp_path / "case.json"
    result = runner.invoke(app, ["incidents", "export", case.reference, "--format", "stix", "--out", str(out)])
    assert result.exit_code == 0, result.output
    stix2.parse(out.read_text(), allow_custom=False)
    missing = runner.invoke(app, ["incidents", "export", str(case.pk), "--format", "pdf"])
    assert missing.exit_code == 2 and "--kind" in missing.output
    pdf = tmp_path / "r.pdf"
    result = runner.invoke(app, ["incidents", "export", str(case.pk), "--format", "pdf", "--kind", "d331_report",
                                 "--out", str(pdf)])
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes()[:5] == b"%PDF-" and case.reports.count() == 1
    docx = tmp_path / "r.docx"
    assert runner.invoke(app, ["incidents", "export", str(case.pk), "--format", "docx", "--out", str(docx)]).exit_code == 0
    assert runner.invoke(app, ["incidents", "export", "SC-1999-0001"]).exit_code == 2
    assert runner.invoke(app, ["incidents", "export", str(case.pk), "--format", "xml"]).exit_code == 2
    assert runner.invoke(app, ["incidents", "export", str(case.pk), "--user", "officer.b"]).exit_code == 2
