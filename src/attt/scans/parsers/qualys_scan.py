"""Qualys infrastructure scan XML exported from the web GUI (root SCAN, scan-1.dtd).

Layout: HEADER/KEY (DATE, ...), then one IP element per host (attributes value=address, name=DNS
name) holding VULNS, PRACTICES (potential vulnerabilities), INFOS and SERVICES (information
gathered), each made of CAT elements (optional port/protocol attributes) around VULN / PRACTICE /
INFO / SERVICE records with number (QID) and severity (1-5) attributes and the knowledge-base text
inline. One record → one Finding; severities as in qualys_xml (1 info … 5 critical, information
gathered always info).
"""

from __future__ import annotations

from . import base
from .qualys_xml import (
    id_list,
    qualys_severity,
    score_vector,
    sections,
    type_label,
)

NAME = "qualys_scan"
TOOL = "qualys"
LABEL = "Qualys infrastructure scan (web GUI XML)"

RECORDS = ("VULN", "PRACTICE", "INFO", "SERVICE")
NO_HOSTNAME = "no registered hostname"


def detects(sniff: base.Sniff) -> bool:
    return sniff.kind == "xml" and sniff.xml_root == "SCAN" and (
        "IP" in sniff.xml_children or "HEADER" in sniff.xml_children and "KEY value=" in sniff.head)


def parse(path, report: base.ReportInfo, sniff: base.Sniff):
    for _, element in base.xml_events(path, tag=("KEY", "IP") + RECORDS):
        name = base.local(element.tag)
        if name in RECORDS:
            yield _finding(element, name)
        elif name == "IP":
            report.saw_host(*_address(element))
        elif name == "KEY" and element.get("value") == "DATE":
            report.scanned_at = base.parse_time(element.text)
        else:
            continue  # a KEY we do not use: small, freed with the HEADER
        base.clear(element)


def _address(ip_element) -> tuple[str, str]:
    name = (ip_element.get("name") or "").strip()
    return (ip_element.get("value") or "").strip(), "" if name.lower() == NO_HOSTNAME else name


def _ancestor(element, name: str):
    parent = element.getparent()
    while parent is not None and base.local(parent.tag) != name:
        parent = parent.getparent()
    return parent


def _finding(element, kind: str) -> base.Finding:
    host = _ancestor(element, "IP")
    category = _ancestor(element, "CAT")
    ip, fqdn = _address(host) if host is not None else ("", "")
    level = element.get("severity", "")
    cvss2, vector2 = score_vector(base.child_text(element, "CVSS_BASE"))
    cvss3, vector3 = score_vector(base.child_text(element, "CVSS3_BASE"))
    references = [url or ref for ref, url in id_list(element, "VENDOR_REFERENCE_LIST")]
    references += [url or ref for ref, url in id_list(element, "BUGTRAQ_ID_LIST")]
    cves = [cve for cve, _ in id_list(element, "CVE_ID_LIST")]
    return base.Finding(
        title=base.child_text(element, "TITLE") or f"Qualys QID {element.get('number', '')}",
        severity=qualys_severity(level, kind),
        tool_severity=level,
        tool_id=element.get("number", ""),
        cvss_v2_score=cvss2, cvss_v2_vector=vector2,
        cvss_v3_score=cvss3, cvss_v3_vector=vector3,
        cves=cves + base.cves_in(element.get("cveid", "")),
        host_ip=ip,
        host_fqdn=category.get("fqdn", "") if category is not None and category.get("fqdn") else fqdn,
        port=base.to_int(category.get("port")) if category is not None else None,
        protocol=category.get("protocol", "") if category is not None else "",
        description=sections(("", f"Qualys type: {type_label(kind)}"),
                             ("Category", category.get("value", "") if category is not None else ""),
                             ("Threat", base.child_text(element, "DIAGNOSIS")),
                             ("Impact", base.child_text(element, "CONSEQUENCE"))),
        solution=sections(("", base.child_text(element, "SOLUTION"))),
        references=references,
        evidence=base.bounded(base.child_text(element, "RESULT")),
    )
