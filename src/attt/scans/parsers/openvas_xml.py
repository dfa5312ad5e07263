"""OpenVAS / Greenbone GMP XML report: ``<report>`` (the export envelope) holding a nested
``<report>`` with ``<results><result>…</result></results>`` and a ``<host>`` summary per host.

One ``<result>`` under ``<results>`` → one Finding (Log results are informational findings).
Results nested deeper (a result's ``<detection><result>``, a delta report's results) are parts of
their parent and are not findings of their own.

Severity: the result's ``<severity>`` is a CVSS base score (Greenbone's own scale) and is mapped
with the CVSS qualitative rating (0 → info, 0.1–3.9 low, 4–6.9 medium, 7–8.9 high, 9–10
critical); a score ≤ 0 (0 = Log, negative = false positive / debug / error) or a missing one
falls back to the ``<threat>`` word (Log → info, Low, Medium, High, Critical).
"""

from __future__ import annotations

from .base import (
    Finding,
    ParseError,
    bounded,
    child_text,
    clear,
    cves_in,
    cwes_in,
    note_scan_start,
    parse_time,
    severity_from_score,
    severity_from_word,
    split_host,
    to_float,
    to_int,
    xml_events,
)

NAME = "openvas_xml"
TOOL = "openvas"
LABEL = "OpenVAS / Greenbone (GMP XML report)"

EVENT_TAGS = ("results", "result", "host", "ports", "scan_start", "version")
# Markers of a GMP report near its start (the <results> list can come after a long port list).
GMP_MARKERS = ("<results", "<scan_run_status>", "<nvt oid=", "<gmp>", "<omp>")


def detects(sniff) -> bool:
    if sniff.kind != "xml" or sniff.xml_root not in ("report", "get_reports_response"):
        return False
    return any(marker in sniff.head for marker in GMP_MARKERS)


def parse(path, report, sniff):
    saw_results = False
    names = {}  # ip → host name seen in the results, for the host summaries that lack one
    for _event, element in xml_events(path, events=("end",), tag=EVENT_TAGS):
        tag, parent = element.tag, element.getparent()
        parent_tag = parent.tag if parent is not None else ""
        if tag == "result" and parent_tag == "results":
            finding = _finding(element)
            report.saw_host(finding.host_ip, finding.host_fqdn)
            names.setdefault(finding.host_ip, finding.host_fqdn)
            yield finding
            clear(element)
        elif tag == "results":
            saw_results = True
        elif tag == "host" and parent_tag == "report":
            _read_host_summary(element, report, names)
            clear(element)
        elif tag == "ports":
            clear(element)  # per-port summary, repeated in the results
        elif tag == "scan_start" and parent_tag == "report":
            note_scan_start(report, parse_time(element.text))
        elif tag == "version" and parent_tag in ("gmp", "omp") and not report.tool_version:
            report.tool_version = f"GMP {(element.text or '').strip()}"
    if not saw_results:
        raise ParseError("This OpenVAS/Greenbone report has no <results> element, so it holds no scan results.")


def _read_host_summary(element, report, names: dict):
    """The per-host block after the results: every scanned host, including clean ones."""
    ip = child_text(element, "ip")
    fqdn = ""
    for detail in element.iter("detail"):
        if child_text(detail, "name") == "hostname":
            fqdn = child_text(detail, "value")
            break
    ip, fqdn = _ip_and_name(ip, fqdn)
    report.saw_host(ip, fqdn or names.get(ip, ""))


def _ip_and_name(address: str, hostname: str) -> tuple[str, str]:
    ip, fqdn = split_host(address)
    return ip, split_host(hostname)[1] or fqdn


def _finding(result) -> Finding:
    # One pass over each element's children (results are many; child lookups add up).
    parts = _children(result)
    nvt = parts.get("nvt")
    spec = _children(nvt) if nvt is not None else {}
    host = parts.get("host")
    address = (host.text or "").strip() if host is not None else ""
    ip, fqdn = _ip_and_name(address, child_text(host, "hostname") if host is not None else "")
    port, protocol = _port(_text(parts, "port"))
    tags = _tags(_text(spec, "tags"))
    refs = _refs(nvt)
    score = to_float(_text(parts, "severity"))
    threat = _text(parts, "threat")
    vector, vector_score = _vector(spec.get("severities"), tags)
    epss, percentile = _epss(spec.get("epss"))
    oid = (nvt.get("oid") or "") if nvt is not None else ""
    return Finding(
        title=_text(spec, "name") or _text(parts, "name"),
        severity=_severity(score, threat),
        tool_severity=f"{threat} ({score})" if threat and score is not None else threat or str(score or ""),
        tool_id=oid,
        cves=refs["cve"] + cves_in(oid if oid.upper().startswith("CVE-") else ""),  # CVE-scanner results
        cwes=cwes_in(*refs["cwe"]),
        epss_score=epss,
        epss_percentile=percentile,
        host_ip=ip,
        host_fqdn=fqdn,
        port=port,
        protocol=protocol,
        description=_description(tags, parts.get("qod")),
        solution=_text(spec, "solution") or tags.get("solution", ""),
        references=refs["url"] + refs["other"],
        evidence=bounded(_text(parts, "description")),
        **_cvss(vector, vector_score or to_float(_text(spec, "cvss_base"))),
    )


def _children(element) -> dict:
    """Direct children by tag name (the first of each name)."""
    found = {}
    for child in element:
        if isinstance(child.tag, str) and child.tag not in found:
            found[child.tag] = child
    return found


def _text(children: dict, name: str) -> str:
    child = children.get(name)
    return (child.text or "").strip() if child is not None else ""


def _child(element, name):
    for child in element:
        if child.tag == name:
            return child
    return None


def _severity(score: float | None, threat: str) -> str:
    if score is not None and score > 0:
        return severity_from_score(score)
    return severity_from_word(threat) or "info"  # "False Positive", "Debug", "Error" → info


def _port(value: str) -> tuple[int | None, str]:
    """"443/tcp" → (443, "tcp"); "general/tcp" → (None, "tcp")."""
    number, _, protocol = value.partition("/")
    port = to_int(number)
    return (port if port else None), protocol


def _tags(text: str) -> dict:
    """The NVT's ``key=value|key=value`` tags; a "|" inside a value is kept with that value."""
    tags, key = {}, None
    for part in text.split("|"):
        name, sep, value = part.partition("=")
        if sep and name.isidentifier():
            key = name
            tags[key] = value.strip()
        elif key:
            tags[key] += "|" + part
    return tags


def _refs(nvt) -> dict:
    refs = {"cve": [], "cwe": [], "url": [], "other": []}
    if nvt is None:
        return refs
    for child in nvt:
        if child.tag == "refs":
            for ref in child:
                kind, ident = (ref.get("type") or "").lower(), (ref.get("id") or "").strip()
                if ident:
                    refs[kind if kind in refs else "other"].append(ident)
        elif child.tag == "cve":  # OpenVAS 8/9: "CVE-2011-1234, CVE-2011-5678" or "NOCVE"
            refs["cve"].extend(cves_in(child.text))
        elif child.tag == "xref":  # OpenVAS 8/9: "URL:http://…, URL:http://…" or "NOXREF"
            refs["url"].extend(x.strip().removeprefix("URL:") for x in (child.text or "").split(", ")
                               if x.strip().startswith("URL:"))
    return refs


def _vector(severities, tags: dict) -> tuple[str, float | None]:
    """The CVSS vector (the GMP 20.08+ <severities>, or the tags) and the score that goes with it."""
    if severities is not None:
        for severity in severities:
            vector = child_text(severity, "value")
            if vector:
                return vector, to_float(child_text(severity, "score")) or to_float(severities.get("score"))
    return tags.get("cvss_base_vector") or tags.get("severity_vector", ""), None


def _cvss(vector: str, score: float | None) -> dict:
    if vector.startswith("CVSS:4"):
        return {"cvss_v4_vector": vector, "cvss_v4_score": score}
    if vector.startswith("CVSS:3"):
        return {"cvss_v3_vector": vector, "cvss_v3_score": score}
    return {"cvss_v2_vector": vector, "cvss_v2_score": score}  # a bare vector is CVSS v2


def _epss(epss) -> tuple[float | None, float | None]:
    """Greenbone's highest EPSS among the NVT's CVEs (``<max_epss>``), else that of the most
    severe CVE (``<max_severity>``, the only one the CSV export carries)."""
    block = None
    if epss is not None:
        block = _child(epss, "max_epss")
        block = block if block is not None else _child(epss, "max_severity")
    if block is None:
        return None, None
    return to_float(child_text(block, "score")), to_float(child_text(block, "percentile"))


def _description(tags: dict, qod) -> str:
    parts = [tags.get("summary", "")]
    for key, label in (("insight", "Insight"), ("affected", "Affected"), ("impact", "Impact"),
                       ("vuldetect", "Detection")):
        if tags.get(key):
            parts.append(f"{label}: {tags[key]}")
    if qod is not None and child_text(qod, "value"):
        parts.append(f"Quality of detection (QoD): {child_text(qod, 'value')}%")
    return "\n\n".join(part for part in parts if part)
