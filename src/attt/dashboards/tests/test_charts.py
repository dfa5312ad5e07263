"""The server-side SVG charts: well-formed XML, accessible names, printed values, lengths
proportional to the values, links, escaping, and a note instead of an empty plot."""

import xml.etree.ElementTree as ET

import pytest

from attt.dashboards import charts
from attt.dashboards.charts import Bar, Series

NS = "{http://www.w3.org/2000/svg}"


def parse(svg):
    root = ET.fromstring(svg)  # raises on anything that is not well-formed XML
    assert root.tag == f"{NS}svg" and root.get("role") == "img"
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert title is not None and title.text and desc is not None and desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    return root


def rects(root, cls):
    return [r for r in root.iter(f"{NS}rect") if r.get("class") == cls]


def texts(root, cls):
    return [t.text for t in root.iter(f"{NS}text") if t.get("class") == cls]


def test_columns_are_proportional_and_print_their_values():
    root = parse(charts.bar_chart([Bar("Critical", 4, "/scans/?severity=critical"), Bar("High", 2),
                                   Bar("Medium", 1), Bar("Low", 0)], title="Open findings", chart_id="c1"))
    heights = [float(r.get("height")) for r in rects(root, "c-bar")]
    assert heights[0] > 0 and heights[3] == 0
    assert heights[1] == pytest.approx(heights[0] / 2) and heights[2] == pytest.approx(heights[0] / 4)
    # Every column stands on the same base line.
    bottoms = {round(float(r.get("y")) + float(r.get("height")), 1) for r in rects(root, "c-bar")}
    assert len(bottoms) == 1
    assert texts(root, "c-value") == ["4", "2", "1", "0"]
    assert texts(root, "c-label") == ["Critical", "High", "Medium", "Low"]
    links = list(root.iter(f"{NS}a"))
    assert [a.get("href") for a in links] == ["/scans/?severity=critical"]
    assert root.find(f"{NS}title").text == "Open findings"
    assert "Critical: 4" in root.find(f"{NS}desc").text
    assert [r.find(f"{NS}title").text for r in rects(root, "c-bar")][1] == "High: 2"


def test_horizontal_bars_are_proportional():
    root = parse(charts.hbar_chart([Bar("MIN-A", 50.0, "/dashboard/?org=MIN-A"), Bar("PRV-B", 100.0)],
                                   title="Approved", chart_id="c2"))
    widths = [float(r.get("width")) for r in rects(root, "c-bar")]
    assert widths[0] == pytest.approx(widths[1] / 2)
    assert texts(root, "c-value") == ["50", "100"]
    # A fixed scale (percentages): 25 % is a quarter of the full length, 0 % still has its row.
    fixed = parse(charts.hbar_chart([Bar("A", 25.0), Bar("B", 0)], title="Approved", chart_id="c2b", scale_max=100))
    widths = [float(r.get("width")) for r in rects(fixed, "c-bar")]
    assert widths[1] == 0 and widths[0] == pytest.approx((560 - 200 - 70) / 4)
    assert texts(fixed, "c-value") == ["25", "0"]


def test_stacked_bars_split_each_row_by_series():
    series = [("met", "Met", "#2e7d32"), ("overdue", "Overdue", "#c62828")]
    rows = [("AG-A1", {"met": 3, "overdue": 1}, "/x"), ("UN-B1", {"met": 1, "overdue": 1}, "")]
    absolute = parse(charts.stacked_bar(rows, series, title="Duties", chart_id="c3"))
    segments = rects(absolute, "c-segment")
    widths = [float(r.get("width")) for r in segments]
    assert [r.get("data-key") for r in segments] == ["met", "overdue", "met", "overdue"]
    assert widths[0] == pytest.approx(3 * widths[1]) and widths[2] == pytest.approx(widths[1])
    assert texts(absolute, "c-total") == ["4", "2"]
    normalised = parse(charts.stacked_bar(rows, series, title="Duties", chart_id="c4", normalise=True))
    widths = [float(r.get("width")) for r in rects(normalised, "c-segment")]
    assert widths[0] + widths[1] == pytest.approx(widths[2] + widths[3])  # every row spans the plot
    assert "AG-A1: Met 3, Overdue 1" in normalised.find(f"{NS}desc").text


def test_trend_lines_print_every_point():
    root = parse(charts.line_chart(["Q1/2026", "Q2/2026", "Q3/2026"],
                                   [Series("Incidents", (0, 2, 4)), Series("Evidence", (1, 1, 1))],
                                   title="Trend", chart_id="c5"))
    lines = list(root.iter(f"{NS}polyline"))
    assert len(lines) == 2
    points = [tuple(map(float, p.split(","))) for p in lines[0].get("points").split()]
    base = points[0][1]
    assert base - points[2][1] == pytest.approx(2 * (base - points[1][1]))  # 4 rises twice as high as 2
    assert texts(root, "c-value") == ["0", "2", "4", "1", "1", "1"]
    assert texts(root, "c-label") == ["Q1/2026", "Q2/2026", "Q3/2026"]


@pytest.mark.parametrize("svg", [
    charts.bar_chart([], title="Nothing", chart_id="e1"),
    charts.bar_chart([Bar("a", 0), Bar("b", 0)], title="Nothing", chart_id="e2"),
    charts.hbar_chart([], title="Nothing", chart_id="e3", empty="No finding."),
    charts.stacked_bar([("x", {}, "")], [("met", "Met", "")], title="Nothing", chart_id="e4"),
    charts.line_chart(["Q1"], [Series("s", (0,))], title="Nothing", chart_id="e5"),
])
def test_no_data_draws_a_note_not_an_empty_plot(svg):
    root = parse(svg)
    assert not list(root.iter(f"{NS}rect")) and not list(root.iter(f"{NS}polyline"))
    assert texts(root, "c-empty")[0]


def test_labels_and_links_are_escaped():
    svg = charts.hbar_chart([Bar('<script>"A&B"</script>', 3, '/x?a=1&b="2"')], title="T & <U>", chart_id="e6")
    root = parse(svg)
    assert "<script>" not in svg and root.find(f"{NS}title").text == "T & <U>"
    assert next(root.iter(f"{NS}a")).get("href") == '/x?a=1&b="2"'


def test_numbers_are_localised_and_long_labels_shortened():
    from django.utils import translation

    with translation.override("vi"):
        root = parse(charts.hbar_chart([Bar("Một tên tổ chức rất dài " * 5, 1234567)], title="T", chart_id="e7"))
    assert texts(root, "c-value") == ["1.234.567"]
    label = texts(root, "c-label")[0]
    assert label.endswith("…") and len(label) < 40
    assert ("Một tên tổ chức rất dài " * 5).strip() in next(root.iter(f"{NS}rect")).find(f"{NS}title").text
