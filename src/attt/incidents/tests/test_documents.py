"""The incident reports: every kind states the case (title, T0 in +07:00, system, level) as plain
data, lists the empty mandatory fields, and renders as DOCX, PDF and HTML in Vietnamese or English."""

import datetime
import io
import json
import shutil
import subprocess

import pytest
from docx import Document

from attt.incidents import documents
from attt.incidents.models import (
    Delivery,
    Incident,
    IncidentReport,
    IncidentSystem,
    IncidentTask,
    Indicator,
)
from attt.levels.testing import drafted

pytestmark = pytest.mark.django_db

TITLE = "Tấn công thay đổi giao diện cổng thông tin"
T0 = datetime.datetime(2026, 11, 23, 1, 30, tzinfo=datetime.UTC)  # 08:30 in Hà Nội
T0_TEXT = "23/11/2026 08:30 (UTC+07:00)"
NOW = datetime.datetime(2026, 11, 24, 3, 0, tzinfo=datetime.UTC)


def docx_text(content):
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def values(content):
    """Every field value and table cell of a snapshot, as one text."""
    parts = []
    for section in content["sections"]:
        parts.extend(value for _label, value in section["fields"])
        for row in (section["table"] or {}).get("rows", []):
            parts.extend(row)
    return "\n".join(parts)


def labels(content):
    return [label for section in content["sections"] for label, _value in section["fields"]]


def field(content, label):
    return next(value for section in content["sections"] for name, value in section["fields"] if name == label)


@pytest.fixture
def case(world):
    """A defacement of system_a (level 3 proposed) with personal data, reported by the agency.

    Case parts are inserted with bulk_create, like the services do."""
    agency = world.agency
    agency.name_vi, agency.name_en = "Sở Thông tin và Truyền thông Đà Nẵng", "Da Nang Department of Information"
    agency.address, agency.phone, agency.email = "Số 15 Quang Trung, Đà Nẵng", "0236 3822 000", "stttt@danang.gov.vn"
    agency.head_name = "Trần Thị Bích"
    agency.save()
    drafted(world)  # the level-3 dossier of system_a
    incident = Incident.objects.create(
        organisation=agency, reference="SC-2026-0001", title=TITLE, detected_at=T0,
        description="Trang chủ bị thay bằng nội dung lạ", reporter_name="Nguyễn Văn Ấn",
        reporter_title="Trưởng phòng", reporter_phone="0905 000 111", reporter_email="an@danang.gov.vn",
        incident_type="defacement", severity="high", personal_data=True, measures="Cô lập máy chủ web",
        pd_categories="Họ tên, số điện thoại", pd_volume="12.000 chủ thể", pd_contact="dpo@danang.gov.vn",
        impacts=["service_interruption"])
    IncidentSystem.objects.bulk_create([IncidentSystem(incident=incident, system=world.system_a)])
    Indicator.objects.bulk_create([Indicator(incident=incident, kind="ipv4", value="203.0.113.77",
                                             description="Nguồn tấn công")])
    IncidentTask.objects.bulk_create([IncidentTask(incident=incident, kind="follow_up", title="Vá CMS",
                                                   due_on=datetime.date(2026, 12, 1))])
    return incident


@pytest.mark.parametrize("kind", list(documents.KINDS))
def test_every_kind_states_the_case(case, world, kind):
    content = documents.snapshot(case, kind, version=2, now=NOW)
    assert json.loads(json.dumps(content)) == content  # plain data only
    assert content["kind"] == kind and content["language"] == "vi" and content["version"] == 2
    assert content["title"] == documents.KINDS[kind]["vi"] and content["article"] == documents.KINDS[kind]["article"]
    assert content["reference"] == "SC-2026-0001"
    assert content["organisation"]["name"] == "Sở Thông tin và Truyền thông Đà Nẵng"
    assert content["generated_at"] == "24/11/2026 10:00 (UTC+07:00)"
    assert content["header"]["nation"] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert content["signature"]["name"] == "Trần Thị Bích"
    text = values(content)
    assert TITLE in text and T0_TEXT in text and world.system_a.name in text
    if kind != "pd_breach":
        assert "Cấp độ 3 (đề xuất)" in text
    assert all(section["heading"][0].isdigit() for section in content["sections"])
    assert all(label in labels(content) for label in content["missing"])


def test_form03_has_the_mandatory_fields_and_lists_the_empty_ones(case):
    content = documents.snapshot(case, "form03", now=NOW)
    for label in ("Tên cơ quan, tổ chức báo cáo", "Họ và tên người liên hệ", "Tên đơn vị vận hành hệ thống thông tin",
                  "Mô tả tóm tắt sự cố, dấu hiệu", "Thời điểm phát hiện sự cố", "Tình trạng sự cố",
                  "Phương pháp phát hiện", "Đã thông báo sự cố cho", "Thời gian báo cáo"):
        assert label in labels(content), label
    assert content["missing"] == ["Phương pháp phát hiện"]
    assert field(content, "Phương pháp phát hiện") == documents.DOTS
    assert field(content, "Tình trạng sự cố") == "Chưa xử lý"
    assert field(content, "Thời gian báo cáo") == "24/11/2026 10:00 (UTC+07:00)"
    assert "203.0.113.77" in values(content) and "alpha.a1.gov.vn" in values(content)
    assert documents.KINDS["form03"]["subject_prefix"] == "[TBSC]"

    case.detection_method, case.description = "log_review", ""
    content = documents.snapshot(case, "form03", now=NOW)
    assert content["missing"] == ["Mô tả tóm tắt sự cố, dấu hiệu"]
    assert field(content, "Phương pháp phát hiện") == "Kiểm tra nhật ký hệ thống"


def test_personal_data_notice_and_closing_reports_list_what_is_missing(case):
    content = documents.snapshot(case, "pd_breach", now=NOW)
    assert field(content, "Loại dữ liệu cá nhân liên quan") == "Họ tên, số điện thoại"
    assert "12.000 chủ thể" in values(content) and "dpo@danang.gov.vn" in values(content)
    assert content["missing"] == ["Mô tả các hậu quả có thể xảy ra"]

    content = documents.snapshot(case, "form04", now=NOW)
    assert "Số hiệu, ngày của báo cáo ban đầu" in content["missing"]
    assert "Bài học kinh nghiệm, đề xuất phòng ngừa tái diễn" in content["missing"]
    assert "Vá CMS" in values(content) and "01/12/2026" in values(content)  # follow-up actions


def test_later_reports_refer_to_the_initial_report_and_its_deliveries(case, world):
    [initial] = IncidentReport.objects.bulk_create([IncidentReport(
        incident=case, kind="form03", version=1, title="Báo cáo ban đầu sự cố", content={})])
    Delivery.objects.bulk_create([Delivery(report=initial, recipient=world.ministry, status="sent",
                                           sent_at=datetime.datetime(2026, 11, 23, 3, 0, tzinfo=datetime.UTC))])
    content = documents.snapshot(case, "form04", now=NOW)
    line = field(content, "Số hiệu, ngày của báo cáo ban đầu")
    assert line.startswith("SC-2026-0001 – Báo cáo ban đầu sự cố (phiên bản 1)")
    assert "Số hiệu, ngày của báo cáo ban đầu" not in content["missing"]
    assert "Tổ chức MIN-A (23/11/2026 10:00 (UTC+07:00))" in values(content)
    # A second version of the initial report states who was already notified.
    content = documents.snapshot(case, "form03", version=2, now=NOW)
    assert field(content, "Đã thông báo sự cố cho") == "Tổ chức MIN-A (23/11/2026 10:00 (UTC+07:00))"


def test_docx_and_pdf(case, world):
    for kind in ("form03", "pd_breach"):
        content = documents.snapshot(case, kind, now=NOW)
        text = docx_text(documents.render_docx(content))
        for expected in (TITLE, "SỞ THÔNG TIN VÀ TRUYỀN THÔNG ĐÀ NẴNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                         "Độc lập - Tự do - Hạnh phúc", content["title"].upper(), T0_TEXT, world.system_a.name,
                         "Trần Thị Bích"):
            assert expected in text, (kind, expected)
        pdf = documents.render_pdf(content)
        assert pdf.startswith(b"%PDF")
        if shutil.which("pdftotext"):
            shown = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        else:  # no PDF text extractor here: check the HTML WeasyPrint is given
            shown = documents.render_html(content)
        assert "Sở Thông tin và Truyền thông Đà Nẵng".upper() in shown.upper() and TITLE in shown


def test_html_renders_from_the_stored_snapshot_only(case):
    case.title = "Lỗi <script>alert(1)</script> & mã độc"
    content = documents.snapshot(case, "notification", now=NOW)
    html = documents.render_html(content)
    assert html == documents.render_html(json.loads(json.dumps(content)))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "@page" in html and "DejaVu Serif" in html and "http" not in html.split("<body>")[0]


def test_english_labels(case):
    content = documents.snapshot(case, "form03", "en", now=NOW)
    assert content["title"] == "Initial incident report"
    assert content["header"]["nation"] == "SOCIALIST REPUBLIC OF VIET NAM"
    assert content["header"]["motto"] == "Independence - Freedom - Happiness"
    assert content["organisation"]["name"] == "Da Nang Department of Information"
    assert content["sections"][0]["heading"] == "1. Reporting organisation"
    assert "Date and time of detection" in labels(content) and "Detection method" in content["missing"]
    assert "Level 3 (proposed)" in values(content) and T0_TEXT in values(content)
    assert not any("Thời điểm" in label for label in labels(content))
    assert "Initial incident report".upper() in docx_text(documents.render_docx(content))
    assert documents.kind_choices("en")[0] == ("notification", "Incident notification")
    assert dict(documents.kind_choices())["pd_breach"] == documents.KINDS["pd_breach"]["vi"]


def test_unknown_kind_or_language(case):
    with pytest.raises(ValueError):
        documents.snapshot(case, "form99")
    with pytest.raises(ValueError):
        documents.snapshot(case, "form03", "fr")


def test_time_zone_of_the_case(case):
    case.time_zone = "UTC"
    assert T0_TEXT.replace("08:30 (UTC+07:00)", "01:30 (UTC+00:00)") in values(
        documents.snapshot(case, "notification", now=NOW))


def test_filename_is_ascii(case):
    content = documents.snapshot(case, "form03", version=2, now=NOW)
    assert documents.filename(content, "pdf") == "SC-2026-0001-form03-v2.pdf"
    assert documents.filename(content, "docx") == "SC-2026-0001-form03-v2.docx"
    name = documents.filename({**content, "reference": "SC-Đà Nẵng/01"}, "pdf")
    assert name.isascii() and "/" not in name and name == "SC-Da-Nang-01-form03-v2.pdf"
    with pytest.raises(ValueError):
        documents.filename(content, "exe")
