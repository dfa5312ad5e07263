"""Qualys VM CSV exports: the scan / asset CSV ("IP","Network","DNS","NetBIOS",...,"QID","Title",
"Type","Severity","Port","Protocol",...) and the monthly PCI CSV (IP,HOSTNAME,LAST SCAN,QID,
VULN TITLE,TYPE,SEVERITY,...,Q_SEVERITY,...). One row → one Finding.

Severity: the Qualys level 1-5 ("Severity" in the VM CSV, "Q_SEVERITY" in the PCI CSV) → 1 info,
2 low, 3 medium, 4 high, 5 critical (as in qualys_xml); information-gathered rows are info; the
PCI CSV's severity word (Low/Medium/High...) is the fallback when there is no level.
"""

from __future__ import annotations

import csv

from . import base
from .qualys_xml import (
    plain,
    qualys_severity,
    score_vector,
    sections,
    type_label,
)

NAME = "qualys_csv"
TOOL = "qualys"
LABEL = "Qualys VM / PCI (CSV)"

EMPTY = {"", "-", "'-"}


def _is_header(cells) -> bool:
    names = {cell.strip().strip('"').lower() for cell in cells}
    if not {"ip", "qid"} <= names:
        return False
    return {"title", "severity"} <= names or {"vuln title", "q_severity"} <= names


def detects(sniff: base.Sniff) -> bool:
    if sniff.kind not in ("csv", "text"):
        return False
    for line in sniff.lines[:8]:
        if _is_header(next(csv.reader([line], delimiter=base.csv_delimiter(line)), [])):
            return True
    return False


def parse(path, report: base.ReportInfo, sniff: base.Sniff):
    for row in base.csv_rows(path, _is_header):
        finding = _finding(row)
        report.saw_host(finding.host_ip, finding.host_fqdn)
        yield finding


def _value(row: dict, *names: str) -> str:
    """The first non-empty column among ``names``."""
    for name in names:
        value = str(row.get(name) or "").strip()
        if value not in EMPTY:
            return value
    return ""


def _severity(row: dict, kind: str) -> tuple[str, str]:
    level = _value(row, "q_severity", "severity")
    if level.isdigit():
        return qualys_severity(level, kind), level
    word = base.severity_from_word(level) or "info"
    return ("info" if kind == "ig" else word), level


def _kind(word: str) -> str:
    """Vuln / Practice / Ig (VM CSV) or VULN / POTENTIAL / INFO (PCI CSV) → our kinds."""
    word = word.strip().lower()
    if word in ("practice", "potential") or word.startswith("potential"):
        return "potential"
    if word in ("ig", "info", "information gathered") or word.startswith("info"):
        return "ig"
    return "vuln"


def _finding(row: dict) -> base.Finding:
    kind = _kind(_value(row, "type"))
    severity, level = _severity(row, kind)
    name_ip, name = base.split_host(_value(row, "fqdn", "dns", "hostname"))
    cvss3, vector3 = score_vector(_value(row, "cvss3 base", "cvss3"))
    cvss2, vector2 = score_vector(_value(row, "cvss base", "cvss_base", "cvss"))
    references = [ref.strip() for ref in _value(row, "vendor reference").split(",") if ref.strip()]
    references += [f"BID {bid.strip()}" for bid in _value(row, "bugtraq id", "bugtraqid").split(",")
                   if bid.strip()]
    return base.Finding(
        title=_value(row, "title", "vuln title") or f"Qualys QID {_value(row, 'qid')}",
        severity=severity,
        tool_severity=level,
        tool_id=_value(row, "qid"),
        cvss_v2_score=cvss2, cvss_v2_vector=vector2,
        cvss_v3_score=cvss3, cvss_v3_vector=vector3,
        cves=base.cves_in(_value(row, "cve id", "cveid")),
        host_ip=_value(row, "ip") or name_ip,
        host_fqdn=name,
        port=base.to_int(_value(row, "port")),
        protocol=_value(row, "protocol"),
        description=sections(("", f"Qualys type: {type_label(kind)}"),
                             ("Category", _value(row, "category")),
                             ("Threat", _value(row, "threat")),
                             ("Impact", _value(row, "impact"))),
        solution=plain(_value(row, "solution")),
        references=references,
        evidence=base.bounded(_value(row, "results", "result")),
    )
