"""SARIF 2.1.0 (CodeQL, Semgrep, Flawfinder, SpotBugs, Gitleaks, dependency-check, Grype…).

Runs are streamed one at a time (a run holds its rules and its results, so rules are known before
results are read). One finding per result, except results that are not problems: ``kind`` "pass"
or "notApplicable" (a check that passed) and ``baselineState`` "absent" (gone since the baseline)
are skipped. Suppressed results (``suppressions`` with status "accepted" or no status) are kept:
the tool still found them; the evidence starts with "Suppressed in the source report" so the
auditor sees the suppression and its justification.

Severity: a ``security-severity`` property (on the result or on its rule): a CVSS-like 0–10 score
via the CVSS rating bands, or a severity word (Semgrep writes "MEDIUM") as that word; otherwise the SARIF level (result, else the rule's default
configuration, else the spec default "warning"): error → high, warning → medium, note → low,
none → info.

unique_id: the result's ``fingerprints`` (else ``partialFingerprints``), all entries sorted by key
and joined (long ones hashed), else its ``guid``. The files' ``inlineExternalProperties`` hold only
guids in practice and carry nothing a finding needs.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import unquote

from .base import (
    Finding,
    ParseError,
    cves_in,
    cwes_in,
    json_items,
    parse_time,
    severity_from_score,
    severity_from_word,
    to_float,
    to_int,
)
from .base import json_dict as _dict
from .base import json_list as _list
from .base import json_strings as _strings
from .base import json_text as _text

NAME = "sarif"
TOOL = "sarif"
LABEL = "SARIF 2.1.0 (any SAST/SCA tool)"

LEVELS = {"error": "high", "warning": "medium", "note": "low", "none": "info"}
NOT_PROBLEMS = {"pass", "notapplicable"}
SCHEMA = re.compile(r'"\$schema"\s*:\s*"[^"]*sarif', re.IGNORECASE)


def detects(sniff) -> bool:
    if sniff.kind != "json" or sniff.json_top != "object" or "runs" not in sniff.json_keys:
        return False
    # The $schema may come after a long first run (bash-report*.sarif), hence the driver test.
    return bool(SCHEMA.search(sniff.head)) or "runs.item.tool.driver" in sniff.json_keys


def parse(path, report, sniff):
    for run in json_items(path, "runs.item"):
        if not isinstance(run, dict):
            raise ParseError("This SARIF file is malformed: an entry of “runs” is not a JSON object.")
        driver = _dict(_dict(run.get("tool")).get("driver"))
        tool = " ".join(filter(None, (_text(driver.get("name")), _version(driver))))
        report.tool_version = report.tool_version or _version(driver)
        report.scanned_at = report.scanned_at or _started(run)
        context = _Run(run, driver, tool)
        for result in _list(run.get("results")):
            if not isinstance(result, dict):
                raise ParseError("This SARIF file is malformed: a result is not a JSON object.")
            if _text(result.get("kind")).lower() in NOT_PROBLEMS or result.get("baselineState") == "absent":
                continue
            yield _finding(result, context)


class _Run:
    """What results of one run refer to: rules (by index and id), artifacts, message strings."""

    def __init__(self, run, driver, tool):
        self.tool = tool
        self.rules = [_dict(rule) for rule in _list(driver.get("rules"))]
        self.by_id = {}
        for extension in _list(_dict(run.get("tool")).get("extensions")):
            self.by_id.update((_text(r.get("id")), r) for r in map(_dict, _list(_dict(extension).get("rules"))))
        self.by_id.update((_text(rule.get("id")), rule) for rule in self.rules)
        self.artifacts = [_text(_dict(_dict(a).get("location")).get("uri")) for a in _list(run.get("artifacts"))]
        self.strings = _dict(driver.get("globalMessageStrings"))

    def rule(self, result) -> dict:
        reference = _dict(result.get("rule"))
        index = to_int(result.get("ruleIndex", reference.get("index")))
        if index is not None and 0 <= index < len(self.rules):
            return self.rules[index]
        return _dict(self.by_id.get(_text(result.get("ruleId")) or _text(reference.get("id"))))


def _finding(result, run: _Run) -> Finding:
    rule = run.rule(result)
    rule_id = _text(result.get("ruleId")) or _text(_dict(result.get("rule")).get("id")) or _text(rule.get("id"))
    message = _message(_dict(result.get("message")), rule, run)
    short, full = _text(_dict(rule.get("shortDescription")).get("text")), _text(_dict(rule.get("fullDescription")).get("text"))
    result_props, rule_props = _dict(result.get("properties")), _dict(rule.get("properties"))
    path, line, snippet = _location(result, run)
    help_text = _text(_dict(rule.get("help")).get("text"))
    fixes = [_text(_dict(_dict(fix).get("description")).get("text")) for fix in _list(result.get("fixes"))]
    finding = Finding(
        title=_headline(short or _text(rule.get("name")) or message or rule_id),
        tool_id=rule_id, unique_id=_unique_id(result),
        cves=cves_in(rule_id, _text(rule.get("name")), short, message),
        cwes=_cwes(rule, rule_props, result_props),
        component=_text(result_props.get("component")), version=_text(result_props.get("componentVersion")),
        file_path=path, line=line,
        description="\n\n".join(dict.fromkeys(filter(None, (message, full)))),
        solution="\n".join(filter(None, [help_text if help_text not in (short, full) else "", *fixes])),
        references=[_text(rule.get("helpUri")), _text(result_props.get("reference")),
                    *_strings(result_props.get("reference"))],
        evidence=_evidence(result, run, snippet),
        cvss_v3_score=to_float(result_props.get("cvssv3_baseScore")),
        cvss_v2_score=to_float(result_props.get("cvssv2_score")),
    )
    _severity(finding, result, rule, result_props, rule_props)
    return finding


def _severity(finding, result, rule, result_props, rule_props):
    raw = result_props.get("security-severity", rule_props.get("security-severity"))
    score, word = to_float(raw), severity_from_word(_text(raw)) if _text(raw) else None
    if score is not None or word:  # some tools (Semgrep) write a word there instead of a score
        finding.severity = severity_from_score(score) if score is not None else word
        finding.tool_severity = f"security-severity {_text(raw)}"
        return
    level = _text(result.get("level")) or _text(_dict(rule.get("defaultConfiguration")).get("level"))
    if not level:  # SARIF §3.27.10: "warning" for a failing result, "none" for other kinds
        level = "warning" if _text(result.get("kind")) in ("", "fail") else "none"
    finding.severity, finding.tool_severity = LEVELS.get(level.lower(), "medium"), level


def _message(message, rule, run: _Run) -> str:
    """The result's text, or the rule's (or the tool's) message string with its {0} arguments."""
    text, key = _text(message.get("text")) or _text(message.get("markdown")), _text(message.get("id"))
    if text or not key:
        return text
    template = _dict(_dict(rule.get("messageStrings")).get(key) or run.strings.get(key))
    arguments = [_text(argument) for argument in _list(message.get("arguments"))]
    return re.sub(r"\{(\d+)\}", lambda m: arguments[int(m[1])] if int(m[1]) < len(arguments) else m[0],
                  _text(template.get("text")))


def _location(result, run: _Run):
    """(file path, start line, code snippet) of the first location."""
    location = _dict(next(iter(_list(result.get("locations"))), {}))
    physical = _dict(location.get("physicalLocation"))
    artifact = _dict(physical.get("artifactLocation"))
    uri = _text(artifact.get("uri"))
    index = to_int(artifact.get("index"))
    if not uri and index is not None and 0 <= index < len(run.artifacts):
        uri = run.artifacts[index]
    if uri.lower().startswith("file://"):  # a local path: file:///home/x, file:////src/x, file:///C:/x
        uri = "/" + unquote(uri[7:]).lstrip("/")
        uri = uri[1:] if re.match(r"/[A-Za-z]:[/\\]", uri) else uri
    region = _dict(physical.get("region"))
    snippet = _text(_dict(region.get("snippet")).get("text")) \
        or _text(_dict(_dict(physical.get("contextRegion")).get("snippet")).get("text"))
    return uri, to_int(region.get("startLine")), snippet


def _evidence(result, run: _Run, snippet) -> str:
    logical = [_text(_dict(item).get("fullyQualifiedName")) or _text(_dict(item).get("name"))
               for location in _list(result.get("locations"))
               for item in _list(_dict(location).get("logicalLocations"))]
    parts = [_suppression(result), f"Reported by: {run.tool}" if run.tool else "",
             f"Location: {', '.join(filter(None, logical))}" if any(logical) else "", snippet]
    return "\n".join(filter(None, parts))


def _suppression(result) -> str:
    notes = []
    for item in map(_dict, _list(result.get("suppressions"))):
        status = _text(item.get("status") or item.get("state"))
        if status.lower() in ("", "accepted", "underreview"):
            detail = ", ".join(filter(None, (_text(item.get("kind")), status, _text(item.get("justification")))))
            notes.append(f"Suppressed in the source report ({detail})" if status.lower() != "underreview"
                         else f"Suppression under review in the source report ({detail})")
    return "\n".join(notes)


def _unique_id(result) -> str:
    for key in ("fingerprints", "partialFingerprints"):
        prints = _dict(result.get(key))
        pairs = [f"{name}={_fingerprint(value)}" for name, value in sorted(prints.items()) if _fingerprint(value)]
        if pairs:
            joined = ";".join(pairs)
            return joined if len(joined) <= 200 else hashlib.sha256(joined.encode()).hexdigest()
    return _text(result.get("guid"))


def _fingerprint(value) -> str:
    # Some tools (Black Duck) nest the value: {"csvRowSha256": {"value": "…"}}.
    return _text(value.get("value")) if isinstance(value, dict) else _text(value)


def _cwes(rule, rule_props, result_props) -> list[int]:
    texts = [*_strings(rule_props.get("tags")), *_strings(rule_props.get("cwe")), _text(rule_props.get("cwe")),
             *_strings(result_props.get("cwe")), _text(result_props.get("cwe")), *_strings(result_props.get("tags"))]
    for relation in map(_dict, _list(rule.get("relationships"))):
        target = _dict(relation.get("target"))
        if _text(_dict(target.get("toolComponent")).get("name")).upper() == "CWE":
            texts.append(f"CWE-{_text(target.get('id')).upper().removeprefix('CWE-')}")
    return cwes_in(*(text for text in texts if "cwe" in text.lower()))


def _headline(text) -> str:
    """A title, not a paragraph: the first sentence of a long description."""
    text = " ".join(str(text).split())
    if len(text) > 160:
        cut = text.find(". ", 40, 160)
        text = text[:cut + 1] if cut > 0 else text[:157] + "..."
    return text


def _version(driver) -> str:
    return _text(driver.get("version")) or _text(driver.get("semanticVersion"))


def _started(run):
    for invocation in map(_dict, _list(run.get("invocations"))):
        for key in ("startTimeUtc", "endTimeUtc"):  # the end time only when the start is missing
            moment = parse_time(_text(invocation.get(key)))
            if moment is not None:
                return moment
    return None
