"""Nessus v2 XML (.nessus / .xml, root ``NessusClientData_v2``), including Nessus WAS exports.

Layout: ``<Policy>`` (scan settings, often >1 MB, ignored) then ``<Report>`` with one
``<ReportHost name=…>`` per host; each host has ``<HostProperties>`` (tags host-ip, host-fqdn,
HOST_START…) *before* its ``<ReportItem>``s, so host facts are known when the items stream by.
One ReportItem → one Finding; severity-0 items are informational findings, not dropped.

Severity: the ReportItem ``severity`` attribute is Nessus' own 0–4 scale:
0 → info, 1 → low, 2 → medium, 3 → high, 4 → critical. Without it, ``risk_factor``
(None/Low/Medium/High/Critical) is read as a word.
"""

from __future__ import annotations

import re

from .base import (
    Finding,
    ParseError,
    bounded,
    clear,
    cves_in,
    cwes_in,
    note_scan_start,
    parse_time,
    severity_from_word,
    split_host,
    to_float,
    to_int,
    xml_events,
)

NAME = "nessus_xml"
TOOL = "nessus"
LABEL = "Nessus / Tenable (.nessus XML, Nessus WAS XML)"

NESSUS_SEVERITY = {"0": "info", "1": "low", "2": "medium", "3": "high", "4": "critical"}
# Only the elements we act on produce Python events: the Policy block's thousands of
# preference items are parsed by libxml2 but never reach this module.
EVENT_TAGS = ("Policy", "Report", "ReportHost", "HostProperties", "ReportItem")
SCAN_INFO_PLUGIN = "19506"  # "Nessus Scan Information": its output names the Nessus version
VERSION_LINE = re.compile(r"Nessus version\s*:\s*([^\s]+)")
URL_PATTERN = re.compile(r"https?://[^\s'\"<>]+")
TRUE_WORDS = frozenset({"true", "yes", "1"})


def detects(sniff) -> bool:
    return sniff.kind == "xml" and sniff.xml_root == "NessusClientData_v2"


# --- parsing ----------------------------------------------------------------------------------

def parse(path, report, sniff):
    host = _host_from_name("")
    saw_report = False
    for event, element in xml_events(path, events=("start", "end"), tag=EVENT_TAGS):
        tag = element.tag
        if event == "start":
            if tag == "ReportHost":
                host = _host_from_name(element.get("name"))
            elif tag == "Report":
                saw_report = True
            continue
        if tag == "ReportItem":
            yield _finding(element, host, report)
            clear(element)
        elif tag == "HostProperties":
            _read_host_properties(element, host, report)
            clear(element)
        elif tag == "ReportHost":
            report.saw_host(host["ip"], host["fqdn"])  # hosts without HostProperties too
            clear(element)
        elif tag == "Policy":
            clear(element)
    if not saw_report:
        raise ParseError("This Nessus file has no <Report> element: it holds a scan policy, not scan results.")


def _host_from_name(name) -> dict:
    name = str(name or "").strip()
    ip, fqdn = split_host(name)
    # Nessus WAS names the "host" by the application's URL.
    return {"ip": ip, "fqdn": fqdn, "web": "://" in name, "base_url": name if "://" in name else ""}


def _read_host_properties(element, host: dict, report):
    tags = {child.get("name"): (child.text or "").strip() for child in element if child.tag == "tag"}
    ip, fqdn = split_host(tags.get("host-ip"))
    if ip:
        host["ip"] = ip
    for key in ("host-fqdn", "hostname", "host-rdns"):
        other_ip, name = split_host(tags.get(key))
        if name:
            host["fqdn"] = name
            break
        if other_ip and not host["ip"]:
            host["ip"] = other_ip
    report.saw_host(host["ip"], host["fqdn"])
    note_scan_start(report, parse_time(tags.get("HOST_START_TIMESTAMP")) or parse_time(tags.get("HOST_START")))


def _finding(item, host: dict, report) -> Finding:
    fields, cves, cwes, xrefs = _read_children(item)
    plugin_id = item.get("pluginID", "")
    raw_severity = (item.get("severity") or "").strip()
    severity = NESSUS_SEVERITY.get(raw_severity) or severity_from_word(fields.get("risk_factor")) or "info"
    output = fields.get("plugin_output", "")
    if plugin_id == SCAN_INFO_PLUGIN and not report.tool_version:
        match = VERSION_LINE.search(output)
        report.tool_version = match.group(1) if match else ""
    port = to_int(item.get("port"))
    return Finding(
        title=item.get("pluginName") or fields.get("plugin_name", ""),
        severity=severity,
        tool_severity=raw_severity or fields.get("risk_factor", ""),
        tool_id=plugin_id,
        cvss_v2_vector=fields.get("cvss_vector", "").removeprefix("CVSS2#"),
        cvss_v2_score=to_float(fields.get("cvss_base_score") or fields.get("cvss")),
        cvss_v3_vector=fields.get("cvss3_vector", ""),
        cvss_v3_score=to_float(fields.get("cvss3_base_score") or fields.get("cvssv3")),
        cvss_v4_vector=fields.get("cvss4_vector", ""),
        cvss_v4_score=to_float(fields.get("cvss4_base_score")),
        cves=cves_in(*cves),
        cwes=cwes_in(*cwes, *(x for x in xrefs if x.upper().startswith("CWE"))),
        epss_score=_probability(fields.get("epss_score")),
        epss_percentile=_probability(fields.get("epss_percentile")),
        kev=_known_exploited(fields, xrefs),
        host_ip=host["ip"],
        host_fqdn=host["fqdn"],
        port=port or None,  # Nessus writes port 0 for host-level checks
        protocol=item.get("protocol", ""),
        url=_web_url(output, host) if host["web"] else "",
        description=_join(fields.get("synopsis"), fields.get("description")),
        solution="" if fields.get("solution", "").lower() == "n/a" else fields.get("solution", ""),
        references=fields.get("see_also", "").split() + xrefs,
        evidence=bounded(output),
    )


def _read_children(item):
    """One pass over the item's children: single-valued text fields, and the repeated ones."""
    fields, cves, cwes, xrefs = {}, [], [], []
    for child in item:
        tag = child.tag
        if not isinstance(tag, str):  # an unresolved entity reference
            continue
        text = (child.text or "").strip()
        if not text:
            continue
        if tag == "cve":
            cves.append(text)
        elif tag == "cwe":
            cwes.append(text)
        elif tag == "xref":
            xrefs.append(text)
        elif tag == "see_also" and "see_also" in fields:
            fields["see_also"] += "\n" + text  # WAS repeats the element, one URL each
        else:
            fields[tag] = text
    return fields, cves, cwes, xrefs


def _known_exploited(fields: dict, xrefs: list) -> bool | None:
    """True when Nessus says the flaw is exploited in the wild (CISA KEV listing or malware);
    None otherwise: a missing flag is not evidence of the contrary."""
    if any(x.upper().startswith("CISA-KNOWN-EXPLOITED") for x in xrefs):
        return True
    for key in ("cisa-known-exploited", "cisa_known_exploited", "exploited_by_malware"):
        value = fields.get(key, "").lower()
        if value and value not in ("false", "no", "0", "n/a"):
            return True
    return None


def _probability(value) -> float | None:
    number = to_float(value)
    if number is not None and 1 < number <= 100:
        number /= 100  # some exports give EPSS as a percentage
    return number


def _web_url(output: str, host: dict) -> str:
    """WAS items name the affected page in their output; otherwise the application URL."""
    match = URL_PATTERN.search(output[:4000])
    return match.group(0).rstrip(".,;)") if match else host.get("base_url", "")


def _join(*parts) -> str:
    return "\n\n".join(part for part in parts if part)
