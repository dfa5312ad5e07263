"""Periodic reports: each generation is a frozen version (figures snapshot + DOCX, PDF, XLSX with
their SHA-256); the head approves it, may attach a detached signature, and it is submitted to the
supervisor. A submitted version never changes; a correction is a new version."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from attt.tenancy.models import Organisation
from attt.tenancy.scoping import ScopedQuerySet


class ReportKind(models.TextChoices):
    QUARTERLY = "quarterly", _("Quarterly status report")
    ANNUAL = "annual", _("Annual report (Form 08)")
    FORM05_HALF = "form05_half", _("Six-month incident summary (Form 05)")
    FORM05_YEAR = "form05_year", _("Annual incident summary (Form 05)")


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    SUBMITTED = "submitted", _("Submitted")


class Timeliness(models.TextChoices):
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")
    MISSING = "missing", _("Not submitted (overdue)")
    NOT_DUE = "not_due", _("Not due yet")


class MailStatus(models.TextChoices):
    SENT = "sent", _("E-mailed")
    FAILED = "failed", _("E-mail failed")
    NO_ADDRESS = "no_address", _("No e-mail address; in ATTT only")


class PeriodicReportQuerySet(ScopedQuerySet):
    # The supervisor (recipient) is the parent, so the reporting organisation's subtree rule
    # already lets it see what it receives.
    scope_fields = ("organisation",)

    def submitted(self):
        return self.filter(state=ReportState.SUBMITTED)

    def matching(self, params):
        """The list filters of the page and the API: kind, state, year, organisation code."""
        queryset = self
        if params.get("kind") in ReportKind.values:
            queryset = queryset.filter(kind=params["kind"])
        if params.get("state") in ReportState.values:
            queryset = queryset.filter(state=params["state"])
        if str(params.get("year", "")).isdigit():
            queryset = queryset.filter(year=int(params["year"]))
        if params.get("organisation"):
            queryset = queryset.filter(organisation__code=params["organisation"].strip().upper())
        return queryset


class PeriodicReport(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="periodic_reports")
    kind = models.CharField(_("report"), max_length=16, choices=ReportKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("period number"), default=1)
    consolidated = models.BooleanField(_("consolidated over the subtree"), default=False)
    version = models.PositiveIntegerField(_("version"))
    language = models.CharField(_("language"), max_length=5, default="vi")
    title = models.CharField(_("title"), max_length=300)
    period_label = models.CharField(_("period"), max_length=100)
    due_on = models.DateField(_("due"))
    state = models.CharField(_("state"), max_length=16, choices=ReportState.choices, default=ReportState.DRAFT)
    recommendations = models.TextField(_("recommendations"), blank=True)
    # What the report states, frozen when generated: figures and the ids of the records behind them.
    snapshot = models.JSONField(default=dict)
    snapshot_sha256 = models.CharField(max_length=64)
    docx = models.FileField(max_length=300)
    docx_sha256 = models.CharField(max_length=64)
    pdf = models.FileField(max_length=300)
    pdf_sha256 = models.CharField(max_length=64)
    xlsx = models.FileField(max_length=300)
    xlsx_sha256 = models.CharField(max_length=64)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    generated_at = models.DateTimeField(_("generated"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    approved_name = models.CharField(_("approved by"), max_length=255, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    signature = models.FileField(_("detached signature"), max_length=300, blank=True)
    signature_name = models.CharField(_("signature file"), max_length=255, blank=True)
    signature_sha256 = models.CharField(max_length=64, blank=True)
    signature_uploaded_at = models.DateTimeField(null=True, blank=True)
    recipient = models.ForeignKey(Organisation, verbose_name=_("submitted to"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="received_periodic_reports")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, db_index=True)
    timeliness = models.CharField(_("timeliness"), max_length=16, choices=Timeliness.choices, blank=True)
    mail_status = models.CharField(_("e-mail"), max_length=16, choices=MailStatus.choices, blank=True)
    mail_to = models.CharField(_("e-mailed to"), max_length=1000, blank=True)
    mail_error = models.CharField(max_length=500, blank=True)
    message_id = models.CharField(max_length=255, blank=True)

    objects = PeriodicReportQuerySet.as_manager()
    audit_skipped_fields = ("snapshot",)  # logged through snapshot_sha256

    class Meta:
        ordering = ["-generated_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "kind", "year", "number", "consolidated",
                                                       "version"], name="one_periodic_report_version")]
        indexes = [models.Index(fields=["kind", "year", "number", "state"])]

    def __str__(self):
        return f"{self.organisation.code} · {self.title} · {self.period_label} v{self.version}"

    def get_absolute_url(self):
        return reverse("periodic-detail", args=[self.pk])

    @property
    def audit_organisation(self):
        return self.organisation

    @property
    def is_frozen(self):
        return self.state == ReportState.SUBMITTED
