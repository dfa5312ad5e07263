"""OWASP ZAP XML report (root ``OWASPZAPReport``; the "Traditional XML" and "XML Plus" reports).

Layout: one ``<site host= port= ssl=>`` per scanned site, its ``<alerts>`` hold ``<alertitem>``s
(one per alert type: pluginid, alert/name, riskcode, confidence, desc, solution, reference,
cweid, wascid) and each alertitem lists the places it was seen as ``<instances><instance>``
(uri, method, param, attack, evidence, otherinfo, request/response).

One finding per *instance* (its URL is the finding's URL): ZAP packs every URL where an alert
fired into one alertitem, and the URL is what a web team fixes. An alertitem without instances
(old ZAP versions) gives one finding on the site itself.

Severity: ZAP's ``riskcode`` 0 Informational → info, 1 Low → low, 2 Medium → medium,
3 High → high (ZAP has no critical). The confidence (0 false positive … 4 user confirmed) is
kept in the evidence: ZAP writes it, the auditor decides.

ZAP writes its texts as HTML (``<p>…</p>``, escaped in the XML): tags are stripped for the
description and solution, and URLs are taken out of ``reference``.
"""

from __future__ import annotations

from .base import (
    Finding,
    ParseError,
    bounded,
    child_text,
    clear,
    cwes_in,
    join_texts,
    local,
    note_scan_start,
    parse_time,
    severity_from_word,
    strip_html,
    to_int,
    urls_in,
    web_location,
    xml_events,
)

NAME = "zap"
TOOL = "zap"
LABEL = "OWASP ZAP (XML report)"

RISK_CODES = {"0": "info", "1": "low", "2": "medium", "3": "high"}
CONFIDENCE_WORDS = {"0": "False positive", "1": "Low", "2": "Medium", "3": "High", "4": "User confirmed"}
INSTANCE_FIELDS = ("method", "param", "attack", "evidence", "otherinfo")


def detects(sniff) -> bool:
    return sniff.kind == "xml" and sniff.xml_root == "OWASPZAPReport"


def parse(path, report, sniff):
    site = {"url": "", "location": {}}
    for event, element in xml_events(path, events=("start", "end")):
        tag = local(element.tag)
        if event == "start":
            if tag == "OWASPZAPReport":
                report.tool_version = element.get("version", "")
                # ZAP writes when the report was generated, not when the scan started.
                note_scan_start(report, parse_time(element.get("generated")))
            elif tag == "site":
                site = _site(element, report)
        elif tag == "alertitem":
            yield from _findings(element, site)
            clear(element)


def _site(element, report) -> dict:
    name = (element.get("name") or "").strip()
    location = web_location(name) or web_location(element.get("host"))
    port = to_int(element.get("port"))
    if port:
        location["port"], location["protocol"] = port, "tcp"
    report.saw_host(location.get("host_ip", ""), location.get("host_fqdn", ""))
    return {"url": name, "location": location}


def _findings(item, site: dict):
    fields = {local(child.tag): child for child in item if isinstance(child.tag, str)}
    text = {name: (element.text or "").strip() for name, element in fields.items()}
    if not (text.get("alert") or text.get("name") or text.get("pluginid")):
        raise ParseError("A ZAP alertitem has neither an alert name nor a pluginid.")
    risk = text.get("riskcode", "")
    severity = RISK_CODES.get(risk) or severity_from_word(text.get("riskdesc", "").split(" (")[0])
    if severity is None:
        raise ParseError(f"A ZAP alertitem has the riskcode {risk!r}; ZAP uses 0 to 3.")
    tags = fields.get("tags")
    tag_texts = [child_text(tag, "tag") for tag in tags] if tags is not None else []
    tag_links = [child_text(tag, "link") for tag in tags] if tags is not None else []
    common = dict(
        title=text.get("alert") or text.get("name", ""),
        severity=severity,
        tool_severity=(text.get("riskdesc", "").split(" (")[0] or risk),
        tool_id=text.get("pluginid", ""),
        cwes=cwes_in(text.get("cweid"), *tag_texts),
        description=join_texts(strip_html(text.get("desc")), strip_html(text.get("otherinfo"))),
        solution=strip_html(text.get("solution")),
        references=urls_in(text.get("reference")) + [link for link in tag_links if link],
    )
    confidence = CONFIDENCE_WORDS.get(text.get("confidence", ""), text.get("confidence", ""))
    instances = fields.get("instances")
    instances = [child for child in instances if local(child.tag) == "instance"] if instances is not None else []
    if not instances:
        yield Finding(**common, **site["location"], url=site["url"], evidence=f"Confidence: {confidence}")
    for instance in instances:
        uri = child_text(instance, "uri")
        location = web_location(uri) or site["location"]
        yield Finding(**common, **location, url=uri or site["url"], evidence=_evidence(instance, confidence))


def _evidence(instance, confidence: str) -> str:
    lines = [f"Confidence: {confidence}"] if confidence else []
    for name in INSTANCE_FIELDS:
        value = _dedent(child_text(instance, name))
        if value:
            lines.append(f"{name.capitalize()}: {value}")
    request = _dedent(child_text(instance, "requestheader"))
    if request:
        lines.append("Request:\n" + request)
    return bounded("\n".join(lines))


def _dedent(text: str, limit: int = 1500) -> str:
    """Drop the XML pretty-printer's indentation from a multi-line value (bounded first)."""
    return "\n".join(line.strip() for line in text[:limit].splitlines() if line.strip())
