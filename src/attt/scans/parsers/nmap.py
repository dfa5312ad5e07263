"""Nmap XML (root nmaprun).

Per host that is up: every open port → one informational finding ("Open port 22/tcp: ssh
(OpenSSH 7.4)", service product/version as component/version, the port's script outputs as
evidence). The ``vulners`` script (port or host script) → one finding per CVE it lists, its CVSS
score giving the severity (CVSS v3 qualitative scale via severity_from_score); its non-CVE entries
(exploit ids) stay in the port finding's evidence. Other host scripts → one informational finding
each. Streams one <host> at a time.
"""

from __future__ import annotations

import re

from . import base

NAME = "nmap"
TOOL = "nmap"
LABEL = "Nmap (XML)"

VULNERS_LINE = re.compile(r"^\s*(CVE-\d{4}-\d{4,})\s+(\d+(?:\.\d+)?)\s+(\S+)?", re.M | re.I)


def detects(sniff: base.Sniff) -> bool:
    return sniff.kind == "xml" and sniff.xml_root == "nmaprun"


def parse(path, report: base.ReportInfo, sniff: base.Sniff):
    for event, element in base.xml_events(path, events=("start", "end"), tag=("nmaprun", "host")):
        if base.local(element.tag) == "nmaprun":
            if event == "start":
                _run_facts(element, report)
            continue
        if event == "end":
            yield from _host(element, report)
            base.clear(element)


def _run_facts(run, report):
    report.tool_version = run.get("version", "")
    report.scanned_at = base.parse_time(run.get("start"))  # Unix seconds


def _children(element, name: str):
    return [child for child in element if base.local(child.tag) == name]


def _host(host, report):
    status = next(iter(_children(host, "status")), None)
    if status is None or status.get("state") != "up":
        return
    ip, fqdn = _address(host)
    report.saw_host(ip, fqdn)
    for ports in _children(host, "ports"):
        for port in _children(ports, "port"):
            state = next(iter(_children(port, "state")), None)
            if state is not None and state.get("state") == "open":
                yield from _port_findings(port, ip, fqdn)
    for scripts in _children(host, "hostscript"):
        for script in _children(scripts, "script"):
            if script.get("id") == "vulners":
                yield from _vulners(script, ip, fqdn, None, "")
            else:  # no port to attach it to: the host script is a finding of its own
                yield base.Finding(title=f"Nmap host script {script.get('id', '')}", tool_id=script.get("id", ""),
                                   host_ip=ip, host_fqdn=fqdn, evidence=base.bounded(_script_text(script)))


def _address(host) -> tuple[str, str]:
    """(first IPv4/IPv6 address, hostname): the name the user asked for wins over PTR names."""
    ips = [a.get("addr", "") for a in _children(host, "address") if a.get("addrtype") in ("ipv4", "ipv6")]
    names = [name for group in _children(host, "hostnames") for name in _children(group, "hostname")]
    names.sort(key=lambda name: name.get("type") != "user")  # stable: document order otherwise
    return next(iter(ips), ""), names[0].get("name", "") if names else ""


def _port_findings(port, ip, fqdn):
    number, protocol = base.to_int(port.get("portid")), (port.get("protocol") or "").lower()
    service = next(iter(_children(port, "service")), None)
    name, product, version = (("", "", "") if service is None else
                              (service.get("name", ""), service.get("product", ""), service.get("version", "")))
    extra = service.get("extrainfo", "") if service is not None else ""
    label = " ".join(filter(None, [product, version]))
    title = f"Open port {port.get('portid', '')}/{protocol}" + (f": {name}" if name else "")
    title += f" ({label})" if label else ""
    scripts = _children(port, "script")
    yield base.Finding(
        title=title, severity="info", tool_id="open-port", host_ip=ip, host_fqdn=fqdn,
        port=number, protocol=protocol, component=product, version=version,
        description=f"Nmap found port {port.get('portid', '')}/{protocol} open"
                    + (f", running {name}" if name else "")
                    + (f" ({' '.join(filter(None, [label, extra]))})." if label or extra else "."),
        references=[cpe.text.strip() for cpe in _children(service, "cpe") if cpe.text] if service is not None else [],
        evidence=base.bounded("\n\n".join(_script_text(script) for script in scripts)),
    )
    for script in scripts:
        if script.get("id") == "vulners":
            yield from _vulners(script, ip, fqdn, number, protocol, product or name, version)


def _script_text(script) -> str:
    return f"{script.get('id', '')}:{script.get('output', '')}"


def _vulners(script, ip, fqdn, port, protocol, component="", version=""):
    """One finding per CVE listed by the vulners script (structured tables, else its text output).

    The score is whatever CVSS vulners holds for the CVE (version not stated), so it sets the
    severity and tool_severity but neither CVSS field."""
    software = " ".join(filter(None, [component, version]))
    for cve, score in _vulners_entries(script):
        yield base.Finding(
            title=f"{cve} in {software}" if software else cve,
            severity=base.severity_from_score(score),
            tool_severity="" if score is None else str(score),
            tool_id=f"vulners:{cve}",
            cves=[cve], host_ip=ip, host_fqdn=fqdn, port=port, protocol=protocol,
            component=component, version=version,
            description=f"The Nmap vulners script lists {cve} (CVSS {score}) for {software or 'this host'}.",
            references=[f"https://vulners.com/cve/{cve}"],
            evidence=base.bounded(f"vulners: {cve}\t{score}"),
        )


def _vulners_entries(script):
    entries, seen = [], set()
    for table in script.iter("table"):
        elems = {elem.get("key"): (elem.text or "").strip() for elem in table if base.local(elem.tag) == "elem"}
        identifier = elems.get("id", "")
        if elems.get("type", "cve") == "cve" and base.CVE_PATTERN.fullmatch(identifier):
            entries.append((identifier.upper(), base.to_float(elems.get("cvss"))))
    if not entries:  # old vulners versions write only the text output
        entries = [(m.group(1).upper(), base.to_float(m.group(2)))
                   for m in VULNERS_LINE.finditer(script.get("output", "")[:200000])]
    for cve, score in entries:
        if cve not in seen:
            seen.add(cve)
            yield cve, score
