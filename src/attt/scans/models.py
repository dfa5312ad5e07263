"""Scan imports (the ledger), findings with their life cycle, unmatched hosts, fix-deadline policy.

A finding's text (title, description, solution, CVSS…) lives once in ``Vulnerability``: five
thousand hosts with the same Nessus plugin share one row, which is what keeps a 500 MB import
small and fast. ``Finding`` is that vulnerability on one endpoint of one system.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attt.inventory.models import InformationSystem
from attt.tenancy.models import Organisation
from attt.tenancy.scoping import ScopedQuerySet


class Severity(models.TextChoices):
    INFO = "info", _("Informational")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


SEVERITY_RANK = {value: rank for rank, value in enumerate(Severity.values)}


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FIXED = "fixed", _("Fixed")
    ACCEPTED_RISK = "accepted_risk", _("Accepted risk")
    FALSE_POSITIVE = "false_positive", _("False positive")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ScanImportQuerySet(ScopedQuerySet):
    scope_fields = ("organisation",)


class ScanImport(models.Model):
    """One uploaded report and what its import did: the ledger an auditor reads."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="scan_imports")
    system = models.ForeignKey(InformationSystem, verbose_name=_("chosen system"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="chosen_scan_imports")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    error = models.TextField(_("error"), blank=True)
    requested_format = models.CharField(max_length=40, blank=True)
    format = models.CharField(_("format"), max_length=40, blank=True)
    tool = models.CharField(_("scanner"), max_length=40, blank=True)
    tool_version = models.CharField(max_length=100, blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    stored_path = models.CharField(max_length=500)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    scanned_on = models.DateField(_("scan date"), null=True, blank=True)
    records = models.PositiveIntegerField(_("records in the report"), default=0)
    new = models.PositiveIntegerField(_("new"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    reopened = models.PositiveIntegerField(_("reopened"), default=0)
    closed = models.PositiveIntegerField(_("closed"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates in the report"), default=0)
    hosts = models.PositiveIntegerField(_("hosts"), default=0)
    unmatched_hosts = models.PositiveIntegerField(_("unmatched hosts"), default=0)
    unmatched_records = models.PositiveIntegerField(_("records on unmatched hosts"), default=0)
    systems = models.ManyToManyField(InformationSystem, through="ImportedSystem", related_name="scan_imports")

    objects = ScanImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("scan import")
        verbose_name_plural = _("scan imports")

    def __str__(self):
        return f"{self.original_name} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def audit_organisation(self):
        return self.organisation

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class SystemScopedQuerySet(ScopedQuerySet):
    scope_fields = ("system__owner", "system__operator")


class ImportedSystem(models.Model):
    """The part of an import that concerned one system; also the scan-duty evidence's source."""

    scan_import = models.ForeignKey(ScanImport, on_delete=models.CASCADE, related_name="per_system")
    system = models.ForeignKey(InformationSystem, on_delete=models.CASCADE, related_name="imported_scans")
    findings = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)

    objects = SystemScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-scan_import__created_at"]
        constraints = [models.UniqueConstraint(fields=["scan_import", "system"], name="one_row_per_import_system")]

    def __str__(self):
        return f"{self.scan_import} → {self.system}"


class Vulnerability(models.Model):
    """What the scanner says about a check, shared by every finding of it (text stored once)."""

    digest = models.CharField(max_length=40, unique=True)
    tool = models.CharField(max_length=40)
    tool_id = models.CharField(_("scanner check id"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=500)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    tool_severity = models.CharField(_("scanner severity"), max_length=40, blank=True)
    cvss_v2_vector = models.CharField(max_length=200, blank=True)
    cvss_v2_score = models.FloatField(null=True, blank=True)
    cvss_v3_vector = models.CharField(max_length=200, blank=True)
    cvss_v3_score = models.FloatField(null=True, blank=True)
    cvss_v4_vector = models.CharField(max_length=300, blank=True)
    cvss_v4_score = models.FloatField(null=True, blank=True)
    cves = models.JSONField(default=list, blank=True)
    cwes = models.JSONField(default=list, blank=True)
    epss_score = models.FloatField(null=True, blank=True)
    epss_percentile = models.FloatField(null=True, blank=True)
    kev = models.BooleanField(null=True, blank=True)
    description = models.TextField(blank=True)
    solution = models.TextField(blank=True)
    references = models.JSONField(default=list, blank=True)
    # "CVE-2021-44228 CVE-…" for an indexed, portable CVE search across databases.
    cve_text = models.CharField(max_length=2000, blank=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["tool", "tool_id"])]

    def __str__(self):
        return self.title

    @property
    def cvss_score(self):
        for score in (self.cvss_v4_score, self.cvss_v3_score, self.cvss_v2_score):
            if score is not None:
                return score
        return None


class FindingQuerySet(SystemScopedQuerySet):
    def with_related(self):
        return self.select_related("system", "system__owner", "vulnerability")

    def overdue(self, on):
        return self.filter(status=FindingStatus.OPEN, due_on__lt=on)


class Finding(models.Model):
    system = models.ForeignKey(InformationSystem, verbose_name=_("information system"), on_delete=models.CASCADE,
                               related_name="findings")
    vulnerability = models.ForeignKey(Vulnerability, on_delete=models.PROTECT, related_name="findings")
    tool = models.CharField(_("scanner"), max_length=40)
    # Stable identity within (system, endpoint): see importer.fingerprint().
    fingerprint = models.CharField(max_length=40)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)  # copy: filtered often
    host = models.CharField(_("host"), max_length=253, blank=True)  # IP, else FQDN, else "" (code findings)
    host_ip = models.CharField(_("IP address"), max_length=45, blank=True)
    host_fqdn = models.CharField(_("host name"), max_length=253, blank=True)
    port = models.PositiveIntegerField(_("port"), null=True, blank=True)
    protocol = models.CharField(_("protocol"), max_length=10, blank=True)
    url = models.CharField(_("URL"), max_length=2000, blank=True)
    component = models.CharField(_("component"), max_length=500, blank=True)
    version = models.CharField(_("version"), max_length=200, blank=True)
    fixed_version = models.CharField(_("fixed in"), max_length=500, blank=True)
    file_path = models.CharField(_("file"), max_length=1000, blank=True)
    line = models.PositiveIntegerField(_("line"), null=True, blank=True)
    evidence = models.TextField(_("scanner output"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="+")
    status_note = models.TextField(_("reason"), blank=True)
    risk_expires_on = models.DateField(_("accepted until"), null=True, blank=True)
    risk_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="+", verbose_name=_("approved by"))
    first_seen_import = models.ForeignKey(ScanImport, on_delete=models.SET_NULL, null=True, related_name="+")
    last_seen_import = models.ForeignKey(ScanImport, on_delete=models.SET_NULL, null=True, related_name="+")
    first_seen_on = models.DateField(_("first seen"))
    last_seen_on = models.DateField(_("last seen"))
    closed_on = models.DateField(_("fixed on"), null=True, blank=True)
    reopened_count = models.PositiveIntegerField(_("times reopened"), default=0)
    due_on = models.DateField(_("fix by"), null=True, blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["system", "host", "port", "id"]
        constraints = [models.UniqueConstraint(fields=["system", "fingerprint"], name="unique_finding_per_system")]
        indexes = [
            models.Index(fields=["system", "tool", "host", "status"]),
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["severity", "status"]),
            models.Index(fields=["last_seen_import"]),
        ]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self):
        return f"{self.vulnerability.title} @ {self.endpoint}"

    @property
    def endpoint(self):
        where = self.host_fqdn or self.host_ip
        if self.port is not None:
            where = f"{where}:{self.port}/{self.protocol}" if self.protocol else f"{where}:{self.port}"
        return self.url or where or self.file_path or self.component or "—"

    @property
    def audit_organisation(self):
        return self.system.owner

    @property
    def audit_anchor(self):
        return self.system

    def is_overdue(self, on):
        return self.status == FindingStatus.OPEN and self.due_on is not None and self.due_on < on


class UnmatchedHostQuerySet(ScopedQuerySet):
    scope_fields = ("organisation",)


class UnmatchedHost(models.Model):
    """A scanned host no system of the organisation claims; listed until someone assigns it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="unmatched_hosts")
    host_ip = models.CharField(_("IP address"), max_length=45, blank=True)
    host_fqdn = models.CharField(_("host name"), max_length=253, blank=True)
    last_import = models.ForeignKey(ScanImport, on_delete=models.CASCADE, related_name="unmatched")
    records = models.PositiveIntegerField(_("findings in the last import"), default=0)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    objects = UnmatchedHostQuerySet.as_manager()

    class Meta:
        ordering = ["host_ip", "host_fqdn"]
        constraints = [models.UniqueConstraint(fields=["organisation", "host_ip", "host_fqdn"],
                                               name="one_unmatched_host_per_org")]

    def __str__(self):
        return " / ".join(part for part in (self.host_fqdn, self.host_ip) if part)


class FixDeadlineQuerySet(ScopedQuerySet):
    scope_fields = ("organisation",)


class FixDeadline(models.Model):
    """An organisation's own fix deadline for one severity and level (overrides the defaults for
    its subtree; the nearest organisation up the tree wins)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="fix_deadlines")
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    level = models.PositiveSmallIntegerField(_("security level"))  # 0: system not yet classified
    days = models.PositiveIntegerField(_("days to fix"), null=True, blank=True)  # None: no deadline

    objects = FixDeadlineQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "severity", "level"],
                                               name="one_deadline_per_cell")]

    def __str__(self):
        return f"{self.organisation.code} {self.severity} L{self.level}: {self.days}"

    @property
    def audit_organisation(self):
        return self.organisation
