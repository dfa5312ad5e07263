"""Per-system answers to the requirements of its level, and the owner's security regulation."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from attt.inventory.models import InformationSystem
from attt.tenancy.models import Organisation
from attt.tenancy.scoping import ScopedQuerySet
from attt.uploads import StoredFile

from .dossiers import SYSTEM_SCOPE, OnSystem, SystemScopedQuerySet


class RequirementStatus(models.TextChoices):
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class RequirementAnswer(OnSystem, models.Model):
    system = models.ForeignKey(InformationSystem, on_delete=models.CASCADE,
                               related_name="requirement_answers")
    standard = models.CharField(_("standard"), max_length=64)
    requirement = models.CharField(_("requirement"), max_length=96)
    status = models.CharField(_("status"), max_length=16, choices=RequirementStatus.choices)
    remediation_plan = models.TextField(_("remediation plan"), blank=True)
    due_on = models.DateField(_("remediation due on"), null=True, blank=True)
    reason = models.TextField(_("reason not applicable"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = SystemScopedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["system", "standard", "requirement"],
                                               name="unique_requirement_answer")]
        verbose_name = _("requirement answer")

    def __str__(self):
        return f"{self.system} {self.requirement}: {self.status}"


class EvidenceQuerySet(ScopedQuerySet):
    scope_fields = tuple(f"answer__{field}" for field in SYSTEM_SCOPE)


class RequirementEvidence(StoredFile):
    answer = models.ForeignKey(RequirementAnswer, on_delete=models.CASCADE, related_name="evidence")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("evidence")

    def __str__(self):
        return self.original_name

    @property
    def audit_anchor(self):
        return self.answer.system

    @property
    def audit_organisation(self):
        return self.answer.system.owner


class RegulationQuerySet(ScopedQuerySet):
    scope_fields = ("organisation",)


class SecurityRegulation(StoredFile):
    """The owner's security regulation (quy chế bảo đảm an toàn thông tin), TT 12 Art 9.7 /
    NĐ 331 Art 28.3: without one in force, no level may be approved."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="security_regulations",
                                     verbose_name=_("organisation"))
    title = models.CharField(_("title"), max_length=500)
    decision_number = models.CharField(_("decision number"), max_length=64)
    decided_on = models.DateField(_("decision date"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RegulationQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__path", "-decided_on"]
        verbose_name = _("security regulation")
        verbose_name_plural = _("security regulations")

    def __str__(self):
        return f"{self.decision_number} – {self.title}"

    @property
    def audit_organisation(self):
        return self.organisation
