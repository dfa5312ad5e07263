from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LevelsConfig(AppConfig):
    name = "attt.levels"
    verbose_name = _("Security levels")

    def ready(self):
        from attt.tenancy.signals import audited

        from . import models, signals  # noqa: F401 - connects the re-classification hook

        for model in (models.ClassificationRecord, models.Dossier, models.DossierAttachment,
                      models.ApprovalDecision, models.RequirementAnswer, models.RequirementEvidence,
                      models.SecurityRegulation):
            audited(model)

        from attt.inventory.panels import register_system_panel

        from .views import level_panel

        register_system_panel(level_panel)
