"""The periodic-report renderers: a hand-built snapshot → DOCX, PDF and XLSX, Vietnamese and English.

No test here is marked ``django_db``: pytest-django refuses database access, so any query in the
renderers fails these tests (they must be a pure function of the snapshot).
"""

import copy
import datetime
import io
import re
import subprocess

import pytest
from docx import Document
from openpyxl import load_workbook

from attt.reports import document_labels, documents

ORG_NAME = "Cục Tin học Alpha-Zq7 A1"
KINDS = ("quarterly", "annual", "form05_half", "form05_year")
TYPES = document_labels.INCIDENT_TYPES
PERIODS = {
    "annual": {"kind": "annual", "year": 2026, "number": 1, "start": "2025-12-15", "end": "2026-12-14",
               "due": "2026-12-19", "label_vi": "Năm 2026", "label_en": "Year 2026",
               "article": "TT 12/2022/TT-BTTTT Điều 14; NĐ 331/2026/NĐ-CP Điều 36, Mẫu 08"},
    "form05_year": {"kind": "form05_year", "year": 2026, "number": 1, "start": "2025-12-15",
                    "end": "2026-12-14", "due": "2026-12-14", "label_vi": "Năm 2026", "label_en": "Year 2026",
                    "article": "TT 20/2017/TT-BTTTT Điều 6.1.c, Mẫu 05"},
    "form05_half": {"kind": "form05_half", "year": 2026, "number": 1, "start": "2026-01-01",
                    "end": "2026-06-30", "due": "2026-06-19", "label_vi": "6 tháng đầu năm 2026",
                    "label_en": "First half of 2026", "article": "TT 20/2017/TT-BTTTT Điều 6.1.c, Mẫu 05"},
    "quarterly": {"kind": "quarterly", "year": 2026, "number": 4, "start": "2026-10-01", "end": "2026-12-31",
                  "due": "2026-12-20", "label_vi": "Quý IV năm 2026", "label_en": "Q4 2026",
                  "article": "Công điện 33/CĐ-TTg ngày 07/04/2024"},
}


def org(id_, code, name, name_en="", kind="agency", **extra):
    return {"id": id_, "code": code, "name": name, "name_en": name_en, "kind": kind, "address": "",
            "phone": "", "email": "", "head_name": "", "network_member": False, **extra}


A1 = org(3, "AG-A1", ORG_NAME, "Alpha-Zq7 A1 Informatics Department", address="12 Phố Huế, Hà Nội",
         phone="024 3825 1234", email="cntt@a1.example.vn", head_name="Lê Thị Hoa", network_member=True)
MIN_A = org(2, "MIN-A", "Bộ Alpha-Zq7 A", "Alpha-Zq7 Ministry A", kind="ministry")
UNIT = org(9, "SEC-A", "Trung tâm An ninh mạng Alpha-Zq7", kind="unit", head_name="Phạm Minh Đức")
A2 = org(4, "AG-A2", "Cục Lưu trữ Alpha-Zq7 A2")


def form05_part():
    rows = [{"type": t, "count": 0, "self_handled": 0, "domestic_help": 0, "foreign_help": 0,
             "national_help_requested": 0, "estimated_damage_vnd": 0,
             "sources": {f: [] for f in document_labels.FORM05_FIGURES}} for t in TYPES]
    rows[1].update(count=2, self_handled=2, sources={"count": [7, 8], "self_handled": [7, 8]})
    rows[2].update(count=3, self_handled=1, domestic_help=1, national_help_requested=1,
                   estimated_damage_vnd=15000000,
                   sources={"count": [12, 15, 19], "self_handled": [12], "domestic_help": [15],
                            "national_help_requested": [19], "estimated_damage_vnd": [15, 19]})
    totals = {"count": 5, "self_handled": 3, "domestic_help": 1, "foreign_help": 0, "national_help_requested": 1,
              "estimated_damage_vnd": 15000000,
              "sources": {"count": [7, 8, 12, 15, 19], "self_handled": [7, 8, 12], "domestic_help": [15],
                          "foreign_help": [], "national_help_requested": [19], "estimated_damage_vnd": [15, 19]}}
    return {"rows": rows, "totals": totals,
            "domestic_helpers": [{"name": "Công ty Bảo mật Alpha-Zq7", "incident_ids": [15]}],
            "foreign_helpers": [{"name": "Mandiant", "incident_ids": [19]}],
            "unclassified": [19], "recommendations": "Đề nghị tăng cường giám sát.\nBổ sung nhân lực."}


def annual_part():
    return {
        "totals": {"systems": 12, "classified": 10, "drafted": 9, "appraised": 7, "approved": 6,
                   "approved_assessed": 2},
        "sources": {"systems": [701, 702], "classified": [701, 702], "drafted": [701], "appraised": [701],
                    "approved": [701], "approved_assessed": [701]},
        "expected_all_approved_on": "2027-03-01",
        "rows": [
            {"number": 1, "name": "Cổng dịch vụ công Alpha-Zq7", "owner": "MIN-A – Bộ Alpha-Zq7 A",
             "operator": "AG-A1 – Cục Tin học Alpha-Zq7 A1", "proposed_level": 3, "approval_status": "approved",
             "decision_number": "123/QĐ-BA", "decision_date": "2026-05-02", "decision_issuer": "Bộ trưởng Bộ A",
             "regulation": "45/QĐ-BA (01/02/2026)", "expected_approval_on": None, "deployment": "partial",
             "expected_full_deployment_on": "2027-06-30", "assessment": "periodic", "system_id": 701},
            {"number": 2, "name": "Hệ thống thư điện tử Alpha-Zq7", "owner": "MIN-A – Bộ Alpha-Zq7 A",
             "operator": "AG-A1 – Cục Tin học Alpha-Zq7 A1", "proposed_level": None, "approval_status": "drafting",
             "decision_number": "", "decision_date": None, "decision_issuer": "", "regulation": "",
             "expected_approval_on": "2027-02-15", "deployment": "", "expected_full_deployment_on": None,
             "assessment": "", "system_id": 702},
        ],
    }


def quarterly_part():
    kpis = {"open_incidents": 2, "overdue_clocks": 1, "overdue_duties": 4, "open_findings_critical": 3,
            "open_findings_high": 10, "open_findings_medium": 20, "open_findings_low": 5, "open_findings_info": 0}
    sources = {key: list(range(900, 900 + value)) for key, value in kpis.items()}
    sources["overdue_duties"] = [31, 32, 33, 34]
    return {"kpis": kpis, "sources": sources}


COLUMNS = {
    "annual": ["systems", "classified", "drafted", "appraised", "approved", "approved_assessed"],
    "form05": list(document_labels.FORM05_FIGURES),
    "quarterly": ["systems", "approved", "incidents", "open_incidents", "overdue_clocks", "overdue_duties",
                  "open_findings_critical", "open_findings_high"],
}


def consolidation_part(kind):
    columns = COLUMNS["form05" if kind.startswith("form05") else kind]

    def values(start):
        return {column: start + index for index, column in enumerate(columns)}

    # The producer adds the ids behind a computed row's values, or the child's report id; the
    # third row has none (the spec's minimum).
    rows = [
        {"organisation": MIN_A, "scope": "own", "source": "records", "report_id": None, "report_version": None,
         "submitted_at": None, "timeliness": "", "values": values(1),
         "sources": {column: [500 + n for n in range(value)] for column, value in values(1).items()}},
        {"organisation": A1, "scope": "subtree", "source": "report", "report_id": 41, "report_version": 2,
         "submitted_at": "2026-12-18T16:05:00+07:00", "timeliness": "late", "values": values(20),
         "sources": {"reports": [41]}},
        {"organisation": A2, "scope": "subtree", "source": "records", "report_id": None, "report_version": None,
         "submitted_at": None, "timeliness": "missing", "values": {**values(0), columns[0]: 0}},
    ]
    totals = {column: sum(row["values"][column] for row in rows) for column in columns}
    return {"columns": columns, "rows": rows, "totals": totals}


def build(kind="annual", language="vi", consolidated=False, **overrides):
    """A full snapshot of ``kind`` as the spec defines it (the producer's output)."""
    snapshot = {
        "schema": 1, "kind": kind, "consolidated": consolidated, "language": language, "version": 1,
        "generated_at": "2026-11-24T09:30:00+07:00", "generated_by": "Nguyễn Văn An",
        "organisation": MIN_A if consolidated else A1, "recipient": None if consolidated else MIN_A,
        "specialised_unit": UNIT, "period": PERIODS[kind],
        "approval": {"name": "Trần Văn Bình", "at": "2026-12-10T10:00:00+07:00"},
        "form05": None, "annual": None, "quarterly": None, "consolidation": None,
    }
    if consolidated:
        snapshot["consolidation"] = consolidation_part(kind)
    else:
        if kind in ("quarterly", "form05_half", "form05_year"):
            snapshot["form05"] = form05_part()
        if kind in ("quarterly", "annual"):
            snapshot["annual"] = annual_part()
        if kind == "quarterly":
            snapshot["quarterly"] = quarterly_part()
    snapshot.update(overrides)
    return copy.deepcopy(snapshot)


# --- readers ---------------------------------------------------------------------------------

def docx_text(content):
    """Body paragraphs and every table cell's text."""
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(p.text for cell in row.cells for p in cell.paragraphs)
    return "\n".join(parts)


def docx_rows(content):
    """[[cell text, …]] of every table row in the document."""
    doc = Document(io.BytesIO(content))
    return [[cell.text for cell in row.cells] for table in doc.tables for row in table.rows]


def pdf_text(content, tmp_path, layout=False):
    """The PDF's text, whitespace collapsed. ``layout``: a table row stays on one line (but a
    wrapped cell is cut); without it a cell's text stays together (but rows are scattered)."""
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", *(["-layout"] if layout else []), str(path), "-"],
                          capture_output=True, check=True, text=True).stdout
    return " ".join(re.sub(r"(?<=\w)-\n\s*", "-", text).split())


def workbook(content):
    return load_workbook(io.BytesIO(content))


def sheet_rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def sources(book, sheet="Nguồn"):
    return {row[1]: row for row in sheet_rows(book[sheet])[1:]}


# --- DOCX ------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_docx_has_the_official_layout_the_organisation_period_and_figures(kind):
    snapshot = build(kind)
    content = documents.render_docx(snapshot)
    text = docx_text(content)
    for expected in (ORG_NAME, ORG_NAME.upper(), snapshot["period"]["label_vi"],
                     "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "Kính gửi: Bộ Alpha-Zq7 A.", snapshot["period"]["article"], "Trần Văn Bình",
                     "Phê duyệt lúc 10/12/2026 10:00", "ngày 10 tháng 12 năm 2026"):
        assert expected in text, expected
    assert "{{" not in text and "{%" not in text
    rows = docx_rows(content)
    if kind in ("quarterly", "annual"):
        assert ["1", "Tổng số hệ thống thông tin", "12"] in rows
        assert ["6", "Số hệ thống đã được phê duyệt và đánh giá định kỳ", "2"] in rows
        assert ["1", "Cổng dịch vụ công Alpha-Zq7", "MIN-A – Bộ Alpha-Zq7 A", "AG-A1 – Cục Tin học Alpha-Zq7 A1",
                "3", "Đã phê duyệt", "123/QĐ-BA, 02/05/2026, Bộ trưởng Bộ A", "45/QĐ-BA (01/02/2026)", "......",
                "Đã triển khai một số nội dung", "30/06/2027", "Định kỳ"] in rows
        # No level yet, no dossier date: dots; blank enums stay blank.
        assert ["2", "Hệ thống thư điện tử Alpha-Zq7", "MIN-A – Bộ Alpha-Zq7 A", "AG-A1 – Cục Tin học Alpha-Zq7 A1",
                "......", "Đang xây dựng hồ sơ", "", "", "15/02/2027", "", "......", ""] in rows
        assert "Thời gian dự kiến hoàn thành phê duyệt cấp độ cho tất cả hệ thống: 01/03/2027" in text
    if kind != "annual":
        assert ["3", "Tấn công sử dụng mã độc", "3", "1", "1", "0", "1", "15.000.000"] in rows
        assert ["1", "Tấn công từ chối dịch vụ", "0", "0", "0", "0", "0", "0"] in rows  # zero prints as 0
        assert ["", "Tổng cộng", "5", "3", "1", "0", "1", "15.000.000"] in rows
        assert "- Công ty Bảo mật Alpha-Zq7" in text and "- Mandiant" in text
        assert "Ghi chú: 1 sự cố chưa ghi nhận hình thức xử lý (mã: 19)." in text
    if kind == "quarterly":
        for heading in ("I. HỆ THỐNG THÔNG TIN VÀ CẤP ĐỘ", "II. SỰ CỐ AN TOÀN THÔNG TIN MẠNG TRONG QUÝ",
                        "III. CÁC CHỈ SỐ THEO DÕI"):
            assert heading in text
        assert ["3", "Số nghĩa vụ quá hạn", "4"] in rows
        assert ["8", "Số lỗ hổng mức thông tin chưa khắc phục", "0"] in rows


def test_annual_docx_has_the_owner_and_specialised_unit_blocks_and_a_landscape_table():
    content = documents.render_docx(build("annual"))
    rows, text = docx_rows(content), docx_text(content)
    assert "Mẫu số 08" in text
    assert ["Tên cơ quan, tổ chức", ORG_NAME] in rows
    assert ["Chức năng, nhiệm vụ", "Cơ quan, đơn vị trực thuộc"] in rows
    assert ["Người đứng đầu", "Lê Thị Hoa"] in rows and ["Thư điện tử", "cntt@a1.example.vn"] in rows
    assert ["Tên cơ quan, tổ chức", "Trung tâm An ninh mạng Alpha-Zq7"] in rows
    assert ["Người đứng đầu", "Phạm Minh Đức"] in rows
    assert ["Địa chỉ", "............"] in rows  # the unit has no address
    sections = Document(io.BytesIO(content)).sections
    assert [s.page_width > s.page_height for s in sections] == [False, True]


def test_form05_docx_has_general_information_recommendations_and_digital_signature_note():
    content = documents.render_docx(build("form05_half"))
    rows, text = docx_rows(content), docx_text(content)
    assert ["Mã thành viên mạng lưới ứng cứu sự cố", "AG-A1"] in rows
    assert ["Kỳ báo cáo", "6 tháng đầu năm 2026 (01/01/2026 – 30/06/2026)"] in rows
    assert "Mẫu số 05" in text and "(Ký tên, đóng dấu hoặc ký số)" in text
    assert "Đề nghị tăng cường giám sát." in text and "Bổ sung nhân lực." in text


def test_english_rendering_prints_english_labels():
    snapshot = build("quarterly", language="en")
    text = docx_text(documents.render_docx(snapshot))
    for expected in ("SOCIALIST REPUBLIC OF VIET NAM", "Independence - Freedom - Happiness",
                     "To: Alpha-Zq7 Ministry A.", "Q4 2026", "Alpha-Zq7 A1 Informatics Department",
                     "Number of information systems", "Malware", "Overdue duties", "HEAD OF THE ORGANISATION",
                     "Approved at 10/12/2026 10:00", "10 December 2026", "Some items deployed"):
        assert expected in text, expected
    for vietnamese in ("Kính gửi", "CỘNG HÒA", "Tổng số hệ thống thông tin", "Tấn công sử dụng mã độc"):
        assert vietnamese not in text
    assert "Cổng dịch vụ công Alpha-Zq7" in text  # data stays as typed
    book = workbook(documents.render_xlsx(snapshot))
    assert book.sheetnames == ["Summary", "Systems", "Incidents", "Helpers", "KPIs", "Sources"]
    assert sheet_rows(book["KPIs"])[0] == ["No.", "Indicator", "Value", "Figure key"]


def test_vietnamese_and_english_labels_have_the_same_keys():
    def shape(value):
        if isinstance(value, dict):
            return {key: shape(item) for key, item in value.items()}
        return type(value).__name__

    assert shape(document_labels.LABELS["vi"]) == shape(document_labels.LABELS["en"])
    assert set(document_labels.LABELS["vi"]["incident_types"]) == set(TYPES)


# --- consolidated ----------------------------------------------------------------------------

def test_consolidated_annual_renders_its_per_organisation_table_and_totals(tmp_path):
    snapshot = build("annual", consolidated=True)
    content = documents.render_docx(snapshot)
    rows, text = docx_rows(content), docx_text(content)
    assert "BÁO CÁO TỔNG HỢP" in text and "Năm 2026" in text
    assert "Mẫu số 08" not in text
    assert ["1", "MIN-A – Bộ Alpha-Zq7 A", "Bản thân đơn vị", "Tính từ dữ liệu (chưa có báo cáo)", "",
            "1", "2", "3", "4", "5", "6"] in rows
    assert ["2", "AG-A1 – Cục Tin học Alpha-Zq7 A1", "Đơn vị và các đơn vị trực thuộc",
            "Báo cáo phiên bản 2 nộp ngày 18/12/2026", "Muộn", "20", "21", "22", "23", "24", "25"] in rows
    assert ["3", "AG-A2 – Cục Lưu trữ Alpha-Zq7 A2", "Đơn vị và các đơn vị trực thuộc",
            "Tính từ dữ liệu (chưa có báo cáo)", "Chưa nộp (quá hạn)", "0", "1", "2", "3", "4", "5"] in rows
    assert ["", "Tổng cộng", "", "", "", "21", "24", "27", "30", "33", "36"] in rows
    assert ["1", "Tổng số hệ thống thông tin", "21"] in rows

    book = workbook(documents.render_xlsx(snapshot))
    table = sheet_rows(book["Hợp nhất"])
    assert table[2][:8] == [2, "AG-A1", ORG_NAME, "Đơn vị và các đơn vị trực thuộc",
                            "Báo cáo phiên bản 2 nộp ngày 18/12/2026", 2,
                            datetime.datetime(2026, 12, 18, 16, 5), "Muộn"]
    assert table[2][8:] == [20, 21, 22, 23, 24, 25]
    assert table[-1][2] == "Tổng cộng" and table[-1][8:] == [21, 24, 27, 30, 33, 36]
    listed = sources(book)
    assert listed["consolidation.AG-A1.reports"][2:] == ["Báo cáo", 1, "41"]
    assert listed["consolidation.MIN-A.classified"][2:] == ["Hệ thống thông tin", 2, "500, 501"]
    assert listed["consolidation.MIN-A.classified"][0] == "Hợp nhất – MIN-A – Bộ Alpha-Zq7 A – Đã xác định cấp độ"
    assert listed["consolidation.AG-A2"][2:4] == ["Báo cáo", 0]  # computed, no ids kept: listed empty

    pdf = pdf_text(documents.render_pdf(snapshot), tmp_path)
    assert "Báo cáo phiên bản 2 nộp ngày 18/12/2026" in pdf and "Cục Lưu trữ Alpha-Zq7 A2" in pdf


def test_consolidated_quarterly_prints_one_column_per_figure():
    snapshot = build("quarterly", consolidated=True, language="en")
    rows = docx_rows(documents.render_docx(snapshot))
    header = next(row for row in rows if row and row[0] == "No." and "Scope" in row)
    assert header[5:] == ["Information systems", "Approved", "Incidents in the period", "Open incidents",
                          "Incidents with overdue deadlines", "Overdue duties", "Open critical findings",
                          "Open high findings"]
    assert ["", "Total", "", "", "", "21", "24", "27", "30", "33", "36", "39", "42"] in rows
    assert ["2", "AG-A1 – Alpha-Zq7 A1 Informatics Department", "With its subordinate organisations",
            "Report v2 submitted 18/12/2026", "Late", "20", "21", "22", "23", "24", "25", "26", "27"] in rows
    listed = sources(workbook(documents.render_xlsx(snapshot)), "Sources")
    assert listed["consolidation.MIN-A.overdue_duties"][2:] == ["Duty status", 6, "500, 501, 502, 503, 504, 505"]
    assert listed["consolidation.MIN-A.open_findings_high"][2] == "Finding"


# --- XLSX ------------------------------------------------------------------------------------

def test_xlsx_holds_the_figures_as_numbers_and_dates_with_bold_frozen_headers():
    book = workbook(documents.render_xlsx(build("quarterly")))
    assert book.sheetnames == ["Tổng hợp", "Hệ thống", "Sự cố", "Tổ chức hỗ trợ", "Chỉ số", "Nguồn"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2" and all(cell.font.b for cell in sheet[1]), sheet.title
    summary = {row[0]: row[1] for row in sheet_rows(book["Tổng hợp"])[1:]}
    assert summary["Cơ quan, tổ chức"] == ORG_NAME and summary["Kỳ báo cáo"] == "Quý IV năm 2026"
    assert summary["Từ ngày"] == datetime.datetime(2026, 10, 1)
    assert book["Tổng hợp"]["B7"].is_date
    assert summary["Thời điểm phê duyệt"] == datetime.datetime(2026, 12, 10, 10, 0)
    assert summary["Mẫu 08 – Tổng số hệ thống thông tin"] == 12

    systems = sheet_rows(book["Hệ thống"])
    assert len(systems[0]) == 15
    assert systems[1] == [1, "Cổng dịch vụ công Alpha-Zq7", "MIN-A – Bộ Alpha-Zq7 A",
                          "AG-A1 – Cục Tin học Alpha-Zq7 A1", 3, "Đã phê duyệt", "123/QĐ-BA",
                          datetime.datetime(2026, 5, 2), "Bộ trưởng Bộ A", "45/QĐ-BA (01/02/2026)", None,
                          "Đã triển khai một số nội dung", datetime.datetime(2027, 6, 30), "Định kỳ", 701]
    assert book["Hệ thống"]["H2"].number_format == "DD/MM/YYYY"

    incidents = sheet_rows(book["Sự cố"])
    assert incidents[3] == [3, "Tấn công sử dụng mã độc", 3, 1, 1, 0, 1, 15000000]
    assert incidents[-1] == [None, "Tổng cộng", 5, 3, 1, 0, 1, 15000000]
    assert sheet_rows(book["Tổ chức hỗ trợ"])[1:] == [["Trong nước", "Công ty Bảo mật Alpha-Zq7", "15"],
                                                      ["Nước ngoài", "Mandiant", "19"]]
    assert sheet_rows(book["Chỉ số"])[3] == [3, "Số nghĩa vụ quá hạn", 4, "overdue_duties"]


def test_xlsx_sources_sheet_lists_the_records_behind_every_figure():
    book = workbook(documents.render_xlsx(build("quarterly")))
    listed = sources(book)
    assert listed["form05.malware.count"][2:] == ["Sự cố", 3, "12, 15, 19"]
    assert listed["form05.malware.count"][0] == "Mẫu 05 – Tấn công sử dụng mã độc – Số lượng sự cố"
    assert listed["form05.total.self_handled"][4] == "7, 8, 12"
    assert listed["form05.dos.count"][3:] == [0, None]  # an empty cell
    assert listed["form05.domestic_helpers.1"][4] == "15"
    assert listed["form05.unclassified"][4] == "19"
    assert listed["annual.systems"][2:] == ["Hệ thống thông tin", 2, "701, 702"]
    assert listed["annual.rows.2"][4] == "702"
    assert listed["kpis.overdue_duties"][2:] == ["Trạng thái nghĩa vụ", 4, "31, 32, 33, 34"]
    assert listed["kpis.open_findings_critical"][2] == "Lỗ hổng, điểm yếu"
    assert listed["kpis.open_incidents"][2:] == ["Sự cố", 2, "900, 901"]
    # every Form 05 figure of every type, the Form 08 totals and rows, the KPIs
    assert len(listed) == 10 * 6 + 6 + 2 + 1 + 6 + 2 + 8


# --- PDF -------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["annual", "form05_year"])
def test_pdf_has_the_vietnamese_name_and_figures(kind, tmp_path):
    content = documents.render_pdf(build(kind))
    assert content.startswith(b"%PDF")
    text, rows = pdf_text(content, tmp_path), pdf_text(content, tmp_path, layout=True)
    assert ORG_NAME in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    if kind == "annual":
        assert "Số hệ thống đã được phê duyệt và đánh giá định kỳ 2" in rows
        # pdftotext drops the hyphen of "Alpha-Zq7" when a narrow cell wraps right after it
        assert "Cổng dịch vụ" in text and "123/QĐ-BA" in text and "Trung tâm An ninh mạng Alpha-Zq7" in text
    else:
        assert "Tấn công sử dụng mã độc 3 1 1 0 1 15.000.000" in rows
        assert "Tổng cộng 5 3 1 0 1 15.000.000" in rows


def test_render_returns_the_three_formats():
    rendered = documents.render(build("form05_year"))
    assert set(rendered) == set(documents.CONTENT_TYPES) == {"docx", "pdf", "xlsx"}
    assert rendered["pdf"].startswith(b"%PDF")
    assert rendered["docx"][:2] == rendered["xlsx"][:2] == b"PK"
    assert ORG_NAME in docx_text(rendered["docx"])
    assert "Sự cố" in workbook(rendered["xlsx"]).sheetnames


# --- determinism, missing parts, names ---------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_same_snapshot_renders_the_same_text_and_values(kind):
    snapshot = build(kind)
    first_docx, second_docx = documents.render_docx(snapshot), documents.render_docx(copy.deepcopy(snapshot))
    assert docx_text(first_docx) == docx_text(second_docx)
    values = [[sheet_rows(sheet) for sheet in workbook(documents.render_xlsx(snapshot)).worksheets]
              for _ in range(2)]
    assert values[0] == values[1]
    # the comparison can tell two snapshots apart
    assert docx_text(documents.render_docx(build(kind, version=2))) != docx_text(first_docx)


def test_snapshot_without_optional_parts_renders_with_dots(tmp_path):
    annual = annual_part() | {"rows": [], "expected_all_approved_on": None,
                              "totals": dict.fromkeys(document_labels.ANNUAL_TOTALS, 0),
                              "sources": {key: [] for key in document_labels.ANNUAL_TOTALS}}
    form05 = form05_part() | {"domestic_helpers": [], "foreign_helpers": [], "unclassified": [],
                              "recommendations": ""}
    snapshot = build("quarterly", specialised_unit=None, approval=None, recipient=None, generated_by="",
                     annual=annual, form05=form05)
    snapshot["period"] = {**snapshot["period"], "due": None}
    content = documents.render_docx(snapshot)
    text, rows = docx_text(content), docx_rows(content)
    assert "............, ngày ... tháng ... năm ..." in text
    assert "Kính gửi: ............." in text
    assert "Hạn gửi báo cáo: ............" in text
    assert "Thời gian dự kiến hoàn thành phê duyệt cấp độ cho tất cả hệ thống: ............" in text
    assert ["1", "Tổng số hệ thống thông tin", "0"] in rows
    assert ["......"] * 12 in rows  # the empty system table keeps a row of dots
    assert "Phê duyệt lúc" not in text
    signature = next(row for row in rows if row and "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ" in row[-1])
    assert "............" in signature[-1]
    assert "- ............" in text  # no helping organisations
    assert "bởi" not in text.split("Phiên bản 1")[1]  # no author to name

    annual_only = build("annual", specialised_unit=None, approval=None, annual=annual)
    assert ["Tên cơ quan, tổ chức", "............"] in docx_rows(documents.render_docx(annual_only))

    book = workbook(documents.render_xlsx(snapshot))
    assert sheet_rows(book["Hệ thống"])[1:] == []
    summary = {row[0]: row[1] for row in sheet_rows(book["Tổng hợp"])[1:]}
    assert summary["Người phê duyệt"] is None and summary["Hạn gửi báo cáo"] is None
    pdf = pdf_text(documents.render_pdf(snapshot), tmp_path)
    assert ORG_NAME in pdf and "ngày ... tháng ... năm ..." in pdf


def test_filenames_are_ascii_and_name_kind_period_and_version():
    assert documents.filename(build("annual"), "pdf") == "AG-A1_annual_2026_v1.pdf"
    assert documents.filename(build("quarterly", version=2), "xlsx") == "AG-A1_quarterly_2026-q4_v2.xlsx"
    assert documents.filename(build("form05_half"), "docx") == "AG-A1_form05_half_2026_v1.docx"
    assert (documents.filename(build("annual", consolidated=True), "docx")
            == "MIN-A_annual_consolidated_2026_v1.docx")
    odd = build("annual", organisation={**A1, "code": "Đơn vị/Bộ A 1"})
    assert documents.filename(odd, "pdf") == "Don-vi-Bo-A-1_annual_2026_v1.pdf"
    with pytest.raises(ValueError):
        documents.filename(build("annual"), "exe")
    assert documents.CONTENT_TYPES["pdf"] == "application/pdf"
