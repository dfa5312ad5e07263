"""Models of the plans part of the readiness room: incident response plans (a series of versioned
documents per system or organisation, with their outline checklist and scenarios) and security
audits/assessments (requirements checked, findings and their fixes, report files)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from attt.inventory.models import InformationSystem
from attt.tenancy.models import Organisation
from attt.tenancy.parts import part_of
from attt.tenancy.scoping import ScopedQuerySet
from attt.uploads import StoredFile

__all__ = [
    "PlanStatus", "ResponsePlan", "PlanVersion", "PlanDocument", "PlanItemAnswer", "PlanScenario",
    "AssessmentKind", "AssessmentStatus", "RequirementResult", "AssessmentSeverity", "AssessmentFindingStatus",
    "Assessment", "AssessmentSystem", "AssessmentRequirement", "AssessmentFinding", "AssessmentFile",
]


class OrganisationScoped(ScopedQuerySet):
    scope_fields = ("organisation",)


# --- response plans --------------------------------------------------------------------------

class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded")


class ResponsePlan(models.Model):
    """One plan (for a system, or organisation-wide) and its "review needed" flag; the documents
    themselves are its versions."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="response_plans")
    system = models.ForeignKey(InformationSystem, verbose_name=_("information system"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="response_plans")
    title = models.CharField(_("title"), max_length=255)
    # Set when the system changes in the inventory; cleared when a new version is approved.
    review_needed = models.BooleanField(_("review needed"), default=False, db_index=True)
    review_reason = models.TextField(_("why a review is needed"), blank=True)
    review_flagged_at = models.DateTimeField(_("review needed since"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationScoped.as_manager()

    class Meta:
        ordering = ["organisation__path", "title", "id"]
        verbose_name = _("incident response plan")
        verbose_name_plural = _("incident response plans")

    def __str__(self):
        return self.title

    @property
    def audit_organisation(self):
        return self.organisation

    @property
    def audit_anchor(self):
        return self.system if self.system_id else self

    def latest_version(self):
        return self.versions.order_by("-number").first()

    def current_version(self):
        """The approved version in force (the newest approved one)."""
        return self.versions.filter(status=PlanStatus.APPROVED).order_by("-number").first()


class PlanVersion(part_of("plan")):
    plan = models.ForeignKey(ResponsePlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=255)
    # The outline (catalogue/plan-outlines.yaml) chosen when the version was created.
    outline = models.CharField(_("outline"), max_length=32)
    author = models.CharField(_("author"), max_length=255)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT,
                              db_index=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_on = models.DateField(_("approval date"), null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="one_plan_version_number")]
        verbose_name = _("response plan version")
        verbose_name_plural = _("response plan versions")

    def __str__(self):
        return f"{self.plan.title} v{self.number}"


VersionPart = part_of("version__plan")


class PlanDocument(VersionPart, StoredFile):
    """The plan's text (PDF, DOCX …); a draft may get a corrected file, the newest one counts."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="documents")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return self.original_name


class PlanItemAnswer(VersionPart):
    """Whether the document covers one heading of the outline, and where."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="answers")
    item = models.CharField(_("outline item"), max_length=64)
    covered = models.BooleanField(_("covered"), default=False)
    section = models.CharField(_("section of the document"), max_length=255, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "item"], name="one_answer_per_outline_item")]

    def __str__(self):
        return f"{self.item}: {'✔' if self.covered else '✘'}"


class PlanScenario(VersionPart):
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="scenarios")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("scenario"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    response_steps = models.TextField(_("response steps"))

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.title


# --- audits and assessments ------------------------------------------------------------------

class AssessmentKind(models.TextChoices):
    SELF = "self", _("Self-assessment")
    INDEPENDENT = "independent", _("Independent assessment")
    LICENSED = "licensed", _("Licensed professional organisation")


class AssessmentStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class RequirementResult(models.TextChoices):
    MET = "met", _("Met")
    PARTLY = "partly", _("Partly met")
    NOT_MET = "not_met", _("Not met")


class AssessmentSeverity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class AssessmentFindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FIXED = "fixed", _("Fixed")


class Assessment(models.Model):
    """An audit or security assessment of an organisation's systems (NĐ 85 Art 20.2.c, NĐ 331
    Art 28.5, CĐ 33 item 1); completing it is the evidence of the assessment duties."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("assessed organisation"),
                                     on_delete=models.PROTECT, related_name="assessments")
    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=AssessmentKind.choices)
    assessor_unit = models.ForeignKey(Organisation, verbose_name=_("assessing unit"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    assessor_name = models.CharField(_("assessing organisation"), max_length=255, blank=True)
    licence_number = models.CharField(_("licence number"), max_length=100, blank=True)
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=AssessmentStatus.choices,
                              default=AssessmentStatus.IN_PROGRESS, db_index=True)
    summary = models.TextField(_("conclusion"), blank=True)
    systems = models.ManyToManyField(InformationSystem, through="AssessmentSystem", related_name="assessments",
                                     blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationScoped.as_manager()

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("audit or assessment")
        verbose_name_plural = _("audits and assessments")

    def __str__(self):
        return self.title

    @property
    def audit_organisation(self):
        return self.organisation

    def assessor_label(self):
        if self.assessor_unit_id:
            return str(self.assessor_unit)
        if self.licence_number:
            return f"{self.assessor_name} ({self.licence_number})"
        return self.assessor_name


AssessmentPart = part_of("assessment")


class AssessmentSystem(AssessmentPart):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scope")
    system = models.ForeignKey(InformationSystem, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "system"], name="one_row_per_assessed_system")]


class AssessmentRequirement(AssessmentPart):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="requirements")
    position = models.PositiveIntegerField(default=0)
    reference = models.CharField(_("clause"), max_length=100)
    requirement = models.TextField(_("requirement"))
    result = models.CharField(_("result"), max_length=16, choices=RequirementResult.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.reference}: {self.get_result_display()}"


class AssessmentFinding(AssessmentPart):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="findings")
    title = models.CharField(_("what was found"), max_length=500)
    severity = models.CharField(_("severity"), max_length=16, choices=AssessmentSeverity.choices,
                                default=AssessmentSeverity.MEDIUM)
    fix = models.TextField(_("fix"), blank=True)
    owner = models.CharField(_("owner of the fix"), max_length=255, blank=True)
    due_on = models.DateField(_("fix deadline"), null=True, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=AssessmentFindingStatus.choices,
                              default=AssessmentFindingStatus.OPEN, db_index=True)
    fixed_on = models.DateField(_("fixed on"), null=True, blank=True)
    fix_note = models.TextField(_("how it was fixed"), blank=True)
    fixed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "due_on", "id"]

    def __str__(self):
        return self.title

    def is_overdue(self, today) -> bool:
        return self.status == AssessmentFindingStatus.OPEN and self.due_on is not None and self.due_on < today


class AssessmentFile(AssessmentPart, StoredFile):
    """The assessment report and its annexes."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="files")
    description = models.CharField(_("description"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return self.original_name
