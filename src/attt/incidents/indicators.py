"""Indicators of compromise: recognise, validate and normalise one value per kind.

Values are normalised so the same indicator entered twice (``Evil.COM.`` and ``evil.com``) is one
row: IPs in compressed form, domains and e-mail domains lower-case without the trailing dot,
hashes lower-case hex. Nothing here touches the network.
"""

import ipaddress
import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _

from .models import IndicatorKind

_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
DOMAIN_RE = re.compile(rf"^(?:{_LABEL}\.)+(?:[a-z]{{2,63}}|xn--[a-z0-9-]{{1,59}})$")
HASH_LENGTHS = {IndicatorKind.MD5: 32, IndicatorKind.SHA1: 40, IndicatorKind.SHA256: 64}
HEX_RE = re.compile(r"^[0-9a-f]+$")
_FILE_NAME_FORBIDDEN = re.compile(r"[\x00-\x1f/\\]")


def _domain(value: str) -> str:
    value = value.strip().rstrip(".").lower()
    try:
        value = value.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValidationError(_("“%(value)s” is not a valid domain name.") % {"value": value}) from None
    if len(value) > 253 or not DOMAIN_RE.match(value):
        raise ValidationError(_("“%(value)s” is not a valid domain name.") % {"value": value})
    return value


def normalise(kind: str, value: str) -> str:
    """The canonical form of ``value`` as an indicator of ``kind``; ValidationError when invalid."""
    value = (value or "").strip()
    if not value:
        raise ValidationError(_("The indicator is empty."))
    if kind in (IndicatorKind.IPV4, IndicatorKind.IPV6):
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            raise ValidationError(_("“%(value)s” is not a valid IP address.") % {"value": value}) from None
        if (address.version == 4) != (kind == IndicatorKind.IPV4):
            raise ValidationError(_("“%(value)s” is not an address of this IP version.") % {"value": value})
        return address.compressed
    if kind == IndicatorKind.DOMAIN:
        return _domain(value)
    if kind == IndicatorKind.URL:
        parts = urlsplit(value)
        if parts.scheme.lower() not in ("http", "https", "ftp") or not parts.hostname:
            raise ValidationError(_("“%(value)s” is not a valid http, https or ftp URL.") % {"value": value})
        try:
            ipaddress.ip_address(parts.hostname)
        except ValueError:
            _domain(parts.hostname)
        if len(value) > 2048:
            raise ValidationError(_("The URL is longer than 2,048 characters."))
        return value
    if kind == IndicatorKind.EMAIL:
        local, _at, domain = value.rpartition("@")
        normal = f"{local}@{_domain(domain) if domain else ''}"
        try:
            EmailValidator()(normal)
        except ValidationError:
            raise ValidationError(_("“%(value)s” is not a valid e-mail address.") % {"value": value}) from None
        return normal
    if kind in HASH_LENGTHS:
        lowered = value.lower()
        if len(lowered) != HASH_LENGTHS[kind] or not HEX_RE.match(lowered):
            raise ValidationError(_("“%(value)s” is not a %(kind)s (%(length)s hexadecimal characters).")
                                  % {"value": value, "kind": IndicatorKind(kind).label, "length": HASH_LENGTHS[kind]})
        return lowered
    if kind == IndicatorKind.FILE_NAME:
        if len(value) > 255 or _FILE_NAME_FORBIDDEN.search(value):
            raise ValidationError(_("“%(value)s” is not a valid file name.") % {"value": value})
        return value
    raise ValidationError(_("Unknown kind of indicator: %(kind)s.") % {"kind": kind})


def guess_kind(value: str) -> str | None:
    """The kind a pasted value most plausibly is, or None."""
    value = value.strip()
    try:
        return IndicatorKind.IPV4 if ipaddress.ip_address(value).version == 4 else IndicatorKind.IPV6
    except ValueError:
        pass
    if re.match(r"^[a-z][a-z0-9+.-]*://", value, re.I):
        return IndicatorKind.URL
    if "@" in value:
        return IndicatorKind.EMAIL
    lowered = value.lower()
    if HEX_RE.match(lowered):
        return {32: IndicatorKind.MD5, 40: IndicatorKind.SHA1, 64: IndicatorKind.SHA256}.get(len(lowered))
    try:
        _domain(value)
        return IndicatorKind.DOMAIN
    except ValidationError:
        return None


def parse_lines(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Pasted indicators, one per line, optionally ``kind: value`` → ([(kind, value)], [errors])."""
    found, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        kind, sep, rest = line.partition(":")
        if sep and kind.strip().lower() in IndicatorKind.values and not rest.startswith("//"):
            kind, value = kind.strip().lower(), rest.strip()
        else:
            kind, value = guess_kind(line), line
        if kind is None:
            errors.append(_("Line %(number)s: cannot tell what kind of indicator “%(value)s” is; "
                            "write it as kind: value.") % {"number": number, "value": line[:200]})
            continue
        try:
            found.append((kind, normalise(kind, value)))
        except ValidationError as error:
            errors.append(_("Line %(number)s: %(message)s") % {"number": number, "message": " ".join(error.messages)})
    return found, errors
