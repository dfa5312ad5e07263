"""The customer list of a warning campaign: CSV and XLSX, Vietnamese or English headers, every bad
row reported (row, column, reason) with nothing stored, repeated addresses merged, limits, speed."""

import io
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from attt.public import audience, services_warnings
from attt.public.models import CampaignStatus, WarningRecipient
from attt.testing import make_org

WARNING = {"title": "Cảnh báo lừa đảo qua tin nhắn", "risk": "Kẻ gian giả danh nhà mạng gửi tin nhắn chứa đường link.",
           "advice": "Không bấm vào đường link lạ; không cung cấp mã OTP.", "affected_services": "SMS, Internet"}


def csv_bytes(rows, header=("Họ tên", "Email", "Số điện thoại", "Mã khách hàng"), delimiter=","):
    lines = [delimiter.join(header)] + [delimiter.join(str(c) for c in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def xlsx_bytes(rows, header=("Name", "E-mail", "Phone", "Customer ID")):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def new_campaign(world, organisation=None, **extra):
    return services_warnings.create_campaign(world.officer_a, organisation or world.telecom, {**WARNING, **extra})


def with_telecom(world):
    """Tree A gains a telecom (VT-A, under MIN-A, so officer.a may send its warnings)."""
    world.telecom = make_org("VT-A", "telecom_isp", world.ministry, is_telecom=True, email="cskh@vt-a.vn")
    return world


@pytest.fixture
def campaign(world):
    return new_campaign(with_telecom(world))


def upload(content, name):
    return SimpleUploadedFile(name, content)


def test_csv_with_vietnamese_headers_is_stored_and_duplicates_merged(campaign, world):
    content = csv_bytes([("Nguyễn Văn An", "an@example.vn", "0912 345 678", "KH001"),
                         ("Trần Thị Bình", "binh@example.vn", "", ""),
                         ("Nguyễn Văn An", "AN@example.vn", "", "KH001-B"),
                         ("Lê Văn Cường", "cuong@example.vn", "+84 912.345.679", "KH003"),
                         ("", "", "", ""),  # a blank line is skipped, not an error
                         ("Trần Thị Bình", "binh@example.vn", "0987654321", "KH002")])
    stored = services_warnings.import_audience(world.officer_a, campaign, upload(content, "khach-hang.csv"))
    assert stored == 3
    campaign.refresh_from_db()
    assert (campaign.audience_rows, campaign.audience_duplicates, campaign.audience_file) == (5, 2, "khach-hang.csv")
    rows = {r.email: r for r in WarningRecipient.objects.filter(campaign=campaign)}
    assert set(rows) == {"an@example.vn", "binh@example.vn", "cuong@example.vn"}
    assert rows["an@example.vn"].phone == "0912345678" and rows["an@example.vn"].customer_id == "KH001"
    # The later duplicate filled the blanks of the first row.
    assert rows["binh@example.vn"].phone == "0987654321" and rows["binh@example.vn"].customer_id == "KH002"
    assert rows["cuong@example.vn"].phone == "+84912345679" and rows["cuong@example.vn"].source_row == 5
    assert {r.status for r in rows.values()} == {"queued"}


def test_bad_rows_are_all_reported_and_nothing_is_stored(campaign, world):
    services_warnings.import_audience(world.officer_a, campaign, csv_bytes([("Khách cũ", "old@example.vn", "", "")]),
                                      "old.csv")
    content = csv_bytes([("An", "an@example.vn", "", ""),
                         ("Bình", "not-an-address", "", ""),
                         ("", "cuong@example.vn", "", ""),
                         ("Dũng", "", "12ab", ""),
                         ("Em", "em@example.vn", "", "x" * 70)])
    with pytest.raises(audience.AudienceRejected) as caught:
        services_warnings.import_audience(world.officer_a, campaign, content, "bad.csv")
    problems = [(p.row, p.column) for p in caught.value.problems]
    assert problems == [(3, "e-mail"), (4, "name"), (5, "e-mail"), (5, "phone"), (6, "customer id")]
    assert "not a valid e-mail address" in caught.value.problems[0].message
    assert "Row 3, e-mail" in caught.value.messages[0]
    # Refused whole: the previous list is untouched and no new row was written.
    assert list(WarningRecipient.objects.filter(campaign=campaign).values_list("email", flat=True)) == [
        "old@example.vn"]


def test_xlsx_with_english_headers_and_numbers_typed_in_excel(campaign, world):
    content = xlsx_bytes([("Pham Minh", "minh@example.vn", 912345678, 1001),
                          ("Vo Lan", "lan@example.vn", None, None),
                          (None, None, None, None),
                          ("Vo Lan", "Lan@Example.vn", "0912000111", "C-2")])
    assert services_warnings.import_audience(world.officer_a, campaign, upload(content, "customers.xlsx")) == 2
    rows = {r.email: r for r in campaign.recipients.all()}
    assert rows["minh@example.vn"].phone == "912345678" and rows["minh@example.vn"].customer_id == "1001"
    assert rows["lan@example.vn"].customer_id == "C-2"
    campaign.refresh_from_db()
    assert campaign.audience_duplicates == 1


def test_xlsx_bad_rows_are_reported(campaign, world):
    content = xlsx_bytes([("Ok", "ok@example.vn", None, None), ("Bad", "bad@@example", None, None),
                          ("Bad phone", "p@example.vn", "call me", None)])
    with pytest.raises(audience.AudienceRejected) as caught:
        services_warnings.import_audience(world.officer_a, campaign, content, "customers.xlsx")
    assert [(p.row, p.column) for p in caught.value.problems] == [(3, "e-mail"), (4, "phone")]
    assert not campaign.recipients.exists()


@pytest.mark.parametrize("content, name, message", [
    (csv_bytes([("a@example.vn",)], header=("Email",)), "x.csv", "This column is missing"),
    (b"", "x.csv", "The file is empty"),
    (csv_bytes([], header=("Name", "Email")), "x.csv", "lists no customer"),
    ("Tên,Email\nPhạm,an@example.vn\n".encode("utf-8").replace(b"\xe1", b"\xff"), "x.csv", "not UTF-8"),
    (b"PK\x03\x04 broken", "x.xlsx", "not a readable XLSX"),
    (b"%PDF-1.4", "x.pdf", "Unsupported file"),
])
def test_unreadable_files_get_a_clear_reason(campaign, world, content, name, message):
    with pytest.raises(ValidationError) as caught:
        services_warnings.import_audience(world.officer_a, campaign, content, name)
    assert message in " ".join(caught.value.messages)
    assert not campaign.recipients.exists()


def test_semicolons_utf16_and_the_header_below_blank_lines(campaign, world):
    text = "\n\nTên khách hàng;Thư điện tử;SĐT\nAn;an@example.vn;0912345678\n"
    assert services_warnings.import_audience(world.officer_a, campaign, text.encode("utf-16"), "x.csv") == 1
    assert campaign.recipients.get().source_row == 4


def test_size_limits(campaign, world, settings):
    settings.ATTT_WARNING_MAX_RECIPIENTS = 2
    with pytest.raises(ValidationError, match="longer than 2"):
        services_warnings.import_audience(world.officer_a, campaign, csv_bytes(
            [(f"K{i}", f"k{i}@example.vn", "", "") for i in range(3)]), "x.csv")
    settings.ATTT_WARNING_AUDIENCE_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="larger than"):
        services_warnings.import_audience(world.officer_a, campaign, csv_bytes([("K", "k@example.vn", "", "")]), "x.csv")
    assert not campaign.recipients.exists()


def test_rights_come_before_the_file_and_a_sent_list_is_frozen(campaign, world):
    with pytest.raises(PermissionDenied):
        services_warnings.import_audience(world.officer_b, campaign, b"garbage", "x.csv")
    with pytest.raises(PermissionDenied):
        services_warnings.import_audience(world.supervisor_a, campaign, b"garbage", "x.csv")
    services_warnings.import_audience(world.officer_a, campaign, csv_bytes([("K", "k@example.vn", "", "")]), "x.csv")
    campaign.status = CampaignStatus.SENT
    campaign.save()
    with pytest.raises(ValidationError, match="cannot be replaced"):
        services_warnings.import_audience(world.officer_a, campaign, csv_bytes([("L", "l@example.vn", "", "")]), "x.csv")
    assert list(campaign.recipients.values_list("email", flat=True)) == ["k@example.vn"]


def test_a_file_on_disk_is_read_as_a_stream(campaign, world, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes([("An", "an@example.vn", "", "")]))
    assert services_warnings.import_audience(world.officer_a, campaign, path, "list.csv") == 1


def test_one_hundred_thousand_customers_import_in_reasonable_time(campaign, world, tmp_path, settings):
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Họ tên,Email,Số điện thoại,Mã khách hàng\n")
        for i in range(100_000):
            handle.write(f"Khách hàng {i},kh{i}@example.vn,09{i:08d},KH{i}\n")
        handle.write("Khách hàng 7,KH7@EXAMPLE.VN,,\n")  # one repeat, merged
    started = time.monotonic()
    stored = services_warnings.import_audience(world.officer_a, campaign, path, "big.csv")
    elapsed = time.monotonic() - started
    assert stored == 100_000 and campaign.recipients.count() == 100_000
    campaign.refresh_from_db()
    assert campaign.audience_duplicates == 1
    assert elapsed < 60, f"100,000 rows took {elapsed:.1f} s"
