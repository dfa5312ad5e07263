"""Wazuh vulnerability detector JSON, both shapes:

* API v4.7 (``GET /vulnerability/{agent}``): data.affected_items[] with cve, name (package),
  version, condition, severity, cvss2_score, cvss3_score, title, published, external_references,
  and agent_ip / agent_name when exported for several agents;
* indexer v4.8+ (wazuh-states-vulnerabilities-* search result): hits.hits[]._source with
  vulnerability.{id, severity, score.base, reference, description}, package.{name, version},
  agent.{id, name}, host.os.

One item / hit → one Finding. Severity: Wazuh's word (Critical/High/Medium/Low) → ours; for
"Untriaged", "-", empty or unknown words the CVSS score decides (v3 first, CVSS v3 qualitative
scale via severity_from_score), and with no score the finding is info.
"""

from __future__ import annotations

from . import base

NAME = "wazuh"
TOOL = "wazuh"
LABEL = "Wazuh vulnerabilities (API v4.7 / indexer v4.8+ JSON)"

API_ITEMS = "data.affected_items"
HITS = "hits.hits"


def detects(sniff: base.Sniff) -> bool:
    if sniff.kind != "json" or sniff.json_top != "object":
        return False
    if API_ITEMS in sniff.json_keys:
        return (any(key.startswith(f"{API_ITEMS}.item.") and key.endswith((".cve", ".condition"))
                    for key in sniff.json_keys)
                or sniff.has_keys("data.total_affected_items") and "vulnerabilit" in sniff.head.lower())
    if HITS in sniff.json_keys:
        return (sniff.has_keys("hits.hits.item._source.vulnerability", "hits.hits.item._source.package")
                or "wazuh-states-vulnerabilities" in sniff.head)
    return False


def parse(path, report: base.ReportInfo, sniff: base.Sniff):
    if API_ITEMS in sniff.json_keys:
        for item in base.json_items(path, f"{API_ITEMS}.item"):
            yield _api_finding(_object(item, "data.affected_items"), report)
    elif HITS in sniff.json_keys:
        for hit in base.json_items(path, f"{HITS}.item"):
            yield _indexer_finding(_object(hit, "hits.hits"), report)
    else:
        raise base.ParseError("This Wazuh report has neither a data.affected_items list (API) "
                              "nor a hits.hits list (indexer).")


def _object(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise base.ParseError(f"An entry of the Wazuh {where} list is not a JSON object.")
    return value


def _text(value) -> str:
    """A scalar as text; lists, objects and null are no text."""
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def _get(data, *path):
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _severity(word: str, *scores) -> str:
    mapped = base.severity_from_word(word)
    if mapped and word.strip():  # "" maps to info, but an empty word says nothing: use the score
        return mapped
    for score in scores:
        if score is not None and score > 0:
            return base.severity_from_score(score)
    return "info"


def _score(value) -> float | None:
    score = base.to_float(_text(value))
    return score if score is not None and score > 0 else None


def _references(value) -> list[str]:
    if isinstance(value, list):
        return [_text(item) for item in value if _text(item)]
    return [ref.strip() for ref in _text(value).split(",") if ref.strip()]


def _api_finding(item: dict, report) -> base.Finding:
    cve, package, version = _text(item.get("cve")), _text(item.get("name")), _text(item.get("version"))
    cvss2, cvss3 = _score(item.get("cvss2_score")), _score(item.get("cvss3_score"))
    word = _text(item.get("severity"))
    ip, agent = _text(item.get("agent_ip")), _text(item.get("agent_name"))
    report.saw_host(ip, agent)
    return base.Finding(
        title=_text(item.get("title")) or f"{cve} affects {package}",
        severity=_severity(word, cvss3, cvss2),
        tool_severity=word,
        tool_id=cve,
        cvss_v2_score=cvss2, cvss_v3_score=cvss3,
        cves=[cve],
        host_ip=ip, host_fqdn=agent,
        component=package, version=version, fixed_version=_fixed(_text(item.get("condition"))),
        description="\n".join(filter(None, [
            _text(item.get("condition")) and f"Condition: {_text(item.get('condition'))}",
            _text(item.get("published")) and f"Published: {_text(item.get('published'))}",
            _text(item.get("architecture")) and f"Architecture: {_text(item.get('architecture'))}"])),
        references=_references(item.get("external_references")),
    )


def _fixed(condition: str) -> str:
    """'Package less than 4.3.2' → '4.3.2' (the first fixed version); other conditions → ''."""
    prefix = "package less than "
    return condition[len(prefix):].strip() if condition.lower().startswith(prefix) else ""


def _indexer_finding(hit: dict, report) -> base.Finding:
    source = _get(hit, "_source")
    source = source if isinstance(source, dict) else {}
    vulnerability = _get(source, "vulnerability")
    vulnerability = vulnerability if isinstance(vulnerability, dict) else {}
    cve = _text(vulnerability.get("id"))
    package, version = _text(_get(source, "package", "name")), _text(_get(source, "package", "version"))
    score = _score(_get(vulnerability, "score", "base"))
    score_version = _text(_get(vulnerability, "score", "version"))
    word = _text(vulnerability.get("severity"))
    agent, ip = _text(_get(source, "agent", "name")), _text(_get(source, "agent", "ip")) or _host_ip(source)
    report.saw_host(ip, agent)
    version_field = {"2": "cvss_v2_score", "4": "cvss_v4_score"}.get(score_version[:1], "cvss_v3_score")
    return base.Finding(
        title=f"{cve} affects {package}" if package else cve or "(Wazuh vulnerability)",
        severity=_severity(word, score),
        tool_severity=word,
        tool_id=cve,
        unique_id=_text(hit.get("_id")),
        **{version_field: score},
        cves=[cve],
        host_ip=ip, host_fqdn=agent,
        component=package, version=version,
        description="\n\n".join(filter(None, [
            _text(vulnerability.get("description")),
            _text(_get(vulnerability, "scanner", "condition")) and
            f"Condition: {_text(_get(vulnerability, 'scanner', 'condition'))}",
            _text(_get(source, "host", "os", "full")) and f"Operating system: {_text(_get(source, 'host', 'os', 'full'))}",
        ])),
        references=_references(vulnerability.get("reference"))
        + _references(_get(vulnerability, "scanner", "reference")),
    )


def _host_ip(source: dict) -> str:
    ips = _get(source, "host", "ip")
    return _text(ips[0]) if isinstance(ips, list) and ips else _text(ips)
