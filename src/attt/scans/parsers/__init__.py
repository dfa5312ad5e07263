"""The registry of scanner formats: the one place a format is added.

Detection reads the file's content (never its name): each registered module's ``detects(sniff)``
is asked in order and the first that says yes parses the file. Put specific formats before
general ones (SARIF before the generic JSON format).
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from .base import Finding, ParseError, ReportInfo, Sniff
from .sniffing import sniff

# Order matters only where two formats could both claim a file: specific before generic.
FORMAT_MODULES = (
    "nessus_xml", "nessus_csv", "openvas_xml", "openvas_csv", "nmap",
    "qualys_xml", "qualys_scan", "qualys_was", "qualys_vmdr", "qualys_csv",
    "zap", "burp", "acunetix_xml", "acunetix360", "nikto_xml", "nikto_json", "wazuh",
    "trivy", "grype", "anchore_engine", "anchorectl", "nuclei",
    "sarif", "semgrep", "semgrep_pro", "bandit",
    "generic_json", "generic_csv",
)


def formats() -> list:
    """The parser modules, in detection order."""
    return [import_module(f"{__name__}.{name}") for name in FORMAT_MODULES]


def by_name(name: str):
    for module in formats():
        if module.NAME == name:
            return module
    raise ParseError(f"Unknown format “{name}”. Known: {', '.join(m.NAME for m in formats())}.")


def detect(path: Path, name: str = ""):
    """The parser module for this file and what the sniff saw; ParseError if none claims it."""
    seen = sniff(Path(path))
    if name:
        return by_name(name), seen
    for module in formats():
        if module.detects(seen):
            return module, seen
    raise ParseError(_unrecognised(seen))


def parse(path: Path, name: str = ""):
    """(module, ReportInfo, iterator of cleaned Findings) for a file."""
    module, seen = detect(path, name)
    report = ReportInfo()
    return module, report, _cleaned(module.parse(Path(path), report, seen))


def _cleaned(findings):
    for finding in findings:
        yield finding.clean()


def _unrecognised(seen: Sniff) -> str:
    what = {"xml": f"XML with root element <{seen.xml_root}>", "json": "JSON", "jsonl": "JSON Lines",
            "csv": "CSV", "text": "text"}[seen.kind]
    return (f"The file is {what}, but not in a scanner format ATTT knows. "
            "Run `attt scans formats` (or see the import page) for the supported formats.")


__all__ = ["Finding", "ParseError", "ReportInfo", "Sniff", "detect", "formats", "by_name", "parse"]
