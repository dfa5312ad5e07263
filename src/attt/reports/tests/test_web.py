"""Web pages, API and CLI of the periodic reports."""

import datetime
import io
import json

import openpyxl
import pytest
from django.urls import reverse
from typer.testing import CliRunner

from attt.reports import services
from attt.reports.models import PeriodicReport, ReportState
from attt.tenancy.roles import Role
from attt.testing import make_user

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def head(world):
    return make_user("head.a1", world.agency, Role.HEAD)


def test_generate_approve_submit_through_the_pages(world, login, head):
    client = login(world.operator_a1)
    page = client.get(reverse("periodic-list"), **EN)
    assert page.status_code == 200 and b"Generate a report" in page.content
    response = client.post(reverse("periodic-generate"), {
        "organisation": "AG-A1", "kind": "quarterly", "year": "2026", "number": "3", "language": "vi"})
    report = PeriodicReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    detail = client.get(report.get_absolute_url(), **EN).content.decode()
    assert "Waiting for the head" in detail and "section-form05" in detail
    # The operator may not approve; the head does.
    assert client.post(reverse("periodic-approve", args=[report.pk])).status_code == 403
    login(head).post(reverse("periodic-approve", args=[report.pk]))
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED
    client = login(world.operator_a1)
    response = client.post(reverse("periodic-submit", args=[report.pk]), **EN)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and report.recipient == world.ministry
    detail = client.get(report.get_absolute_url(), **EN).content.decode()
    assert "Submitted reports are frozen" in detail
    for fmt, magic in (("pdf", b"%PDF-"), ("docx", b"PK"), ("xlsx", b"PK")):
        download = client.get(reverse("periodic-download", args=[report.pk, fmt]))
        assert download.status_code == 200 and b"".join(download.streaming_content).startswith(magic)
    assert client.get(reverse("periodic-download", args=[report.pk, "exe"])).status_code == 404


def test_bad_generate_input_shows_the_error_and_stores_nothing(world, login):
    client = login(world.operator_a1)
    response = client.post(reverse("periodic-generate"), {"organisation": "AG-A1", "kind": "quarterly",
                                                          "year": "2026", "number": "7"}, follow=True, **EN)
    assert b"no period 7" in response.content
    response = client.post(reverse("periodic-generate"), {"organisation": "PRV-B", "kind": "annual",
                                                          "year": "2026"}, follow=True, **EN)
    assert b"Choose an organisation in your scope" in response.content
    # A failed generation goes back to the page it came from, never to another site.
    away = client.post(reverse("periodic-generate"), {"organisation": "PRV-B", "back": "https://evil.example/"})
    assert away["Location"] == reverse("periodic-list")
    back = client.post(reverse("periodic-generate"), {"organisation": "PRV-B", "back": "/reports/status/?kind=annual"})
    assert back["Location"] == "/reports/status/?kind=annual"
    assert not PeriodicReport.objects.exists()


def test_figures_link_to_their_records(world, login):
    report = services.generate(world.operator_a1, world.agency, "annual", 2026)
    client = login(world.supervisor_a)
    detail = client.get(report.get_absolute_url()).content.decode()
    assert "figure=annual%3Asystems" in detail
    page = client.get(reverse("periodic-sources", args=[report.pk]) + "?figure=annual:systems", **EN)
    assert page.status_code == 200 and world.system_a.name in page.content.decode()
    assert client.get(reverse("periodic-sources", args=[report.pk]) + "?figure=nope").status_code == 404


def test_status_page_and_one_click_consolidation(world, login, head):
    report = services.generate(head, world.agency, "annual", 2026)
    services.approve(head, report)
    services.submit(head, report, now=datetime.datetime(2026, 12, 1, 3, tzinfo=datetime.timezone.utc))
    client = login(world.officer_a)
    client.post(reverse("switch-organisation"), {"organisation": "MIN-A", "next": "/"})
    page = client.get(reverse("periodic-status") + "?kind=annual&year=2026", **EN).content.decode()
    assert "AG-A1" in page and "On time" in page and 'id="consolidate"' in page
    response = client.post(reverse("periodic-generate"), {"organisation": "MIN-A", "kind": "annual", "year": "2026",
                                                          "consolidated": "1"})
    consolidated = PeriodicReport.objects.get(consolidated=True)
    assert response["Location"] == consolidated.get_absolute_url()
    rows = {row["organisation"]["code"]: row for row in consolidated.snapshot["consolidation"]["rows"]}
    assert rows["AG-A1"]["source"] == "report"


def test_api_flow(world, login, head):
    client = login(world.operator_a1)
    response = client.post("/api/reports/", {"organisation": "ag-a1", "kind": "form05_year", "year": 2026},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["snapshot"]["form05"]["totals"]["count"] == 0
    bad = client.post("/api/reports/", {"organisation": "AG-A1", "kind": "quarterly", "year": 2026, "number": 9},
                      content_type="application/json")
    assert bad.status_code == 400 and "period" in bad.json()
    assert client.post(f"/api/reports/{pk}/approve/").status_code == 403
    assert login(head).post(f"/api/reports/{pk}/approve/").json()["state"] == "approved"
    client = login(world.operator_a1)
    submitted = client.post(f"/api/reports/{pk}/submit/").json()
    assert submitted["state"] == "submitted" and submitted["recipient"] == "MIN-A"
    assert client.delete(f"/api/reports/{pk}/").status_code == 400  # frozen
    download = client.get(f"/api/reports/{pk}/download/?document=xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert workbook.sheetnames
    traced = client.get(f"/api/reports/{pk}/sources/?figure=form05:totals:count").json()
    assert traced == {"figure": "form05:totals:count", "record_type": "incident", "ids": [], "visible": []}
    listing = client.get("/api/reports/?kind=form05_year").json()
    assert [row["id"] for row in listing["results"]] == [pk]
    status = login(world.officer_a).get("/api/reports/status/?organisation=MIN-A&kind=form05_year&year=2026").json()
    assert status["counts"]["on_time"] + status["counts"]["late"] + status["counts"]["missing"] \
        + status["counts"]["not_due"] == len(status["rows"])


def test_cli_build_writes_the_three_documents(world, tmp_path):
    from attt.cli.main import app

    result = CliRunner().invoke(app, ["reports", "build", "--kind", "quarterly", "--org", "AG-A1",
                                      "--period", "2026-Q3", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    names = sorted(path.suffix for path in tmp_path.iterdir() if path.is_file())
    assert names == [".docx", ".pdf", ".xlsx"]
    report = PeriodicReport.objects.get()
    assert (report.kind, report.year, report.number) == ("quarterly", 2026, 3)
    bad = CliRunner().invoke(app, ["reports", "build", "--kind", "quarterly", "--org", "AG-A1",
                                   "--period", "2026", "--out", str(tmp_path)])
    assert bad.exit_code == 2 and "2026-Q3" in bad.output
    form05 = CliRunner().invoke(app, ["reports", "build", "--kind", "form05", "--org", "AG-A1",
                                      "--period", "2026-H1", "--out", str(tmp_path)])
    assert form05.exit_code == 0 and PeriodicReport.objects.filter(kind="form05_half").exists()
    status = CliRunner().invoke(app, ["reports", "status", "--org", "MIN-A", "--kind", "annual"])
    assert status.exit_code == 0 and "AG-A1" in status.output


def test_api_outside_scope(world, login):
    report = services.generate(world.operator_a1, world.agency, "annual", 2026)
    client = login(world.officer_b)
    assert client.get(f"/api/reports/{report.pk}/").status_code == 404
    assert client.get("/api/reports/status/?organisation=MIN-A").status_code == 404
    assert json.loads(client.get("/api/reports/").content)["results"] == []
