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
from .base import json_dict as _dict
from .base import json_text as _text
from .base import label_lines as _lines
from .semgrep import rule_title, text_list

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
        title=rule_title(rule_name), severity=severity_from_word(word) or "info",
        tool_severity=word, tool_id=rule_name,
        unique_id=_text(item.get("match_based_id")) or _text(item.get("id")),
        cwes=cwes_in(*text_list(rule.get("cwe_names"))),
        component=_text(repository.get("name")), url=_text(item.get("line_of_code_url")),
        file_path=_text(location.get("file_path")), line=to_int(location.get("line")),
        description=_text(item.get("rule_message")) or _text(rule.get("message")),
        solution=_text(guidance.get("summary")),
        references=[_text(repository.get("url"))],
        evidence=_lines(("Repository", _text(repository.get("name"))), ("Ref", _text(item.get("ref"))),
                        ("State", _text(item.get("state"))), ("Triage", _text(item.get("triage_state"))),
                        ("Confidence", _text(item.get("confidence"))),
                        ("OWASP", ", ".join(text_list(rule.get("owasp_names"))))),
    )
