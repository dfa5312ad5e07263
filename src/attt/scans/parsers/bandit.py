"""Bandit JSON (``bandit -r . -f json``): ``{errors[], generated_at, metrics{_totals, <file>…},
results[]{test_id, test_name, issue_text, issue_severity, issue_confidence, issue_cwe{id, link},
filename, line_number, line_range, code, more_info}}``: one finding per result.

Detection: Bandit's ``metrics._totals`` block (or a result with ``test_id``); the results come
after the per-file metrics, often beyond what the sniff reads, so ``metrics`` is the early sign.
Semgrep's CLI JSON also has ``results`` and ``errors`` but results with ``check_id`` and no metrics.

Severity: Bandit's issue_severity, HIGH/MEDIUM/LOW → high/medium/low; UNDEFINED → info.
Bandit has no per-finding id, so ``unique_id`` stays empty.
"""

from __future__ import annotations

from .base import (
    Finding,
    ParseError,
    cwes_in,
    first_value,
    json_items,
    parse_time,
    severity_from_word,
    to_int,
)
from .base import json_dict as _dict
from .base import json_text as _text

NAME = "bandit"
TOOL = "bandit"
LABEL = "Bandit (JSON)"


def detects(sniff) -> bool:
    if sniff.kind != "json" or sniff.json_top != "object":
        return False
    keys = sniff.json_keys
    if "results.item.test_id" in keys or "results.item.issue_severity" in keys:
        return True
    return "metrics._totals" in keys and "generated_at" in keys


def parse(path, report, sniff):
    for result in json_items(path, "results.item"):
        if not isinstance(result, dict):
            raise ParseError("This Bandit report is malformed: a result is not a JSON object.")
        yield _finding(result)
    report.scanned_at = parse_time(first_value(path, "generated_at"))


def _finding(result) -> Finding:
    test_id, name, word = _text(result.get("test_id")), _text(result.get("test_name")), _text(result.get("issue_severity"))
    cwe = _dict(result.get("issue_cwe"))
    lines = [to_int(n) for n in (result.get("line_range") if isinstance(result.get("line_range"), list) else [])]
    lines = [n for n in lines if n is not None]
    return Finding(
        title=_text(result.get("issue_text")) or name.replace("_", " ") or test_id,
        severity=severity_from_word(word) or "info", tool_severity=word, tool_id=test_id,
        cwes=cwes_in(cwe.get("id") if isinstance(cwe.get("id"), int) else _text(cwe.get("id"))),
        file_path=_text(result.get("filename")), line=to_int(result.get("line_number")),
        description=_text(result.get("issue_text")),
        references=[_text(result.get("more_info")), _text(cwe.get("link"))],
        evidence="\n".join(filter(None, (
            f"Confidence: {_text(result.get('issue_confidence'))}" if result.get("issue_confidence") else "",
            f"Lines: {min(lines)}-{max(lines)}" if len(lines) > 1 else "",
            _text(result.get("code"))))),
    )
