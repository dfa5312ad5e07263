"""Anchore Engine vulnerability JSON (``anchore-cli --json image vuln <image> all``).

Three shapes, one finding per vulnerability record:

- ``{imageDigest, vulnerability_type, vulnerabilities[]}`` (records with ``package_name``, ``nvd_data``);
- 2.4.1 and later: ``{image_digest, base_digest, vulnerabilities[]}`` whose records add ``extra``
  (description and NVD vectors);
- the newer export ``{metadata{imageDigest, timestamp}, securityEvaluation[]}`` whose records are
  ``{vulnerabilityId, cves, severity, package ("name-version"), packageType, path, fixAvailable,
  link, nvdCvssBaseScore}``. That score has no version or vector; it is stored as CVSS v3 (NVD's
  current base score).

``vulnerability_finding`` also serves anchorectl (same records, camelCase keys).

Severity: Anchore's word, Critical/High/Medium/Low → same; Negligible and Unknown → info.
"""

from __future__ import annotations

import re

from .base import (
    Finding,
    ParseError,
    cves_in,
    json_events,
    json_items,
    json_text,
    parse_time,
    severity_from_word,
    to_float,
)
from .base import json_dict as _dict
from .base import json_list as _list
from .base import json_strings as _strings
from .base import label_lines as _lines

NAME = "anchore_engine"
TOOL = "anchore"
LABEL = "Anchore Engine (JSON)"

SNAKE = {"package_name": "package_name", "package_version": "package_version", "package_type": "package_type",
         "package_path": "package_path", "feed_group": "feed_group", "nvd_data": "nvd_data",
         "vendor_data": "vendor_data", "cvss_v2": "cvss_v2", "cvss_v3": "cvss_v3", "base_score": "base_score"}
NONE_WORDS = {"", "none", "null", "n/a", "pkgdb"}  # Anchore writes "None"; "pkgdb" is the OS package database


def detects(sniff) -> bool:
    if sniff.kind != "json" or sniff.json_top != "object":
        return False
    keys = sniff.json_keys
    if "securityEvaluation" in keys:
        return "metadata" in keys or "securityEvaluation.item.vulnerabilityId" in keys
    if "vulnerabilities" not in keys:
        return False
    return bool({"imageDigest", "image_digest", "vulnerability_type"} & keys) \
        or "vulnerabilities.item.package_name" in keys


def parse(path, report, sniff):
    if "securityEvaluation" in sniff.json_keys:
        _read_metadata(path, report)
        for record in json_items(path, "securityEvaluation.item"):
            yield _evaluation_finding(record)
        return
    for record in json_items(path, "vulnerabilities.item"):
        yield vulnerability_finding(record, SNAKE, "Anchore Engine")


def vulnerability_finding(record, names: dict, tool: str) -> Finding:
    """One Anchore vulnerability record; ``names`` maps the snake_case key names to this dialect's."""
    if not isinstance(record, dict):
        raise ParseError(f"This {tool} report is malformed: a vulnerability is not a JSON object.")
    vuln, package = _text(record.get("vuln")), _value(record.get(names["package_name"]))
    version, fixed = _value(record.get(names["package_version"])), _value(record.get("fix"))
    extra = _dict(record.get("extra"))
    feed, group = _text(record.get("feed")), _text(record.get(names["feed_group"]))
    nvd = [_dict(item) for item in _list(record.get(names["nvd_data"]))]
    vendor = [_dict(item) for item in _list(record.get(names["vendor_data"]))]
    finding = Finding(
        title=f"{vuln} in {package or _text(record.get('package'))} {version}".strip(),
        severity=severity_from_word(_text(record.get("severity"))) or "info",
        tool_severity=_text(record.get("severity")), tool_id=vuln,
        cves=cves_in(vuln, *(_text(item.get("id")) for item in nvd)),
        component=package or _text(record.get("package")), version=version, fixed_version=fixed,
        file_path=_value(record.get(names["package_path"])),
        description=_text(record.get("description")) or _text(extra.get("description")),
        solution=f"Upgrade {package} to {fixed}." if fixed else "",
        references=[_text(record.get("url")), _text(extra.get("link")), *_strings(extra.get("references"))],
        evidence=_lines(("Package", _text(record.get("package"))), ("Type", _text(record.get(names["package_type"]))),
                        ("Feed", f"{feed} / {group}" if feed or group else ""),
                        ("Inherited from base image", _text(record.get("inherited_from_base")))),
    )
    for entry in (*nvd, *vendor):  # NVD first, the vendor's scores only where NVD has none
        for field, key in (("cvss_v2", names["cvss_v2"]), ("cvss_v3", names["cvss_v3"])):
            score = to_float(_dict(entry.get(key)).get(names["base_score"]))
            if getattr(finding, f"{field}_score") is None and score is not None and score >= 0:
                setattr(finding, f"{field}_score", score)
    for entry in (_dict(item) for item in _list(extra.get("nvd_data"))):  # 2.4.1 carries the vectors here
        for field, key in (("cvss_v2", "cvss_v2"), ("cvss_v3", "cvss_v3")):
            if not getattr(finding, f"{field}_vector"):
                setattr(finding, f"{field}_vector", _text(_dict(entry.get(key)).get("vector_string")))
    return finding


def _evaluation_finding(record) -> Finding:
    if not isinstance(record, dict):
        raise ParseError("This Anchore report is malformed: an entry of “securityEvaluation” is not a JSON object.")
    vuln, package_type = _text(record.get("vulnerabilityId")), _text(record.get("packageType"))
    name, version = split_package(_text(record.get("package")), package_type)
    fixed = _value(record.get("fixAvailable"))
    return Finding(
        title=f"{vuln} in {name} {version}".strip(),
        severity=severity_from_word(_text(record.get("severity"))) or "info",
        tool_severity=_text(record.get("severity")), tool_id=vuln,
        cves=cves_in(vuln, _text(record.get("cves"))), cvss_v3_score=to_float(record.get("nvdCvssBaseScore")),
        component=name, version=version, fixed_version=fixed, file_path=_value(record.get("path")),
        solution=f"Upgrade {name} to {fixed}." if fixed else "", references=[_text(record.get("link"))],
        evidence=_lines(("Package", _text(record.get("package"))), ("Type", package_type),
                        ("Detected at", _text(record.get("detectedAt")))),
    )


def split_package(package: str, package_type: str) -> tuple[str, str]:
    """``"openssl-libs-1:1.1.1k-14.el8_6"`` → name and version. RPM versions carry a release
    (``version-release``), others end at the last dash; no split unless the version starts with a
    digit (a name like ``java-11-openjdk`` must stay whole)."""
    parts = package.rsplit("-", 2 if package_type.lower() == "rpm" else 1)
    if len(parts) > 1 and re.match(r"\d", parts[1]) and parts[0]:
        return parts[0], "-".join(parts[1:])
    return package, ""


def _read_metadata(path, report):
    for prefix, event, value in json_events(path):
        if event == "map_key" and prefix == "" and value == "securityEvaluation":
            break
        if prefix == "metadata.timestamp" and event == "string":
            report.scanned_at = parse_time(value)


# --- small helpers -----------------------------------------------------------------------------

def _value(value) -> str:
    """A text value, empty when Anchore writes its placeholder "None"."""
    text = _text(value)
    return "" if text.lower() in NONE_WORDS else text


def _text(value) -> str:
    """base.json_text, except that a boolean reads "True" / "False" (the inherited_from_base flag)."""
    return str(value) if isinstance(value, bool) else json_text(value)
