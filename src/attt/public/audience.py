"""The audience of a warning campaign: a customer list imported from CSV or XLSX.

The file is read as a stream (``csv`` over a text wrapper, openpyxl in read-only mode) and
validated whole before anything is written: one bad row refuses the file, and every problem is
reported with its row number, column and reason. Addresses are compared case-insensitively; a
repeated address is merged into its first row (blank fields filled from the later one) and
counted. The list is then stored with ``bulk_create`` in batches, in one transaction that first
removes the previous list. No HTTP, no rights here: ``services_warnings.import_audience`` checks them.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import RecipientStatus, WarningRecipient

# Column key → accepted headers (compared lower-cased, spaces collapsed; "_" and "-" read as spaces).
HEADERS = {
    "name": ("name", "full name", "customer name", "họ tên", "họ và tên", "tên", "tên khách hàng"),
    "email": ("email", "e mail", "email address", "e mail address", "mail", "địa chỉ email", "thư điện tử",
              "địa chỉ thư điện tử"),
    "phone": ("phone", "phone number", "telephone", "mobile", "số điện thoại", "điện thoại", "sđt", "số đt"),
    "customer_id": ("customer id", "customer number", "customer code", "id", "mã khách hàng", "mã kh",
                    "số thuê bao", "mã thuê bao"),
}
REQUIRED = ("name", "email")
COLUMN_LABELS = {"name": "name", "email": "e-mail", "phone": "phone", "customer_id": "customer id"}
LIMITS = {"name": 255, "email": 254, "customer_id": 64}
PHONE_CHARS = re.compile(r"[\s.\-()]")
PHONE = re.compile(r"^\+?\d{8,15}$")
MAX_PROBLEMS = 200  # reported in detail; the total is always counted


def max_bytes() -> int:
    return int(getattr(settings, "ATTT_WARNING_AUDIENCE_MAX_BYTES", 50 * 1024 * 1024))


def max_recipients() -> int:
    return int(getattr(settings, "ATTT_WARNING_MAX_RECIPIENTS", 500_000))


def _key(text) -> str:
    return " ".join(str(text or "").strip().lower().replace("_", " ").replace("-", " ").split())


HEADER_KEYS = {_key(header): key for key, headers in HEADERS.items() for header in headers}


@dataclass
class Problem:
    row: int
    column: str
    message: str

    def as_dict(self):
        return {"row": self.row, "column": self.column, "message": self.message}


class AudienceRejected(ValidationError):
    """The file was refused and nothing was stored; ``problems`` lists why (the first MAX_PROBLEMS)."""

    def __init__(self, problems: list[Problem], total: int | None = None):
        self.problems = problems
        self.total = total if total is not None else len(problems)
        lines = [_("Row %(row)s, %(column)s: %(message)s") % p.as_dict() if p.row else p.message
                 for p in problems[:20]]
        if self.total > 20:
            lines.append(_("… and %(count)s more problems.") % {"count": self.total - 20})
        super().__init__({"file": lines})


@dataclass
class Audience:
    """A validated list: address key → [email, name, phone, customer_id, row]."""

    rows: int = 0
    duplicates: int = 0
    people: dict = field(default_factory=dict)


# --- reading ---------------------------------------------------------------------------------

@contextmanager
def _open_binary(source):
    """A binary file object for a path, bytes or an (uploaded) file; only a path is closed after."""
    if isinstance(source, (bytes, bytearray)):
        yield io.BytesIO(source)
    elif isinstance(source, str) or hasattr(source, "__fspath__"):
        with open(source, "rb") as handle:
            yield handle
    else:
        source.seek(0)
        yield source


def _size(handle) -> int:
    position = handle.tell()
    handle.seek(0, io.SEEK_END)
    size = handle.tell()
    handle.seek(position)
    return size


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number or customer id typed as a number in Excel
    return str(value).strip()


def _csv_rows(handle):
    head = handle.read(4)
    handle.seek(0)
    encoding = "utf-16" if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else "utf-8-sig"
    text = io.TextIOWrapper(handle, encoding=encoding, newline="")
    try:
        head = ""
        while not head.strip():  # the header decides the delimiter; blank lines may precede it
            line = text.readline()
            if not line:
                break
            head += line
        delimiter = max((",", ";", "\t"), key=head.count)
        yield from csv.reader(io.StringIO(head), delimiter=delimiter)
        yield from csv.reader(text, delimiter=delimiter)
    except UnicodeDecodeError:
        raise AudienceRejected([Problem(0, "", _("The CSV file is not UTF-8 (or UTF-16) encoded."))])
    finally:
        text.detach()


def _xlsx_rows(handle):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a broken archive
        raise AudienceRejected([Problem(0, "", _("The file is not a readable XLSX workbook."))])
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def iter_rows(source, filename=""):
    """(row number, [cells]) of every row, the header included, read as a stream."""
    with _open_binary(source) as handle:
        if _size(handle) > max_bytes():
            raise AudienceRejected([Problem(0, "", _("The file is larger than %(limit)s MB.") % {
                "limit": max_bytes() // (1024 * 1024)})])
        head = handle.read(4)
        handle.seek(0)
        name = str(filename or getattr(source, "name", "") or "").lower()
        if head == b"PK\x03\x04":
            reader = _xlsx_rows(handle)
        elif not name.endswith((".xlsx", ".xls", ".ods", ".pdf", ".docx", ".doc")):
            reader = _csv_rows(handle)
        else:
            raise AudienceRejected([Problem(0, "", _("Unsupported file: use .xlsx or .csv."))])
        for number, cells in enumerate(reader, start=1):
            yield number, [_cell(c) for c in cells]


# --- validating ------------------------------------------------------------------------------

def _columns(header: list[str], row: int) -> tuple[dict[str, int], list[Problem]]:
    columns, problems = {}, []
    for index, text in enumerate(header):
        key = HEADER_KEYS.get(_key(text))
        if key and key not in columns:
            columns[key] = index
    for key in REQUIRED:
        if key not in columns:
            problems.append(Problem(row, COLUMN_LABELS[key], _("This column is missing. Columns: name, e-mail, "
                                                             "phone (optional), customer id (optional).")))
    return columns, problems


def _check(values: dict, row: int, problem) -> None:
    if not values["email"]:
        problem(row, "email", _("The e-mail address is empty."))
    else:
        try:
            validate_email(values["email"])
        except ValidationError:
            problem(row, "email", _("“%(value)s” is not a valid e-mail address.") % {"value": values["email"][:80]})
    if not values["name"]:
        problem(row, "name", _("The name is empty."))
    for key, limit in LIMITS.items():
        if len(values[key]) > limit:
            problem(row, key, _("Longer than %(limit)s characters.") % {"limit": limit})
    if values["phone"]:
        phone = PHONE_CHARS.sub("", values["phone"])
        if not PHONE.match(phone):
            problem(row, "phone", _("“%(value)s” is not a phone number (8 to 15 digits, optionally +).")
                    % {"value": values["phone"][:40]})
        values["phone"] = phone


def read_audience(source, filename="") -> Audience:
    """Validate the whole file; raise AudienceRejected (nothing stored) on any bad row."""
    audience, problems, total = Audience(), [], 0

    def problem(row, key, message):
        nonlocal total
        total += 1
        if len(problems) < MAX_PROBLEMS:
            problems.append(Problem(row, COLUMN_LABELS.get(key, key), message))

    rows = iter_rows(source, filename)
    columns = None
    for number, cells in rows:
        if columns is None:
            if not any(cells):
                continue  # blank lines above the header
            columns, header_problems = _columns(cells, number)
            if header_problems:
                raise AudienceRejected(header_problems)
            continue
        if not any(cells):
            continue
        audience.rows += 1
        if audience.rows > max_recipients():
            raise AudienceRejected([Problem(number, "", _("The list is longer than %(limit)s customers.") % {
                "limit": max_recipients()})])
        values = {key: cells[index] if index < len(cells) else "" for key, index in columns.items()}
        values.setdefault("phone", "")
        values.setdefault("customer_id", "")
        before = total
        _check(values, number, problem)
        if total > before:
            continue
        key = values["email"].lower()
        known = audience.people.get(key)
        if known is None:
            audience.people[key] = [values["email"], values["name"], values["phone"], values["customer_id"], number]
        else:
            audience.duplicates += 1
            for slot, name in ((1, "name"), (2, "phone"), (3, "customer_id")):
                known[slot] = known[slot] or values[name]
    if columns is None:
        raise AudienceRejected([Problem(0, "", _("The file is empty."))])
    if total:
        raise AudienceRejected(problems, total)
    if not audience.people:
        raise AudienceRejected([Problem(0, "", _("The file lists no customer."))])
    return audience


# --- storing ---------------------------------------------------------------------------------

def store(campaign, audience: Audience, filename: str, progress=None) -> int:
    """Replace the campaign's recipients with ``audience``; returns how many were stored."""
    batch = int(getattr(settings, "ATTT_WARNING_IMPORT_BATCH", 2000))
    with transaction.atomic():
        WarningRecipient.objects.filter(campaign=campaign).delete()
        pending = []
        for email, name, phone, customer_id, row in audience.people.values():
            pending.append(WarningRecipient(campaign=campaign, email=email, name=name, phone=phone,
                                            customer_id=customer_id, source_row=row,
                                            status=RecipientStatus.QUEUED))
            if len(pending) >= batch:
                WarningRecipient.objects.bulk_create(pending)
                if progress:
                    progress(len(pending))
                pending = []
        if pending:
            WarningRecipient.objects.bulk_create(pending)
            if progress:
                progress(len(pending))
        campaign.audience_file = (filename or "")[-255:]
        campaign.audience_rows = audience.rows
        campaign.audience_duplicates = audience.duplicates
        campaign.audience_imported_at = timezone.now()
        campaign.save()
    return len(audience.people)
