import secrets

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from attt.inventory.models import InformationSystem
from attt.tenancy.models import Organisation
from attt.tenancy.scoping import ScopedQuerySet
from attt.uploads import StoredFile


class DutyState(models.TextChoices):
    MET = "met", _("Met")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    NO_EVIDENCE = "no_evidence", _("No evidence yet")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class SubjectScopedQuerySet(ScopedQuerySet):
    # The subject organisation's tree sees the row; so does the operator's tree for a system's row.
    scope_fields = ("organisation", "system__operator")


class OnSubject:
    """Rows about a system (in its history) or about an organisation itself, scoped by the subject."""

    @property
    def audit_organisation(self):
        return self.organisation

    @property
    def audit_anchor(self):
        return self.system if self.system_id else self


class Evidence(OnSubject, models.Model):
    """One act that satisfies duty occurrences: a scan import, an approved plan, a drill, an
    approval decision, a report sent, or a document uploaded by hand.

    Recorded by kind; the catalogue says which kinds satisfy which duty. ``duty_id`` narrows a
    hand-uploaded document to the one duty it was uploaded for.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("organisation"))
    system = models.ForeignKey(InformationSystem, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="obligation_evidence", verbose_name=_("information system"))
    kind = models.CharField(_("kind of evidence"), max_length=48)
    duty_id = models.CharField(_("duty"), max_length=32, blank=True, default="")
    occurred_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=500)
    note = models.TextField(_("note"), blank=True)
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    source_id = models.CharField(max_length=64, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=500, blank=True)

    objects = SubjectScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["system", "kind"]), models.Index(fields=["organisation", "kind"]),
                   models.Index(fields=["source_type", "source_id"])]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self):
        return self.title


class DocumentQuerySet(ScopedQuerySet):
    scope_fields = ("evidence__organisation", "evidence__system__operator")


class EvidenceDocument(StoredFile):
    evidence = models.OneToOneField(Evidence, on_delete=models.CASCADE, related_name="document")

    objects = DocumentQuerySet.as_manager()

    @property
    def audit_organisation(self):
        return self.evidence.organisation

    @property
    def audit_anchor(self):
        return self.evidence.audit_anchor


class SubjectEvent(OnSubject, models.Model):
    """Something that re-opens a duty: a system change, a first classification, an incident."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    system = models.ForeignKey(InformationSystem, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="obligation_events")
    kind = models.CharField(_("event"), max_length=48)
    occurred_on = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=500, blank=True)
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    source_id = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SubjectScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["system", "kind"]), models.Index(fields=["organisation", "kind"])]


class DutyStatus(models.Model):
    """The engine's answer for one applicable duty of one organisation or system.

    Computed from the catalogue, the facts and the evidence, never typed in. Rows exist only for
    applicable duties; ``recheck_on`` is the first day the answer changes with no new input.
    """

    duty_id = models.CharField(_("duty"), max_length=32)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    system = models.ForeignKey(InformationSystem, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="duty_statuses")
    status = models.CharField(_("status"), max_length=16, choices=DutyState.choices)
    next_due = models.DateField(_("next due date"), null=True, blank=True)
    evidence = models.ForeignKey(Evidence, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    satisfied_on = models.DateField(_("last satisfied on"), null=True, blank=True)
    recheck_on = models.DateField(null=True, blank=True, db_index=True)

    objects = SubjectScopedQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__path", "system__name", "duty_id"]
        constraints = [
            models.UniqueConstraint(fields=["duty_id", "system"], condition=Q(system__isnull=False),
                                    name="one_status_per_system_duty"),
            models.UniqueConstraint(fields=["duty_id", "organisation"], condition=Q(system__isnull=True),
                                    name="one_status_per_organisation_duty"),
        ]
        indexes = [models.Index(fields=["organisation", "status"]), models.Index(fields=["status", "next_due"])]


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("Reminder before the due date")
    OVERDUE = "overdue", _("Overdue notice")
    ESCALATION = "escalation", _("Escalation to the supervising organisation")


class ReminderSent(models.Model):
    """One e-mail sent about one occurrence; the unique key makes sending idempotent."""

    duty_id = models.CharField(max_length=32)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    system = models.ForeignKey(InformationSystem, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    due_on = models.DateField()
    kind = models.CharField(max_length=16, choices=ReminderKind.choices)
    recipient = models.EmailField()
    # duty|organisation|system|due|kind|recipient: one unique column, since a NULL system would
    # make a multi-column unique constraint let duplicates through.
    key = models.CharField(max_length=400, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    objects = SubjectScopedQuerySet.as_manager()

    @staticmethod
    def key_for(duty_id, organisation_id, system_id, due_on, kind, recipient):
        return "|".join(str(part) for part in (duty_id, organisation_id, system_id or "", due_on, kind,
                                                recipient.lower()))


def new_token():
    return secrets.token_urlsafe(32)


class CalendarFeedQuerySet(ScopedQuerySet):
    scope_fields = ("organisation",)


class CalendarFeed(models.Model):
    """A secret iCalendar URL: a person's feed (everything they may see) or an organisation's."""

    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="+", verbose_name=_("organisation"))
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    @property
    def audit_organisation(self):
        return self.organisation
