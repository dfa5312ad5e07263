from django.db import models
from django.utils.translation import gettext_lazy as _

from attt.tenancy.models import Organisation
from attt.tenancy.scoping import ScopedQuerySet


class SystemType(models.TextChoices):
    INTERNAL = "internal", _("Internal system")
    ONLINE_SERVICE = "online_service", _("Online service to citizens and businesses")
    INFRASTRUCTURE = "infrastructure", _("Information infrastructure")
    INDUSTRIAL_CONTROL = "industrial_control", _("Industrial control system")
    OTHER = "other", _("Other")


class InformationClass(models.TextChoices):
    PUBLIC = "public", _("Public information")
    PRIVATE = "private", _("Private information")
    PERSONAL = "personal", _("Personal data")
    STATE_SECRET = "state_secret", _("State secret")


class Hosting(models.TextChoices):
    ON_PREMISES = "on_premises", _("On premises")
    DATA_CENTRE = "data_centre", _("Data centre")
    CLOUD = "cloud", _("Cloud")


class SystemStatus(models.TextChoices):
    IN_INVESTMENT = "in_investment", _("In investment")
    OPERATING = "operating", _("Operating")
    RETIRED = "retired", _("Retired")


class InformationSystemQuerySet(ScopedQuerySet):
    # The owner's tree and the operator's tree both see the system.
    scope_fields = ("owner", "operator")

    def with_related(self):
        return self.select_related("owner", "operator", "security_unit")


class InformationSystem(models.Model):
    owner = models.ForeignKey(
        Organisation, verbose_name=_("owner organisation"), on_delete=models.PROTECT, related_name="owned_systems"
    )
    operator = models.ForeignKey(
        Organisation, verbose_name=_("operator organisation"), on_delete=models.PROTECT,
        related_name="operated_systems",
    )
    security_unit = models.ForeignKey(
        Organisation, verbose_name=_("specialised security unit"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="secured_systems",
    )
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    system_type = models.CharField(_("type"), max_length=32, choices=SystemType.choices)
    information_classes = models.JSONField(_("information classes"), default=list, blank=True)
    data_subjects_basic = models.PositiveIntegerField(_("data subjects (basic personal data)"), default=0)
    data_subjects_sensitive = models.PositiveIntegerField(_("data subjects (sensitive personal data)"), default=0)
    hosting = models.CharField(_("hosting"), max_length=32, choices=Hosting.choices)
    hosting_provider = models.CharField(_("hosting provider"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=32, choices=SystemStatus.choices, default=SystemStatus.OPERATING)
    go_live_date = models.DateField(_("go-live date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InformationSystemQuerySet.as_manager()

    class Meta:
        ordering = ["owner__path", "name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="unique_system_name_per_owner")]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["system_type"])]
        verbose_name = _("information system")
        verbose_name_plural = _("information systems")

    def __str__(self):
        return self.name

    @property
    def audit_organisation(self):
        return self.owner

    def information_class_labels(self) -> list[str]:
        labels = dict(InformationClass.choices)
        return [str(labels.get(code, code)) for code in self.information_classes]


class SystemPartQuerySet(ScopedQuerySet):
    scope_fields = ("system__owner", "system__operator")


class SystemPart(models.Model):
    """A host, IP range or domain: belongs to one system, audited in that system's history."""

    system = models.ForeignKey(InformationSystem, on_delete=models.CASCADE)

    objects = SystemPartQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def audit_anchor(self):
        return self.system

    @property
    def audit_organisation(self):
        return self.system.owner


class SystemHost(SystemPart):
    system = models.ForeignKey(InformationSystem, on_delete=models.CASCADE, related_name="hosts")
    hostname = models.CharField(_("host name"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        ordering = ["hostname", "ip_address"]
        verbose_name = _("host")
        verbose_name_plural = _("hosts")

    def __str__(self):
        return " / ".join(part for part in (self.hostname, self.ip_address) if part)


class SystemNetwork(SystemPart):
    """An IP range. First and last addresses are kept as fixed-width hex so that "is this address
    inside a range" and "do two ranges overlap" are plain string comparisons in any database."""

    system = models.ForeignKey(InformationSystem, on_delete=models.CASCADE, related_name="networks")
    cidr = models.CharField(_("IP range (CIDR)"), max_length=64)
    ip_version = models.PositiveSmallIntegerField(editable=False)
    first_address = models.CharField(max_length=32, editable=False, db_index=True)
    last_address = models.CharField(max_length=32, editable=False, db_index=True)

    class Meta:
        ordering = ["ip_version", "first_address"]
        verbose_name = _("IP range")
        verbose_name_plural = _("IP ranges")

    def __str__(self):
        return self.cidr


class SystemDomain(SystemPart):
    system = models.ForeignKey(InformationSystem, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(_("domain"), max_length=253)

    class Meta:
        ordering = ["domain"]
        verbose_name = _("domain")
        verbose_name_plural = _("domains")

    def __str__(self):
        return self.domain
