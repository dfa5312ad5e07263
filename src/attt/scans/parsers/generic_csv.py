"""ATTT's generic CSV format, compatible with DefectDojo's "Generic Findings Import" CSV.

A header line naming the columns (any case, any order; ``,`` or ``;``), then one finding a row:
Title and Severity are required columns; Date, CweId, Url, Description, Mitigation, Impact,
References, CVE, Vulnerability Id, CVSSV3, CVSSV3_score, CVSSV4, CVSSV4_score, epss_score,
epss_percentile, known_exploited, fix_version, component_name, component_version, file_path,
line, unique_id_from_tool, vuln_id_from_tool are optional (docs/scan-formats.md). Columns
DefectDojo uses for its own workflow (Active, Verified, FalsePositive, Duplicate, IsMitigated…)
and unknown columns are ignored.

A row is read exactly as the same finding in generic JSON (generic_json.build_findings): same
severity words (Critical, High, Medium, Low, Info; empty → Info; anything else refuses the
file naming the row), same tolerance for non-numeric scores.
"""

from __future__ import annotations

from .base import csv_rows
from .generic_json import build_findings, noting_hosts

NAME = "generic_csv"
TOOL = "generic"
LABEL = "Generic findings (CSV, DefectDojo-compatible)"

# CSV column (lower case) → the JSON field of the same meaning.
COLUMN_FIELDS = {"cweid": "cwe", "cwe": "cwe", "url": "url", "vulnerability id": "vulnerability_ids",
                 "vulnerability_ids": "vulnerability_ids", "cvssv3": "cvssv3", "cvssv3_score": "cvssv3_score",
                 "cvssv4": "cvssv4", "cvssv4_score": "cvssv4_score", "fix_version": "fix_version",
                 "fixed_version": "fix_version"}
# Other scanners' CSVs with Title and Severity columns carry one of these (Qualys, Nessus, OpenVAS).
FOREIGN_COLUMNS = frozenset({"qid", "plugin id", "plugin", "plugin name", "nvt oid", "nvt name"})


def _is_header(cells) -> bool:
    names = {cell.strip().lower() for cell in cells}
    return "title" in names and "severity" in names and not names & FOREIGN_COLUMNS


def detects(sniff) -> bool:
    if sniff.kind != "csv":
        return False
    header = sniff.csv_header()
    return bool(header) and _is_header(header)


def parse(path, report, sniff):
    for number, row in enumerate(csv_rows(path, _is_header), 1):
        record = {COLUMN_FIELDS.get(column, column): value for column, value in row.items() if column}
        yield from noting_hosts(report, build_findings(record, f"Row {number}"))
