"""Classification answers, level dossiers (one version per (re-)classification) and their steps."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from attt.inventory.models import InformationSystem
from attt.tenancy.scoping import ScopedQuerySet
from attt.uploads import StoredFile

SYSTEM_SCOPE = ("system__owner", "system__operator")
# The inventory fields a level rests on; a change to any of them calls for re-classification
# (NĐ 85 Art 18, NĐ 331 Art 10).
SNAPSHOT_FIELDS = ("system_type", "information_classes", "data_subjects_basic",
                   "data_subjects_sensitive", "hosting")


def system_snapshot(system) -> dict:
    snapshot = {name: getattr(system, name) for name in SNAPSHOT_FIELDS}
    snapshot["information_classes"] = sorted(snapshot["information_classes"] or [])
    return snapshot


class OnSystem:
    """Rows about one system: audited in that system's history, scoped by its owner's tree."""

    @property
    def audit_anchor(self):
        return self.system

    @property
    def audit_organisation(self):
        return self.system.owner


class SystemScopedQuerySet(ScopedQuerySet):
    scope_fields = SYSTEM_SCOPE


class DossierPartQuerySet(ScopedQuerySet):
    scope_fields = tuple(f"dossier__{field}" for field in SYSTEM_SCOPE)


class ClassificationRecord(OnSystem, models.Model):
    """One run of the wizard: the answers as given and what the catalogue made of them."""

    system = models.ForeignKey(InformationSystem, on_delete=models.CASCADE,
                               related_name="classifications", verbose_name=_("information system"))
    classified_on = models.DateField(_("classification date"))
    in_investment_since = models.DateField(_("in investment since"), null=True, blank=True)
    answers = models.JSONField(_("answers"))
    regime = models.CharField(_("legal regime"), max_length=32)
    regime_version = models.CharField(max_length=32)
    regime_reason = models.JSONField(_("why this regime"))  # {vi, en}
    proposed_level = models.PositiveSmallIntegerField(_("proposed level"), null=True)
    fired = models.JSONField(_("criteria met"), default=list)
    system_snapshot = models.JSONField(default=dict, editable=False)
    instrument = models.JSONField(_("legal instrument"), default=dict)  # {vi, en}
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SystemScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("classification")
        verbose_name_plural = _("classifications")

    def __str__(self):
        return f"{self.system} – {self.proposed_level or '?'}"


class DossierState(models.TextChoices):
    DRAFTING = "drafting", _("Drafting")
    SUBMITTED = "submitted", _("Submitted for appraisal")
    APPRAISED = "appraised", _("Appraised")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


OPEN_STATES = (DossierState.DRAFTING, DossierState.RETURNED)
UNDER_REVIEW = (DossierState.SUBMITTED, DossierState.APPRAISED)


class DossierQuerySet(SystemScopedQuerySet):
    def with_related(self):
        return self.select_related("system", "system__owner", "system__operator",
                                   "system__security_unit", "classification")


class Dossier(OnSystem, models.Model):
    """The level-proposal dossier (hồ sơ đề xuất cấp độ), NĐ 85 Art 15 = NĐ 331 Art 21.

    Every classification change starts a new version; old versions are kept as they were.
    """

    system = models.ForeignKey(InformationSystem, on_delete=models.CASCADE, related_name="dossiers",
                               verbose_name=_("information system"))
    version = models.PositiveIntegerField(_("version"))
    classification = models.ForeignKey(ClassificationRecord, null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="dossiers",
                                       verbose_name=_("classification"))
    regime = models.CharField(_("legal regime"), max_length=32, blank=True)
    level = models.PositiveSmallIntegerField(_("proposed level"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=DossierState.choices,
                             default=DossierState.DRAFTING)
    started_reason = models.TextField(_("why this version"), blank=True)
    # The open step's legal clock, set at each transition from the procedure catalogue.
    step_started_on = models.DateField(_("step started on"), null=True, blank=True)
    step_due_on = models.DateField(_("step due on"), null=True, blank=True)
    validity_due_on = models.DateField(_("reply on validity due on"), null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    appraised_at = models.DateTimeField(null=True, blank=True)
    appraisal_opinion = models.TextField(_("appraisal opinion"), blank=True)
    appraised_by_org = models.ForeignKey("tenancy.Organisation", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+",
                                         verbose_name=_("appraised by"))
    approved_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        ordering = ["system__name", "-version"]
        constraints = [models.UniqueConstraint(fields=["system", "version"],
                                               name="unique_dossier_version")]
        indexes = [models.Index(fields=["state", "step_due_on"])]
        verbose_name = _("level dossier")
        verbose_name_plural = _("level dossiers")

    def __str__(self):
        return f"{self.system} v{self.version}"

    @property
    def is_open(self):
        return self.state in OPEN_STATES


class DossierFile(StoredFile):
    """A stored file of one dossier: scoped and audited with the dossier's system."""

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")

    objects = DossierPartQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def audit_anchor(self):
        return self.dossier.system

    @property
    def audit_organisation(self):
        return self.dossier.system.owner


class DossierAttachment(DossierFile):
    """A file for one dossier part (overview, design, …), by the part id of the catalogue."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    part = models.CharField(_("dossier part"), max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["part", "uploaded_at"]
        verbose_name = _("dossier attachment")
        verbose_name_plural = _("dossier attachments")

    def __str__(self):
        return self.original_name


class DossierEvent(models.Model):
    """One step of the workflow: who did what, as which organisation, and the clock it started."""

    class Action(models.TextChoices):
        CREATED = "created", _("Dossier started")
        SUBMITTED = "submitted", _("Submitted for appraisal")
        RETURNED = "returned", _("Returned")
        APPRAISED = "appraised", _("Appraised")
        APPROVED = "approved", _("Approved")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                              related_name="+")
    acting_organisation = models.ForeignKey("tenancy.Organisation", null=True,
                                            on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)
    due_on = models.DateField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    objects = DossierPartQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]


class ApprovalDecision(DossierFile):
    """The decision approving the level: number, date, issuer and the signed file."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="decision")
    number = models.CharField(_("decision number"), max_length=64)
    decided_on = models.DateField(_("decision date"))
    issuer = models.CharField(_("issued by"), max_length=255)

    class Meta:
        verbose_name = _("approval decision")

    def __str__(self):
        return self.number


class LevelStatus(models.Model):
    """Per system: its approved level and whether it is still current. Kept by the services so that
    "share of systems with an approved, current level" is one indexed query over any subtree."""

    system = models.OneToOneField(InformationSystem, on_delete=models.CASCADE, primary_key=True,
                                  related_name="level_status")
    approved_dossier = models.ForeignKey(Dossier, null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="+")
    approved_level = models.PositiveSmallIntegerField(_("approved level"), null=True, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    reclassification_needed = models.BooleanField(_("re-classification needed"), default=False)
    changed_fields = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SystemScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("level status")

    @property
    def is_current(self):
        return self.approved_level is not None and not self.reclassification_needed
