from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "attt.reports"
    verbose_name = _("Periodic reports")

    def ready(self):
        from attt.tenancy.signals import audited

        from .models import PeriodicReport

        audited(PeriodicReport)
