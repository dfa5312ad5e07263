"""Nessus / Tenable CSV exports, all four dialects; one data row → one Finding.

* Nessus Pro: ``Plugin ID, CVE, CVSS, Risk, Host, Protocol, Port, Name, Synopsis, …`` with
  optional CVSS v2/v3/v4, EPSS, XREF columns (``CVSS v2.0 Base Score``, ``CVSS v3.0 …``).
* Nessus WAS: the Pro layout with a ``CVSSv3`` column; Host is the site, Protocol ``http``.
* Tenable.sc: ``Plugin, Plugin Name, Family, Severity, IP Address, … DNS Name, …``.
* Tenable.io / Vulnerability Management export: ``;``-delimited, dotted ``asset.*`` and
  ``definition.*`` columns; its ``id`` is Tenable's finding id, kept across scans → unique_id.

Rows that share a plugin but differ in CVE stay separate findings (the importer de-duplicates).

Severity: a numeric ``Severity`` column is Nessus' 0–4 scale (0 info, 1 low, 2 medium, 3 high,
4 critical); otherwise the word in ``Severity`` / ``Risk`` / ``Risk Factor`` /
``definition.severity`` (None/Info/Low/Medium/High/Critical) is mapped as a word.
"""

from __future__ import annotations

import re

from .base import (
    Finding,
    bounded,
    csv_rows,
    cves_in,
    cwes_in,
    note_scan_start,
    parse_time,
    severity_from_word,
    split_host,
    to_float,
    to_int,
)
from .nessus_xml import NESSUS_SEVERITY, URL_PATTERN

NAME = "nessus_csv"
TOOL = "nessus"
LABEL = "Nessus / Tenable CSV (Nessus Pro, Tenable.sc, Tenable.io export, Nessus WAS)"

# Candidate columns per field, in order of preference (lower-case, as csv_rows gives them).
TITLE = ("name", "plugin name", "definition.name")
PLUGIN = ("plugin id", "plugin", "definition.id")
SEVERITY = ("severity", "risk", "risk factor", "definition.severity")
IP = ("ip address", "asset.display_ipv4_address", "asset.display_ipv6_address", "host")
NAME_COLUMNS = ("fqdn", "dns name", "asset.display_fqdn", "asset.host_name", "host")
CVSS2 = ("cvss v2 base score", "cvss v2.0 base score", "cvss base score", "cvss", "definition.cvss2.base_score")
CVSS2_VECTOR = ("cvss v2 vector", "cvss vector", "definition.cvss2.base_vector")
CVSS3 = ("cvss v3 base score", "cvss v3.0 base score", "cvss3 base score", "cvssv3", "definition.cvss3.base_score")
CVSS3_VECTOR = ("cvss v3 vector", "cvss3 vector", "definition.cvss3.base_vector")
CVSS4 = ("cvss v4 base score", "cvss v4.0 base score", "cvss4 base score", "definition.cvss4.base_score")
CVSS4_VECTOR = ("cvss v4 vector", "cvss v4.0 vector", "cvss4 vector", "definition.cvss4.base_vector")
SOLUTION = ("solution", "steps to remediate", "definition.solution")
OUTPUT = ("plugin output", "plugin text", "output")
XREF = ("xref", "cross references")
MALWARE = ("exploited by malware", "definition.exploited_by_malware")
LIST_SPLIT = re.compile(r"[,;\n]\s*")
LEADING_BLANK = re.compile(r"^\s*\n")  # Tenable.sc prefixes "Plugin Output: \n"
IO_REFERENCE = re.compile(r"([\w-]+)=\[([^\]]*)\]")  # Tenable.io: "IAVA=[2022-A-0350-S], USN=[5587-1]"


def detects(sniff) -> bool:
    header = sniff.csv_header() if sniff.kind == "csv" else None
    return bool(header) and _is_header(header)


def _is_header(cells) -> bool:
    names = set(cells)
    pro = "plugin id" in names and "name" in names and "host" in names
    tenable_sc = {"plugin", "plugin name", "severity"} <= names and bool(names & {"ip address", "dns name"})
    tenable_io = {"definition.id", "definition.name"} <= names
    return pro or tenable_sc or tenable_io


def parse(path, report, sniff):
    for row in csv_rows(path, _is_header):
        if not (_first(row, PLUGIN) or _first(row, TITLE)):
            continue  # exports pad with rows of empty cells
        finding = _finding(row)
        report.saw_host(finding.host_ip, finding.host_fqdn)
        note_scan_start(report, parse_time(row.get("host start")))
        yield finding


def _first(row: dict, names) -> str:
    for name in names:
        value = row.get(name)
        if value:
            return value
    return ""


def _finding(row: dict) -> Finding:
    tenable_io = "definition.id" in row
    severity, raw = _severity(row)
    ip, fqdn = _host(row)
    protocol = row.get("protocol", "").lower()
    output = LEADING_BLANK.sub("", _first(row, OUTPUT).removeprefix("Plugin Output:").removeprefix("'"))
    xrefs = [x for x in LIST_SPLIT.split(_first(row, XREF)) if x.strip()] + _io_references(row)
    return Finding(
        title=_first(row, TITLE),
        severity=severity,
        tool_severity=raw,
        tool_id=_first(row, PLUGIN),
        unique_id=row.get("id", "") if tenable_io else "",
        cvss_v2_vector=_first(row, CVSS2_VECTOR).removeprefix("CVSS2#"),
        cvss_v2_score=to_float(_first(row, CVSS2)),
        cvss_v3_vector=_first(row, CVSS3_VECTOR),
        cvss_v3_score=to_float(_first(row, CVSS3)),
        cvss_v4_vector=_first(row, CVSS4_VECTOR),
        cvss_v4_score=to_float(_first(row, CVSS4)),
        cves=cves_in(row.get("cve"), row.get("definition.cve")),
        cwes=_cwes(row, xrefs),
        epss_score=_probability(_first(row, ("epss score", "definition.epss.score"))),
        kev=_known_exploited(row, xrefs),
        host_ip=ip,
        host_fqdn=fqdn,
        port=to_int(row.get("port")) or None,  # port 0 = host-level check
        # Nessus WAS writes the scheme as "protocol"; the transport is TCP.
        protocol="tcp" if protocol in ("http", "https") else protocol,
        url=_web_url(output, protocol, row.get("host", "")),
        description=_description(row, tenable_io),
        solution="" if _first(row, SOLUTION).lower() == "n/a" else _first(row, SOLUTION),
        references=_see_also(row) + xrefs,
        evidence=bounded(output),
    )


def _severity(row: dict) -> tuple[str, str]:
    for name in SEVERITY:
        raw = row.get(name, "")
        mapped = (NESSUS_SEVERITY.get(raw) or severity_from_word(raw)) if raw else None
        if mapped:
            return mapped, raw
    return "info", ""


def _host(row: dict) -> tuple[str, str]:
    ip = fqdn = ""
    for name in IP:
        ip = split_host(row.get(name))[0]
        if ip:
            break
    for name in NAME_COLUMNS:
        fqdn = split_host(row.get(name))[1]
        if fqdn:
            break
    return ip, fqdn


def _cwes(row: dict, xrefs: list) -> list[int]:
    # Tenable.io lists bare numbers ("192, 330"); Tenable.sc writes "CWE #310".
    numbers = [to_int(n) for n in LIST_SPLIT.split(row.get("definition.cwe", "")) if n.strip().isdigit()]
    return numbers + cwes_in(*(x.replace(" #", ":") for x in xrefs if x.upper().startswith("CWE")))


def _known_exploited(row: dict, xrefs: list) -> bool | None:
    """True when Tenable flags the plugin as CISA-KEV listed or exploited by malware; None otherwise."""
    if any(x.upper().startswith("CISA-KNOWN-EXPLOITED") for x in xrefs):
        return True
    return True if _first(row, MALWARE).lower() in ("true", "yes") else None


def _probability(value) -> float | None:
    number = to_float(value)
    if number is not None and 1 < number <= 100:
        number /= 100  # a percentage
    return number  # anything else out of 0–1 is dropped by Finding.clean()


def _web_url(output: str, protocol: str, host: str) -> str:
    if protocol not in ("http", "https"):
        return ""
    match = URL_PATTERN.search(output[:4000])
    if match:
        return match.group(0).rstrip(".,;)")
    return f"{protocol}://{host}" if host else ""


def _description(row: dict, tenable_io: bool) -> str:
    # The Tenable.io export in the wild names its description column "" (an empty header cell).
    body = row.get("description") or row.get("definition.description") or (row.get("", "") if tenable_io else "")
    synopsis = row.get("synopsis") or row.get("definition.synopsis") or ""
    if synopsis and synopsis != body and synopsis != _first(row, TITLE):
        return f"{synopsis}\n\n{body}" if body else synopsis
    return body


def _io_references(row: dict) -> list[str]:
    """Tenable.io's cross references as "IAVA:2022-A-0350-S" (CVE and CWE have their own fields)."""
    refs = []
    for kind, values in IO_REFERENCE.findall(row.get("definition.references", "")):
        if kind.upper() not in ("CVE", "CWE"):
            refs.extend(f"{kind}:{value.strip()}" for value in values.split(",") if value.strip())
    return refs


def _see_also(row: dict) -> list[str]:
    text = row.get("see also") or row.get("definition.see_also") or ""
    return [part.strip(",") for part in text.split()]
