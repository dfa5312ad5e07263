"""Nuclei JSON output: a JSON array (``-json-export``), JSON Lines (``-jsonl``, often saved with
a ``.json`` name) or a single object.

Each record: ``template-id`` (``templateID`` before Nuclei 2.6), ``info`` {name, severity,
description, impact, remediation, reference, tags, classification {cve-id, cwe-id,
cvss-metrics, cvss-score, epss-score, epss-percentile}}, ``type``, ``host``, ``matched-at``
(``matched`` before 2.6), ``ip``, ``port``, ``matcher-name``, ``extracted-results``,
``curl-command``, ``timestamp``. One record → one finding.

Severity: Nuclei's template words info, low, medium, high, critical map one to one; "unknown"
(and any word Nuclei adds) is info, with the raw word kept.

tool_id is ``template-id:matcher-name``, the name Nuclei itself prints (``[favicon-detect:
asp.net-favicon]``): one template's matchers are different checks. Nuclei writes no scan
start; the earliest record timestamp stands for it.
"""

from __future__ import annotations

from .base import (
    Finding,
    ParseError,
    bounded,
    cves_in,
    cwes_in,
    join_texts,
    json_records,
    note_scan_start,
    parse_time,
    severity_from_word,
    split_host,
    to_float,
    to_int,
    urls_in,
    web_location,
)

NAME = "nuclei"
TOOL = "nuclei"
LABEL = "Nuclei (JSON, JSON Lines)"

NUCLEI_SEVERITY = {"info": "info", "low": "low", "medium": "medium", "high": "high", "critical": "critical"}
ID_KEYS = ("template-id", "templateID")


def detects(sniff) -> bool:
    if sniff.kind not in ("json", "jsonl"):
        return False
    # The sniff names an array item's keys, and a JSON Lines record's, "item.<key>".
    top = "item." if sniff.kind == "jsonl" or sniff.json_top == "array" else ""
    keys = sniff.json_keys
    return any(f"{top}{key}" in keys for key in ID_KEYS) and f"{top}info.severity" in keys


def parse(path, report, sniff):
    for number, record in enumerate(json_records(path, sniff), 1):
        if not isinstance(record, dict):
            raise ParseError(f"Record {number} of this Nuclei file is not a JSON object.")
        if not any(key in record for key in (*ID_KEYS, "info")):
            raise ParseError(f"Record {number} has neither a template-id nor an info block; "
                             "is this a Nuclei export?")
        note_scan_start(report, parse_time(_text(record.get("timestamp"))))
        finding = _finding(record)
        report.saw_host(finding.host_ip, finding.host_fqdn)
        yield finding


def _text(value) -> str:
    return "" if value is None or isinstance(value, (dict, list)) else str(value).strip()


def _object(value) -> dict:
    return value if isinstance(value, dict) else {}


def _texts(value) -> list[str]:
    """A Nuclei list field, written as a list, a comma-separated string, or null."""
    if isinstance(value, list):
        return [_text(v) for v in value if _text(v)]
    return [part.strip() for part in _text(value).split(",") if part.strip()]


def _finding(record: dict) -> Finding:
    info = _object(record.get("info"))
    classes = _object(info.get("classification"))
    template = next((_text(record.get(key)) for key in ID_KEYS if _text(record.get(key))), "")
    matcher = _text(record.get("matcher-name") or record.get("matcher_name"))
    raw = _text(info.get("severity"))
    metrics, score = _text(classes.get("cvss-metrics")), to_float(_text(classes.get("cvss-score")))
    version = metrics[5:6] if metrics.startswith("CVSS:") else "2" if metrics else ""
    name = _text(info.get("name")) or template
    return Finding(
        title=f"{name}: {matcher}" if matcher else name,
        severity=NUCLEI_SEVERITY.get(raw.lower()) or severity_from_word(raw) or "info",
        tool_severity=raw,
        tool_id=f"{template}:{matcher}" if matcher else template,
        cvss_v2_vector=metrics if version == "2" else "",
        cvss_v2_score=score if version == "2" else None,
        cvss_v3_vector=metrics if version == "3" else "",
        cvss_v3_score=score if version in ("3", "") else None,
        cvss_v4_vector=metrics if version == "4" else "",
        cvss_v4_score=score if version == "4" else None,
        cves=cves_in(template, *_texts(classes.get("cve-id"))),
        cwes=cwes_in(*_texts(classes.get("cwe-id"))),
        epss_score=to_float(_text(classes.get("epss-score"))),
        epss_percentile=to_float(_text(classes.get("epss-percentile"))),
        description=join_texts(_text(info.get("description")), _labelled("Impact", info.get("impact"))),
        solution=_text(info.get("remediation")),
        references=[r for ref in _texts(info.get("reference")) for r in (urls_in(ref) or [ref])],
        evidence=_evidence(record, matcher),
        **_location(record),
    )


def _labelled(label: str, value) -> str:
    value = _text(value)
    return f"{label}: {value}" if value else ""


def _location(record: dict) -> dict:
    """Host, port and URL: the matched URL (or host:port) first, then host, then ip."""
    matched = _text(record.get("matched-at") or record.get("matched"))
    host = _text(record.get("host"))
    # A network match (host:port) has no URL; the host's URL would name the wrong service.
    url = matched if "://" in matched else "" if matched else host if "://" in host else ""
    location = web_location(matched) or web_location(host)
    ip, _ = split_host(_text(record.get("ip")))
    if ip:
        location["host_ip"] = ip
    port = to_int(_text(record.get("port")))
    if port and not location.get("port"):
        location.update(port=port, protocol="tcp")
    return {**location, "url": url}


def _evidence(record: dict, matcher: str) -> str:
    lines = [f"Type: {_text(record.get('type'))}"]
    if matcher:
        lines.append(f"Matcher: {matcher}")
    matched = _text(record.get("matched-at") or record.get("matched"))
    if matched:
        lines.append(f"Matched at: {matched}")
    extracted = record.get("extracted-results") or record.get("extracted_results")
    values = _texts(extracted) if isinstance(extracted, list) else [_text(extracted)] if _text(extracted) else []
    if values:
        lines.append("Extracted: " + ", ".join(v[:200] for v in values[:20]))
    curl = _text(record.get("curl-command"))
    if curl:
        lines.append(f"Reproduce: {curl[:1500]}")
    return bounded("\n".join(lines))
