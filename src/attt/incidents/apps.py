from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "attt.incidents"
    verbose_name = _("Incidents")

    def ready(self):
        from attt.tenancy.signals import audited

        from . import models

        for model in (models.Incident, models.IncidentSystem, models.IncidentResponder, models.IncidentTask,
                      models.Indicator, models.IncidentFile, models.IncidentReport, models.Delivery):
            audited(model)
