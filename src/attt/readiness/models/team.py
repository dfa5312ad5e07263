"""Models of the team part of the readiness room: the incident response team of each organisation
(members, their certificates), the 24/7 focal point with its history, roster confirmations, and
drills (systems, participants, findings, scores). Maturity is computed from drills (maturity.py),
never stored, so a corrected drill re-rates its year."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from attt.inventory.models import InformationSystem
from attt.tenancy.models import Organisation
from attt.tenancy.parts import part_of
from attt.tenancy.scoping import ScopedQuerySet

__all__ = [
    "Membership", "TeamRole", "TeamMember", "Certificate", "FocalPoint", "TeamConfirmation",
    "DrillType", "DrillStatus", "Drill", "DrillSystem", "DrillParticipant", "FindingCategory",
    "FindingStatus", "DrillFinding",
]


class OrganisationScoped(ScopedQuerySet):
    scope_fields = ("organisation",)


class Membership(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    OUTSOURCED = "outsourced", _("Outsourced")


class TeamRole(models.TextChoices):
    LEAD = "lead", _("Team lead")
    COORDINATOR = "coordinator", _("Coordinator")
    TECHNICAL_EXPERT = "technical_expert", _("Technical expert")
    MEMBER = "member", _("Member")


class TeamMember(models.Model):
    """A person of an organisation's incident response team: an ATTT user or just a name."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="team_members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="team_memberships")
    full_name = models.CharField(_("full name"), max_length=255)
    membership = models.CharField(_("internal or outsourced"), max_length=16, choices=Membership.choices,
                                  default=Membership.INTERNAL)
    provider_name = models.CharField(_("provider organisation"), max_length=255, blank=True)
    provider_code = models.CharField(_("provider code"), max_length=64, blank=True)
    contract_end = models.DateField(_("contract end date"), null=True, blank=True)
    role = models.CharField(_("role in the team"), max_length=32, choices=TeamRole.choices, default=TeamRole.MEMBER)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationScoped.as_manager()

    class Meta:
        ordering = ["organisation__path", "full_name", "id"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")

    def __str__(self):
        return self.full_name

    @property
    def audit_organisation(self):
        return self.organisation


class Certificate(part_of("member")):
    member = models.ForeignKey(TeamMember, on_delete=models.CASCADE, related_name="certificates")
    name = models.CharField(_("certificate"), max_length=255)
    issuer = models.CharField(_("issuer"), max_length=255, blank=True)
    number = models.CharField(_("certificate number"), max_length=120, blank=True)
    expires_on = models.DateField(_("expiry date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self):
        return self.name


class FocalPoint(models.Model):
    """One version of an organisation's 24/7 focal point. A change never edits a row: it ends the
    current one and adds a new one, so the history keeps who changed what, when, and from what."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="focal_points")
    member = models.ForeignKey(TeamMember, verbose_name=_("team member"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(_("name"), max_length=255)
    phone = models.CharField(_("phone (24/7)"), max_length=64)
    email = models.EmailField(_("e-mail"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    valid_from = models.DateTimeField(_("valid from"), db_index=True)
    valid_to = models.DateTimeField(_("replaced at"), null=True, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    changed_by_name = models.CharField(max_length=150, blank=True)

    objects = OrganisationScoped.as_manager()

    class Meta:
        ordering = ["organisation__path", "-valid_from", "-id"]
        verbose_name = _("24/7 focal point")
        verbose_name_plural = _("24/7 focal points")

    def __str__(self):
        return f"{self.name} ({self.phone})"

    @property
    def is_current(self):
        return self.valid_to is None

    @property
    def audit_organisation(self):
        return self.organisation


class TeamConfirmation(models.Model):
    """The roster confirmed by a manager, with the rule check frozen as it stood that day."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="team_confirmations")
    confirmed_on = models.DateField(_("confirmed on"))
    confirmed_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    decision = models.CharField(_("decision number"), max_length=120, blank=True)
    rule_id = models.CharField(max_length=64)
    member_count = models.PositiveIntegerField(default=0)
    counted = models.PositiveIntegerField(_("experts counted"), default=0)
    meets_rule = models.BooleanField(_("meets the rule"), default=False)
    roster = models.JSONField(default=list)

    objects = OrganisationScoped.as_manager()

    class Meta:
        ordering = ["-confirmed_at", "-id"]
        verbose_name = _("team roster confirmation")
        verbose_name_plural = _("team roster confirmations")

    def __str__(self):
        return f"{self.organisation.code} {self.confirmed_on}"

    @property
    def audit_organisation(self):
        return self.organisation


class DrillType(models.TextChoices):
    TABLETOP = "tabletop", _("Tabletop exercise")
    REAL_WORLD = "real_world", _("Real-world drill")


class DrillStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    COMPLETED = "completed", _("Completed")


class Drill(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="drills")
    title = models.CharField(_("title"), max_length=255)
    drill_type = models.CharField(_("type"), max_length=16, choices=DrillType.choices)
    held_on = models.DateField(_("date"), db_index=True)
    plan = models.TextField(_("plan"), blank=True)
    scenario = models.TextField(_("scenario"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=DrillStatus.choices, default=DrillStatus.PLANNED)
    # Criterion id (catalogue/maturity.yaml) → score 0–5.
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    results = models.TextField(_("results"), blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    systems = models.ManyToManyField(InformationSystem, through="DrillSystem", related_name="+", blank=True)

    objects = OrganisationScoped.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("drill")
        verbose_name_plural = _("drills")

    def __str__(self):
        return self.title

    @property
    def audit_organisation(self):
        return self.organisation


DrillPart = part_of("drill")


class DrillSystem(DrillPart):
    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="drill_systems")
    system = models.ForeignKey(InformationSystem, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["drill", "system"], name="one_row_per_drill_system")]


class DrillParticipant(DrillPart):
    """A team member or another person (name and affiliation) who took part."""

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey(TeamMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(_("name"), max_length=255)
    affiliation = models.CharField(_("organisation or role"), max_length=255, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class FindingCategory(models.TextChoices):
    PROCESS = "process", _("Process")
    TECHNOLOGY = "technology", _("Technology")
    PEOPLE = "people", _("People")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class DrillFinding(DrillPart):
    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="findings")
    category = models.CharField(_("category"), max_length=16, choices=FindingCategory.choices)
    description = models.TextField(_("what was found"))
    fix = models.TextField(_("fix"), blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "due_on", "id"]

    def __str__(self):
        return self.description[:80]

    def overdue_on(self, day) -> bool:
        """Due on or before ``day`` and not done by then."""
        if self.due_on is None or self.due_on > day:
            return False
        return not (self.status == FindingStatus.DONE and (self.done_on is None or self.done_on <= day))


# Registered for the hash-chained audit log in apps.py.
AUDITED = (TeamMember, Certificate, FocalPoint, TeamConfirmation, Drill, DrillSystem, DrillParticipant, DrillFinding)
