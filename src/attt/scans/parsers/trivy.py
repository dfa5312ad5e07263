"""Trivy JSON: legacy (a list of results, or the literal ``null``), schema 2, and Kubernetes reports.

Shapes handled (decided from the sniffed keys, never from the file name):

- legacy: ``[{Target, Type, Vulnerabilities[]}]``; ``null`` is a legacy report with nothing found;
- schema 2: ``{SchemaVersion, CreatedAt, Trivy{Version}, ArtifactName, Results[]}``;
- Kubernetes: ``{ClusterName, Resources[]{Namespace, Kind, Name, Results[]}}`` and the older
  ``{ClusterName, Vulnerabilities[]|Misconfigurations[] {Namespace, Kind, Name, Results[]}}``.

Each result may hold Vulnerabilities, Misconfigurations, Secrets and Licenses: one finding per
record. Misconfigurations with Status PASS (only present with ``--include-non-failures``) are
passed checks, not findings, and are skipped. A vulnerability's Status (affected, fixed,
will_not_fix, not_affected…) does not filter it: it is kept in the evidence for the auditor.
Secrets: the matched line is stored masked (see ``mask_secret``), never in clear.

Severity: Trivy's own word, CRITICAL/HIGH/MEDIUM/LOW → same; UNKNOWN or missing → info.
"""

from __future__ import annotations

from .base import (
    Finding,
    ParseError,
    cves_in,
    cwes_in,
    json_events,
    json_items,
    parse_time,
    severity_from_word,
    to_float,
    to_int,
)
from .base import json_dict as _dict
from .base import json_list as _list
from .base import json_strings as _strings
from .base import json_text as _text
from .base import label_lines as _lines

NAME = "trivy"
TOOL = "trivy"
LABEL = "Trivy (JSON: image, filesystem, SBOM, Kubernetes)"

KUBERNETES_LISTS = ("Resources", "Vulnerabilities", "Misconfigurations")
CVSS_VENDORS = ("nvd", "ghsa", "redhat")  # after the SeveritySource vendor, in this order


def detects(sniff) -> bool:
    if sniff.kind != "json":
        return False
    if sniff.json_top == "null":
        return True  # legacy Trivy writes `null` when nothing was found
    keys = sniff.json_keys
    if sniff.json_top == "array":
        return "item.Target" in keys and ("item.Vulnerabilities" in keys or "item.Type" in keys)
    if "SchemaVersion" in keys and ("Results" in keys or "ArtifactName" in keys):
        return True
    return "ClusterName" in keys and any(key in keys for key in KUBERNETES_LISTS)


def parse(path, report, sniff):
    if sniff.json_top == "null":
        return
    if sniff.json_top == "array":
        for result in json_items(path, "item"):
            yield from _result(result, None)
        return
    _read_header(path, report)
    if "ClusterName" not in sniff.json_keys:
        for result in json_items(path, "Results.item"):
            yield from _result(result, None)
        return
    lists = [key for key in KUBERNETES_LISTS if key in sniff.json_keys] or list(KUBERNETES_LISTS)
    for key in lists:
        for resource in json_items(path, f"{key}.item"):
            resource = _object(resource, "Kubernetes resource")
            workload = "/".join(_text(resource.get(k)) for k in ("Namespace", "Kind", "Name"))
            for result in _list(resource.get("Results")):
                yield from _result(result, workload)


def _read_header(path, report):
    """CreatedAt and Trivy.Version come before the big lists; stop reading at the first list."""
    stop = {"Results", *KUBERNETES_LISTS}
    for prefix, event, value in json_events(path):
        if event == "map_key" and prefix == "" and value in stop:
            break
        if event == "string" and prefix == "CreatedAt":
            report.scanned_at = parse_time(value)
        elif event == "string" and prefix == "Trivy.Version":
            report.tool_version = value


def _result(result, workload):
    result = _object(result, "Trivy result")
    target, kind = _text(result.get("Target")), _text(result.get("Class"))
    for item in _list(result.get("Vulnerabilities")):
        yield _vulnerability(_object(item, "vulnerability"), target, kind, workload)
    for item in _list(result.get("Misconfigurations")):
        item = _object(item, "misconfiguration")
        if _text(item.get("Status")).upper() != "PASS":
            yield _misconfiguration(item, target, workload)
    for item in _list(result.get("Secrets")):
        yield _secret(_object(item, "secret"), target, workload)
    for item in _list(result.get("Licenses")):
        yield _license(_object(item, "license"), target, workload)


def _vulnerability(item, target, kind, workload) -> Finding:
    vuln_id, package = _text(item.get("VulnerabilityID")), _text(item.get("PkgName"))
    version, fixed, title = _text(item.get("InstalledVersion")), _text(item.get("FixedVersion")), _text(item.get("Title"))
    if vuln_id and title:
        heading = f"{vuln_id}: {title}"
    else:
        heading = f"{vuln_id or 'Vulnerability'} in {package} {version}".strip()
    finding = Finding(
        title=heading, severity=_severity(item), tool_severity=_text(item.get("Severity")), tool_id=vuln_id,
        cves=cves_in(vuln_id, *_strings(item.get("VendorIDs"))), cwes=cwes_in(*_strings(item.get("CweIDs"))),
        component=_component(package, workload), version=version, fixed_version=fixed,
        file_path=_text(item.get("PkgPath")) or (target if kind == "lang-pkgs" else ""),
        description=_text(item.get("Description")),
        solution=f"Upgrade {package} to {fixed}." if fixed else "",
        references=[_text(item.get("PrimaryURL")), *_strings(item.get("References"))],
        evidence=_lines(("Target", target), ("Package", _text(item.get("PkgID")) or package),
                        ("Status", _text(item.get("Status"))), ("Severity source", _text(item.get("SeveritySource")))),
    )
    _cvss(finding, _dict(item.get("CVSS")), _text(item.get("SeveritySource")))
    return finding


def _cvss(finding, cvss, source):
    """Per CVSS version, the vector/score of the vendor Trivy rated with, else NVD, GHSA, Red Hat, any."""
    vendors = [source, *CVSS_VENDORS, *sorted(k for k in cvss if isinstance(k, str))]
    for field, vector_key, score_key in (("cvss_v2", "V2Vector", "V2Score"), ("cvss_v3", "V3Vector", "V3Score"),
                                         ("cvss_v4", "V40Vector", "V40Score")):
        for vendor in vendors:
            scores = _dict(cvss.get(vendor))
            if scores.get(vector_key) or scores.get(score_key) is not None:
                setattr(finding, f"{field}_vector", _text(scores.get(vector_key)))
                setattr(finding, f"{field}_score", to_float(scores.get(score_key)))
                break


def _misconfiguration(item, target, workload) -> Finding:
    cause = _dict(item.get("CauseMetadata"))
    code = [_dict(line) for line in _list(_dict(cause.get("Code")).get("Lines"))]
    snippet = "\n".join(f"{_text(line.get('Number'))}: {_text(line.get('Content'))}" for line in code[:30])
    check_id = _text(item.get("ID")) or _text(item.get("AVDID"))
    return Finding(
        title=_text(item.get("Title")) or check_id, severity=_severity(item), tool_severity=_text(item.get("Severity")),
        tool_id=check_id, component=workload or _text(cause.get("Resource")), file_path=target,
        line=to_int(cause.get("StartLine")), description=_text(item.get("Description")),
        solution=_text(item.get("Resolution")),
        references=[_text(item.get("PrimaryURL")), *_strings(item.get("References"))],
        evidence=_lines(("Message", _text(item.get("Message"))), ("Type", _text(item.get("Type"))),
                        ("Code", snippet)),
    )


def _secret(item, target, workload) -> Finding:
    rule, title = _text(item.get("RuleID")), _text(item.get("Title"))
    return Finding(
        title=title or rule, severity=_severity(item), tool_severity=_text(item.get("Severity")), tool_id=rule,
        component=workload or "", file_path=target, line=to_int(item.get("StartLine")),
        description=f"{_text(item.get('Category'))} secret ({title or rule}) found in {target}.",
        evidence=_lines(("Match", mask_secret(_text(item.get("Match"))))),
    )


def mask_secret(match: str) -> str:
    """Never store a secret in clear: keep what precedes the value (``KEY=``) and the value's first
    4 characters (fewer for a short value), and replace the rest with a fixed run of asterisks."""
    cut = max(match.find("="), match.find(":"))
    head, value = (match[:cut + 1], match[cut + 1:].strip()) if cut >= 0 else ("", match.strip())
    shown = min(4, len(value) // 2)
    return (head + value[:shown] + ("*" * 8 if value else ""))[:500]


def _license(item, target, workload) -> Finding:
    name, package = _text(item.get("Name")), _text(item.get("PkgName"))
    where, category = package or _text(item.get("FilePath")) or target, _text(item.get("Category"))
    return Finding(
        title=f"License {name} ({category}) in {where}", severity=_severity(item),
        tool_severity=_text(item.get("Severity")), tool_id=name, component=_component(package, workload),
        file_path=_text(item.get("FilePath")), references=[_text(item.get("Link"))],
        description=f"{where} is distributed under {name}, a licence Trivy classifies as {category}.",
        evidence=_lines(("Target", target), ("Confidence", _text(item.get("Confidence")))),
    )


# --- small helpers -----------------------------------------------------------------------------

def _severity(item) -> str:
    return severity_from_word(item.get("Severity") if isinstance(item.get("Severity"), str) else "") or "info"


def _component(package, workload) -> str:
    # Kubernetes: the workload makes the same package in two deployments two different findings.
    if workload:
        return f"{package} ({workload})" if package else workload
    return package


def _object(value, what) -> dict:
    if not isinstance(value, dict):
        raise ParseError(f"This Trivy report is malformed: a {what} is not a JSON object.")
    return value
