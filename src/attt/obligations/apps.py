from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObligationsConfig(AppConfig):
    name = "attt.obligations"
    verbose_name = _("Obligations")

    def ready(self):
        from attt.tenancy.signals import audited

        from . import models, signals

        signals.connect()
        for model in (models.Evidence, models.EvidenceDocument, models.SubjectEvent, models.CalendarFeed):
            audited(model)

        from attt.inventory.panels import register_system_panel

        from .views import obligations_panel

        register_system_panel(obligations_panel)
