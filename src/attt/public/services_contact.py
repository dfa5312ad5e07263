"""Incident-report contacts an organisation publishes: editing them, publishing (which records the
``incident_contacts_published`` evidence of duties D18-5 and IR-5), and reading what is public.
No HTTP here; other rooms read ``published_contact(organisation)``.

Publishing, or saving while published, is a *publication* of that day: one row per contact and
day, the source of the evidence, so a yearly duty (IR-5) sees each year's confirmation. Taking the
contacts down withdraws that evidence: nothing public proves the duty any more.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from attt.obligations import evidence
from attt.tenancy.audit import stored_user
from attt.tenancy.roles import Permission
from attt.tenancy.scoping import scope_for

from .models import ContactPublication, PublicContact

EVIDENCE_KIND = "incident_contacts_published"
FIELDS = ("phone", "email", "hours", "languages", "pgp_key_url", "policy_url", "host_names", "published")
MAX_HOST_NAMES = 20
MAX_LANGUAGES = 10
PHONE_RE = re.compile(r"^\+?[0-9 ().-]+$")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{1,8})*$")
LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_https = URLValidator(schemes=["https"])


# --- reading ---------------------------------------------------------------------------------

def can_manage(user, organisation) -> bool:
    return scope_for(user).can(Permission.MANAGE_PUBLIC_CONTACT, organisation)


def published_contact(organisation) -> PublicContact | None:
    """The organisation's published contacts, or None when it publishes none."""
    if organisation is None:
        return None
    return PublicContact.objects.published().select_related("organisation").filter(organisation=organisation).first()


def published_contact_by_code(code) -> PublicContact | None:
    code = str(code or "").strip().upper()  # codes are stored in capitals; people type "ag-a1"
    return PublicContact.objects.published().select_related("organisation").filter(organisation__code=code).first()


def contact_for_host(host) -> PublicContact | None:
    """The published contact whose host names include ``host`` (no port), or None."""
    try:
        host = normalise_host(host)
    except ValueError:
        return None
    # The text filter narrows, the exact comparison decides ("a.vn" must not match "www.a.vn").
    for contact in PublicContact.objects.published().select_related("organisation").filter(host_names__contains=host):
        if host in contact.host_list:
            return contact
    return None


def public_url(path, request=None) -> str:
    """An https address of an ATTT page for the public (RFC 9116 wants https web URIs).

    ATTT_PUBLIC_BASE_URL names where the public reaches ATTT; without it, the request's host."""
    base = getattr(settings, "ATTT_PUBLIC_BASE_URL", "") or ""
    if base:
        return base.rstrip("/") + path
    host = request.get_host() if request is not None else settings.ATTT_BASE_URL.split("://", 1)[-1]
    return f"https://{host}{path}"


def links(contact, request=None) -> dict:
    code = contact.organisation.code
    return {
        "page": public_url(reverse("public-contact-page", kwargs={"code": code}), request),
        "intake": public_url(reverse("public-intake", kwargs={"code": code}), request),
        "security_txt": public_url(reverse("public-contact-security-txt", kwargs={"code": code}), request),
    }


def tel_uri(phone) -> str:
    """An RFC 3966 tel: URI; Vietnamese national numbers (leading 0) become +84."""
    digits = re.sub(r"[^\d+]", "", phone or "")
    if not digits:
        return ""
    if digits.startswith("+"):
        return f"tel:+{digits.lstrip('+')}"
    if digits.startswith("00"):
        return f"tel:+{digits[2:]}"
    if digits.startswith("0"):
        return f"tel:+84{digits[1:]}"
    return f"tel:{digits};phone-context=+84"  # short and service numbers (1900 …) are dialled as is


def snapshot(contact) -> dict:
    return {name: getattr(contact, name) for name in FIELDS if name != "published"}


# --- validation ------------------------------------------------------------------------------

def normalise_host(name) -> str:
    """A host name in lower case and IDNA form; ValueError when it is not one."""
    name = str(name or "").strip().lower().rstrip(".")
    if not name or "/" in name or ":" in name or "@" in name:
        raise ValueError(name)
    try:
        name = name.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(name) from None
    labels = name.split(".")
    if len(name) > 253 or len(labels) < 2 or not all(LABEL_RE.match(label) for label in labels):
        raise ValueError(name)
    return name


def _host_names(value, contact, errors) -> str:
    items = value if isinstance(value, (list, tuple)) else re.split(r"[\s,;]+", str(value or ""))
    hosts, bad = [], []
    for item in items:
        if not str(item).strip():
            continue
        try:
            host = normalise_host(item)
        except ValueError:
            bad.append(str(item).strip()[:100])
            continue
        if host not in hosts:
            hosts.append(host)
    if bad:
        errors["host_names"] = [_("Not a host name: %(names)s. Give host names only, without https:// or a port "
                                  "(e.g. www.example.gov.vn).") % {"names": ", ".join(bad)}]
        return ""
    if len(hosts) > MAX_HOST_NAMES:
        errors["host_names"] = [_("Give at most %(n)s host names.") % {"n": MAX_HOST_NAMES}]
        return ""
    others = PublicContact.objects.exclude(pk=contact.pk) if contact.pk else PublicContact.objects.all()
    taken = [host for host in hosts
             if any(host in other.host_list for other in others.filter(host_names__contains=host))]
    if taken:
        # Another organisation's mapping is not named: it may lie outside the user's tree.
        errors["host_names"] = [_("Already used by another organisation: %(names)s.") % {"names": ", ".join(taken)}]
    return "\n".join(hosts)


def _languages(value, errors) -> str:
    tags = [tag.strip().lower() for tag in re.split(r"[,\s]+", str(value or "")) if tag.strip()]
    tags = list(dict.fromkeys(tags))
    bad = [tag for tag in tags if not LANGUAGE_RE.match(tag)]
    if bad:
        errors["languages"] = [_("Not a language tag: %(tags)s. Use tags such as vi, en.") % {"tags": ", ".join(bad)}]
    elif not tags:
        errors["languages"] = [_("Give at least one language, e.g. vi, en.")]
    elif len(tags) > MAX_LANGUAGES:
        errors["languages"] = [_("Give at most %(n)s languages.") % {"n": MAX_LANGUAGES}]
    return ", ".join(tags)


def valid_phone(phone) -> bool:
    digits = re.sub(r"\D", "", phone)
    return bool(PHONE_RE.match(phone)) and 3 <= len(digits) <= 15


def _flag(value) -> bool:
    return value is True or str(value).strip().lower() in ("1", "true", "on", "yes")


def clean(data: dict, contact) -> dict:
    """The contact fields checked; raises ValidationError naming each bad field."""
    errors, cleaned = {}, {}
    cleaned["phone"] = str(data.get("phone") or "").strip()
    if cleaned["phone"] and (len(cleaned["phone"]) > 64 or not valid_phone(cleaned["phone"])):
        errors["phone"] = [_("Enter a phone number of digits, spaces and + ( ) . - only, e.g. +84 24 3943 6684.")]
    cleaned["email"] = str(data.get("email") or "").strip()
    if cleaned["email"]:
        try:
            validate_email(cleaned["email"])
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]
    cleaned["hours"] = str(data.get("hours") or "").strip()
    if len(cleaned["hours"]) > 255:
        errors["hours"] = [_("Keep the hours under 255 characters.")]
    cleaned["languages"] = _languages(data.get("languages", "vi, en"), errors)
    for name in ("pgp_key_url", "policy_url"):
        cleaned[name] = str(data.get(name) or "").strip()
        if cleaned[name]:
            try:
                if len(cleaned[name]) > 500:
                    raise ValidationError("too long")
                _https(cleaned[name])
            except ValidationError:
                errors[name] = [_("Enter a full https:// address (at most 500 characters).")]
    cleaned["host_names"] = _host_names(data.get("host_names", ""), contact, errors)
    cleaned["published"] = _flag(data.get("published", False))
    if cleaned["published"] and not (cleaned["email"] or cleaned["phone"]) and "email" not in errors:
        errors["email"] = [_("To publish, give at least an e-mail address or a phone number.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- writing ---------------------------------------------------------------------------------

def save_contact(user, organisation, data: dict, *, partial=False) -> PublicContact:
    """Create or update the organisation's contacts; publishing records the evidence."""
    if organisation is None or not can_manage(user, organisation):
        raise PermissionDenied(_("You may not publish contacts for this organisation."))
    contact = PublicContact.objects.filter(organisation=organisation).first() or PublicContact(organisation=organisation)
    if partial:
        data = {**{name: getattr(contact, name) for name in FIELDS}, **data}
    cleaned = clean(data, contact)
    actor = stored_user(user)
    with transaction.atomic():
        was_published = bool(contact.pk) and PublicContact.objects.filter(pk=contact.pk, published=True).exists()
        for name, value in cleaned.items():
            setattr(contact, name, value)
        contact.updated_by = actor
        if contact.published and not was_published:
            contact.published_at = timezone.now()
        elif not contact.published:
            contact.published_at = None
        contact.save()
        if contact.published:
            _record_publication(contact, actor)
        elif was_published:
            for publication in contact.publications.all():
                evidence.withdraw(publication, reason=_("The incident-report contacts were taken down."))
    return contact


def _record_publication(contact, actor):
    today = timezone.localdate()
    publication, _created = ContactPublication.objects.update_or_create(
        contact=contact, published_on=today, defaults={"snapshot": snapshot(contact), "published_by": actor})
    evidence.record(publication, kind=EVIDENCE_KIND, organisation=contact.organisation, occurred_on=today,
                    title=_("Incident-report contacts published (%(code)s)") % {"code": contact.organisation.code},
                    recorded_by=actor)
    return publication
