from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScansConfig(AppConfig):
    name = "attt.scans"
    verbose_name = _("Vulnerability scans")

    def ready(self):
        from attt.tenancy.signals import audited

        from . import models

        for model in (models.ScanImport, models.Finding, models.FixDeadline):
            audited(model)

        from attt.inventory.panels import register_system_panel

        from .views import scans_panel

        register_system_panel(scans_panel)
