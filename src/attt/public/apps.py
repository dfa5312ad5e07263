from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "attt.public"
    verbose_name = _("Public contact and warnings")

    def ready(self):
        from attt.tenancy.signals import audited

        from . import models

        # Warnings part: the campaign (its text and status changes); recipients are bulk rows.
        audited(models.WarningCampaign)
        # Contact part: the published contacts and each publication (intake attempts are not audited).
        audited(models.PublicContact)
        audited(models.ContactPublication)
