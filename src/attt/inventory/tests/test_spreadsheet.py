import csv
import io

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from attt.cli.main import app
from attt.inventory import spreadsheet
from attt.inventory.models import InformationSystem
from attt.tenancy.audit import verify_chain
from attt.tenancy.models import AuditChainHead, AuditEntry

HEADER_VI = ["Mã đơn vị chủ quản", "Tên hệ thống", "Loại hệ thống", "Hình thức triển khai", "Trạng thái",
             "Ngày đưa vào vận hành", "Loại thông tin", "Số chủ thể DLCN cơ bản", "Dải IP", "Tên miền", "Máy chủ"]


def csv_bytes(rows, header=HEADER_VI, delimiter=","):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


GOOD = ["AG-A1", "Cổng dịch vụ công A1", "Dịch vụ trực tuyến cho người dân và doanh nghiệp", "data_centre", "operating",
        "01/07/2024", "public; personal", "12.000", "10.7.0.0/24", "dvc.a1.gov.vn", "web01 10.7.0.10"]


def test_good_file_imports_all_rows(world):
    second = ["MIN-A", "Thư điện tử Bộ", "internal", "Tại chỗ", "Đang vận hành", "", "", "", "", "", ""]
    result = spreadsheet.import_systems(world.officer_a, "he-thong.csv", csv_bytes([GOOD, second]))
    assert (result.created, result.updated) == (2, 0)
    system = InformationSystem.objects.get(name="Cổng dịch vụ công A1")
    assert system.system_type == "online_service" and system.hosting == "data_centre"
    assert system.information_classes == ["public", "personal"]
    assert system.data_subjects_basic == 12000
    assert system.go_live_date.isoformat() == "2024-07-01"
    assert [n.cidr for n in system.networks.all()] == ["10.7.0.0/24"]
    assert system.hosts.get().ip_address == "10.7.0.10"
    # The import writes its audit entries as one batch: the chain and its head still agree.
    assert verify_chain().ok


def test_one_bad_row_rejects_the_file_and_stores_nothing(world):
    bad = ["NO-SUCH", "Hệ thống lỗi", "spaceship", "data_centre", "operating", "31/02/2024", "", "nhiều", "10.7.0.300/24", "bad..vn", ""]
    systems, entries = InformationSystem.objects.count(), AuditEntry.objects.count()
    head = AuditChainHead.objects.values_list("last_sequence", "last_hash").get()
    with pytest.raises(spreadsheet.SpreadsheetRejected) as exc:
        spreadsheet.import_systems(world.officer_a, "x.csv", csv_bytes([GOOD, bad]))
    assert AuditChainHead.objects.values_list("last_sequence", "last_hash").get() == head
    problems = {(p.row, p.column) for p in exc.value.problems}
    assert problems == {
        (3, "Mã đơn vị chủ quản"), (3, "Loại hệ thống"), (3, "Ngày đưa vào vận hành"),
        (3, "Số chủ thể DLCN cơ bản"), (3, "Dải IP"), (3, "Tên miền"),
    }
    messages = " ".join(p.message for p in exc.value.problems)
    assert "NO-SUCH" in messages and "10.7.0.300/24" in messages
    assert InformationSystem.objects.count() == systems
    assert AuditEntry.objects.count() == entries


def test_foreign_organisation_code_reads_as_unknown(world):
    row = list(GOOD)
    row[0] = "UN-B1"
    with pytest.raises(spreadsheet.SpreadsheetRejected) as exc:
        spreadsheet.import_systems(world.officer_a, "x.csv", csv_bytes([row]))
    assert "Unknown organisation code" in exc.value.problems[0].message or "Không" in exc.value.problems[0].message


def test_read_only_user_cannot_import(world):
    with pytest.raises(spreadsheet.SpreadsheetRejected) as exc:
        spreadsheet.import_systems(world.supervisor_a, "x.csv", csv_bytes([GOOD]))
    assert exc.value.problems[0].column == "Mã đơn vị chủ quản"
    assert not InformationSystem.objects.filter(name=GOOD[1]).exists()


def test_overlaps_between_rows_and_with_stored_systems(world):
    clash_stored = list(GOOD)
    clash_stored[8] = "10.1.0.0/25"  # inside system_a's 10.1.0.0/24, same owner AG-A1
    row_b = list(GOOD)
    row_b[1], row_b[8], row_b[9] = "Hệ thống thứ hai", "10.7.0.128/25", ""
    with pytest.raises(spreadsheet.SpreadsheetRejected) as exc:
        spreadsheet.import_systems(world.officer_a, "x.csv", csv_bytes([clash_stored, row_b]))
    messages = [(p.row, p.message) for p in exc.value.problems]
    assert any(row == 2 and "overlaps 10.1.0.0/24" in m for row, m in messages)


def test_duplicate_rows_and_missing_columns(world):
    with pytest.raises(spreadsheet.SpreadsheetRejected) as exc:
        spreadsheet.import_systems(world.officer_a, "x.csv", csv_bytes([GOOD, GOOD]))
    assert any("row 2" in p.message or "dòng 2" in p.message for p in exc.value.problems)
    with pytest.raises(spreadsheet.SpreadsheetRejected) as exc:
        spreadsheet.import_systems(world.officer_a, "x.csv", csv_bytes([["x"]], header=["Tên hệ thống", "Cột lạ"]))
    columns = {p.column for p in exc.value.problems}
    assert {"Cột lạ", "Loại hệ thống", "Hình thức triển khai", "Mã đơn vị chủ quản"} <= columns


def test_english_headers_semicolons_and_reimport_updates(world):
    header = ["Owner code", "Name", "Type", "Hosting", "IP ranges"]
    content = csv_bytes([["AG-A1", world.system_a.name, "internal", "cloud", "10.1.0.0/24;10.1.5.0/24"]], header, ";")
    result = spreadsheet.import_systems(world.officer_a, "systems.csv", content)
    assert (result.created, result.updated) == (0, 1)
    world.system_a.refresh_from_db()
    assert world.system_a.hosting == "cloud"
    assert world.system_a.networks.count() == 2


def test_default_org_bounds_the_file(world):
    row = list(GOOD)
    row[0] = ""
    result = spreadsheet.import_systems(world.officer_a, "x.csv", csv_bytes([row]), default_org=world.agency)
    assert result.created == 1
    row[0], row[1], row[8] = "MIN-A", "Ngoài phạm vi", ""
    with pytest.raises(spreadsheet.SpreadsheetRejected) as exc:
        spreadsheet.import_systems(world.officer_a, "x.csv", csv_bytes([row]), default_org=world.agency)
    assert "not inside" in exc.value.problems[0].message or "không thuộc" in exc.value.problems[0].message


def test_xlsx_round_trip_and_template(world):
    content = spreadsheet.write_xlsx(spreadsheet.export_queryset(InformationSystem.objects.filter(pk=world.system_a.pk)))
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Mã đơn vị chủ quản" and rows[1][3] == world.system_a.name
    result = spreadsheet.import_systems(world.officer_a, "export.xlsx", content)
    assert result.updated == 1 and result.created == 0
    template = spreadsheet.template_xlsx("AG-A1")
    assert spreadsheet.import_systems(world.officer_a, "mau.xlsx", template).created == 1


def test_broken_files_get_clear_messages(world):
    for name, content in (("x.xlsx", b"PK\x03\x04 not a zip"), ("x.csv", "Tên hệ thống\n".encode("utf-16")),
                          ("x.pdf", b"%PDF"), ("x.csv", b"")):
        with pytest.raises(spreadsheet.SpreadsheetRejected) as exc:
            spreadsheet.import_systems(world.officer_a, name, content)
        assert exc.value.problems[0].message


def test_csv_export_has_a_bom_for_excel(world):
    content = spreadsheet.write_csv(spreadsheet.export_queryset(InformationSystem.objects.all()))
    assert content.startswith("\ufeff".encode())
    assert world.system_b.name in content.decode("utf-8-sig")


def test_cli_import_and_export(world, tmp_path):
    runner = CliRunner()
    path = tmp_path / "systems.csv"
    path.write_bytes(csv_bytes([GOOD]))
    result = runner.invoke(app, ["systems", "import", str(path), "--org", "AG-A1", "--as", "officer.a"])
    assert result.exit_code == 0, result.output
    assert InformationSystem.objects.filter(name=GOOD[1]).exists()
    bad = tmp_path / "bad.csv"
    row = list(GOOD)
    row[1], row[8] = "Khác", "300.1.1.0/24"
    bad.write_bytes(csv_bytes([row]))
    result = runner.invoke(app, ["systems", "import", str(bad), "--org", "AG-A1"])
    assert result.exit_code == 1 and "300.1.1.0/24" in result.output
    out = tmp_path / "out.xlsx"
    result = runner.invoke(app, ["systems", "export", str(out), "--as", "officer.b"])
    assert result.exit_code == 0, result.output
    names = [r[3] for r in load_workbook(out).active.iter_rows(min_row=2, values_only=True)]
    assert names == [world.system_b.name]  # officer.b's scope: only tree B
    result = runner.invoke(app, ["systems", "import", str(path), "--org", "UN-B1", "--as", "officer.a"])
    assert result.exit_code == 2 and "Unknown organisation" in result.output


def test_workbook_with_blank_rows_is_fine(world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER_VI)
    sheet.append([None] * len(HEADER_VI))
    sheet.append(GOOD)
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert spreadsheet.import_systems(world.officer_a, "x.xlsx", buffer.getvalue()).created == 1
