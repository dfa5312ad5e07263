"""Small scanner reports built in tests (real formats, written out to files)."""

from pathlib import Path
from xml.sax.saxutils import escape

SEVERITY_WORDS = {0: "None", 1: "Low", 2: "Medium", 3: "High", 4: "Critical"}


def nessus(path: Path, hosts: dict, start="Mon Nov 16 09:00:00 2026") -> Path:
    """A minimal Nessus v2 file. ``hosts``: {"10.1.0.10" or ("name", "ip"): [(plugin_id, severity, port), …]}."""
    parts = ['<?xml version="1.0" ?>\n<NessusClientData_v2><Report name="test">']
    for host, items in hosts.items():
        name, ip = host if isinstance(host, tuple) else (host, host)
        parts.append(f'<ReportHost name="{escape(name)}"><HostProperties>'
                     f'<tag name="HOST_START">{start}</tag><tag name="host-ip">{ip}</tag>'
                     + (f'<tag name="host-fqdn">{escape(name)}</tag>' if name != ip else "")
                     + '</HostProperties>')
        for plugin_id, severity, port in items:
            parts.append(
                f'<ReportItem port="{port}" svc_name="www" protocol="tcp" severity="{severity}" '
                f'pluginID="{plugin_id}" pluginName="Check {plugin_id}" pluginFamily="Web Servers">'
                f'<description>Description of {plugin_id}</description><solution>Upgrade.</solution>'
                f'<risk_factor>{SEVERITY_WORDS[severity]}</risk_factor>'
                f'<cvss3_base_score>{[0, 3.1, 5.3, 7.5, 9.8][severity]}</cvss3_base_score>'
                f'<cve>CVE-2024-{int(plugin_id) % 10000:04d}</cve>'
                f'<plugin_output>Output of {plugin_id} on {ip}</plugin_output></ReportItem>')
        parts.append("</ReportHost>")
    parts.append("</Report></NessusClientData_v2>\n")
    path.write_text("".join(parts), encoding="utf-8")
    return path
