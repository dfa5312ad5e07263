"""Nikto JSON (``-Format json``): one host object, or an array of them (Nikto 2.5 with several
targets): ``{"host", "ip", "port", "banner", "vulnerabilities": [{"id", "OSVDB", "method",
"url", "msg", "references"}]}``. One vulnerability → one finding.

The file is read as a stream of JSON events: each vulnerability is built on its own, and the
host's scalar fields (which Nikto writes before its list) are remembered as they pass.

Severity: Nikto rates nothing; as for Nikto XML, an item is info, and low when it links an
OSVDB entry (OSVDB ≠ 0). See nikto_xml for why not DefectDojo's Medium.
"""

from __future__ import annotations

from .base import (
    Finding,
    ParseError,
    json_events,
    split_host,
    split_items,
    to_int,
    urls_in,
    web_location,
)

NAME = "nikto_json"
TOOL = "nikto"
LABEL = "Nikto (JSON)"

HOST_FIELDS = ("host", "ip", "port", "banner")


def detects(sniff) -> bool:
    if sniff.kind != "json" or sniff.json_top not in ("object", "array"):
        return False
    top = "item." if sniff.json_top == "array" else ""
    keys = sniff.json_keys
    items = [key for key in keys if key.startswith(f"{top}vulnerabilities.item.")]
    return (f"{top}vulnerabilities" in keys and (f"{top}host" in keys or f"{top}ip" in keys)
            and (not items or f"{top}vulnerabilities.item.msg" in keys))


def parse(path, report, sniff):
    top = "item" if sniff.json_top == "array" else ""
    prefix = f"{top}.vulnerabilities.item" if top else "vulnerabilities.item"
    host_keys = {(f"{top}.{name}" if top else name): name for name in HOST_FIELDS}
    host = {}
    number = 0
    for kind, value in split_items(json_events(path), prefix):
        if kind == "item":
            number += 1
            if not isinstance(value, dict):
                raise ParseError(f"Vulnerability {number} of this Nikto report is not a JSON object.")
            yield _finding(value, host)
            continue
        where, event, scalar = value
        if where == top and event == "start_map":
            host = {}
        elif where == top and event == "end_map":
            ip, fqdn = _host_names(host)
            report.saw_host(ip, fqdn)
        elif where in host_keys and event in ("string", "number"):
            host[host_keys[where]] = str(scalar).strip()


def _host_names(host: dict) -> tuple[str, str]:
    ip, _ = split_host(host.get("ip"))
    other_ip, fqdn = split_host(host.get("host"))
    return ip or other_ip, fqdn


def _text(value) -> str:
    return "" if value is None or isinstance(value, (dict, list)) else str(value).strip()


def _finding(item: dict, host: dict) -> Finding:
    ip, fqdn = _host_names(host)
    port = to_int(host.get("port"))
    path = _text(item.get("url"))
    url = path if "://" in path else _site_url(fqdn or ip, port) + path
    osvdb = _text(item.get("OSVDB"))
    catalogued = osvdb not in ("", "0")
    found = web_location(url) if "://" in path else {}
    message = _text(item.get("msg"))
    return Finding(
        title=message,
        severity="low" if catalogued else "info",
        tool_severity=f"OSVDB-{osvdb}" if catalogued else "none",
        tool_id=_text(item.get("id")),
        host_ip=found.get("host_ip") or ip,
        host_fqdn=found.get("host_fqdn") or fqdn,
        port=found.get("port") or port,
        protocol="tcp" if (found.get("port") or port) else "",
        url=url,
        description=message,
        references=urls_in(_text(item.get("references"))) + ([f"OSVDB-{osvdb}"] if catalogued else []),
        evidence=f"{_text(item.get('method'))} {path}".strip(),
    )


def _site_url(host: str, port: int | None) -> str:
    """Nikto JSON gives host and port but no scheme: 443 is taken as HTTPS, anything else HTTP."""
    if not host:
        return ""
    host = f"[{host}]" if ":" in host else host
    if port in (None, 80):
        return f"http://{host}"
    if port == 443:
        return f"https://{host}"
    return f"http://{host}:{port}"
