"""A periodic report's snapshot as an XLSX workbook: one sheet per section and a "Sources" sheet
that lists, for every figure, the ids of the records behind it (the traceability requirement).

A pure function of the snapshot (no database): numbers are number cells, dates date cells (the
wall-clock time of the snapshot's ISO datetimes, since Excel has no time zones).
"""

import datetime
import io

from .document_labels import (
    ANNUAL_TOTALS,
    COLUMN_RECORDS,
    FORM05_FIGURES,
    KPI_RECORDS,
    KPIS,
    labels,
)

DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"


# --- values shared with documents.py -----------------------------------------------------------

def as_datetime(value) -> datetime.datetime | None:
    """An ISO datetime string (or a datetime) as a datetime keeping its own offset; None if empty."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time())
    return datetime.datetime.fromisoformat(value)


def as_date(value) -> datetime.date | None:
    """An ISO date (or the day of an ISO datetime) as a date; None if empty."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return as_datetime(value).date() if len(value) > 10 else datetime.date.fromisoformat(value)


def org_name(org, language) -> str:
    """The organisation's name in the document's language (its Vietnamese name if no English one)."""
    if not org:
        return ""
    return (org.get("name_en") if language == "en" else "") or org.get("name") or ""


def family(kind) -> str:
    """annual / quarterly / form05 (both Form 05 kinds share one layout)."""
    return "form05" if str(kind).startswith("form05") else kind


def period_label(snapshot, language) -> str:
    period = snapshot.get("period") or {}
    return period.get(f"label_{language}") or period.get("label_vi") or ""


# --- the workbook ------------------------------------------------------------------------------

def render_xlsx(snapshot: dict) -> bytes:
    from openpyxl import Workbook

    language = "en" if snapshot.get("language") == "en" else "vi"
    L = labels(language)
    book = Workbook()
    book.remove(book.active)
    generated = as_datetime(snapshot.get("generated_at"))
    if generated is not None:  # the same snapshot gives the same document properties
        book.properties.created = book.properties.modified = generated.replace(tzinfo=None)
    book.properties.creator = "ATTT"

    _sheet(book, L["sheets"]["summary"], [L["item"], L["value"]], _summary_rows(snapshot, L, language))
    if snapshot.get("annual"):
        _sheet(book, L["sheets"]["systems"], _system_headers(L), _system_rows(snapshot["annual"], L))
    if snapshot.get("form05"):
        form05 = snapshot["form05"]
        headers = [L["no"], L["form05_type"], *(L["form05_figures"][f] for f in FORM05_FIGURES)]
        _sheet(book, L["sheets"]["incidents"], headers, _form05_rows(form05, L), totals_last=True)
        _sheet(book, L["sheets"]["helpers"], [L["helper_kind"], L["helper_name"], L["incident_ids"]],
               [[L["helper_kinds"][kind], helper.get("name", ""), _ids(helper.get("incident_ids"))]
                for kind in ("domestic", "foreign") for helper in form05.get(f"{kind}_helpers") or []])
    if snapshot.get("quarterly"):
        kpis = snapshot["quarterly"].get("kpis") or {}
        _sheet(book, L["sheets"]["kpis"], [L["no"], L["indicator"], L["value"], L["figure_key"]],
               [[number, L["kpis"].get(key, key), kpis[key], key]
                for number, key in enumerate(_ordered(kpis, KPIS), start=1)])
    if snapshot.get("consolidation"):
        consolidation = snapshot["consolidation"]
        _sheet(book, L["sheets"]["consolidation"], _consolidation_headers(consolidation, L),
               _consolidation_rows(consolidation, L, language), totals_last=True)
    _sheet(book, L["sheets"]["sources"],
           [L["figure"], L["figure_key"], L["record_type"], L["record_count"], L["record_ids"]],
           [[label, key, L["record_types"].get(kind, kind), len(ids), _ids(ids)]
            for label, key, kind, ids in source_rows(snapshot, L, language)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet(book, title, headers, rows, totals_last=False):
    from openpyxl.styles import Font

    sheet = book.create_sheet(title)
    sheet.append(headers)
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    widths = [len(str(header)) for header in headers]
    for row in rows:
        sheet.append([_cell_value(value) for value in row])
        for index, value in enumerate(row):
            if isinstance(value, datetime.datetime):
                sheet.cell(sheet.max_row, index + 1).number_format = DATETIME_FORMAT
            elif isinstance(value, datetime.date):
                sheet.cell(sheet.max_row, index + 1).number_format = DATE_FORMAT
            if index < len(widths):
                widths[index] = max(widths[index], len(str(value if value is not None else "")))
    if totals_last and rows:
        for cell in sheet[sheet.max_row]:
            cell.font = bold
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[_column(index)].width = min(max(width, 6) + 2, 60)
    return sheet


def _column(index):
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _cell_value(value):
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # the wall-clock time the snapshot states
    return value


def _ids(ids) -> str:
    return ", ".join(str(i) for i in ids or [])


def _ordered(values: dict, order) -> list:
    """The keys of ``values`` in ``order``, then any others in their own order."""
    return [key for key in order if key in values] + [key for key in values if key not in order]


def _summary_rows(snapshot, L, language):
    org = snapshot.get("organisation") or {}
    period = snapshot.get("period") or {}
    approval = snapshot.get("approval") or {}
    kind = family(snapshot.get("kind"))
    title = (L["consolidated_title"] + " – " + L["consolidated_subtitles"][kind]
             if snapshot.get("consolidated") else " – ".join(L["titles"][kind]))
    rows = [
        [L["report"], title],
        [L["organisation"], org_name(org, language)],
        [L["organisation_code"], org.get("code", "")],
        [L["recipient"], org_name(snapshot.get("recipient"), language)],
        [L["period_label"], period_label(snapshot, language)],
        [L["period_start"], as_date(period.get("start"))],
        [L["period_end"], as_date(period.get("end"))],
        [L["due"], as_date(period.get("due"))],
        [L["article"], period.get("article", "")],
        [L["version"], snapshot.get("version")],
        [L["generated_at"], as_datetime(snapshot.get("generated_at"))],
        [L["generated_by"], snapshot.get("generated_by") or ""],
        [L["approved_by"], approval.get("name", "")],
        [L["approval_time"], as_datetime(approval.get("at"))],
    ]
    annual = snapshot.get("annual")
    if annual:
        totals = annual.get("totals") or {}
        rows += [[f"{L['form08_prefix']} – {L['form08_totals'][key]}", totals.get(key)]
                 for key in ANNUAL_TOTALS]
        rows.append([L["expected_all_approved"], as_date(annual.get("expected_all_approved_on"))])
    form05 = snapshot.get("form05")
    if form05:
        totals = form05.get("totals") or {}
        rows += [[f"{L['form05_prefix']} – {L['total']} – {L['form05_figures'][key]}", totals.get(key)]
                 for key in FORM05_FIGURES]
    quarterly = snapshot.get("quarterly")
    if quarterly:
        kpis = quarterly.get("kpis") or {}
        rows += [[f"{L['kpi_prefix']} – {L['kpis'].get(key, key)}", kpis[key]] for key in _ordered(kpis, KPIS)]
    consolidation = snapshot.get("consolidation")
    if consolidation:
        totals = consolidation.get("totals") or {}
        rows += [[f"{L['total']} – {L['figure_columns'].get(key, key)}", totals.get(key)]
                 for key in consolidation.get("columns") or []]
    return rows


SYSTEM_SHEET_COLUMNS = ("number", "name", "owner", "operator", "proposed_level", "approval_status",
                        "decision_number", "decision_date", "decision_issuer", "regulation",
                        "expected_approval_on", "deployment", "expected_full_deployment_on", "assessment",
                        "system_id")


def _system_headers(L):
    return [L["system_columns"][key] for key in SYSTEM_SHEET_COLUMNS]


def _system_rows(annual, L):
    rows = []
    for row in annual.get("rows") or []:
        rows.append([
            row.get("number"), row.get("name", ""), row.get("owner", ""), row.get("operator", ""),
            row.get("proposed_level"),
            L["approval_status"].get(row.get("approval_status") or "", row.get("approval_status") or ""),
            row.get("decision_number", ""), as_date(row.get("decision_date")), row.get("decision_issuer", ""),
            row.get("regulation", ""), as_date(row.get("expected_approval_on")),
            L["deployment"].get(row.get("deployment") or "", row.get("deployment") or ""),
            as_date(row.get("expected_full_deployment_on")),
            L["assessment"].get(row.get("assessment") or "", row.get("assessment") or ""),
            row.get("system_id"),
        ])
    return rows


def _form05_rows(form05, L):
    rows = [[number, L["incident_types"].get(row.get("type"), row.get("type")),
             *(row.get(key) for key in FORM05_FIGURES)]
            for number, row in enumerate(form05.get("rows") or [], start=1)]
    totals = form05.get("totals") or {}
    rows.append(["", L["total"], *(totals.get(key) for key in FORM05_FIGURES)])
    return rows


def _consolidation_headers(consolidation, L):
    columns = L["consolidation_columns"]
    return [L["no"], L["organisation_code"], columns["organisation"], columns["scope"], columns["source"],
            L["report_version"], L["submitted_at"], columns["timeliness"],
            *(L["figure_columns"].get(key, key) for key in consolidation.get("columns") or [])]


def _consolidation_rows(consolidation, L, language):
    keys = consolidation.get("columns") or []
    rows = []
    for number, row in enumerate(consolidation.get("rows") or [], start=1):
        org = row.get("organisation") or {}
        figures = row.get("values") or {}
        rows.append([
            number, org.get("code", ""), org_name(org, language), L["scope"].get(row.get("scope"), ""),
            L["source_report"].format(version=row.get("report_version") or "",
                                      date=_day(row.get("submitted_at")))
            if row.get("source") == "report" else L["source_records"],
            row.get("report_version"), as_datetime(row.get("submitted_at")),
            L["timeliness"].get(row.get("timeliness") or "", ""),
            *(figures.get(key) for key in keys)])
    totals = consolidation.get("totals") or {}
    rows.append(["", "", L["total"], "", "", None, None, "", *(totals.get(key) for key in keys)])
    return rows


def _day(value) -> str:
    day = as_date(value)
    return day.strftime("%d/%m/%Y") if day else "......"


# --- traceability ------------------------------------------------------------------------------

def source_rows(snapshot, L, language):
    """[(figure label, figure key, record type, ids)] for every figure of the snapshot."""
    rows = []
    annual = snapshot.get("annual")
    if annual:
        sources = annual.get("sources") or {}
        rows += [(f"{L['form08_prefix']} – {L['form08_totals'][key]}", f"annual.{key}", "system",
                  sources.get(key) or []) for key in ANNUAL_TOTALS]
        rows += [(f"{L['form08_prefix']} – " + L["system_row"].format(number=row.get("number"),
                                                                       name=row.get("name", "")),
                  f"annual.rows.{row.get('number')}", "system",
                  [row["system_id"]] if row.get("system_id") is not None else [])
                 for row in annual.get("rows") or []]
    form05 = snapshot.get("form05")
    if form05:
        rows += _form05_sources(form05, L)
    quarterly = snapshot.get("quarterly")
    if quarterly:
        sources = quarterly.get("sources") or {}
        rows += [(f"{L['kpi_prefix']} – {L['kpis'].get(key, key)}", f"kpis.{key}",
                  KPI_RECORDS.get(key, "incident"), sources.get(key) or [])
                 for key in _ordered(quarterly.get("kpis") or sources, KPIS)]
    consolidation = snapshot.get("consolidation")
    if consolidation:
        rows += _consolidation_sources(consolidation, L, language)
    return rows


def _consolidation_sources(consolidation, L, language):
    """Per row: the records behind each column (computed rows) or the child's report."""
    rows = []
    for row in consolidation.get("rows") or []:
        org = row.get("organisation") or {}
        label = f"{L['consolidation_prefix']} – {org.get('code', '')} – {org_name(org, language)}"
        key = f"consolidation.{org.get('code', '')}"
        if row.get("sources"):
            for name, ids in row["sources"].items():
                figure = L["report"] if name == "reports" else L["figure_columns"].get(name, name)
                rows.append((f"{label} – {figure}", f"{key}.{name}", COLUMN_RECORDS.get(name, ""), ids or []))
            continue
        report = row.get("report_id")
        rows.append((label, key, "report", [report] if row.get("source") == "report" and report is not None else []))
    return rows


def _form05_sources(form05, L):
    prefix, figures = L["form05_prefix"], L["form05_figures"]
    rows, union = [], {key: [] for key in FORM05_FIGURES}
    for row in form05.get("rows") or []:
        kind = row.get("type")
        sources = row.get("sources") or {}
        for key in FORM05_FIGURES:
            ids = sources.get(key) or []
            union[key] += [i for i in ids if i not in union[key]]
            rows.append((f"{prefix} – {L['incident_types'].get(kind, kind)} – {figures[key]}",
                         f"form05.{kind}.{key}", "incident", ids))
    totals = (form05.get("totals") or {}).get("sources") or union
    rows += [(f"{prefix} – {L['total']} – {figures[key]}", f"form05.total.{key}", "incident",
              totals.get(key) or []) for key in FORM05_FIGURES]
    for kind in ("domestic", "foreign"):
        for number, helper in enumerate(form05.get(f"{kind}_helpers") or [], start=1):
            rows.append((f"{L['helper_prefix']} – {L['helper_kinds'][kind]} – {helper.get('name', '')}",
                         f"form05.{kind}_helpers.{number}", "incident", helper.get("incident_ids") or []))
    rows.append((f"{prefix} – {L['unclassified']}", "form05.unclassified", "incident",
                 form05.get("unclassified") or []))
    return rows
