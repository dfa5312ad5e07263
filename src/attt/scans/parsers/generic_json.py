"""ATTT's generic JSON format, compatible with DefectDojo's "Generic Findings Import" JSON.

``{"name", "type", "version", "findings": [{"title", "severity", "description", …}]}``; the
fields are documented for users in docs/scan-formats.md. One finding → one Finding, or one per
endpoint when a finding lists several (``endpoints``), as ZAP instances are.

Severity: the format's words Critical, High, Medium, Low, Info/Informational (any case); an
empty or missing severity is Info (DefectDojo's CSV does the same); any other word refuses the
file naming the finding, since a guessed severity would misrank it. Numbers that are not
numbers (``"N/A"`` scores) are ignored; unknown fields are ignored.

``build_findings`` is shared with generic_csv.
"""

from __future__ import annotations

import re

from .base import (
    CVE_PATTERN,
    Finding,
    ParseError,
    bounded,
    cwes_in,
    join_texts,
    json_events,
    split_items,
    to_float,
    to_int,
    urls_in,
    web_location,
)

NAME = "generic_json"
TOOL = "generic"
LABEL = "Generic findings (JSON, DefectDojo-compatible)"

GENERIC_SEVERITY = {"critical": "critical", "high": "high", "medium": "medium", "low": "low",
                    "info": "info", "informational": "info", "": "info"}
# Semgrep Pro (semgrep.dev API) also has a top-level "findings" list; its items say this.
SEMGREP_PRO_KEYS = frozenset({"rule_name", "repository", "ref", "match_based_id", "triage_state"})
CVSS_VECTOR = re.compile(r"CVSS:[34]\.\d(?:/[A-Za-z]+:[A-Za-z]+)+")
TRUE_WORDS = frozenset({"true", "yes", "1", "y"})
FALSE_WORDS = frozenset({"false", "no", "0", "n"})


# --- format --------------------------------------------------------------------------------------

def detects(sniff) -> bool:
    if sniff.kind != "json" or sniff.json_top != "object" or "findings" not in sniff.json_keys:
        return False
    item_keys = {key.split(".")[2] for key in sniff.json_keys if key.startswith("findings.item.")}
    if item_keys & SEMGREP_PRO_KEYS:
        return False
    # Empty items ({}) or an item without a title are claimed, to be refused with a clear message.
    return not item_keys or bool(item_keys & {"title", "severity"})


def parse(path, report, sniff):
    number = 0
    for kind, value in split_items(json_events(path), "findings.item"):
        if kind == "item":
            number += 1
            if not isinstance(value, dict):
                raise ParseError(f"Finding {number} is not a JSON object.")
            yield from noting_hosts(report, build_findings(value, f"Finding {number}"))
            continue
        prefix, event, scalar = value
        if prefix == "findings" and event not in ("start_array", "end_array"):
            raise ParseError("The \"findings\" key must hold a list of findings.")
        if prefix == "version" and event in ("string", "number"):
            report.tool_version = str(scalar).strip()


def noting_hosts(report, findings):
    """Pass the findings on, recording their hosts as scanned (the format has no host list)."""
    for finding in findings:
        report.saw_host(finding.host_ip, finding.host_fqdn)
        yield finding


# --- one finding (shared with generic_csv) -------------------------------------------------------

def text(value) -> str:
    """A field as text; objects and lists (where text belongs) count as missing."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def as_list(value) -> list:
    if isinstance(value, list):
        return value
    return [] if value is None or value == "" else [value]


def build_findings(record: dict, label: str):
    """The Finding(s) of one generic record (a JSON finding, or a CSV row with JSON field names)."""
    title = text(record.get("title"))
    if not title:
        raise ParseError(f"{label} has no title.")
    raw = text(record.get("severity"))
    severity = GENERIC_SEVERITY.get(raw.lower())
    if severity is None:
        raise ParseError(f"{label} (“{title[:80]}”) has the severity “{raw[:40]}”; "
                         "use Critical, High, Medium, Low or Info.")
    ids = [text(value) for value in as_list(record.get("cve")) + as_list(record.get("vulnerability_ids"))]
    endpoints = [e for e in (_endpoint(value) for value in as_list(record.get("endpoints"))) if e]
    if text(record.get("url")):
        endpoints.append(_endpoint(text(record.get("url"))))
    unique_id = text(record.get("unique_id_from_tool"))
    common = dict(
        title=title,
        severity=severity,
        tool_severity=raw,
        tool_id=text(record.get("vuln_id_from_tool")),
        cvss_v3_vector=_vector(record.get("cvssv3"), "3"),
        cvss_v3_score=to_float(text(record.get("cvssv3_score"))),
        cvss_v4_vector=_vector(record.get("cvssv4"), "4"),
        cvss_v4_score=to_float(text(record.get("cvssv4_score"))),
        cves=[i.upper() for i in ids if CVE_PATTERN.fullmatch(i)],
        cwes=cwes_in(*(text(c) for c in as_list(record.get("cwe")) + as_list(record.get("cwes")))),
        epss_score=to_float(text(record.get("epss_score"))),
        epss_percentile=to_float(text(record.get("epss_percentile"))),
        kev=_flag(record.get("known_exploited")),
        component=text(record.get("component_name")),
        version=text(record.get("component_version")),
        fixed_version=text(record.get("fix_version")),
        file_path=text(record.get("file_path")),
        line=_line(record.get("line")),
        description=join_texts(text(record.get("description")), _labelled("Impact", record.get("impact"))),
        solution=text(record.get("mitigation")),
        references=_references(record.get("references")) + [i for i in ids if i and not CVE_PATTERN.fullmatch(i)],
        evidence=bounded(join_texts(*(_labelled(name.replace("_", " ").capitalize(), record.get(name))
                                      for name in ("steps_to_reproduce", "param", "payload",
                                                   "severity_justification")))),
    )
    if not endpoints:
        yield Finding(**common, unique_id=unique_id)
    for endpoint in endpoints:
        # Several endpoints share the finding's id: each copy gets its own, or they would collide.
        own_id = f"{unique_id}@{endpoint['url']}" if unique_id and len(endpoints) > 1 else unique_id
        yield Finding(**common, unique_id=own_id, **endpoint)


def _endpoint(value) -> dict:
    """Finding location fields of an endpoint: a URL / host[:port] string, or a DefectDojo
    endpoint object {protocol, userinfo, host, port, path, query, fragment}."""
    if isinstance(value, dict):
        host, port = text(value.get("host")), to_int(text(value.get("port")))
        if not host:
            return {}
        scheme = text(value.get("protocol"))
        netloc = host + (f":{port}" if port else "")
        url = (f"{scheme}://" if scheme else "") + netloc + _suffix(value)
        location = web_location(netloc if not scheme else url)
        if port:
            location.update(port=port, protocol="tcp")
        return {**location, "url": url}
    value = text(value)
    return {**web_location(value), "url": value} if value else {}


def _suffix(endpoint: dict) -> str:
    path, query, fragment = (text(endpoint.get(key)) for key in ("path", "query", "fragment"))
    return (("/" + path.lstrip("/")) if path else "") + (f"?{query}" if query else "") + \
        (f"#{fragment}" if fragment else "")


def _line(value) -> int | None:
    line = to_int(text(value))
    return line if line is not None and 0 < line < 2**31 else None  # "N/A", 0, 1e20: no line


def _vector(value, major: str) -> str:
    match = CVSS_VECTOR.search(text(value))
    return match.group(0) if match and match.group(0).startswith(f"CVSS:{major}.") else ""


def _flag(value) -> bool | None:
    if isinstance(value, bool):
        return value
    word = text(value).lower()
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


def _labelled(label: str, value) -> str:
    value = text(value)
    return f"{label}: {value}" if value else ""


def _references(value) -> list[str]:
    """References as a list: each URL in a line, or the line itself when it has none."""
    found = []
    for entry in as_list(value):
        for line in text(entry).splitlines():
            found.extend(urls_in(line) or ([line.strip()] if line.strip() else []))
    return found
