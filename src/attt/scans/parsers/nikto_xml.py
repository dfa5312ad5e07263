"""Nikto XML (``-Format xml``; root ``niktoscan``).

Layout: old Nikto puts ``<scandetails>`` straight under the root; Nikto 2.1.5+ (nxmlversion 1.2)
nests a second ``<niktoscan version=…>`` per scanned host. Each ``<scandetails targetip=
targethostname= targetport= sitename= starttime=>`` holds ``<item id= osvdbid= method=>`` with
description, uri, namelink, iplink. One item → one finding.

Severity: Nikto rates nothing. ATTT reads an item as info, and as low when Nikto links it to
an OSVDB entry (osvdbid ≠ 0): those are catalogued weaknesses rather than observations
("uncommon header found"), but OSVDB entries run from banner disclosure to remote code
execution, so nothing higher is claimed. (DefectDojo makes the same split with Medium; Medium
would rank e.g. "favicon identifies the server" above real medium issues.) tool_severity
records the basis: "OSVDB-<id>" or "none".
"""

from __future__ import annotations

from .base import (
    Finding,
    child_text,
    clear,
    local,
    note_scan_start,
    parse_time,
    split_host,
    to_int,
    web_location,
    xml_events,
)

NAME = "nikto_xml"
TOOL = "nikto"
LABEL = "Nikto (XML)"

EVENT_TAGS = ("niktoscan", "scandetails", "item")


def detects(sniff) -> bool:
    return sniff.kind == "xml" and sniff.xml_root == "niktoscan"


def parse(path, report, sniff):
    target = {}
    for event, element in xml_events(path, events=("start", "end"), tag=EVENT_TAGS):
        tag = local(element.tag)
        if event == "start":
            if tag == "niktoscan" and element.get("version"):
                report.tool_version = element.get("version")
            elif tag == "scandetails":
                target = _target(element, report)
        elif tag == "item":
            yield _finding(element, target)
            clear(element)


def _target(element, report) -> dict:
    ip, _ = split_host(element.get("targetip"))
    _, fqdn = split_host(element.get("targethostname"))
    port = to_int(element.get("targetport"))
    report.saw_host(ip, fqdn)
    note_scan_start(report, parse_time(element.get("starttime"), "%Y-%m-%d %H:%M:%S"))
    site = (element.get("sitename") or "").strip()
    return {"host_ip": ip, "host_fqdn": fqdn, "port": port, "protocol": "tcp" if port else "",
            "site": site if "://" in site else (element.get("siteip") or "").strip()}


def _finding(item, target: dict) -> Finding:
    description = child_text(item, "description")
    uri = child_text(item, "uri")
    url = _url(child_text(item, "namelink"), child_text(item, "iplink"), target.get("site", ""), uri)
    osvdb = (item.get("osvdbid") or "").strip()
    catalogued = osvdb not in ("", "0")
    # The link names the host as the item saw it; the scan target fills in what it lacks.
    found = web_location(url)
    port = found.get("port") or target.get("port")
    location = {"host_ip": found.get("host_ip") or target.get("host_ip", ""),
                "host_fqdn": found.get("host_fqdn") or target.get("host_fqdn", ""),
                "port": port, "protocol": "tcp" if port else ""}
    return Finding(
        title=description,
        severity="low" if catalogued else "info",
        tool_severity=f"OSVDB-{osvdb}" if catalogued else "none",
        tool_id=(item.get("id") or "").strip(),
        url=url,
        description=description,
        references=[f"OSVDB-{osvdb}"] if catalogued else [],
        evidence=f"{(item.get('method') or '').strip()} {uri}".strip(),
        **location,
    )


def _url(namelink: str, iplink: str, site: str, uri: str) -> str:
    """The item's URL: Nikto's name link, else its IP link, else the site plus the URI.

    Nikto sometimes writes an empty host (``http://:/favicon.ico``); such links are skipped."""
    for link in (namelink, iplink):
        if "://" in link and web_location(link).get("port") is not None and "://:" not in link:
            return link
    return site.rstrip("/") + uri if site else uri
