"""Read-side helpers shared by the pages, the API and the system panel: filters and counts."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Case, Count, IntegerField, Q, Value, When

from .models import SEVERITY_RANK, FindingStatus, Severity


@dataclass
class FindingFilters:
    severity: str = ""
    status: str = ""
    system: int | None = None
    cve: str = ""
    tool: str = ""
    query: str = ""
    overdue: bool = False
    scan_import: int | None = None

    @classmethod
    def from_query(cls, params) -> FindingFilters:
        def number(name):
            value = (params.get(name) or "").strip()
            return int(value) if value.isdigit() else None

        severity = params.get("severity", "")
        status = params.get("status", "open")  # the work list: open findings unless asked otherwise
        return cls(severity=severity if severity in Severity.values else "",
                   status=status if status in FindingStatus.values else "",
                   system=number("system"), cve=(params.get("cve") or "").strip().upper()[:30],
                   tool=(params.get("tool") or "").strip()[:40], query=(params.get("q") or "").strip()[:200],
                   overdue=params.get("overdue") in ("1", "true", "on"), scan_import=number("import"))

    def apply(self, findings, today):
        if self.severity:
            findings = findings.filter(severity=self.severity)
        if self.status:
            findings = findings.filter(status=self.status)
        if self.system:
            findings = findings.filter(system_id=self.system)
        if self.cve:
            findings = findings.filter(vulnerability__cve_text__icontains=self.cve)
        if self.tool:
            findings = findings.filter(tool=self.tool)
        if self.query:
            findings = findings.filter(Q(vulnerability__title__icontains=self.query) | Q(host__icontains=self.query)
                                       | Q(component__icontains=self.query) | Q(url__icontains=self.query))
        if self.overdue:
            findings = findings.overdue(today)
        if self.scan_import:
            findings = findings.filter(Q(first_seen_import_id=self.scan_import) | Q(last_seen_import_id=self.scan_import))
        return findings

    def query_string(self) -> str:
        pairs = {"severity": self.severity, "status": self.status or "all", "system": self.system or "", "cve": self.cve,
                 "tool": self.tool, "q": self.query, "overdue": "1" if self.overdue else "",
                 "import": self.scan_import or ""}
        return urlencode({key: value for key, value in pairs.items() if value})


def by_severity(findings):
    """Most severe first, then the earliest deadline."""
    rank = Case(*[When(severity=value, then=Value(rank)) for value, rank in SEVERITY_RANK.items()],
                output_field=IntegerField())
    return findings.annotate(severity_rank=rank).order_by("-severity_rank", "due_on", "system_id", "host", "port", "pk")


def summary(findings, today) -> dict:
    """Open findings by severity, overdue ones, and the other statuses — one query."""
    aggregates = {f"open_{value}": Count("pk", filter=Q(status=FindingStatus.OPEN, severity=value))
                  for value in Severity.values}
    aggregates.update({status: Count("pk", filter=Q(status=status)) for status in FindingStatus.values})
    aggregates["overdue"] = Count("pk", filter=Q(status=FindingStatus.OPEN, due_on__lt=today))
    counts = findings.aggregate(**aggregates)
    counts["open_by_severity"] = [(value, label, counts[f"open_{value}"]) for value, label in reversed(Severity.choices)]
    return counts
