"""The reports generated from a case (each one a kept version) and their deliveries.

A report is visible to whoever sees its case and to the organisations it was delivered to; a
recipient sees the reports sent to it and nothing else of the sender.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from attt.tenancy.models import Organisation
from attt.tenancy.parts import part_of
from attt.tenancy.roles import Permission
from attt.tenancy.scoping import ScopedQuerySet, scope_for

from .cases import Incident


class IncidentReportQuerySet(ScopedQuerySet):
    scope_fields = ("incident__organisation",)

    def visible_to(self, user, permission=Permission.VIEW):
        scope = scope_for(user)
        if scope.is_global:
            return self.all()
        condition = Q(incident__in=Incident.objects.visible_to(user, permission).values("pk"))
        if permission == Permission.VIEW:
            received = Delivery.objects.received_by(user).values("report_id")
            condition |= Q(pk__in=received)
        return self.filter(condition)


class IncidentReport(part_of("incident")):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("report"), max_length=32)
    version = models.PositiveIntegerField(_("version"))
    language = models.CharField(_("language"), max_length=5, default="vi")
    title = models.CharField(_("title"), max_length=500)
    # The case as the report states it, frozen when generated (a later edit makes a new version).
    content = models.JSONField(default=dict)
    docx = models.FileField(max_length=300)
    docx_sha256 = models.CharField(max_length=64)
    pdf = models.FileField(max_length=300)
    pdf_sha256 = models.CharField(max_length=64)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    generated_at = models.DateTimeField(auto_now_add=True)

    objects = IncidentReportQuerySet.as_manager()

    class Meta:
        ordering = ["-generated_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["incident", "kind", "version"], name="one_report_version")]

    def __str__(self):
        return f"{self.title} v{self.version}"


class DeliveryQuerySet(ScopedQuerySet):
    scope_fields = ("report__incident__organisation", "recipient")

    def _addressed_to(self, user, permission) -> Q:
        return self.path_filter("recipient", scope_for(user).paths_with(permission))

    def visible_to(self, user, permission=Permission.VIEW):
        if scope_for(user).is_global:
            return self.all()
        sender_side = Q(report__incident__in=Incident.objects.visible_to(user, permission).values("pk"))
        return self.filter(sender_side | self._addressed_to(user, permission))

    def received_by(self, user, permission=Permission.VIEW):
        """Deliveries addressed to an organisation inside the user's subtrees (the incident inbox)."""
        if scope_for(user).is_global:
            return self.all()
        return self.filter(self._addressed_to(user, permission))


class DeliveryStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    MAIL_FAILED = "mail_failed", _("Delivered in ATTT; e-mail failed")
    IN_APP = "in_app", _("Delivered in ATTT (no e-mail address)")


class Delivery(part_of("report__incident")):
    """One report sent to one organisation: by e-mail with the documents attached and into the
    recipient's incident inbox."""

    report = models.ForeignKey(IncidentReport, on_delete=models.PROTECT, related_name="deliveries")
    recipient = models.ForeignKey(Organisation, verbose_name=_("recipient"), on_delete=models.PROTECT,
                                  related_name="received_incident_reports")
    recipient_role = models.CharField(_("as"), max_length=32, blank=True)
    emails = models.CharField(_("e-mail addresses"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=DeliveryStatus.choices)
    error = models.CharField(_("error"), max_length=500, blank=True)
    message_id = models.CharField(_("message id"), max_length=255, blank=True)
    sent_at = models.DateTimeField(_("sent"), db_index=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    ack_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    acknowledged_name = models.CharField(_("acknowledged by"), max_length=255, blank=True)
    acknowledged_via = models.CharField(max_length=8, blank=True)  # "app" or "link"

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self):
        return f"{self.report} → {self.recipient.code}"
