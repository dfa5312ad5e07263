"""Which information system a scanned host belongs to, from the inventory's hosts, IP ranges and domains.

Order, most specific first: the exact IP of a registered host; its exact host name; the smallest
registered IP range containing the IP; the longest registered domain the name ends with.
"""

from __future__ import annotations

import ipaddress

from attt.inventory.addressing import address_key
from attt.inventory.models import (
    InformationSystem,
    SystemDomain,
    SystemHost,
    SystemNetwork,
)


class HostMatcher:
    def __init__(self, organisation):
        systems = InformationSystem.objects.within(organisation).select_related("owner")
        self.systems = {system.pk: system for system in systems}
        ids = list(self.systems)
        self.by_ip, self.by_name = {}, {}
        for system_id, ip, name in SystemHost.objects.filter(system_id__in=ids).order_by("system_id").values_list(
                "system_id", "ip_address", "hostname"):
            if ip:
                self.by_ip.setdefault(_normal_ip(ip), system_id)
            if name:
                self.by_name.setdefault(name.strip().rstrip(".").lower(), system_id)
        # (version, first, last, system) sorted smallest range first, so the first hit is the most specific.
        self.networks = sorted(
            SystemNetwork.objects.filter(system_id__in=ids).values_list(
                "ip_version", "first_address", "last_address", "system_id"),
            key=lambda row: (int(row[2], 16) - int(row[1], 16), row[3]))
        self.domains = sorted(
            ((domain.strip().rstrip(".").lower(), system_id) for system_id, domain in
             SystemDomain.objects.filter(system_id__in=ids).values_list("system_id", "domain")),
            key=lambda row: (-len(row[0]), row[1]))
        self._cache = {}

    def match(self, ip: str, fqdn: str):
        """The system for a host, or None."""
        key = (ip, fqdn)
        if key not in self._cache:
            system_id = self._match_id(ip, fqdn)
            self._cache[key] = self.systems.get(system_id) if system_id else None
        return self._cache[key]

    def matched_hosts(self):
        """The (ip, fqdn) pairs asked about so far that some system claims."""
        return [key for key, system in self._cache.items() if system is not None]

    def _match_id(self, ip, fqdn):
        address = _parse_ip(ip) or _parse_ip(fqdn)  # some tools put the IP in the name field
        if address is not None and str(address) in self.by_ip:
            return self.by_ip[str(address)]
        name = (fqdn or "").strip().rstrip(".").lower()
        if name and name in self.by_name:
            return self.by_name[name]
        if address is not None:
            key = address_key(address)
            for version, first, last, system_id in self.networks:
                if version == address.version and first <= key <= last:
                    return system_id
        if name:
            for domain, system_id in self.domains:
                if name == domain or name.endswith("." + domain):
                    return system_id
        return None


def _parse_ip(text):
    try:
        return ipaddress.ip_address((text or "").strip().strip("[]"))
    except ValueError:
        return None


def _normal_ip(text):
    address = _parse_ip(text)
    return str(address) if address is not None else text
