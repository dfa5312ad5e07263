"""Grype JSON (``grype -o json``): one finding per entry of ``matches``.

Grype writes ``source``, ``distro`` and ``descriptor`` (tool version, timestamp) after the
matches, and real reports run to megabytes: the matches are streamed, then a second C-speed pass
reads ``descriptor`` (see ``base.first_value``).

Both the current schema (``vulnerability.cvss[]``, ``fix{versions,state}``, ``epss[]``) and the
old one (``vulnerability.cvssV2/cvssV3``, ``fixedInVersion``, ``links``, ``matchDetails`` as an
object) are read. Grype has no stable id per match, so ``unique_id`` stays empty.

Severity: Grype's word, Critical/High/Medium/Low → same; Negligible and Unknown → info.
"""

from __future__ import annotations

from .base import (
    Finding,
    ParseError,
    cves_in,
    cwes_in,
    first_value,
    json_items,
    parse_time,
    severity_from_word,
    to_float,
)
from .base import json_dict as _dict
from .base import json_list as _list
from .base import json_strings as _strings
from .base import json_text as _text
from .base import label_lines as _lines

NAME = "grype"
TOOL = "grype"
LABEL = "Grype (JSON)"


def detects(sniff) -> bool:
    if sniff.kind != "json" or sniff.json_top != "object":
        return False
    keys = sniff.json_keys
    if "matches" not in keys:
        return False
    return any(key in keys for key in ("matches.item.vulnerability", "matches.item.artifact", "descriptor.name")) \
        or ("source" in keys and "distro" in keys)


def parse(path, report, sniff):
    for match in json_items(path, "matches.item"):
        yield _finding(match)
    descriptor = _dict(first_value(path, "descriptor"))
    report.tool_version = _text(descriptor.get("version"))
    report.scanned_at = parse_time(descriptor.get("timestamp"))


def _finding(match) -> Finding:
    if not isinstance(match, dict):
        raise ParseError("This Grype report is malformed: an entry of “matches” is not a JSON object.")
    vuln, artifact = _dict(match.get("vulnerability")), _dict(match.get("artifact"))
    related = [_dict(item) for item in _list(match.get("relatedVulnerabilities"))]
    vuln_id, name, version = _text(vuln.get("id")), _text(artifact.get("name")), _text(artifact.get("version"))
    locations = [_text(_dict(location).get("path")) for location in _list(artifact.get("locations"))]
    fixed = _fixed_version(vuln)
    finding = Finding(
        title=f"{vuln_id} in {name} {version}".strip(),
        severity=severity_from_word(_text(vuln.get("severity"))) or "info",
        tool_severity=_text(vuln.get("severity")), tool_id=vuln_id,
        cves=cves_in(vuln_id, *(_text(item.get("id")) for item in related)),
        cwes=cwes_in(*(_text(item.get("cwe")) for item in _list(vuln.get("cwes")) if isinstance(item, dict))),
        component=name, version=version, fixed_version=fixed, file_path=next(filter(None, locations), ""),
        description=_text(vuln.get("description")) or next(
            (_text(item.get("description")) for item in related if _text(item.get("description"))), ""),
        solution=f"Upgrade {name} to {fixed}." if fixed else "",
        references=_references(vuln, related),
        evidence=_lines(("Package type", _text(artifact.get("type"))), ("PURL", _text(artifact.get("purl"))),
                        ("Fix state", _text(_dict(vuln.get("fix")).get("state"))),
                        ("Matched by", _matchers(match.get("matchDetails"))),
                        ("Locations", ", ".join(filter(None, locations))[:1500])),
    )
    _cvss(finding, vuln, related)
    _epss(finding, vuln, related)
    exploited = [vuln.get("knownExploited"), *(item.get("knownExploited") for item in related)]
    if any(isinstance(value, list) for value in exploited):
        finding.kev = any(isinstance(value, list) and value for value in exploited)
    return finding


def _fixed_version(vuln) -> str:
    versions = _list(_dict(vuln.get("fix")).get("versions"))
    return ", ".join(_text(v) for v in versions if _text(v)) or _text(vuln.get("fixedInVersion"))


def _cvss(finding, vuln, related):
    """First vector/score per CVSS version: the match's own entries (primary before secondary),
    then the related (usually NVD) ones; the old schema's cvssV2/cvssV3 objects as a fallback."""
    entries = [_dict(e) for e in _list(vuln.get("cvss"))]
    entries.sort(key=lambda entry: _text(entry.get("type")).lower() != "primary")
    for item in related:
        entries.extend(_dict(e) for e in _list(item.get("cvss")))
    for old, version in (("cvssV2", "2.0"), ("cvssV3", "3.0")):
        if isinstance(vuln.get(old), dict):
            entries.append({"version": version, "vector": vuln[old].get("vector"), "metrics": vuln[old]})
    for entry in entries:
        major = _text(entry.get("version"))[:1] or _major_from_vector(_text(entry.get("vector")))
        field = {"2": "cvss_v2", "3": "cvss_v3", "4": "cvss_v4"}.get(major)
        if field and not getattr(finding, f"{field}_vector") and getattr(finding, f"{field}_score") is None:
            setattr(finding, f"{field}_vector", _text(entry.get("vector")))
            setattr(finding, f"{field}_score", to_float(_dict(entry.get("metrics")).get("baseScore")))


def _major_from_vector(vector: str) -> str:
    return vector[5] if vector.startswith("CVSS:") and len(vector) > 5 else ("2" if vector else "")


def _epss(finding, vuln, related):
    """The highest EPSS among the CVEs of the match (a GHSA match carries its CVE's EPSS)."""
    scores = [_dict(e) for item in (vuln, *related) for e in _list(item.get("epss"))]
    scores = [(to_float(e.get("epss")), to_float(e.get("percentile"))) for e in scores]
    scores = [pair for pair in scores if pair[0] is not None]
    if scores:
        finding.epss_score, finding.epss_percentile = max(scores, key=lambda pair: pair[0])


def _references(vuln, related) -> list[str]:
    urls = [_text(vuln.get("dataSource")), *_strings(vuln.get("urls")), *_strings(vuln.get("links"))]
    for item in related:
        urls.extend([_text(item.get("dataSource")), *_strings(item.get("urls"))])
    return urls


def _matchers(details) -> str:
    details = details if isinstance(details, list) else [details]
    return ", ".join(dict.fromkeys(_text(_dict(d).get("matcher")) for d in details if _text(_dict(d).get("matcher"))))

