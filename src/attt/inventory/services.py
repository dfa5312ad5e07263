"""Inventory business rules: who may change a system, what makes one valid, and how it is stored.

Views, the API, the spreadsheet importer and the CLI all come through here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from attt.tenancy.models import Organisation
from attt.tenancy.roles import Permission
from attt.tenancy.scoping import scope_for

from .addressing import ParsedHost, ParsedNetwork, parse_host
from .models import InformationClass, InformationSystem, SystemDomain, SystemHost, SystemNetwork

CORE_FIELDS = (
    "owner", "operator", "security_unit", "name", "description", "system_type", "information_classes",
    "data_subjects_basic", "data_subjects_sensitive", "hosting", "hosting_provider", "status", "go_live_date",
)


@dataclass
class SystemInput:
    owner: Organisation
    operator: Organisation
    name: str
    system_type: str
    hosting: str
    status: str
    security_unit: Organisation | None = None
    description: str = ""
    information_classes: list[str] = field(default_factory=list)
    data_subjects_basic: int = 0
    data_subjects_sensitive: int = 0
    hosting_provider: str = ""
    go_live_date: date | None = None
    hosts: list[ParsedHost] = field(default_factory=list)
    networks: list[ParsedNetwork] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)


def can_edit_system(user, system: InformationSystem) -> bool:
    scope = scope_for(user)
    return scope.can(Permission.EDIT_INVENTORY, system.owner) or scope.can(Permission.EDIT_INVENTORY, system.operator)


def require_edit(user, owner: Organisation, existing: InformationSystem | None = None) -> None:
    scope = scope_for(user)
    if not scope.can(Permission.EDIT_INVENTORY, owner):
        raise PermissionDenied(_("You may not record systems for %(org)s.") % {"org": owner.code})
    if existing is not None and not can_edit_system(user, existing):
        raise PermissionDenied(_("You may not change this system."))


def input_errors(data: SystemInput, existing_id: int | None = None) -> dict[str, list[str]]:
    """Rules that need the database or look across fields; field syntax is checked before."""
    errors: dict[str, list[str]] = {}
    if not data.name.strip():
        errors.setdefault("name", []).append(_("A system needs a name."))
    unknown = sorted(set(data.information_classes) - set(InformationClass.values))
    if unknown:
        errors.setdefault("information_classes", []).append(
            _("Unknown information class: %(values)s.") % {"values": ", ".join(unknown)}
        )
    same_name = InformationSystem.objects.filter(owner=data.owner, name=data.name.strip())
    if existing_id:
        same_name = same_name.exclude(pk=existing_id)
    if same_name.exists():
        errors.setdefault("name", []).append(
            _("%(org)s already has a system named “%(name)s”.") % {"org": data.owner.code, "name": data.name}
        )
    conflicts = network_conflicts(data.owner, data.networks, exclude_system_ids=[existing_id] if existing_id else [])
    if conflicts:
        errors.setdefault("networks", []).extend(conflicts)
    return errors


def network_conflicts(owner: Organisation, networks: list[ParsedNetwork], exclude_system_ids=()) -> list[str]:
    """Ranges of other systems of the same owner organisation that overlap the given ones."""
    if not networks:
        return []
    overlap = Q()
    for net in networks:
        overlap |= Q(ip_version=net.ip_version, first_address__lte=net.last_address, last_address__gte=net.first_address)
    existing = (
        SystemNetwork.objects.filter(system__owner=owner)
        .exclude(system_id__in=[pk for pk in exclude_system_ids if pk])
        .filter(overlap)
        .select_related("system")
    )
    messages = []
    for other in existing:
        stored = ParsedNetwork(other.cidr, other.ip_version, other.first_address, other.last_address)
        for net in networks:
            if net.overlaps(stored):
                messages.append(
                    _("IP range %(cidr)s overlaps %(other)s of system “%(system)s”.")
                    % {"cidr": net.cidr, "other": other.cidr, "system": other.system.name}
                )
    return messages


@transaction.atomic
def save_system(user, data: SystemInput, instance: InformationSystem | None = None) -> InformationSystem:
    require_edit(user, data.owner, instance)
    errors = input_errors(data, existing_id=instance.pk if instance else None)
    if errors:
        raise ValidationError(errors)
    system = instance or InformationSystem()
    for name in CORE_FIELDS:
        setattr(system, name, getattr(data, name))
    system.name = system.name.strip()
    system.full_clean(exclude=["information_classes"])
    system.save()
    _sync_parts(system, data)
    return system


def _sync_parts(system: InformationSystem, data: SystemInput) -> None:
    wanted_hosts = {(h.hostname, h.ip_address) for h in data.hosts}
    for host in list(system.hosts.all()):
        if (host.hostname, host.ip_address) not in wanted_hosts:
            host.delete()
        else:
            wanted_hosts.discard((host.hostname, host.ip_address))
    for hostname, ip in sorted(wanted_hosts, key=lambda pair: (pair[0], pair[1] or "")):
        SystemHost(system=system, hostname=hostname, ip_address=ip).save()

    wanted_networks = {n.cidr: n for n in data.networks}
    for network in list(system.networks.all()):
        if wanted_networks.pop(network.cidr, None) is None:
            network.delete()
    for net in wanted_networks.values():
        SystemNetwork(
            system=system, cidr=net.cidr, ip_version=net.ip_version,
            first_address=net.first_address, last_address=net.last_address,
        ).save()

    wanted_domains = list(dict.fromkeys(data.domains))
    for domain in list(system.domains.all()):
        if domain.domain in wanted_domains:
            wanted_domains.remove(domain.domain)
        else:
            domain.delete()
    for name in wanted_domains:
        SystemDomain(system=system, domain=name).save()


@transaction.atomic
def delete_system(user, system: InformationSystem) -> None:
    require_edit(user, system.owner, system)
    system.delete()


def system_history(system: InformationSystem):
    from attt.tenancy.models import AuditEntry

    return AuditEntry.objects.filter(anchor=f"{system._meta.label_lower}:{system.pk}").order_by("-sequence")


@transaction.atomic
def add_host(user, system: InformationSystem, text: str) -> SystemHost:
    """Register one more host ("name IP", "name" or "IP") on a system, e.g. a scanned host nobody claimed."""
    if not can_edit_system(user, system):
        raise PermissionDenied(_("You may not change this system."))
    parsed = parse_host(text)
    host, _created = SystemHost.objects.get_or_create(system=system, hostname=parsed.hostname,
                                                      ip_address=parsed.ip_address)
    return host
