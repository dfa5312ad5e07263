from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadinessConfig(AppConfig):
    name = "attt.readiness"
    verbose_name = _("Readiness")

    def ready(self):
        from attt.tenancy.signals import audited

        from .models import team

        for model in team.AUDITED:  # team part: members, certificates, focal points, drills
            audited(model)

        from . import signals_plans
        from .models import plans

        for model in (plans.ResponsePlan, plans.PlanVersion, plans.PlanDocument, plans.PlanItemAnswer,
                      plans.PlanScenario, plans.Assessment, plans.AssessmentSystem, plans.AssessmentRequirement,
                      plans.AssessmentFinding, plans.AssessmentFile):  # plans part: plans, audits
            audited(model)
        signals_plans.connect()

        from attt.inventory.panels import register_system_panel

        from .views_plans import plans_panel

        register_system_panel(plans_panel)
