"""Qualys Web Application Scanning (WAS) report XML (root WAS_SCAN_REPORT).

Layout: RESULTS/VULNERABILITY_LIST/VULNERABILITY (QID, URL, PARAM, PAYLOADS), an optional
SENSITIVE_CONTENT_LIST of the same shape, INFORMATION_GATHERED_LIST/INFORMATION_GATHERED (QID,
base64 DATA, no URL), then GLOSSARY/QID_LIST/QID (title, severity 1-5, category, CWE, CVSS,
description, impact, solution) and APPENDIX (scan start dates, the web application's URL). The
glossary and the application URL come after the results, so a first streaming pass keeps them
(bounded by the number of distinct QIDs) and a second pass streams the results. One record → one
Finding; severities as in qualys_xml (1 info … 5 critical, information gathered always info).
"""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import urlsplit

from . import base
from .qualys_xml import (
    QUALYS_TIME,
    plain,
    qualys_severity,
    score_vector,
    sections,
    type_label,
)

NAME = "qualys_was"
TOOL = "qualys_was"
LABEL = "Qualys Web Application Scanning (WAS XML)"

RECORDS = {"VULNERABILITY": "VULNERABILITY_LIST", "SENSITIVE_CONTENT": "SENSITIVE_CONTENT_LIST",
           "INFORMATION_GATHERED": "INFORMATION_GATHERED_LIST"}
BASE64_CHARS = 8000  # of a base64 blob decoded for evidence (≈ 6000 bytes, above EVIDENCE_LIMIT)


def detects(sniff: base.Sniff) -> bool:
    return sniff.kind == "xml" and sniff.xml_root == "WAS_SCAN_REPORT"


def parse(path, report: base.ReportInfo, sniff: base.Sniff):
    glossary, app_url = _first_pass(path, report)
    if app_url:
        report.saw_host(*_host(app_url))
    for _, element in base.xml_events(path, tag=tuple(RECORDS) + ("QID",)):
        name, parent = base.local(element.tag), element.getparent()
        parent_name = base.local(parent.tag) if parent is not None else ""
        if RECORDS.get(name) == parent_name:
            finding = _finding(element, name, glossary, app_url)
            report.saw_host(finding.host_ip, finding.host_fqdn)
            yield finding
            base.clear(element)
        elif name == "QID" and parent_name == "QID_LIST":
            base.clear(element)  # the glossary was read in the first pass


def _first_pass(path, report) -> tuple[dict, str]:
    """QID → knowledge-base record, the web application's URL, the earliest scan start."""
    glossary, app_url, starts = {}, "", []
    for _, element in base.xml_events(path, tag=("QID", "WEBAPP", "START_DATE", "SCANNER") + tuple(RECORDS)):
        name, parent = base.local(element.tag), element.getparent()
        parent_name = base.local(parent.tag) if parent is not None else ""
        if name == "QID" and parent_name == "QID_LIST":
            glossary[base.child_text(element, "QID")] = _details(element)
        elif name == "QID" or name in RECORDS and RECORDS[name] != parent_name:
            continue  # the QID inside a record, or a summary count: cleared with its parent
        elif name == "WEBAPP":
            app_url = base.child_text(element, "URL")
        elif name == "START_DATE":
            starts.append(base.parse_time(element.text, QUALYS_TIME))
        elif name == "SCANNER":
            match = re.search(r"WAS:\s*([\w.-]+)", element.text or "")
            report.tool_version = match.group(1) if match else report.tool_version
        base.clear(element)
    report.scanned_at = min(filter(None, starts), default=None)
    return glossary, app_url


def _details(element) -> dict:
    cvss2, vector2 = score_vector(base.child_text(element, "CVSS_BASE"))
    cvss3, vector3 = score_vector(base.child_text(element, "CVSS3_BASE")
                                  or base.child_text(element, "CVSS_V3_BASE"))
    owasp, wasc = base.child_text(element, "OWASP"), base.child_text(element, "WASC")
    return {
        "title": base.child_text(element, "TITLE"),
        "level": base.child_text(element, "SEVERITY"),
        "category": base.child_text(element, "CATEGORY"),
        "cwes": base.cwes_in(base.child_text(element, "CWE")),
        "cvss2": cvss2, "vector2": vector2, "cvss3": cvss3, "vector3": vector3,
        "references": ([f"OWASP {code.strip()}" for code in owasp.split(",") if code.strip()]
                       + [code.strip() for code in wasc.split(",") if code.strip()]),
        "text": sections(("Description", base.child_text(element, "DESCRIPTION")),
                         ("Impact", base.child_text(element, "IMPACT"))),
        "solution": plain(base.child_text(element, "SOLUTION")),
    }


def _host(url: str) -> tuple[str, str]:
    try:
        return base.split_host(urlsplit(url).hostname or "")
    except ValueError:
        return "", ""


def _kind(element, name: str, details: dict) -> str:
    if name == "INFORMATION_GATHERED" or details.get("category", "").lower() == "information gathered":
        return "ig"
    if base.child_text(element, "POTENTIAL").lower() == "true" or "potential" in details.get(
            "category", "").lower():
        return "potential"
    return "vuln"


def _finding(element, name: str, glossary: dict, app_url: str) -> base.Finding:
    qid = base.child_text(element, "QID")
    details = glossary.get(qid, {})
    kind = _kind(element, name, details)
    url = base.child_text(element, "URL") or app_url
    ip, fqdn = _host(url)
    label = "Sensitive content" if name == "SENSITIVE_CONTENT" else type_label(kind)
    return base.Finding(
        title=details.get("title") or f"Qualys WAS QID {qid}",
        severity=qualys_severity(details.get("level"), kind),
        tool_severity=details.get("level", ""),
        tool_id=qid,
        unique_id=base.child_text(element, "UNIQUE_ID"),
        cvss_v2_score=details.get("cvss2"), cvss_v2_vector=details.get("vector2", ""),
        cvss_v3_score=details.get("cvss3"), cvss_v3_vector=details.get("vector3", ""),
        cwes=list(details.get("cwes", [])),
        host_ip=ip, host_fqdn=fqdn,
        port=_port(url),
        url=url,
        description="\n\n".join(filter(None, [f"Qualys type: {label}", _parameter(element),
                                               details.get("text")])),
        solution=details.get("solution", ""),
        references=list(details.get("references", [])),
        evidence=_evidence(element),
    )


def _port(url: str) -> int | None:
    try:
        parts = urlsplit(url)
        return parts.port or {"https": 443, "http": 80}.get(parts.scheme) if parts.hostname else None
    except ValueError:
        return None


def _parameter(element) -> str:
    param, form = base.child_text(element, "PARAM"), base.child_text(element, "FORM_ENTRY_POINT")
    return "\n".join(filter(None, [param and f"Parameter: {param}", form and f"Form entry point: {form}"]))


def _decoded(element) -> str:
    """Text of an element, base64-decoded when it says so (only the start: evidence is bounded)."""
    text = (element.text or "").strip()
    if element.get("base64") != "true":
        return text
    text = re.sub(r"\s+", "", text[:BASE64_CHARS])
    text = text[:len(text) - len(text) % 4]
    try:
        return base64.b64decode(text).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return ""


def _evidence(element) -> str:
    """Payloads with their request line and response excerpt, or the DATA of an IG item."""
    parts = []
    for child in element.iter():
        name = base.local(child.tag)
        if name == "PAYLOAD" and len(child) == 0 and child.text and child.text.strip() != "N/A":
            parts.append(f"Payload: {child.text.strip()}")
        elif name == "REQUEST":
            parts.append(f"Request: {base.child_text(child, 'METHOD')} {base.child_text(child, 'URL')}")
            if base.child_text(child, "BODY"):
                parts.append(base.child_text(child, "BODY"))
        elif name in ("CONTENTS", "EVIDENCE", "DATA", "CONTENT"):
            parts.append(f"{'Response' if name == 'CONTENTS' else name.capitalize()}: {_decoded(child)}")
        if sum(len(part) for part in parts) > base.EVIDENCE_LIMIT:
            break
    return base.bounded("\n".join(parts))
