"""Models of the contact part of the public room: the incident-report contacts an organisation
publishes (public page, security.txt, intake form), each publication (the evidence of duties
D18-5 and IR-5), and the small ledger of intake submissions the abuse limits count."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from attt.incidents.models import Incident
from attt.tenancy.models import Organisation
from attt.tenancy.parts import part_of
from attt.tenancy.scoping import ScopedQuerySet

__all__ = ["ContactPublication", "IntakeAttempt", "PublicContact", "PublicContactQuerySet"]


class PublicContactQuerySet(ScopedQuerySet):
    scope_fields = ("organisation",)

    def published(self):
        return self.filter(published=True)


class PublicContact(models.Model):
    """What an organisation tells the public about reporting an incident to it (one per organisation)."""

    organisation = models.OneToOneField(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                        related_name="public_contact")
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    hours = models.CharField(_("hours"), max_length=255, blank=True)
    # Language tags (RFC 5646), comma separated: also security.txt's Preferred-Languages.
    languages = models.CharField(_("languages"), max_length=100, default="vi, en")
    pgp_key_url = models.URLField(_("PGP key URL"), max_length=500, blank=True)
    policy_url = models.URLField(_("policy URL"), max_length=500, blank=True)
    # Host names whose /.well-known/security.txt is this organisation's: one per line, lower case,
    # IDNA-encoded; a host belongs to one organisation at most (checked by the service).
    host_names = models.TextField(_("host names"), blank=True)
    published = models.BooleanField(_("published"), default=False, db_index=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublicContactQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__path"]
        verbose_name = _("public incident-report contact")
        verbose_name_plural = _("public incident-report contacts")

    def __str__(self):
        return f"{self.organisation.code} – {self.email or self.phone}"

    @property
    def audit_organisation(self):
        return self.organisation

    @property
    def host_list(self) -> list[str]:
        return [name for name in self.host_names.split() if name]

    @property
    def language_list(self) -> list[str]:
        return [tag.strip() for tag in self.languages.split(",") if tag.strip()]


class ContactPublication(part_of("contact")):
    """One day the contacts were published or confirmed: what was public, by whom. The source of
    the `incident_contacts_published` evidence, so each year's confirmation stays on record."""

    contact = models.ForeignKey(PublicContact, on_delete=models.CASCADE, related_name="publications")
    published_on = models.DateField(_("published on"))
    snapshot = models.JSONField(_("published contacts"), default=dict)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_on"]
        constraints = [models.UniqueConstraint(fields=["contact", "published_on"], name="one_publication_per_day")]

    def __str__(self):
        return f"{self.contact.organisation.code} {self.published_on.isoformat()}"


class IntakeAttemptQuerySet(ScopedQuerySet):
    scope_fields = ("organisation",)


class IntakeAttempt(models.Model):
    """A report filed through the intake form, as the rate limits count it. Kept only as long as
    the longest window needs (the client address is personal data)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    client_address = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(db_index=True)
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = IntakeAttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
