"""Qualys VM "asset data report" XML (root ASSET_DATA_REPORT).

Layout: HEADER, HOST_LIST/HOST (IP, DNS, VULN_INFO_LIST/VULN_INFO with QID, TYPE, PORT, PROTOCOL,
RESULT), then GLOSSARY/VULN_DETAILS_LIST/VULN_DETAILS with the per-QID title, severity, CVSS, CVEs,
threat, impact and solution. The glossary usually comes *after* the hosts, so the file is read in
two streaming passes: the first keeps only the glossary (bounded by the number of distinct QIDs),
the second streams the hosts. One VULN_INFO → one Finding.

The helpers at the top are shared by the other Qualys modules (scan, WAS, VMDR, CSV).
"""

from __future__ import annotations

import html
import re

from . import base

NAME = "qualys_xml"
TOOL = "qualys"
LABEL = "Qualys VM asset data report (XML)"

# --- Shared Qualys helpers ----------------------------------------------------------------------

# Qualys severity levels 1-5 → ours: 1 info, 2 low, 3 medium, 4 high, 5 critical.
SEVERITY_BY_LEVEL = {"1": "info", "2": "low", "3": "medium", "4": "high", "5": "critical"}
# Information-gathered items carry a level (1-3) too, but Qualys says they are not vulnerabilities:
# they are kept as findings with severity "info" (the raw level stays in tool_severity).
INFO_TYPES = {"ig", "info", "infos", "information gathered", "information_gathered", "service",
              "services"}
POTENTIAL_TYPES = {"practice", "practices", "potential", "potential vulnerability"}
TYPE_LABELS = {"vuln": "Confirmed vulnerability", "confirmed": "Confirmed vulnerability",
               "practice": "Potential vulnerability", "potential": "Potential vulnerability",
               "ig": "Information gathered", "info": "Information gathered",
               "service": "Information gathered (service)"}
QUALYS_TIME = "%d %b %Y %I:%M%p GMT%z"  # WAS and VMDR dates: "12 Mar 2020 04:42PM GMT-0400"
SCORE_VECTOR = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:\((.*)\))?\s*$")
LINK = re.compile(r"<a\s[^>]*?href\s*=\s*[\"']?\s*([^\"'\s>]+)[^>]*>(.*?)</a\s*>", re.I | re.S)
BREAK = re.compile(r"<\s*/?\s*(?:br|p|li|dt|dd|pre|ul|ol|dl)\b[^>]*>", re.I)
TAG = re.compile(r"<[^>]{0,500}>")


def qualys_severity(level, kind: str = "") -> str:
    """A Qualys level 1-5 on our scale; information-gathered kinds are always "info"."""
    if str(kind or "").strip().lower() in INFO_TYPES:
        return "info"
    return SEVERITY_BY_LEVEL.get(str(level or "").strip(), "info")


def type_label(kind: str) -> str:
    kind = str(kind or "").strip().lower()
    if kind in POTENTIAL_TYPES:
        return "Potential vulnerability (Qualys could not confirm it)"
    if kind in INFO_TYPES:
        return "Information gathered"
    return TYPE_LABELS.get(kind, str(kind).capitalize())


def score_vector(text) -> tuple[float | None, str]:
    """'9.0 (AV:N/AC:H/...)' → (9.0, 'AV:N/AC:H/...'); '5' → (5.0, ''); '-' or '' → (None, '')."""
    match = SCORE_VECTOR.match(str(text or ""))
    if not match:
        return None, ""
    return base.to_float(match.group(1)), (match.group(2) or "").strip()


def plain(text, limit: int = base.TEXT_LIMIT) -> str:
    """Qualys knowledge-base HTML (<P>, <BR>, <A HREF>) as plain text; links keep their URL."""
    text = str(text or "")[:limit * 2]
    text = LINK.sub(_link_text, text)
    text = TAG.sub("", BREAK.sub("\n", text))
    text = re.sub(r"\n\s*\n\s*\n+", "\n\n", html.unescape(text))
    return text.strip()[:limit]


def _link_text(match) -> str:
    url, label = match.group(1), TAG.sub("", match.group(2)).strip()
    return url if not label or label == url else f"{label} ({url})"


def sections(*pairs) -> str:
    """'Heading:\\ntext' blocks for the non-empty, meaningful texts."""
    parts = []
    for heading, text in pairs:
        text = plain(text)
        if text and text.upper() not in ("N/A", "NA", "NOT APPLICABLE.", "-"):
            parts.append(f"{heading}:\n{text}" if heading else text)
    return "\n\n".join(parts)


def descendant_text(element, name: str) -> str:
    """Text of the first descendant called ``name`` (CVSS blocks nest differently by version)."""
    for child in element.iter():
        if base.local(child.tag) == name:
            return base.all_text(child)
    return ""


def id_list(element, list_name: str) -> list[tuple[str, str]]:
    """(ID, URL) pairs of a Qualys *_LIST (CVE_ID_LIST, VENDOR_REFERENCE_LIST, BUGTRAQ_ID_LIST)."""
    pairs = []
    for child in element.iter():
        if base.local(child.tag) == list_name:
            for item in child:
                pairs.append((base.child_text(item, "ID"), base.child_text(item, "URL")))
    return pairs


# --- This format --------------------------------------------------------------------------------

def detects(sniff: base.Sniff) -> bool:
    return sniff.kind == "xml" and sniff.xml_root == "ASSET_DATA_REPORT"


def parse(path, report: base.ReportInfo, sniff: base.Sniff):
    glossary = _glossary(path, report)
    # Second pass: the hosts. HOSTS (risk summary) and VULN_DETAILS are cleared to keep memory flat.
    for _, element in base.xml_events(path, tag=("VULN_INFO", "HOST", "HOSTS", "VULN_DETAILS")):
        name = base.local(element.tag)
        if name == "VULN_INFO":
            yield _finding(element, _host_of(element), glossary)
        elif name == "HOST":  # every host listed was scanned, even one without VULN_INFO
            report.saw_host(*_host_address(element))
        base.clear(element)


def _glossary(path, report) -> dict:
    """First pass: QID → compact knowledge-base record; stops at the end of the GLOSSARY."""
    glossary = {}
    for _, element in base.xml_events(
            path, tag=("VULN_DETAILS", "VULN_INFO", "HOST", "HOSTS", "GLOSSARY", "GENERATION_DATETIME")):
        name = base.local(element.tag)
        if name == "VULN_DETAILS":
            qid = base.child_text(element, "QID") or element.get("id", "").removeprefix("qid_")
            glossary[qid] = _details(element)
        elif name == "GENERATION_DATETIME":
            # The report has no scan start: its generation time is when these results were current.
            report.scanned_at = base.parse_time(element.text)
        elif name == "GLOSSARY":
            break
        base.clear(element)
    return glossary


def _details(element) -> dict:
    cvss2, vector2 = score_vector(descendant_text(element, "CVSS_BASE"))
    cvss3, vector3 = score_vector(descendant_text(element, "CVSS3_BASE"))
    cves = [cve for cve, _ in id_list(element, "CVE_ID_LIST")]
    references = [url or ref for ref, url in id_list(element, "VENDOR_REFERENCE_LIST")]
    references += [url or ref for ref, url in id_list(element, "BUGTRAQ_ID_LIST")]
    return {
        "title": base.child_text(element, "TITLE"),
        "level": base.child_text(element, "SEVERITY"),
        "cvss2": cvss2, "vector2": vector2, "cvss3": cvss3, "vector3": vector3,
        "cves": cves + base.cves_in(base.child_text(element, "TITLE")),
        "references": references,
        "text": sections(("Category", base.child_text(element, "CATEGORY")),
                         ("Threat", base.child_text(element, "THREAT")),
                         ("Impact", base.child_text(element, "IMPACT"))),
        "solution": plain(base.child_text(element, "SOLUTION")),
    }


def _host_of(vuln_info):
    parent = vuln_info.getparent()
    while parent is not None and base.local(parent.tag) != "HOST":
        parent = parent.getparent()
    return parent


def _host_address(host) -> tuple[str, str]:
    ip = base.child_text(host, "IP") or base.child_text(host, "IPV6")
    return ip, base.child_text(host, "DNS") or base.child_text(host, "FQDN")


def _finding(vuln_info, host, glossary: dict) -> base.Finding:
    qid = base.child_text(vuln_info, "QID")
    kind = base.child_text(vuln_info, "TYPE")
    details = glossary.get(qid, {})
    ip, fqdn = _host_address(host) if host is not None else ("", "")
    final3, _ = score_vector(base.child_text(vuln_info, "CVSS3_FINAL"))
    final2, _ = score_vector(base.child_text(vuln_info, "CVSS_FINAL"))
    return base.Finding(
        title=details.get("title") or f"Qualys QID {qid}",
        severity=qualys_severity(details.get("level"), kind),
        tool_severity=details.get("level", ""),
        tool_id=qid,
        cvss_v2_score=details.get("cvss2") if details.get("cvss2") is not None else final2,
        cvss_v2_vector=details.get("vector2", ""),
        cvss_v3_score=details.get("cvss3") if details.get("cvss3") is not None else final3,
        cvss_v3_vector=details.get("vector3", ""),
        cves=list(details.get("cves", [])),
        host_ip=ip,
        host_fqdn=base.child_text(vuln_info, "FQDN") or fqdn,
        port=base.to_int(base.child_text(vuln_info, "PORT")),
        protocol=base.child_text(vuln_info, "PROTOCOL"),
        description="\n\n".join(filter(None, [f"Qualys type: {type_label(kind)}", details.get("text")])),
        solution=details.get("solution", ""),
        references=list(details.get("references", [])),
        evidence=base.bounded(base.child_text(vuln_info, "RESULT")),
    )
