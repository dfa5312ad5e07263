"""An incident case and what its handling accumulates: affected systems, responders, timeline,
tasks and follow-ups, indicators of compromise, evidence files."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from attt.inventory.models import InformationSystem
from attt.tenancy.models import Organisation
from attt.tenancy.parts import part_of
from attt.tenancy.roles import Permission
from attt.tenancy.scoping import ScopedQuerySet, scope_for
from attt.uploads import StoredFile

DEFAULT_TIME_ZONE = "Asia/Ho_Chi_Minh"


class IncidentType(models.TextChoices):
    """The national picklist (VNCERT portal "LoaiSuCo", regulations.md §5)."""
    DOS = "dos", _("Denial of service")
    PHISHING = "phishing", _("Phishing / spoofing")
    MALWARE = "malware", _("Malware")
    UNAUTHORISED_ACCESS = "unauthorised_access", _("Unauthorised access / takeover")
    DEFACEMENT = "defacement", _("Defacement")
    RANSOMWARE = "ransomware", _("Encryption of software, data or devices (ransomware)")
    DESTRUCTION = "destruction", _("Destruction of data or software")
    DATA_THEFT = "data_theft", _("Eavesdropping, espionage or data theft")
    COMBINED = "combined", _("Combined multi-vector attack")
    OTHER = "other", _("Other")


class DetectionMethod(models.TextChoices):
    """Form 03's "detection method" choices, plus the ways ATTT itself learns of an incident."""
    IDS = "ids", _("Intrusion detection system")
    LOG_REVIEW = "log_review", _("Log review")
    MONITORING = "monitoring", _("Security monitoring")
    NOTIFIED = "notified", _("Notified by another party")
    USER_REPORT = "user_report", _("Reported by a user or the public")
    OTHER = "other", _("Other")


class Handling(models.TextChoices):
    """How the incident was handled: the columns of TT 20 Form 05 (summary of incident handling)."""
    SELF = "self", _("Handled by the organisation itself")
    DOMESTIC_HELP = "domestic_help", _("Handled with help from other organisations in Vietnam")
    FOREIGN_HELP = "foreign_help", _("Handled with help from foreign organisations")


class IncidentSeverity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class IncidentStatus(models.TextChoices):
    NEW = "new", _("New")
    INVESTIGATING = "investigating", _("Investigating")
    CONTAINED = "contained", _("Contained")
    RECOVERED = "recovered", _("Response ended")
    CLOSED = "closed", _("Closed")


# What an assigned responder of another organisation may do on the case it is assigned to.
RESPONDER_PERMISSIONS = frozenset({Permission.VIEW, Permission.HANDLE_INCIDENTS})


class IncidentQuerySet(ScopedQuerySet):
    """Visible to the owner organisation's subtree holders and to the responders assigned to a
    case (an outsourced expert of another organisation sees that case and nothing else)."""

    scope_fields = ("organisation",)

    def visible_to(self, user, permission=Permission.VIEW):
        scope = scope_for(user)
        if scope.is_global:
            return self.all()
        condition = Q(pk__in=[])
        paths = scope.paths_with(permission)
        if paths:
            condition |= self._scope_filter(paths)
        if permission in RESPONDER_PERMISSIONS and getattr(user, "is_authenticated", False) and user.is_active:
            condition |= Q(pk__in=IncidentResponder.objects.filter(user=user).values("incident_id"))
        return self.filter(condition)


class Incident(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="incidents")
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description and symptoms"), blank=True)
    detected_at = models.DateTimeField(_("detection time (T0)"), db_index=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default=DEFAULT_TIME_ZONE)
    reporter_name = models.CharField(_("reported by"), max_length=255)
    reporter_title = models.CharField(_("reporter's title"), max_length=255, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=64, blank=True)
    reporter_email = models.EmailField(_("reporter's e-mail"), blank=True)
    detection_method = models.CharField(_("detection method"), max_length=32, blank=True,
                                        choices=DetectionMethod.choices)
    incident_type = models.CharField(_("type"), max_length=32, choices=IncidentType.choices)
    severity = models.CharField(_("severity"), max_length=16, choices=IncidentSeverity.choices,
                                default=IncidentSeverity.MEDIUM)
    status = models.CharField(_("status"), max_length=16, choices=IncidentStatus.choices,
                              default=IncidentStatus.NEW, db_index=True)
    personal_data = models.BooleanField(_("personal data involved"), default=False)
    harm_national_security = models.BooleanField(
        _("signs of harm to national security or public order"), default=False)
    serious_disruption = models.BooleanField(_("serious disruption"), default=False)
    beyond_capability = models.BooleanField(_("beyond the operator's capability to handle alone"), default=False)
    complex_case = models.BooleanField(_("complex case (update and closing reports)"), default=False)
    impacts = models.JSONField(_("impacts"), default=list, blank=True)
    response_ended_at = models.DateTimeField(_("end of the response"), null=True, blank=True)
    damage = models.TextField(_("damage"), blank=True)
    cause = models.TextField(_("cause"), blank=True)
    source_tracing = models.TextField(_("source tracing"), blank=True)
    measures = models.TextField(_("measures taken or planned"), blank=True)
    public_statement = models.TextField(_("public statements"), blank=True)
    lessons_learned = models.TextField(_("lessons learned"), blank=True)
    support_requested = models.TextField(_("support requested"), blank=True)
    confidential = models.BooleanField(_("confidential"), default=False)
    # Form 05 (TT 20 Art 6.1.c): who handled it, whether national help was requested, the damage.
    handling = models.CharField(_("handled"), max_length=16, choices=Handling.choices, blank=True)
    national_help_requested = models.BooleanField(_("help requested from the national coordination agency"),
                                                  default=False)
    helping_organisations = models.TextField(_("organisations that helped"), blank=True)
    estimated_damage_vnd = models.PositiveBigIntegerField(_("estimated damage (VND)"), null=True, blank=True)
    # Personal-data breach notice (NĐ 356 Art 28): what, how much, who answers, what follows.
    pd_categories = models.TextField(_("categories of personal data"), blank=True)
    pd_volume = models.CharField(_("volume of personal data (records, data subjects)"), max_length=255, blank=True)
    pd_contact = models.CharField(_("data-protection officer or service contact"), max_length=500, blank=True)
    pd_consequences = models.TextField(_("likely consequences for the data subjects"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    # Filed by a member of the public through the organisation's intake form (no account).
    from_public = models.BooleanField(_("reported by the public"), default=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    systems = models.ManyToManyField(InformationSystem, through="IncidentSystem", related_name="incidents",
                                     blank=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-detected_at", "-id"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self):
        return f"{self.reference} – {self.title}"

    @property
    def audit_organisation(self):
        return self.organisation


class CasePartQuerySet(ScopedQuerySet):
    """Rows of a case follow the case's visibility (owner subtree or assigned responder)."""

    scope_fields = ("incident__organisation",)

    def visible_to(self, user, permission=Permission.VIEW):
        return self.filter(incident__in=Incident.objects.visible_to(user, permission).values("pk"))


class CasePart(part_of("incident")):
    objects = CasePartQuerySet.as_manager()

    class Meta:
        abstract = True


class IncidentSystem(CasePart):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="affected")
    system = models.ForeignKey(InformationSystem, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "system"], name="one_row_per_incident_system")]


class IncidentResponder(CasePart):
    """A person assigned to work on one case; may belong to another organisation (outsourced)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="responders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="incident_assignments")
    role = models.CharField(_("role in the response"), max_length=120, blank=True)
    provider = models.ForeignKey(Organisation, verbose_name=_("provider organisation"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assigned_at"]
        constraints = [models.UniqueConstraint(fields=["incident", "user"], name="one_assignment_per_user")]

    def __str__(self):
        return f"{self.user} → {self.incident.reference}"


class TimelineKind(models.TextChoices):
    NOTE = "note", _("Note")
    DETECTED = "detected", _("Detected")
    STATUS = "status", _("Status change")
    ACTION = "action", _("Action")
    REPORT = "report", _("Report")
    DELIVERY = "delivery", _("Report sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    INDICATOR = "indicator", _("Indicators")
    FILE = "file", _("Evidence file")
    TASK = "task", _("Task")


class TimelineEvent(CasePart):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="timeline")
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=TimelineKind.choices, default=TimelineKind.NOTE)
    text = models.TextField(_("what happened"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "id"]


class TaskKind(models.TextChoices):
    TASK = "task", _("Response task")
    FOLLOW_UP = "follow_up", _("Follow-up from lessons learned")


class IncidentTask(CasePart):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(_("kind"), max_length=16, choices=TaskKind.choices, default=TaskKind.TASK)
    title = models.CharField(_("task"), max_length=500)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="incident_tasks")
    owner_organisation = models.ForeignKey(Organisation, verbose_name=_("owner"), null=True, blank=True,
                                           on_delete=models.SET_NULL, related_name="+")
    due_on = models.DateField(_("due date"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done_at", "due_on", "id"]

    def __str__(self):
        return self.title


class IndicatorKind(models.TextChoices):
    IPV4 = "ipv4", _("IPv4 address")
    IPV6 = "ipv6", _("IPv6 address")
    DOMAIN = "domain", _("Domain name")
    URL = "url", _("URL")
    EMAIL = "email", _("E-mail address")
    MD5 = "md5", _("MD5 hash")
    SHA1 = "sha1", _("SHA-1 hash")
    SHA256 = "sha256", _("SHA-256 hash")
    FILE_NAME = "file_name", _("File name")


class Tlp(models.TextChoices):
    """Traffic Light Protocol 2.0 (FIRST)."""
    CLEAR = "clear", "TLP:CLEAR"
    GREEN = "green", "TLP:GREEN"
    AMBER = "amber", "TLP:AMBER"
    AMBER_STRICT = "amber+strict", "TLP:AMBER+STRICT"
    RED = "red", "TLP:RED"


class Indicator(CasePart):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="indicators")
    kind = models.CharField(_("kind"), max_length=16, choices=IndicatorKind.choices)
    value = models.CharField(_("value"), max_length=2048)
    tlp = models.CharField("TLP", max_length=16, choices=Tlp.choices, default=Tlp.AMBER)
    description = models.CharField(_("description"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=120, blank=True)
    stix_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [models.UniqueConstraint(fields=["incident", "kind", "value"], name="one_indicator_per_value")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"


class IncidentFile(CasePart, StoredFile):
    """Evidence of the case (logs, samples, screenshots), kept with its SHA-256."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="files")
    description = models.CharField(_("description"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return self.original_name
