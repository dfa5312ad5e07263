from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenancyConfig(AppConfig):
    name = "attt.tenancy"
    verbose_name = _("Organisations and access")

    def ready(self):
        from . import signals  # noqa: F401  (audit hooks for every audited model and for logins)
