from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "attt.inventory"
    verbose_name = _("Information-system inventory")

    def ready(self):
        from attt.tenancy.signals import audited

        from .models import InformationSystem, SystemDomain, SystemHost, SystemNetwork

        for model in (InformationSystem, SystemHost, SystemNetwork, SystemDomain):
            audited(model)
