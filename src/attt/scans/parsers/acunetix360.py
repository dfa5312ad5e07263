"""Acunetix 360 JSON export (also Netsparker / Invicti, which write the same layout).

Layout: ``{"Generated", "Target": {"ScanId", "Url", "Initiated", "Duration"},
"Vulnerabilities": [{LookupId, Url, Name, Type, Severity, Certainty, Confirmed, State,
Classification{Cwe, Capec, Cvss{Vector, BaseScore{Value}}, Cvss31{…}}, Description, Impact,
RemedialActions, RemedialProcedure, ExternalReferences, RemedyReferences, ExtraInformation,
HttpRequest{Content}, HttpResponse{Content}, ProofOfConcept, FirstSeenDate, LastSeenDate}]}``.
One vulnerability → one finding; the list is streamed (ijson), the Target read first.

Severity: Acunetix 360's words Critical → critical, High → high, Medium → medium, Low → low,
BestPractice / Information / Info → info.

``LookupId`` is the issue's id in Acunetix 360's issue tracking (it survives re-scans, with
FirstSeenDate/LastSeenDate), so it is the unique_id. The ``State`` ("Present", "Revived",
"Present, AcceptedRisk", "Present, FalsePositive"…) is the scanner user's triage: it is kept at
the top of the evidence, and no finding is dropped because of it.
Times are ``dd/mm/yyyy hh:mm AM`` without a zone: read as UTC.
"""

from __future__ import annotations

from .base import (
    Finding,
    ParseError,
    bounded,
    cwes_in,
    first_value,
    join_texts,
    json_items,
    note_scan_start,
    parse_time,
    severity_from_word,
    strip_html,
    to_float,
    urls_in,
    web_location,
)

NAME = "acunetix360"
TOOL = "acunetix"
LABEL = "Acunetix 360 / Netsparker (JSON)"

A360_SEVERITY = {"critical": "critical", "high": "high", "medium": "medium", "low": "low",
                 "bestpractice": "info", "information": "info", "info": "info"}
TIME_PATTERNS = ("%d/%m/%Y %I:%M %p", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S")


def detects(sniff) -> bool:
    return (sniff.kind == "json" and sniff.json_top == "object"
            and sniff.has_keys("Vulnerabilities", "Target")
            and ("Target.ScanId" in sniff.json_keys or "Generated" in sniff.json_keys))


def parse(path, report, sniff):
    _read_target(path, report)
    for number, item in enumerate(json_items(path, "Vulnerabilities.item"), 1):
        if not isinstance(item, dict):
            raise ParseError(f"Vulnerability {number} of this Acunetix 360 report is not a JSON object.")
        yield _finding(item)


def _read_target(path, report):
    """The Target object, read by a first short pass (it precedes the vulnerability list)."""
    target = first_value(path, "Target")  # stops there: the rest of the file is the vulnerability list
    if not isinstance(target, dict):
        return
    location = web_location(_text(target.get("Url")))
    report.saw_host(location.get("host_ip", ""), location.get("host_fqdn", ""))
    note_scan_start(report, parse_time(_text(target.get("Initiated")), *TIME_PATTERNS))


def _text(value) -> str:
    """A JSON value as text; objects and lists (where a string belongs) count as missing."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def _object(value) -> dict:
    return value if isinstance(value, dict) else {}


def _finding(item: dict) -> Finding:
    classification = _object(item.get("Classification"))
    cvss = _object(classification.get("Cvss31")) or _object(classification.get("Cvss"))
    raw = _text(item.get("Severity"))
    url = _text(item.get("Url"))
    return Finding(
        title=_text(item.get("Name")) or _text(item.get("Type")),
        severity=A360_SEVERITY.get(raw.lower()) or severity_from_word(raw) or "info",
        tool_severity=raw,
        tool_id=_text(item.get("Type")),
        unique_id=_text(item.get("LookupId")),
        cvss_v3_vector=_text(cvss.get("Vector")),
        cvss_v3_score=to_float(_text(_object(cvss.get("BaseScore")).get("Value"))),
        cwes=cwes_in(*_text(classification.get("Cwe")).split(",")),
        url=url,
        description=join_texts(strip_html(_text(item.get("Description"))), strip_html(_text(item.get("Impact")))),
        solution=join_texts(strip_html(_text(item.get("RemedialActions"))),
                            strip_html(_text(item.get("RemedialProcedure")))),
        references=urls_in(_text(item.get("ExternalReferences")), _text(item.get("RemedyReferences"))),
        evidence=_evidence(item),
        **web_location(url),
    )


def _evidence(item: dict) -> str:
    lines = [f"State: {_text(item.get('State'))}",
             f"Certainty: {_text(item.get('Certainty'))}%  Confirmed: {_text(item.get('Confirmed'))}"]
    extra = item.get("ExtraInformation")
    for entry in extra[:20] if isinstance(extra, list) else []:
        entry = _object(entry)
        lines.append(f"{_text(entry.get('Name'))}: {_text(entry.get('Value'))[:300]}")
    proof = strip_html(_text(item.get("ProofOfConcept")), 1000)
    if proof:
        lines.append(f"Proof of concept: {proof}")
    request = _text(_object(item.get("HttpRequest")).get("Content"))[:1500]
    if request:
        lines.append("Request:\n" + request.replace("\r\n", "\n"))
    return bounded("\n".join(lines))
