"""Semgrep AppSec Platform (Semgrep Pro) findings JSON, from the ``/deployments/{slug}/findings`` API.

``{findings[]{id, match_based_id, repository{name, url}, rule_name, rule_message, severity,
confidence, location{file_path, line}, rule{cwe_names, owasp_names}, state, triage_state,
line_of_code_url, assistant{guidance}}}``: one finding per entry.

Detection needs a Semgrep-specific key in the first finding (``rule_name``, ``match_based_id``,
``repository``): ATTT's generic format also has a top-level ``findings`` list, so an empty
``{"findings": []}`` is left to the generic parser (it yields 0 findings either way).

unique_id: ``match_based_id``, Semgrep's id of a match that survives line moves (else ``id``).
Severity: the platform's word, critical/high/medium/low → same; info or anything else → info.
"""

from __future__ import annotations

from .base import Finding, ParseError, cwes_in, json_items, severity_from_word, to_int

NAME = "semgrep_pro"
TOOL = "semgrep"
LABEL = "Semgrep AppSec Platform / Pro (findings JSON)"

MARKERS = ("findings.item.rule_name", "findings.item.match_based_id", "findings.item.repository",
           "findings.item.rule_message")


def detects(sniff) -> bool:
    if sniff.kind != "json" or sniff.json_top != "object" or "findings" not in sniff.json_keys:
        return False
    return sum(key in sniff.json_keys for key in MARKERS) >= 2


def parse(path, report, sniff):
    for item in json_items(path, "findings.item"):
        if not isinstance(item, dict):
            raise ParseError("This Semgrep findings file is malformed: a finding is not a JSON object.")
        yield _finding(item)


def _finding(item) -> Finding:
    rule, location = _dict(item.get("rule")), _dict(item.get("location"))
    repository = _dict(item.get("repository"))
    rule_name, word = _text(item.get("rule_name")), _text(item.get("severity"))
    guidance = _dict(_dict(item.get("assistant")).get("guidance"))
    return Finding(
        title=_rule_title(rule_name), severity=severity_from_word(word) or "info",
        tool_severity=word, tool_id=rule_name,
        unique_id=_text(item.get("match_based_id")) or _text(item.get("id")),
        cwes=cwes_in(*_texts(rule.get("cwe_names"))),
        component=_text(repository.get("name")), url=_text(item.get("line_of_code_url")),
        file_path=_text(location.get("file_path")), line=to_int(location.get("line")),
        description=_text(item.get("rule_message")) or _text(rule.get("message")),
        solution=_text(guidance.get("summary")),
        references=[_text(repository.get("url"))],
        evidence=_lines(("Repository", _text(repository.get("name"))), ("Ref", _text(item.get("ref"))),
                        ("State", _text(item.get("state"))), ("Triage", _text(item.get("triage_state"))),
                        ("Confidence", _text(item.get("confidence"))),
                        ("OWASP", ", ".join(_texts(rule.get("owasp_names"))))),
    )


def _rule_title(rule_name: str) -> str:
    """``typescript.react.security.audit.react-no-refs.react-no-refs`` → "React no refs"."""
    words = rule_name.rsplit(".", 1)[-1].replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else rule_name


def _lines(*pairs) -> str:
    return "\n".join(f"{label}: {value}" for label, value in pairs if value)


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _text(value) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).replace("\x00", "").strip()


def _texts(value) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [_text(item) for item in values if _text(item)]
