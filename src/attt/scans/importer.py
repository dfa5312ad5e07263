"""Importing one report: parse (streaming) → match hosts to systems → de-duplicate → persist, atomically.

Memory stays flat: findings arrive one by one from the parser and are written in batches; what
is kept for the whole file is one 40-character fingerprint per distinct finding (to drop the
report's own duplicates), the host → system cache and one id per distinct check.

Life cycle on re-import, within one scope (same scanner family, same system, same host; code and
container findings have the empty host): a fingerprint never seen is *new*; one seen and open,
accepted or false positive is *unchanged*; one seen and fixed is *reopened*; an open one absent
from this import is *closed* (fixed, with the import that closed it).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from datetime import datetime
from itertools import islice

from django.db import connection, transaction
from django.utils import timezone

from attt.obligations import evidence

from . import parsers
from .deadlines import DeadlinePolicy
from .matching import HostMatcher
from .models import (
    Finding,
    FindingStatus,
    ImportedSystem,
    ScanImport,
    UnmatchedHost,
    Vulnerability,
)
from .parsers import ParseError

BATCH = 2000
PER_SYSTEM_COUNTS = ("findings", "new", "unchanged", "reopened", "closed")
NEW_FINDING_COLUMNS = (
    "system", "vulnerability", "tool", "fingerprint", "severity", "host", "host_ip", "host_fqdn", "port", "protocol",
    "url", "component", "version", "fixed_version", "file_path", "line", "evidence", "status", "status_note",
    "first_seen_import", "last_seen_import", "first_seen_on", "last_seen_on", "reopened_count", "due_on")
SEP = "\x1f"


def fingerprint(system_id: int, tool: str, host: str, finding) -> str:
    """Identity of a finding within a system and endpoint; the tool's own id when it is stable."""
    if finding.unique_id:
        what = ("uid", finding.unique_id)
    else:
        what = ("f", finding.tool_id, finding.title, finding.component, finding.file_path, str(finding.line or ""),
                finding.url)
    parts = (str(system_id), tool, host, str(finding.port or ""), finding.protocol, *what)
    return hashlib.sha1(SEP.join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def vulnerability_digest(tool: str, f) -> str:
    parts = (tool, f.tool_id, f.title, f.severity, f.tool_severity, f.cvss_v2_vector, str(f.cvss_v2_score),
             f.cvss_v3_vector, str(f.cvss_v3_score), f.cvss_v4_vector, str(f.cvss_v4_score), " ".join(f.cves),
             " ".join(map(str, f.cwes)), str(f.epss_score), str(f.epss_percentile), str(f.kev), f.description,
             f.solution, "\n".join(f.references))
    return hashlib.sha1(SEP.join(parts).encode("utf-8", "surrogatepass")).hexdigest()


class Importer:
    def __init__(self, scan_import: ScanImport, progress=None):
        self.scan_import = scan_import
        self.progress = progress or (lambda records: None)
        self.chosen = scan_import.system
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.matcher = None if self.chosen else HostMatcher(scan_import.organisation)
        self.policy = DeadlinePolicy()
        self.seen: set[str] = set()
        self.vulnerability_ids: dict[str, int] = {}
        self.covered: dict[int, set] = defaultdict(set)  # system id -> hosts scanned
        self.systems: dict[int, object] = {self.chosen.pk: self.chosen} if self.chosen else {}
        self.per_system: dict[int, Counter] = defaultdict(Counter)
        self.unmatched: Counter = Counter()
        self.counts = Counter()

    def run(self, path):
        module, report, findings = parsers.parse(path, self.scan_import.requested_format)
        self.tool = module.TOOL
        self.scan_import.format, self.scan_import.tool = module.NAME, module.TOOL
        with transaction.atomic():
            while batch := list(islice(findings, BATCH)):
                self._store(batch)
                self.progress(self.counts["records"])
            self._finish(report)
        return self.scan_import

    # --- one batch --------------------------------------------------------------------------
    def _store(self, batch):
        rows = []
        for finding in batch:
            self.counts["records"] += 1
            system = self._system_for(finding.host_ip, finding.host_fqdn)
            if system is None:
                self.unmatched[(finding.host_ip, finding.host_fqdn)] += 1
                continue
            host = finding.host_ip or finding.host_fqdn
            mark = fingerprint(system.pk, self.tool, host, finding)
            if mark in self.seen:
                self.counts["duplicates"] += 1
                continue
            self.seen.add(mark)
            self.covered[system.pk].add(host)
            rows.append((finding, system, host, mark))
        if not rows:
            return
        vulnerabilities = self._vulnerabilities([row[0] for row in rows])
        existing = {
            (system_id, mark): (pk, status, vulnerability_id)
            for pk, system_id, mark, status, vulnerability_id in Finding.objects.filter(
                system_id__in={row[1].pk for row in rows}, fingerprint__in=[row[3] for row in rows]).values_list(
                "pk", "system_id", "fingerprint", "status", "vulnerability_id")
        }
        created, seen_ids, reopened, moved = [], [], [], defaultdict(list)
        for (finding, system, host, mark), vulnerability_id in zip(rows, vulnerabilities):
            counter = self.per_system[system.pk]
            counter["findings"] += 1
            known = existing.get((system.pk, mark))
            if known is None:
                created.append(self._new_finding(finding, system, host, mark, vulnerability_id))
                counter["new"] += 1
                continue
            pk, status, old_vulnerability = known
            if status == FindingStatus.FIXED:
                reopened.append((pk, system, finding.severity))
                counter["reopened"] += 1
            else:
                seen_ids.append(pk)
                counter["unchanged"] += 1
            if old_vulnerability != vulnerability_id:  # the scanner re-rated or re-worded the check
                moved[(vulnerability_id, finding.severity)].append(pk)
        self._insert(created)
        stamp = {"last_seen_import": self.scan_import, "last_seen_on": self.today}
        for chunk in _chunks(seen_ids, 900):
            Finding.objects.filter(pk__in=chunk).update(**stamp)
        self._reopen(reopened, stamp)
        for (vulnerability_id, severity), ids in moved.items():
            for chunk in _chunks(ids, 900):
                Finding.objects.filter(pk__in=chunk).update(vulnerability_id=vulnerability_id, severity=severity)

    def _system_for(self, ip, fqdn):
        if self.chosen is not None:
            return self.chosen
        if not ip and not fqdn:
            raise ParseError("This report names no host for its findings (code or container scan): choose the "
                             "information system it covers and import it again.")
        system = self.matcher.match(ip, fqdn)
        if system is not None:
            self.systems[system.pk] = system
        return system

    def _new_finding(self, f, system, host, mark, vulnerability_id):
        """A new finding as a row for NEW_FINDING_COLUMNS (see _insert)."""
        line = f.line if f.line is not None and f.line >= 0 else None
        return (system.pk, vulnerability_id, self.tool, mark, f.severity, host, f.host_ip, f.host_fqdn, f.port,
                f.protocol, f.url, f.component, f.version, f.fixed_version, f.file_path, line, f.evidence,
                FindingStatus.OPEN, "", self.scan_import.pk, self.scan_import.pk, self.today, self.today, 0,
                self.policy.due_on(system, f.severity, self.today))

    def _insert(self, rows):
        """INSERT new findings with one executemany per batch.

        Why not bulk_create: building ~30-field model instances and compiling each value through
        the ORM took 70 % of a large import's time (profiled on the 50 MB Nessus benchmark); the
        rows here are plain tuples already validated by Finding.clean().
        """
        if not rows:
            return
        with connection.cursor() as cursor:
            cursor.executemany(_insert_statement(), rows)

    def _reopen(self, reopened, stamp):
        if not reopened:
            return
        rows = Finding.objects.in_bulk([pk for pk, _system, _severity in reopened])
        for pk, system, severity in reopened:
            row = rows[pk]
            row.status, row.closed_on, row.status_changed_at, row.status_changed_by = FindingStatus.OPEN, None, self.now, None
            row.status_note = f"Reopened: found again by import #{self.scan_import.pk}"
            row.reopened_count += 1
            row.due_on = self.policy.due_on(system, severity, self.today)
            row.last_seen_import, row.last_seen_on = stamp["last_seen_import"], stamp["last_seen_on"]
        Finding.objects.bulk_update(rows.values(), ["status", "closed_on", "status_changed_at", "status_changed_by",
                                                    "status_note", "reopened_count", "due_on", "last_seen_import",
                                                    "last_seen_on"], batch_size=500)

    def _vulnerabilities(self, findings) -> list[int]:
        digests = [vulnerability_digest(self.tool, f) for f in findings]
        missing = {d: f for d, f in zip(digests, findings) if d not in self.vulnerability_ids}
        if missing:
            self._load_vulnerability_ids(missing)
            fresh = [_vulnerability(d, self.tool, f) for d, f in missing.items() if d not in self.vulnerability_ids]
            if fresh:
                # ignore_conflicts: a parallel import may have just created the same check.
                Vulnerability.objects.bulk_create(fresh, batch_size=500, ignore_conflicts=True)
                self._load_vulnerability_ids([v.digest for v in fresh])
        return [self.vulnerability_ids[d] for d in digests]

    def _load_vulnerability_ids(self, digests):
        for chunk in _chunks(digests, 900):
            self.vulnerability_ids.update(Vulnerability.objects.filter(digest__in=chunk).values_list("digest", "pk"))

    # --- the end of the file ------------------------------------------------------------------
    def _finish(self, report):
        for ip, fqdn in report.hosts:
            system = self._system_for(ip, fqdn)
            if system is None:
                self.unmatched.setdefault((ip, fqdn), 0)
            else:
                self.covered[system.pk].add(ip or fqdn)
        self._close_absent()
        scan = self.scan_import
        scan.scanned_on = _scan_date(report.scanned_at, self.today)
        scan.tool_version = (report.tool_version or "")[:100]
        scan.records, scan.duplicates = self.counts["records"], self.counts["duplicates"]
        totals = Counter()
        for counter in self.per_system.values():
            totals.update(counter)
        scan.new, scan.unchanged, scan.reopened, scan.closed = (totals["new"], totals["unchanged"],
                                                               totals["reopened"], totals["closed"])
        scan.hosts = len({host for hosts in self.covered.values() for host in hosts} | {
            ip or fqdn for ip, fqdn in self.unmatched})
        scan.unmatched_hosts = len(self.unmatched)
        scan.unmatched_records = sum(self.unmatched.values())
        scan.save()
        ImportedSystem.objects.bulk_create([
            ImportedSystem(scan_import=scan, system_id=system_id,
                           **{name: self.per_system[system_id][name] for name in PER_SYSTEM_COUNTS})
            for system_id in sorted(self.covered)])
        self._record_unmatched()
        for system_id in sorted(self.covered):
            evidence.record(scan, kind="vulnerability_scan", system=self.systems[system_id],
                            occurred_on=scan.scanned_on, recorded_by=scan.uploaded_by,
                            title=f"{scan.original_name} ({scan.format}, #{scan.pk})")

    def _close_absent(self):
        note = f"Absent from import #{self.scan_import.pk}"
        for system_id, hosts in self.covered.items():
            for chunk in _chunks(sorted(hosts), 500):
                count = (Finding.objects.filter(system_id=system_id, tool=self.tool, host__in=chunk,
                                                status=FindingStatus.OPEN)
                         .exclude(last_seen_import=self.scan_import)
                         .update(status=FindingStatus.FIXED, closed_on=self.today, status_changed_at=self.now,
                                 status_changed_by=None, status_note=note))
                self.per_system[system_id]["closed"] += count

    def _record_unmatched(self):
        organisation = self.scan_import.organisation
        matched = self.matcher.matched_hosts() if self.matcher is not None else []
        for chunk in _chunks(matched, 400):
            ips = [ip for ip, _fqdn in chunk if ip]
            names = [fqdn for _ip, fqdn in chunk if fqdn]
            UnmatchedHost.objects.filter(organisation=organisation, host_ip__in=ips).delete()
            UnmatchedHost.objects.filter(organisation=organisation, host_fqdn__in=names).exclude(host_fqdn="").delete()
        for (ip, fqdn), records in self.unmatched.items():
            UnmatchedHost.objects.update_or_create(
                organisation=organisation, host_ip=ip[:45], host_fqdn=fqdn[:253],
                defaults={"last_import": self.scan_import, "records": records, "last_seen_at": self.now})


def _insert_statement() -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(Finding._meta.get_field(name).column) for name in NEW_FINDING_COLUMNS)
    placeholders = ", ".join(["%s"] * len(NEW_FINDING_COLUMNS))
    return f"INSERT INTO {quote(Finding._meta.db_table)} ({columns}) VALUES ({placeholders})"


def _vulnerability(digest, tool, f) -> Vulnerability:
    return Vulnerability(
        digest=digest, tool=tool, tool_id=f.tool_id, title=f.title, severity=f.severity, tool_severity=f.tool_severity,
        cvss_v2_vector=f.cvss_v2_vector, cvss_v2_score=f.cvss_v2_score, cvss_v3_vector=f.cvss_v3_vector,
        cvss_v3_score=f.cvss_v3_score, cvss_v4_vector=f.cvss_v4_vector, cvss_v4_score=f.cvss_v4_score, cves=f.cves,
        cwes=f.cwes, epss_score=f.epss_score, epss_percentile=f.epss_percentile, kev=f.kev,
        description=f.description, solution=f.solution, references=f.references,
        cve_text=" ".join(f.cves)[:2000])


def _scan_date(scanned_at: datetime | None, today):
    if scanned_at is None:
        return today
    try:
        day = timezone.localtime(scanned_at).date() if timezone.is_aware(scanned_at) else scanned_at.date()
    except (OverflowError, ValueError):
        return today
    return min(day, today)  # a report dated in the future (wrong scanner clock) proves nothing later


def _chunks(items, size):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]
