"""Customer warning campaigns (Directive 18 mục 5: telecoms and ISPs warn their customers of
wide-area incidents) and the delivery record of each recipient.

A recipient row is the unit of at-most-once delivery (see services_warnings.py): it is claimed
by one sending run before anything else happens to it, and ``handed_at`` is written before the
message is given to the mail server, so after a crash we know which rows were never handed
(safe to send) and which are unknown (``interrupted``, left for a human to decide).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from attt.tenancy.models import Organisation, OrganisationKind
from attt.tenancy.scoping import ScopedQuerySet

__all__ = ["CampaignStatus", "RecipientStatus", "WarningCampaign", "WarningCampaignQuerySet", "WarningRecipient",
           "WarningRecipientQuerySet"]


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENDING = "sending", _("Sending")
    PAUSED = "paused", _("Paused")
    SENT = "sent", _("Sent")


class RecipientStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    # Handed to the mail server by a run that died before recording the answer: it may or may
    # not have arrived. Never resent automatically.
    INTERRUPTED = "interrupted", _("Unknown (interrupted)")


class WarningCampaignQuerySet(ScopedQuerySet):
    scope_fields = ("organisation",)

    def published(self):
        """What the public page shows: campaigns marked public whose sending has finished."""
        return self.filter(public=True, status=CampaignStatus.SENT)


class WarningCampaign(models.Model):
    LANGUAGES = (("vi", "Tiếng Việt"), ("en", "English"))

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="warning_campaigns")
    title = models.CharField(_("title"), max_length=300)
    risk = models.TextField(_("risk"))
    affected_services = models.TextField(_("affected services"), blank=True)
    advice = models.TextField(_("what customers should do"))
    how_to_report = models.TextField(_("how to report an incident"), blank=True)
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGES, default="vi")
    public = models.BooleanField(_("publish on the public warning page"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=CampaignStatus.choices,
                              default=CampaignStatus.DRAFT, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    send_started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sending finished"), null=True, blank=True)
    # The audience as last imported (the file is not kept: it holds customers' personal data).
    audience_file = models.CharField(_("audience file"), max_length=255, blank=True)
    audience_rows = models.PositiveIntegerField(default=0)
    audience_duplicates = models.PositiveIntegerField(default=0)
    audience_imported_at = models.DateTimeField(null=True, blank=True)
    # The sending run that owns the campaign now; an older run that sees another token stops.
    run_token = models.CharField(max_length=32, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = WarningCampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("customer warning campaign")
        verbose_name_plural = _("customer warning campaigns")

    def __str__(self):
        return f"{self.organisation.code} · {self.title}"

    @property
    def audit_organisation(self):
        return self.organisation

    @property
    def is_telecom(self) -> bool:
        return bool(self.organisation.is_telecom or self.organisation.kind == OrganisationKind.TELECOM_ISP)


class WarningRecipientQuerySet(ScopedQuerySet):
    scope_fields = ("campaign__organisation",)


class WarningRecipient(models.Model):
    """One customer of a campaign and the delivery record of the warning to them."""

    campaign = models.ForeignKey(WarningCampaign, on_delete=models.CASCADE, related_name="recipients")
    email = models.CharField(_("e-mail"), max_length=254)
    name = models.CharField(_("name"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    customer_id = models.CharField(_("customer id"), max_length=64, blank=True)
    source_row = models.PositiveIntegerField(_("row"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=RecipientStatus.choices,
                              default=RecipientStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    handed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    message_id = models.CharField(_("message id"), max_length=255, blank=True)
    error = models.CharField(_("reason"), max_length=500, blank=True)

    objects = WarningRecipientQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["campaign", "status"])]
        constraints = [models.UniqueConstraint(fields=["campaign", "email"], name="one_recipient_per_address")]

    def __str__(self):
        return self.email
