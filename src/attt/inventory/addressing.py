"""Parsing and normalising hosts, IP ranges and domains, shared by forms, API and spreadsheet import."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LIST_SEPARATORS = re.compile(r"[;,\n\r]+")
DOMAIN_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def split_list(text: str | None) -> list[str]:
    if not text:
        return []
    return [item.strip() for item in LIST_SEPARATORS.split(str(text)) if item.strip()]


@dataclass(frozen=True)
class ParsedNetwork:
    cidr: str
    ip_version: int
    first_address: str
    last_address: str

    def overlaps(self, other: "ParsedNetwork") -> bool:
        return (
            self.ip_version == other.ip_version
            and self.first_address <= other.last_address
            and other.first_address <= self.last_address
        )


def address_key(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """Fixed-width hex: string order equals numeric order within one IP version."""
    width = 8 if address.version == 4 else 32
    return format(int(address), f"0{width}x")


def parse_network(text: str) -> ParsedNetwork:
    value = text.strip()
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError:
        try:
            loose = ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ValidationError(_("“%(value)s” is not a valid IP range in CIDR notation (e.g. 10.0.0.0/24).") % {"value": value})
        raise ValidationError(
            _("“%(value)s” has host bits set; did you mean %(network)s?") % {"value": value, "network": loose}
        )
    return ParsedNetwork(
        cidr=str(network),
        ip_version=network.version,
        first_address=address_key(network.network_address),
        last_address=address_key(network.broadcast_address),
    )


def parse_each(values: list[str], parser) -> list:
    """Parse every value, collecting every message before failing; drop repeated entries."""
    parsed, errors = [], []
    for value in values:
        try:
            item = parser(value)
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        if item not in parsed:
            parsed.append(item)
    if errors:
        raise ValidationError(errors)
    return parsed


def parse_networks(values: list[str]) -> list[ParsedNetwork]:
    parsed = parse_each(values, parse_network)
    overlaps = overlap_messages(parsed)
    if overlaps:
        raise ValidationError(overlaps)
    return parsed


def overlap_messages(networks: list[ParsedNetwork]) -> list[str]:
    messages = []
    for i, first in enumerate(networks):
        for second in networks[i + 1 :]:
            if first.overlaps(second):
                messages.append(_("IP ranges %(a)s and %(b)s overlap.") % {"a": first.cidr, "b": second.cidr})
    return messages


def parse_domain(text: str) -> str:
    value = text.strip().rstrip(".").lower()
    try:
        ascii_form = value.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValidationError(_("“%(value)s” is not a valid domain name.") % {"value": text.strip()})
    labels = ascii_form.split(".")
    if len(labels) < 2 or len(ascii_form) > 253 or not all(DOMAIN_LABEL.match(label) for label in labels):
        raise ValidationError(_("“%(value)s” is not a valid domain name.") % {"value": text.strip()})
    if labels[-1].isdigit():
        raise ValidationError(_("“%(value)s” is an IP address, not a domain name.") % {"value": text.strip()})
    return value


def parse_domains(values: list[str]) -> list[str]:
    return parse_each(values, parse_domain)


@dataclass(frozen=True)
class ParsedHost:
    hostname: str
    ip_address: str | None

    def as_text(self) -> str:
        return " ".join(part for part in (self.hostname, self.ip_address or "") if part)


def parse_host(text: str) -> ParsedHost:
    """"web01 10.0.0.5", "web01", "10.0.0.5" or "2001:db8::5"."""
    hostname, ip_text = "", None
    for token in text.split():
        try:
            ip = ipaddress.ip_address(token)
        except ValueError:
            if hostname:
                raise ValidationError(_("“%(value)s”: give a host as “name IP”, “name” or “IP”.") % {"value": text.strip()})
            hostname = token.lower().rstrip(".")
            if len(hostname) > 255 or not re.match(r"^[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?$", hostname):
                raise ValidationError(_("“%(value)s” is not a valid host name.") % {"value": token})
            continue
        if ip_text is not None:
            raise ValidationError(_("“%(value)s”: give a host as “name IP”, “name” or “IP”.") % {"value": text.strip()})
        ip_text = str(ip)
    if not hostname and ip_text is None:
        raise ValidationError(_("Empty host entry."))
    return ParsedHost(hostname, ip_text)


def parse_hosts(values: list[str]) -> list[ParsedHost]:
    return parse_each(values, parse_host)
