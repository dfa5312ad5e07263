"""Bulk import and export of systems as XLSX or CSV.

Import is all-or-nothing: every row is checked first, every problem is reported with its row,
column and reason, and only a clean file is written, inside one transaction.
Headers are Vietnamese (the template); English headers are accepted too.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attt.tenancy import audit
from attt.tenancy.models import Organisation
from attt.tenancy.roles import Permission
from attt.tenancy.scoping import scope_for

from . import services
from .addressing import overlap_messages, parse_domains, parse_hosts, parse_networks, split_list
from .models import Hosting, InformationClass, InformationSystem, SystemStatus, SystemType


@dataclass(frozen=True)
class Column:
    key: str
    header_vi: str
    header_en: str
    label: object  # lazy translated name for messages


COLUMNS = [
    Column("owner", "Mã đơn vị chủ quản", "Owner code", gettext_lazy("owner organisation")),
    Column("operator", "Mã đơn vị vận hành", "Operator code", gettext_lazy("operator organisation")),
    Column("security_unit", "Mã đơn vị chuyên trách ATTT", "Security unit code", gettext_lazy("specialised security unit")),
    Column("name", "Tên hệ thống", "Name", gettext_lazy("name")),
    Column("description", "Mô tả", "Description", gettext_lazy("description")),
    Column("system_type", "Loại hệ thống", "Type", gettext_lazy("type")),
    Column("information_classes", "Loại thông tin", "Information classes", gettext_lazy("information classes")),
    Column("data_subjects_basic", "Số chủ thể DLCN cơ bản", "Data subjects (basic)", gettext_lazy("data subjects (basic personal data)")),
    Column("data_subjects_sensitive", "Số chủ thể DLCN nhạy cảm", "Data subjects (sensitive)", gettext_lazy("data subjects (sensitive personal data)")),
    Column("hosting", "Hình thức triển khai", "Hosting", gettext_lazy("hosting")),
    Column("hosting_provider", "Nhà cung cấp hạ tầng", "Hosting provider", gettext_lazy("hosting provider")),
    Column("status", "Trạng thái", "Status", gettext_lazy("status")),
    Column("go_live_date", "Ngày đưa vào vận hành", "Go-live date", gettext_lazy("go-live date")),
    Column("hosts", "Máy chủ", "Hosts", gettext_lazy("hosts")),
    Column("networks", "Dải IP", "IP ranges", gettext_lazy("IP ranges")),
    Column("domains", "Tên miền", "Domains", gettext_lazy("domains")),
]
REQUIRED = {"owner", "name", "system_type", "hosting"}
CHOICES = {
    "system_type": SystemType,
    "hosting": Hosting,
    "status": SystemStatus,
}


def _normalise_header(text) -> str:
    return " ".join(str(text or "").strip().lower().split())


HEADER_KEYS = {}
for _column in COLUMNS:
    HEADER_KEYS[_normalise_header(_column.header_vi)] = _column.key
    HEADER_KEYS[_normalise_header(_column.header_en)] = _column.key
    HEADER_KEYS[_column.key] = _column.key
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}


@dataclass
class RowProblem:
    row: int
    column: str
    message: str

    def as_dict(self):
        return {"row": self.row, "column": self.column, "message": self.message}


class SpreadsheetRejected(Exception):
    """The file was refused; nothing was stored."""

    def __init__(self, problems: list[RowProblem]):
        super().__init__("; ".join(f"row {p.row} [{p.column}] {p.message}" for p in problems[:20]))
        self.problems = problems


@dataclass
class ImportResult:
    created: int
    updated: int

    @property
    def total(self):
        return self.created + self.updated


def choice_lookup(enum) -> dict[str, str]:
    """Accept the code, the English label or the Vietnamese label of a choice, case-insensitively."""
    from django.utils import translation

    table = {}
    for value, label in enum.choices:
        table[_normalise_header(value)] = value
        for language in ("en", "vi"):
            with translation.override(language):
                table[_normalise_header(str(label))] = value
    return table


def read_rows(filename: str, content: bytes) -> tuple[list[str], list[tuple[int, list]]]:
    """Return the header cells and (spreadsheet row number, cells) for each non-empty data row."""
    name = filename.lower()
    if name.endswith(".xlsx") or content[:2] == b"PK":
        rows = _read_xlsx(content)
    elif name.endswith(".csv") or name.endswith(".txt") or not name:
        rows = _read_csv(content)
    else:
        raise SpreadsheetRejected([RowProblem(0, "", _("Unsupported file type: use .xlsx or .csv."))])
    if not rows:
        raise SpreadsheetRejected([RowProblem(1, "", _("The file is empty."))])
    header = [str(cell or "").strip() for cell in rows[0]]
    data = [(index + 2, row) for index, row in enumerate(rows[1:]) if any(str(c or "").strip() for c in row)]
    return header, data


def _read_csv(content: bytes) -> list[list]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpreadsheetRejected([RowProblem(0, "", _("The CSV file is not UTF-8 encoded."))])
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _read_xlsx(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a broken archive
        raise SpreadsheetRejected([RowProblem(0, "", _("The file is not a readable XLSX workbook."))])
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def _parse_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError(_("“%(value)s” is not a date; write dd/mm/yyyy.") % {"value": text})


def _parse_count(value) -> int:
    if value in (None, ""):
        return 0
    text = str(value).strip().replace(".", "").replace(",", "").replace(" ", "")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if not text.isdigit():
        raise ValidationError(_("“%(value)s” is not a whole number.") % {"value": value})
    return int(text)


def parse_file(user, filename: str, content: bytes, default_org: Organisation | None = None):
    """Check every row; return the inputs to store (with the system each updates) or raise."""
    header, rows = read_rows(filename, content)
    problems: list[RowProblem] = []
    keys = []
    for cell in header:
        key = HEADER_KEYS.get(_normalise_header(cell))
        if cell and key is None:
            problems.append(RowProblem(1, cell, _("Unknown column “%(name)s”.") % {"name": cell}))
        keys.append(key)
    missing = [COLUMN_BY_KEY[k] for k in ("name", "system_type", "hosting") if k not in keys]
    if "owner" not in keys and default_org is None:
        missing.insert(0, COLUMN_BY_KEY["owner"])
    for column in missing:
        problems.append(RowProblem(1, column.header_vi, _("Required column is missing.")))
    if problems:
        raise SpreadsheetRejected(problems)
    if not rows:
        raise SpreadsheetRejected([RowProblem(2, "", _("The file has no data rows."))])

    scope = scope_for(user)
    codes = set()
    for _row_number, cells in rows:
        for key, cell in zip(keys, cells):
            if key in ("owner", "operator", "security_unit") and cell not in (None, ""):
                codes.add(str(cell).strip().upper())
    # Only organisations the user can see are resolvable: a foreign code reads as unknown.
    organisations = {o.code: o for o in Organisation.objects.visible_to(user).filter(code__in=codes)}
    lookups = {key: choice_lookup(enum) for key, enum in CHOICES.items()}
    class_lookup = choice_lookup(InformationClass)

    planned: list[tuple[int, services.SystemInput]] = []
    seen_names: dict[tuple[int, str], int] = {}
    for row_number, cells in rows:
        values = {key: cell for key, cell in zip(keys, cells) if key}
        row_problems: list[RowProblem] = []

        def problem(key, message):
            row_problems.append(RowProblem(row_number, COLUMN_BY_KEY[key].header_vi, message))

        def organisation(key, fallback=None):
            raw = str(values.get(key) or "").strip().upper()
            if not raw:
                return fallback
            found = organisations.get(raw)
            if found is None:
                problem(key, _("Unknown organisation code “%(code)s”.") % {"code": raw})
            return found

        owner = organisation("owner", default_org)
        if owner is None and not str(values.get("owner") or "").strip():
            problem("owner", _("This field is required."))
        if owner is not None:
            if default_org is not None and not owner.is_within(default_org):
                problem("owner", _("%(code)s is not inside %(org)s.") % {"code": owner.code, "org": default_org.code})
            elif not scope.can(Permission.EDIT_INVENTORY, owner):
                problem("owner", _("You may not record systems for %(org)s.") % {"org": owner.code})
        operator = organisation("operator", owner)
        security_unit = organisation("security_unit")

        for key in REQUIRED - {"owner"}:
            if not str(values.get(key) or "").strip():
                problem(key, _("This field is required."))
        chosen = {}
        for key, table in lookups.items():
            raw = str(values.get(key) or "").strip()
            if not raw:
                continue
            chosen[key] = table.get(_normalise_header(raw))
            if chosen[key] is None:
                allowed = ", ".join(str(label) for _value, label in CHOICES[key].choices)
                problem(key, _("“%(value)s” is not one of: %(allowed)s.") % {"value": raw, "allowed": allowed})
        classes = []
        for item in split_list(values.get("information_classes")):
            code = class_lookup.get(_normalise_header(item))
            if code is None:
                problem("information_classes", _("Unknown information class “%(value)s”.") % {"value": item})
            elif code not in classes:
                classes.append(code)

        parsed = {}
        for key, parser in (
            ("data_subjects_basic", _parse_count), ("data_subjects_sensitive", _parse_count),
            ("go_live_date", _parse_date), ("hosts", lambda v: parse_hosts(split_list(v))),
            ("networks", lambda v: parse_networks(split_list(v))), ("domains", lambda v: parse_domains(split_list(v))),
        ):
            try:
                parsed[key] = parser(values.get(key))
            except ValidationError as exc:
                for message in exc.messages:
                    problem(key, message)

        name = str(values.get("name") or "").strip()
        if owner is not None and name:
            duplicate_of = seen_names.get((owner.pk, name.lower()))
            if duplicate_of:
                problem("name", _("The same system is already on row %(row)s.") % {"row": duplicate_of})
            seen_names[(owner.pk, name.lower())] = row_number
        if len(name) > 255:
            problem("name", _("At most 255 characters."))

        if row_problems:
            problems.extend(row_problems)
            continue
        planned.append((row_number, services.SystemInput(
            owner=owner, operator=operator, security_unit=security_unit, name=name,
            description=str(values.get("description") or "").strip(),
            system_type=chosen["system_type"], hosting=chosen["hosting"],
            status=chosen.get("status") or SystemStatus.OPERATING,
            information_classes=classes,
            data_subjects_basic=parsed["data_subjects_basic"], data_subjects_sensitive=parsed["data_subjects_sensitive"],
            hosting_provider=str(values.get("hosting_provider") or "").strip(),
            go_live_date=parsed["go_live_date"], hosts=parsed["hosts"], networks=parsed["networks"],
            domains=parsed["domains"],
        )))

    problems.extend(_cross_row_problems(planned))
    if problems:
        raise SpreadsheetRejected(sorted(problems, key=lambda p: (p.row, p.column)))
    return planned


def _cross_row_problems(planned) -> list[RowProblem]:
    """Overlapping IP ranges between rows of the file, or with systems the file does not replace."""
    problems = []
    existing = {
        (s.owner_id, s.name.lower()): s.pk
        for s in InformationSystem.objects.filter(owner__in={data.owner for _r, data in planned})
    }
    column = COLUMN_BY_KEY["networks"].header_vi
    by_owner: dict[int, list[tuple[int, object]]] = {}
    for row_number, data in planned:
        for network in data.networks:
            by_owner.setdefault(data.owner.pk, []).append((row_number, network))
    for entries in by_owner.values():
        for i, (row_a, net_a) in enumerate(entries):
            for row_b, net_b in entries[i + 1 :]:
                if row_a != row_b and net_a.overlaps(net_b):
                    message = overlap_messages([net_a, net_b])[0]
                    problems.append(RowProblem(row_b, column, message + " " + _("(row %(row)s)") % {"row": row_a}))
    replaced = [existing.get((d.owner.pk, d.name.lower())) for _r, d in planned]
    for row_number, data in planned:
        for message in services.network_conflicts(data.owner, data.networks, exclude_system_ids=replaced):
            problems.append(RowProblem(row_number, column, message))
    return problems


def import_systems(user, filename: str, content: bytes, default_org: Organisation | None = None, progress=None) -> ImportResult:
    """All or nothing: a single bad row rejects the whole file and nothing is written."""
    return store_systems(user, parse_file(user, filename, content, default_org), progress)


def store_systems(user, planned, progress=None) -> ImportResult:
    """Write the rows `parse_file` accepted, in one transaction with one audit batch."""
    created = updated = 0
    with transaction.atomic(), audit.batch():
        for row_number, data in planned:
            existing = InformationSystem.objects.filter(owner=data.owner, name=data.name).first()
            try:
                services.save_system(user, data, instance=existing)
            except (ValidationError, PermissionDenied) as exc:
                # parse_file checked these already; a concurrent change can still land here. Roll everything back.
                messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                raise SpreadsheetRejected([RowProblem(row_number, "", m) for m in messages])
            if existing:
                updated += 1
            else:
                created += 1
            if progress is not None:
                progress(1)
    return ImportResult(created=created, updated=updated)


# --- Export and template -------------------------------------------------------------------

def system_row(system: InformationSystem) -> list:
    return [
        system.owner.code,
        system.operator.code,
        system.security_unit.code if system.security_unit else "",
        system.name,
        system.description,
        system.get_system_type_display(),
        "; ".join(system.information_class_labels()),
        system.data_subjects_basic,
        system.data_subjects_sensitive,
        system.get_hosting_display(),
        system.hosting_provider,
        system.get_status_display(),
        system.go_live_date.strftime("%d/%m/%Y") if system.go_live_date else "",
        "; ".join(" ".join(p for p in (h.hostname, h.ip_address or "") if p) for h in system.hosts.all()),
        "; ".join(n.cidr for n in system.networks.all()),
        "; ".join(d.domain for d in system.domains.all()),
    ]


def export_queryset(queryset):
    return queryset.with_related().prefetch_related("hosts", "networks", "domains")


def headers(language: str = "vi") -> list[str]:
    return [c.header_vi if language == "vi" else c.header_en for c in COLUMNS]


def csv_bytes(header, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens Vietnamese text correctly


def write_csv(systems, language="vi") -> bytes:
    return csv_bytes(headers(language), (system_row(system) for system in systems))


def write_xlsx(systems, language="vi", example_rows=()) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = "HTTT" if language == "vi" else "Systems"
    sheet.append(headers(language))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
    for system in systems:
        sheet.append(system_row(system))
    for row in example_rows:
        sheet.append(row)
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(14, len(column.header_vi) + 4)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_xlsx(example_owner_code: str = "BO-XYZ") -> bytes:
    from django.utils import translation

    with translation.override("vi"):
        example = [
            example_owner_code, example_owner_code, "", "Cổng dịch vụ công", "Cổng cung cấp dịch vụ công trực tuyến",
            str(SystemType.ONLINE_SERVICE.label), f"{InformationClass.PUBLIC.label}; {InformationClass.PERSONAL.label}",
            120000, 0, str(Hosting.DATA_CENTRE.label), "", str(SystemStatus.OPERATING.label), "01/07/2024",
            "web01 10.10.1.10; db01 10.10.1.20", "10.10.1.0/24", "dichvucong.example.gov.vn",
        ]
    return write_xlsx([], "vi", example_rows=[example])
