"""Acunetix XML export (root ``ScanGroup``, Acunetix WVS 10–13 "Export to XML").

Layout: ``<ScanGroup><Scan>`` with StartURL, StartTime, a ``<Crawler StartUrl=…>`` site map
(``SiteFile``s, possibly thousands: freed as they stream by), then ``<ReportItems>`` with one
``<ReportItem>`` per issue: Name, ModuleName, Details, Affects (path), Parameter, Severity,
Type, Impact, Description, DetailedInformation, Recommendation, TechnicalDetails/Request,
CWEList/CWE, CVEList/CVE, CVSS (v2) and CVSS3 (Descriptor, Score), References/Reference/URL.
One ReportItem → one finding.

Severity: Acunetix' own words high → high, medium → medium, low → low,
informational/info → info; critical (Acunetix 360's top level) is read as critical should an
export carry it.

StartURL is sometimes written without a scheme (``example.co.id:9000``); the crawler's
``StartUrl`` attribute carries it, so that one is preferred to build the finding URLs.
StartTime is ``dd/mm/yyyy, hh:mm:ss`` local time without a zone: read as UTC.
"""

from __future__ import annotations

from .base import (
    Finding,
    bounded,
    child_text,
    clear,
    cves_in,
    cwes_in,
    join_texts,
    local,
    note_scan_start,
    parse_time,
    severity_from_word,
    strip_html,
    to_float,
    web_location,
    xml_events,
)

NAME = "acunetix_xml"
TOOL = "acunetix"
LABEL = "Acunetix (XML export)"

ACUNETIX_SEVERITY = {"critical": "critical", "high": "high", "medium": "medium", "low": "low",
                     "informational": "info", "info": "info"}
EVENT_TAGS = ("StartURL", "StartTime", "Crawler", "SiteFile", "ReportItem", "Scan")
TIME_PATTERNS = ("%d/%m/%Y, %H:%M:%S", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y, %H:%M")


def detects(sniff) -> bool:
    return (sniff.kind == "xml" and sniff.xml_root == "ScanGroup"
            and (not sniff.xml_children or "Scan" in sniff.xml_children))


def parse(path, report, sniff):
    scan = {"start_url": "", "crawler_url": ""}
    for event, element in xml_events(path, events=("start", "end"), tag=EVENT_TAGS):
        tag = local(element.tag)
        if event == "start":
            if tag == "Scan":
                scan = {"start_url": "", "crawler_url": ""}
            elif tag == "Crawler":
                scan["crawler_url"] = (element.get("StartUrl") or "").strip()
            continue
        if tag == "StartURL" and _under_scan(element):
            scan["start_url"] = (element.text or "").strip()
            location = web_location(scan["start_url"])
            report.saw_host(location.get("host_ip", ""), location.get("host_fqdn", ""))
        elif tag == "StartTime" and _under_scan(element):
            note_scan_start(report, parse_time(element.text, *TIME_PATTERNS))
        elif tag == "SiteFile":
            clear(element)
        elif tag == "ReportItem":
            yield _finding(element, scan)
            clear(element)


def _under_scan(element) -> bool:
    parent = element.getparent()
    return parent is not None and local(parent.tag) == "Scan"


def _base_url(scan: dict) -> str:
    crawler, start = scan["crawler_url"], scan["start_url"]
    if "://" in start or not crawler:
        return start
    return crawler


def _finding(item, scan: dict) -> Finding:
    text, lists = _read_item(item)
    base = _base_url(scan)
    url = _join_url(base, text.get("Affects", ""))
    raw = text.get("Severity", "")
    return Finding(
        title=text.get("Name", ""),
        severity=ACUNETIX_SEVERITY.get(raw.lower()) or severity_from_word(raw) or "info",
        tool_severity=raw,
        tool_id=text.get("ModuleName", ""),
        cvss_v2_vector=lists["cvss2"][0],
        cvss_v2_score=to_float(lists["cvss2"][1]),
        cvss_v3_vector=lists["cvss3"][0],
        cvss_v3_score=to_float(lists["cvss3"][1]),
        cves=cves_in(*lists["cves"]),
        cwes=cwes_in(*lists["cwes"]),
        url=url,
        description=join_texts(strip_html(text.get("Description")), strip_html(text.get("Impact")),
                               strip_html(text.get("DetailedInformation"))),
        solution=strip_html(text.get("Recommendation")),
        references=lists["references"],
        evidence=_evidence(text, lists["request"]),
        **web_location(url or base),
    )


def _join_url(base: str, affects: str) -> str:
    """The finding's URL: the scan's base URL plus the affected path (Affects may be a full URL)."""
    if not base or "://" in affects:
        return affects or base
    return base.rstrip("/") + "/" + affects.lstrip("/")


def _read_item(item):
    """Single-valued texts of a ReportItem, and its nested lists, in one pass over its children."""
    text = {}
    lists = {"cves": [], "cwes": [], "references": [], "request": "", "cvss2": ("", ""), "cvss3": ("", "")}
    for child in item:
        name = local(child.tag)
        if name == "CWEList":
            lists["cwes"] = [c.get("id") or (c.text or "") for c in child if local(c.tag) == "CWE"]
        elif name == "CVEList":
            lists["cves"] = [f"{c.text or ''} {c.get('id', '')}" for c in child if local(c.tag) == "CVE"]
        elif name == "References":
            lists["references"] = [child_text(ref, "URL") for ref in child if local(ref.tag) == "Reference"]
        elif name == "TechnicalDetails":
            lists["request"] = child_text(child, "Request")
        elif name in ("CVSS", "CVSS3"):
            lists["cvss2" if name == "CVSS" else "cvss3"] = (child_text(child, "Descriptor"),
                                                            child_text(child, "Score"))
        elif name:
            text[name] = (child.text or "").strip()
    return text, lists


def _evidence(text: dict, request: str) -> str:
    lines = []
    if text.get("Parameter"):
        lines.append(f"Parameter: {text['Parameter']}")
    details = strip_html(text.get("Details"), 1500)
    if details:
        lines.append(f"Details: {details}")
    if text.get("IsFalsePositive", "").lower() == "true":
        lines.append("Acunetix marked this item as a false positive.")
    if request:
        lines.append("Request:\n" + request[:1500].replace("\r\n", "\n"))
    return bounded("\n".join(lines))
