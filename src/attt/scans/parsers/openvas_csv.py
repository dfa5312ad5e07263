"""OpenVAS / Greenbone CSV result export (``IP, Hostname, Port, Port Protocol, CVSS, Severity, …
NVT Name, Summary, Specific Result, NVT OID, CVEs, …``); one row → one Finding.

Severity: ``CVSS`` is the result's CVSS base score (Greenbone's own scale), mapped with the CVSS
qualitative rating (0.1–3.9 low, 4–6.9 medium, 7–8.9 high, 9–10 critical); a score ≤ 0 or a
missing one falls back to the ``Severity`` word (Log → info, Low, Medium, High, Critical).
"""

from __future__ import annotations

from .base import (
    Finding,
    bounded,
    csv_rows,
    cves_in,
    note_scan_start,
    parse_time,
    severity_from_score,
    severity_from_word,
    split_host,
    to_float,
    to_int,
)

NAME = "openvas_csv"
TOOL = "openvas"
LABEL = "OpenVAS / Greenbone (CSV results)"

REQUIRED = frozenset({"ip", "nvt name", "nvt oid", "severity"})
DETAILS = (("vulnerability insight", "Insight"), ("affected software/os", "Affected"), ("impact", "Impact"),
           ("vulnerability detection method", "Detection"), ("product detection result", "Product detection"))


def detects(sniff) -> bool:
    header = sniff.csv_header() if sniff.kind == "csv" else None
    return bool(header) and _is_header(header)


def _is_header(cells) -> bool:
    return REQUIRED <= set(cells)


def parse(path, report, sniff):
    for row in csv_rows(path, _is_header):
        if not (row.get("nvt oid") or row.get("nvt name")):
            continue
        finding = _finding(row)
        report.saw_host(finding.host_ip, finding.host_fqdn)
        # The export has no scan start; its earliest result time is the closest it says.
        note_scan_start(report, parse_time(row.get("timestamp")))
        yield finding


def _finding(row: dict) -> Finding:
    score = to_float(row.get("cvss"))
    word = row.get("severity", "")
    ip, fqdn = split_host(row.get("ip"))
    port = to_int(row.get("port"))
    return Finding(
        title=row.get("nvt name", ""),
        severity=severity_from_score(score) if score is not None and score > 0 else severity_from_word(word) or "info",
        tool_severity=f"{word} ({row.get('cvss')})" if word and row.get("cvss") else word or row.get("cvss", ""),
        tool_id=row.get("nvt oid", ""),
        cves=cves_in(row.get("cves"), _cve_oid(row.get("nvt oid", ""))),
        # Greenbone exports the EPSS of the most severe CVE; a "Max EPSS" column wins when present.
        epss_score=to_float(row.get("max epss score") or row.get("max severity epss score")),
        epss_percentile=to_float(row.get("max epss percentile") or row.get("max severity epss percentile")),
        host_ip=ip,
        host_fqdn=split_host(row.get("hostname"))[1] or fqdn,
        port=port or None,  # empty for host-level ("general") results
        protocol=row.get("port protocol", ""),
        description=_description(row),
        solution=row.get("solution", ""),
        references=_references(row),
        evidence=bounded(row.get("specific result")),
    )


def _cve_oid(oid: str) -> str:
    """Greenbone's CVE scanner reports the CVE itself as the NVT OID."""
    return oid if oid.upper().startswith("CVE-") else ""


def _description(row: dict) -> str:
    parts = [row.get("summary", "")]
    parts.extend(f"{label}: {row[key]}" for key, label in DETAILS if row.get(key))
    if row.get("qod"):
        parts.append(f"Quality of detection (QoD): {row['qod']}%")
    return "\n\n".join(part for part in parts if part)


def _references(row: dict) -> list[str]:
    refs = []
    for key in ("other references", "certs", "bids"):
        refs.extend(part.strip() for part in row.get(key, "").split(",") if part.strip())
    return refs
