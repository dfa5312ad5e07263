"""Burp Suite XML issue export (root ``issues``, Burp Scanner "Report issues" → XML).

Layout: an inline DTD (never loaded), then one ``<issue>`` per issue: serialNumber, type (Burp's
numeric issue type), name, host (with an ``ip`` attribute), path, location, severity,
confidence, issueBackground, remediationBackground, issueDetail, remediationDetail,
references, vulnerabilityClassifications (CWE/CAPEC links), and ``requestresponse`` pairs
whose request/response are base64 when ``base64="true"``. One issue → one finding.

Severity: Burp's own words High → high, Medium → medium, Low → low, Information → info
(Burp has no critical); a word Burp might add later is read with the shared word table and
otherwise kept as info, with the raw word in tool_severity.

Burp's ``serialNumber`` is not used as unique_id: it repeats within one export and changes from
scan to scan. The export time names its timezone by an ambiguous abbreviation (IST, WIB…) and
is not the scan's start, so ``scanned_at`` stays empty.
"""

from __future__ import annotations

import base64
import binascii

from .base import (
    Finding,
    bounded,
    clear,
    cves_in,
    cwes_in,
    join_texts,
    local,
    severity_from_word,
    split_host,
    strip_html,
    urls_in,
    web_location,
    xml_events,
)

NAME = "burp"
TOOL = "burp"
LABEL = "Burp Suite (XML issue export)"

BURP_SEVERITY = {"high": "high", "medium": "medium", "low": "low", "information": "info"}
EXCERPT = 1500  # characters of each decoded request / response kept in the evidence


def detects(sniff) -> bool:
    return (sniff.kind == "xml" and sniff.xml_root == "issues"
            and (not sniff.xml_children or "issue" in sniff.xml_children))


def parse(path, report, sniff):
    for _, issue in xml_events(path, events=("end",), tag="issue"):
        root = issue.getparent()
        if root is not None and not report.tool_version:
            report.tool_version = root.get("burpVersion", "")
        yield _finding(issue, report)
        clear(issue)


def _finding(issue, report) -> Finding:
    text = {}
    for child in issue:
        name = local(child.tag)
        if name and name not in text:
            text[name] = (child.text or "").strip()
    host_element = next((c for c in issue if local(c.tag) == "host"), None)
    base = text.get("host", "")
    location = web_location(base)
    ip = split_host(host_element.get("ip"))[0] if host_element is not None else ""
    if ip:
        location["host_ip"] = ip
    report.saw_host(location.get("host_ip", ""), location.get("host_fqdn", ""))
    raw = text.get("severity", "")
    classifications = text.get("vulnerabilityClassifications", "")
    detail = text.get("issueDetail", "")
    return Finding(
        title=text.get("name", ""),
        severity=BURP_SEVERITY.get(raw.lower()) or severity_from_word(raw) or "info",
        tool_severity=raw,
        tool_id=text.get("type", ""),
        cves=cves_in(detail, classifications),
        cwes=cwes_in(classifications),
        url=base.rstrip("/") + text.get("path", "") if base else text.get("path", ""),
        description=join_texts(strip_html(text.get("issueBackground")), strip_html(detail)),
        solution=join_texts(strip_html(text.get("remediationBackground")),
                            strip_html(text.get("remediationDetail"))),
        references=urls_in(text.get("references"), classifications),
        evidence=_evidence(issue, text),
        **location,
    )


def _evidence(issue, text: dict) -> str:
    lines = [f"Confidence: {text.get('confidence', '')}"]
    if text.get("location") and text.get("location") != text.get("path"):
        lines.append(f"Location: {text['location']}")
    for child in issue:
        name = local(child.tag)
        if name == "issueDetailItems":
            lines.extend(f"Detail: {(item.text or '').strip()[:300]}" for item in list(child)[:10])
        elif name == "requestresponse":
            lines.extend(_exchange(child))
            break  # the first exchange is the proof; the others repeat it
    return bounded("\n".join(lines))


def _exchange(pair) -> list[str]:
    lines = []
    for part in pair:
        name = local(part.tag)
        if name in ("request", "response"):
            body = _decoded(part)
            if body:
                lines.append(f"{name.capitalize()}:\n{body}")
    return lines


def _decoded(element) -> str:
    """The start of a request/response; base64 is decoded from a bounded prefix only."""
    raw = (element.text or "")[: EXCERPT * 2]
    if element.get("base64") == "true":
        compact = "".join(raw.split())
        compact = compact[: len(compact) - len(compact) % 4]
        try:
            raw = base64.b64decode(compact).decode("utf-8", errors="replace")
        except (binascii.Error, ValueError):
            return ""
    return raw[:EXCERPT].replace("\r\n", "\n").strip()
