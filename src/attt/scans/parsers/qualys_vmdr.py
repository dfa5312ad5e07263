"""Qualys VMDR "Asset Vuln Datalist Report" CSV.

Usually three preamble lines (report name and date, company, user) precede the header; the header
comes in a QID-first variant and a CVE-first variant ("CVE","CVE-Description","CVSSv2 Base (nvd)",
"CVSSv3.1 Base (nvd)","QID",...), the latter also exported without the preamble. One row → one
Finding. Severity is the Qualys level 1-5 (1 info, 2 low, 3 medium, 4 high, 5 critical, as in
qualys_xml); information-gathered rows are info.
"""

from __future__ import annotations

import csv
from datetime import datetime

from . import base
from .qualys_xml import QUALYS_TIME, plain, qualys_severity, sections, type_label

NAME = "qualys_vmdr"
TOOL = "qualys"
LABEL = "Qualys VMDR asset vulnerability data list (CSV)"

REQUIRED = {"qid", "title", "severity", "asset ipv4"}
MARKERS = {"asset id", "asset name", "kb severity", "type detected"}
EMPTY = {"", "'-", "-"}  # Qualys writes '- (with the quote) for "no value"


def _is_header(cells) -> bool:
    names = {cell.strip().strip('"').lower() for cell in cells}
    return REQUIRED <= names and bool(MARKERS & names)


def detects(sniff: base.Sniff) -> bool:
    if sniff.kind not in ("csv", "text"):
        return False
    return any(_is_header(row) for row in _rows(sniff.lines[:8]))


def _rows(lines):
    for line in lines:
        yield next(csv.reader([line], delimiter=base.csv_delimiter(line)), [])


def parse(path, report: base.ReportInfo, sniff: base.Sniff):
    report.scanned_at = _preamble_date(sniff)
    for row in base.csv_rows(path, _is_header):
        finding = _finding(row)
        addresses = _value(row, "asset ipv4").split(",") + [_value(row, "asset ipv6")]
        for address in [a.strip() for a in addresses if a.strip()] or [""]:
            report.saw_host(address, finding.host_fqdn)
        yield finding


def _preamble_date(sniff) -> datetime | None:
    """The report date on the first preamble line ("04 Feb 2026 10:00AM GMT-0500"): the data list
    has no scan start, and this is the moment its detections describe."""
    row = next(_rows(sniff.lines[:1]), [])
    return base.parse_time(row[1], QUALYS_TIME) if len(row) > 1 else None


def _value(row: dict, name: str) -> str:
    value = str(row.get(name) or "").strip()
    return "" if value in EMPTY else value


def _finding(row: dict) -> base.Finding:
    level, kind = _value(row, "severity"), _value(row, "type detected")
    ips = [ip.strip() for ip in _value(row, "asset ipv4").split(",") if ip.strip()]
    ip = ips[0] if ips else _value(row, "asset ipv6")
    name_ip, fqdn = base.split_host(_value(row, "asset name"))
    cve = _value(row, "cve")
    port = base.to_int(_value(row, "port"))
    return base.Finding(
        title=_value(row, "title") or f"Qualys QID {_value(row, 'qid')}",
        severity=qualys_severity(level, _kind(kind)),
        tool_severity=level,
        tool_id=_value(row, "qid"),
        cvss_v2_score=base.to_float(_value(row, "cvssv2 base (nvd)")),
        cvss_v3_score=base.to_float(_value(row, "cvssv3.1 base (nvd)")),
        cves=[cve] + base.cves_in(_value(row, "title")),
        host_ip=ip or name_ip,
        host_fqdn=fqdn,
        port=port if port else None,  # port 0 means "not bound to a port"
        protocol=_value(row, "protocol"),
        description=sections(("", f"Qualys type: {type_label(_kind(kind))}"),
                             ("CVE", _value(row, "cve-description")),
                             ("Category", _value(row, "category")),
                             ("Threat", _value(row, "threat")),
                             ("Status", _value(row, "status"))),
        solution=plain(_value(row, "solution")),
        evidence=base.bounded(_value(row, "results")),
    )


def _kind(type_detected: str) -> str:
    """VMDR's "Type Detected": Confirmed / Potential / Information."""
    word = type_detected.strip().lower()
    if word.startswith("potential"):
        return "potential"
    if word.startswith("info"):
        return "ig"
    return "vuln"
