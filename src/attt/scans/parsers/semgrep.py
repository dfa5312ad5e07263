"""Semgrep CLI JSON (``semgrep --json``) and the Semgrep Supply Chain deployments-API JSON.

- CLI: ``{results[]{check_id, path, start{line}, extra{message, severity, metadata, fingerprint,
  lines, is_ignored, fix}}, errors[], paths, version}``: one finding per result. Results ignored
  with ``nosemgrep`` (``is_ignored``) are kept and marked in the evidence, as for SARIF
  suppressions. ``fingerprint`` is the unique id unless it is the "requires login" placeholder.
- Supply Chain: ``{vulns[]{title, advisory{ruleId, severity, references{cveIds, cweIds, urls}},
  matchedDependency, closestSafeDependency, dependencyFileLocation, exposureType, triage},
  hasMore, cursor}``: one finding per vulnerable dependency. Its ``groupKey`` groups findings
  (repository, rule, reachability), so it is not used as a per-finding id.

Severity: CLI ERROR → high, WARNING → medium, INFO → low (Semgrep's own equivalence); the newer
CRITICAL/HIGH/MEDIUM/LOW words and the Supply Chain advisory severity map to the same word;
anything else (INVENTORY, EXPERIMENT) → info.
"""

from __future__ import annotations

from .base import Finding, ParseError, cves_in, cwes_in, first_value, json_items, to_int
from .base import json_dict as _dict
from .base import json_text as _text
from .base import label_lines as _lines

NAME = "semgrep"
TOOL = "semgrep"
LABEL = "Semgrep (CLI JSON, Supply Chain JSON)"

SEVERITIES = {"error": "high", "warning": "medium", "info": "low",
              "critical": "critical", "high": "high", "medium": "medium", "low": "low"}
NOT_GIVEN = "requires login"  # what Semgrep writes instead of fingerprint/lines when logged out


def detects(sniff) -> bool:
    if sniff.kind != "json" or sniff.json_top != "object":
        return False
    keys = sniff.json_keys
    if "vulns" in keys:
        return "vulns.item.advisory" in keys or "vulns.item.groupKey" in keys or "hasMore" in keys
    if "results" not in keys or "errors" not in keys or {"metrics", "generated_at"} & keys:
        return False  # Bandit also has results + errors, with metrics and generated_at
    results = {key for key in keys if key.startswith("results.item.")}
    return "results.item.check_id" in results or not results


def parse(path, report, sniff):
    if "vulns" in sniff.json_keys:
        for vuln in json_items(path, "vulns.item"):
            yield _supply_chain(_object(vuln))
        return
    for result in json_items(path, "results.item"):
        yield _code(_object(result))
    report.tool_version = _text(first_value(path, "version"))  # before or after the results


def _code(result) -> Finding:
    extra = _dict(result.get("extra"))
    meta = _dict(extra.get("metadata"))
    check_id, word = _text(result.get("check_id")), _text(extra.get("severity"))
    fingerprint, lines = _text(extra.get("fingerprint")), _text(extra.get("lines"))
    fix = _text(extra.get("fix"))
    return Finding(
        title=rule_title(check_id), severity=SEVERITIES.get(word.lower(), "info"), tool_severity=word,
        tool_id=check_id, unique_id="" if fingerprint == NOT_GIVEN else fingerprint,
        cwes=cwes_in(*text_list(meta.get("cwe"))), cves=cves_in(*text_list(meta.get("cve"))),
        file_path=_text(result.get("path")), line=to_int(_dict(result.get("start")).get("line")),
        description=_text(extra.get("message")),
        solution=f"Suggested fix: {fix}" if fix else "",
        references=[*text_list(meta.get("references")), _text(meta.get("source")), _text(meta.get("shortlink"))],
        evidence=_lines(("Ignored in source", "yes (nosemgrep)" if extra.get("is_ignored") is True else ""),
                        ("Confidence", _text(meta.get("confidence"))), ("Likelihood", _text(meta.get("likelihood"))),
                        ("Impact", _text(meta.get("impact"))), ("OWASP", ", ".join(text_list(meta.get("owasp")))),
                        ("Code", "" if lines == NOT_GIVEN else lines)),
    )


def _supply_chain(vuln) -> Finding:
    advisory = _dict(vuln.get("advisory"))
    references = _dict(advisory.get("references"))
    matched, safe = _dict(vuln.get("matchedDependency")), _dict(vuln.get("closestSafeDependency"))
    location = _dict(vuln.get("dependencyFileLocation"))
    name, fixed, word = _text(matched.get("name")), _text(safe.get("versionSpecifier")), _text(advisory.get("severity"))
    return Finding(
        title=_text(vuln.get("title")) or _text(advisory.get("title")),
        severity=SEVERITIES.get(word.lower(), "info"), tool_severity=word, tool_id=_text(advisory.get("ruleId")),
        cves=cves_in(*text_list(references.get("cveIds"))), cwes=cwes_in(*text_list(references.get("cweIds"))),
        component=name, version=_text(matched.get("versionSpecifier")), fixed_version=fixed,
        file_path=_text(location.get("path")), line=to_int(location.get("startLine")) or None,
        url=_text(location.get("url")), description=_text(advisory.get("description")),
        solution=f"Upgrade {name} to {fixed}." if fixed else "", references=text_list(references.get("urls")),
        evidence=_lines(("Repository", _text(vuln.get("repositoryName"))),
                        ("Exposure", _text(vuln.get("exposureType"))),
                        ("Reachability", _text(advisory.get("reachability"))),
                        ("Transitivity", _text(vuln.get("transitivity"))),
                        ("Triage", _text(_dict(vuln.get("triage")).get("status")))),
    )


# --- shared with semgrep_pro ---------------------------------------------------------------------

def rule_title(check_id: str) -> str:
    """``python.lang.security.audit.eval-detected.eval-detected`` → "Eval detected"."""
    words = check_id.rsplit(".", 1)[-1].replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else check_id


def text_list(value) -> list[str]:
    """A string or a list of strings (Semgrep metadata allows both) as a list."""
    values = value if isinstance(value, list) else [value]
    return [_text(item) for item in values if _text(item)]


# --- small helpers -----------------------------------------------------------------------------

def _object(value) -> dict:
    if not isinstance(value, dict):
        raise ParseError("This Semgrep report is malformed: a result is not a JSON object.")
    return value
