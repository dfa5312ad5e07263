from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from attt import languages

from .roles import Role
from .scoping import ScopedQuerySet

PATH_SEPARATOR = "/"


class OrganisationKind(models.TextChoices):
    NATIONAL_REGULATOR = "national_regulator", _("National regulator")
    NATIONAL_COORDINATION = "national_coordination", _("National coordination agency")
    MINISTRY = "ministry", _("Ministry")
    PROVINCE = "province", _("Province")
    AGENCY = "agency", _("Agency")
    UNIT = "unit", _("Unit")
    STATE_CORPORATION = "state_corporation", _("State-owned corporation")
    ENTERPRISE = "enterprise", _("Enterprise")
    TELECOM_ISP = "telecom_isp", _("Telecom / ISP")


def path_ids(path: str) -> list[int]:
    """The organisation ids on a materialised path, root first, the organisation itself last."""
    return [int(part) for part in path.strip(PATH_SEPARATOR).split(PATH_SEPARATOR) if part]


class OrganisationQuerySet(ScopedQuerySet):
    scope_fields = ("",)  # an organisation is scoped by itself

    def subtree(self, organisation: "Organisation"):
        return self.within(organisation)


class Organisation(models.Model):
    """A node of the supervision tree. `path` ("/1/7/12/") makes a subtree one indexed prefix query."""

    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9][A-Z0-9._-]*$", _("Use capital letters, digits, '.', '_' or '-'."))],
    )
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    path = models.CharField(max_length=512, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    head_name = models.CharField(_("head of organisation"), max_length=255, blank=True)
    is_state_body = models.BooleanField(_("state body"), default=False)
    is_network_member = models.BooleanField(_("member of the national incident response network"), default=False)
    is_telecom = models.BooleanField(_("telecom / ISP"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return f"{self.code} – {self.name}"

    @property
    def name(self) -> str:
        if languages.active() == "en" and self.name_en:
            return self.name_en
        return self.name_vi

    @property
    def audit_organisation(self):
        return self

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.parent_id and self.pk and self.parent.path.startswith(self.path or "\0"):
            raise ValidationError({"parent": _("An organisation cannot be placed under itself or its own subtree.")})

    def save(self, *args, **kwargs):
        with transaction.atomic():
            old_path = self.path
            if self.pk is None:
                super().save(*args, **kwargs)
                kwargs = {}
            parent_path = self.parent.path if self.parent_id else PATH_SEPARATOR
            self.path = f"{parent_path}{self.pk}{PATH_SEPARATOR}"
            self.depth = self.path.count(PATH_SEPARATOR) - 2
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                # Moved: carry the whole subtree to its new place.
                for child in Organisation.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                    child.path = self.path + child.path[len(old_path):]
                    child.depth = child.path.count(PATH_SEPARATOR) - 2
                    Organisation.objects.filter(pk=child.pk).update(path=child.path, depth=child.depth)

    @property
    def tree_prefix(self) -> str:
        return "· " * self.depth

    def ancestor_ids(self) -> list[int]:
        return path_ids(self.path)

    def is_within(self, other: "Organisation") -> bool:
        return self.path.startswith(other.path)


class RoleAssignmentQuerySet(ScopedQuerySet):
    scope_fields = ("organisation",)


class RoleAssignment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="unique_role_per_org"),
        ]
        ordering = ["organisation__path", "user__username"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.organisation.code}"

    @property
    def audit_organisation(self):
        return self.organisation


class AuditAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("updated")
    DELETE = "delete", _("deleted")
    LOGIN = "login", _("logged in")
    LOGIN_FAILED = "login_failed", _("failed login")


class AuditEntryQuerySet(ScopedQuerySet):
    scope_fields = ("organisation",)


class AuditEntry(models.Model):
    """One link of the hash chain. `entry_hash` = SHA-256(previous hash + canonical entry)."""

    sequence = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField(db_index=True)
    # Audit rows never change: deleting a user or an organisation must not rewrite them (that would
    # break the chain), so these references carry no constraint; the username and code are the record.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=255, blank=True)
    # The record whose history this entry belongs to (a system for its hosts, ranges, domains).
    anchor = models.CharField(max_length=120, blank=True, db_index=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    organisation_code = models.CharField(max_length=32, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    remote_addr = models.CharField(max_length=64, blank=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-sequence"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"

    def changed_fields(self) -> list[tuple[str, object, object]]:
        """(field label, before, after) for what a person edits; derived columns stay in the chain only."""
        from django.apps import apps

        before, after = self.before or {}, self.after or {}
        try:
            fields = {f.attname: f for f in apps.get_model(self.object_type)._meta.concrete_fields}
        except (LookupError, ValueError):
            fields = {}
        changes = []
        for key in sorted(set(before) | set(after)):
            field = fields.get(key)
            if before.get(key) == after.get(key) or (field is not None and (not field.editable or key == "system_id")):
                continue
            label = str(field.verbose_name) if field is not None else key
            changes.append((label, before.get(key), after.get(key)))
        return changes


class AuditChainHead(models.Model):
    """Single row: last sequence and hash. Updating it first serialises writers on every database."""

    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
