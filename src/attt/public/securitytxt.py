"""RFC 9116 security.txt of an organisation, built from its published contacts. No HTTP here.

Expires is computed on every request (now + ATTT_SECURITY_TXT_DAYS, kept under the one year the RFC
allows), so the file never goes stale and nobody has to renew it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from . import services_contact

DEFAULT_DAYS = 180
MAX_DAYS = 364  # RFC 9116 §2.5.5: "less than a year into the future"
CONTENT_TYPE = "text/plain; charset=utf-8"


def lifetime_days() -> int:
    days = int(getattr(settings, "ATTT_SECURITY_TXT_DAYS", DEFAULT_DAYS))
    return max(1, min(days, MAX_DAYS))


def expires(now=None) -> datetime.datetime:
    now = now or timezone.now()
    return (now + datetime.timedelta(days=lifetime_days())).astimezone(datetime.UTC).replace(microsecond=0)


def build(contact, canonical_url: str, urls: dict, now=None) -> str:
    """The file's text: ``urls`` are the https addresses of the contact page and the intake form."""
    organisation = contact.organisation
    name = " ".join(organisation.name_vi.split())  # a line break in a name must not end the comment
    lines = [
        f"# Security contact of {name} ({organisation.code})",
        "# Report an incident or a vulnerability through any of the contacts below.",
    ]
    if contact.email:
        lines.append(f"Contact: mailto:{contact.email}")
    if contact.phone:
        lines.append(f"Contact: {services_contact.tel_uri(contact.phone)}")
    lines.append(f"Contact: {urls['intake']}")
    lines.append(f"Expires: {expires(now).strftime('%Y-%m-%dT%H:%M:%SZ')}")
    if contact.pgp_key_url:
        lines.append(f"Encryption: {contact.pgp_key_url}")
    lines.append(f"Preferred-Languages: {', '.join(contact.language_list) or 'vi, en'}")
    lines.append(f"Canonical: {canonical_url}")
    lines.append(f"Policy: {contact.policy_url or urls['page']}")
    return "\n".join(lines) + "\n"
