"""Every figure of the pages as CSV (UTF-8 with BOM) and XLSX, holding what the page shows."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def csv_rows(response):
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8 Vietnamese
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="attt-' in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content), read_only=True)


def same(value):
    """A cell as text or number, so that 50 (XLSX) and "50.0" (CSV) compare equal."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return "" if value is None else str(value)


def card(page, card_id):
    """The big figure of one card on the dashboard page."""
    match = re.search(rf'id="{card_id}"><div class="figure">([^<]*)</div>', page)
    return match.group(1).strip()


def test_dashboard_csv_and_xlsx_hold_the_pages_figures(data, login):
    client = login(data.supervisor_a)
    page = client.get("/dashboard/?org=MIN-A", **EN).content.decode()
    rows = csv_rows(client.get("/dashboard/?org=MIN-A&export=csv", **EN))
    assert rows[0] == ["Section", "Organisation", "Figure", "Value"]
    figures = {(section, org, figure): value for section, org, figure, value in rows[1:]}
    assert figures[("Figures", "MIN-A", "Systems in investment or operating")] == "3"
    assert figures[("Figures", "MIN-A", "Share with an approved level (%)")] == "66.7"
    assert card(page, "card-levels") == "66.7 %"
    assert figures[("Figures", "MIN-A", "Duties: Overdue")] == card(page, "card-duties-overdue") == "3"
    assert figures[("Figures", "MIN-A", "Overdue findings: Critical")] == "1"
    assert figures[("Incident inbox", "MIN-A", "Not yet acknowledged")] == card(page, "card-inbox") == "1"
    score = figures[("Compliance score", "MIN-A", "Compliance score (formula attt-default-2026)")]
    assert score == card(page, "card-score")
    assert figures[("Ranking", "AG-A1", "Rank")] == "2"
    assert ("Trend", "MIN-A", f"Incidents detected Q{(data.today.month - 1) // 3 + 1}/{data.today.year}") in figures

    book = workbook(client.get("/dashboard/?org=MIN-A&export=xlsx", **EN))
    assert book.sheetnames[:3] == ["Figures", "Trend", "Ranking"]
    sheet_rows = list(book["Figures"].iter_rows(values_only=True))
    assert list(sheet_rows[0]) == rows[0]
    # The same figures as the CSV.
    assert {tuple(r[:3]): same(r[3]) for r in sheet_rows[1:]} == {key: same(v) for key, v in figures.items()}
    trend = list(book["Trend"].iter_rows(values_only=True))
    assert trend[0] == ("Quarter", "Incidents detected", "Findings first seen", "Findings fixed", "Evidence recorded")
    assert len(trend) == 9 and sum(row[1] for row in trend[1:]) == 2
    ranking = list(book["Ranking"].iter_rows(values_only=True))
    assert [row[1] for row in ranking[1:]] == ["MIN-A", "AG-A1"] and ranking[1][4] == 100.0


def test_vietnamese_csv_keeps_its_letters(data, login):
    client = login(data.supervisor_a)
    rows = csv_rows(client.get("/dashboard/?org=MIN-A&export=csv", HTTP_ACCEPT_LANGUAGE="vi"))
    assert any("Hệ thống" in cell or "Tổ chức" in cell for row in rows for cell in row)


def test_ranking_export_matches_the_ranking_page(data, login):
    client = login(data.regulator)
    response = client.get("/dashboard/ranking/?org=ROOT&all=1", **EN)
    codes_on_page = re.findall(r'<tr data-code="([^"]+)"', response.content.decode())
    rows = csv_rows(client.get("/dashboard/ranking/?all=1&export=csv", **EN))
    assert rows[0][:5] == ["Rank", "Code", "Organisation", "Counted", "Compliance score"]
    assert [row[1] for row in rows[1:]] == codes_on_page
    assert {row[1]: row[4] for row in rows[1:]}["ROOT"] == ""  # not rated
    book = workbook(client.get("/dashboard/ranking/?all=1&export=xlsx", **EN))
    assert [row[1] for row in list(book["Ranking"].iter_rows(values_only=True))[1:]] == codes_on_page


def test_overdue_export_lists_every_row(data, login):
    client = login(data.supervisor_a)
    rows = csv_rows(client.get("/dashboard/overdue/?org=MIN-A&export=csv", **EN))
    assert rows[0][0] == "Organisation code" and rows[0][-1] == "Days overdue"
    assert [(row[0], row[3], row[-1]) for row in rows[1:]] == [("AG-A1", "D18-1", "30"), ("AG-A1", "D18-2", "10"),
                                                               ("AG-A1", "D18-4", "10")]
    only = csv_rows(client.get("/dashboard/overdue/?duty=D18-4&export=csv", **EN))
    assert [row[3] for row in only[1:]] == ["D18-4"]
    book = workbook(client.get("/dashboard/overdue/?export=xlsx", **EN))
    assert len(list(book.active.iter_rows(values_only=True))) == 4


@pytest.mark.parametrize("url", ["/dashboard/?export=pdf", "/dashboard/ranking/?export=doc"])
def test_unknown_export_format_is_not_found(world, login, url):
    assert login(world.regulator).get(url).status_code == 404
