"""OWASP ZAP XML report (root ``OWASPZAPReport``; the "Traditional XML" and "XML Plus" reports).

Layout: one ``<site host= port= ssl=>`` per scanned site, its ``<alerts>`` hold ``<alertitem>``s
(one per alert type: pluginid, alert/name, riskcode, confidence, desc, solution, reference,
cweid, wascid) and each alertitem lists the places it was seen as ``<instances><instance>``
(uri, method, param, attack, evidence, otherinfo, request/response).

One finding per *instance* (its URL is the finding's URL): ZAP packs every URL where an alert
fired into one alertitem, and the URL is what a web team fixes. An alertitem without instances
(old ZAP versions) gives one finding on the site itself.

Severity: ZAP's ``riskcode`` 0 Informational → info, 1 Low → low, 2 Medium → medium,
3 High → high (ZAP has no critical). The confidence (0 false positive … 4 user confirmed) is
kept in the evidence: ZAP writes it, the auditor decides.

ZAP writes its texts as HTML (``<p>…</p>``, escaped in the XML): tags are stripped for the
description and solution, and URLs are taken out of ``reference``.

The helpers below (``strip_html``, ``urls_in``, ``web_location``, ``parse_time``) are shared
with the other web-scanner modules (burp, acunetix_xml, acunetix360, nikto_*, nuclei,
generic_*); they would belong in base.py.
"""

from __future__ import annotations

import html
import ipaddress
import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from .base import (
    TEXT_LIMIT,
    Finding,
    ParseError,
    bounded,
    child_text,
    clear,
    cwes_in,
    local,
    severity_from_word,
    to_int,
    xml_events,
)

NAME = "zap"
TOOL = "zap"
LABEL = "OWASP ZAP (XML report)"

RISK_CODES = {"0": "info", "1": "low", "2": "medium", "3": "high"}
CONFIDENCE_WORDS = {"0": "False positive", "1": "Low", "2": "Medium", "3": "High", "4": "User confirmed"}
INSTANCE_FIELDS = ("method", "param", "attack", "evidence", "otherinfo")

# --- helpers shared with the other web-scanner modules -----------------------------------------

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21, "ssh": 22}
_BREAK_TAGS = re.compile(r"<\s*(?:br|/p|/div|/tr|/h[1-6]|/ul|/ol)\b[^>]*>", re.IGNORECASE)
_ITEM_TAGS = re.compile(r"<\s*li\b[^>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]*>")
_URL = re.compile(r"https?://[^\s<>\"']+")
_IP_LIKE = re.compile(r"[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.%\w]*")


def strip_html(text, limit: int = TEXT_LIMIT) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, one paragraph a line.

    The input is bounded first so the regular expressions only ever see ``2 × limit`` characters.
    """
    text = str(text or "")[: limit * 2]
    text = _ITEM_TAGS.sub("\n- ", _BREAK_TAGS.sub("\n", text))
    text = html.unescape(_ANY_TAG.sub("", text))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)[:limit]


def urls_in(*texts) -> list[str]:
    """Every http(s) URL in the texts (HTML links included), in order, without trailing punctuation."""
    found = []
    for text in texts:
        if text:
            found.extend(url.rstrip(".,;:") for url in _URL.findall(html.unescape(str(text)[:TEXT_LIMIT])))
    return found


def split_host(value) -> tuple[str, str]:
    """(ip, fqdn) of a bare host name: an address goes left, a name right."""
    value = str(value or "").strip().strip("[]").rstrip(".")
    if not value:
        return "", ""
    try:
        ipaddress.ip_address(value)
        return value, ""
    except ValueError:
        # Anonymised samples carry impossible addresses (10.10.10.10.); still addresses.
        return (value, "") if _IP_LIKE.fullmatch(value) and any(c.isdigit() for c in value) else ("", value)


def web_location(text) -> dict:
    """Finding fields (host_ip, host_fqdn, port, protocol) of a URL or a ``host[:port]``.

    A web finding's port is the URL's, or the scheme's default; HTTP runs over TCP, so protocol
    is "tcp" whenever a port is known (this lines web findings up with network scanners').
    """
    text = str(text or "").strip()
    if not text:
        return {}
    try:
        parts = urlsplit(text if "://" in text else "//" + text)
        host, port = parts.hostname or "", parts.port
    except ValueError:  # unbalanced IPv6 bracket, port out of range or not a number
        return {}
    if port is None:
        port = DEFAULT_PORTS.get(parts.scheme.lower())
    ip, fqdn = split_host(host)
    return {"host_ip": ip, "host_fqdn": fqdn, "port": port, "protocol": "tcp" if port else ""}


def parse_time(value, *patterns) -> datetime | None:
    """A timestamp (ISO 8601, RFC 2822, or one of ``patterns``), timezone-aware; naive means UTC."""
    value = " ".join(str(value or "").split())
    if not value:
        return None
    moment = None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        for pattern in patterns:
            try:
                moment = datetime.strptime(value, pattern)
                break
            except ValueError:
                continue
        else:
            try:
                moment = parsedate_to_datetime(value)
            except (TypeError, ValueError, IndexError):
                return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def note_time(report, moment: datetime | None):
    """Keep the earliest time seen as the scan's start."""
    if moment is not None and (report.scanned_at is None or moment < report.scanned_at):
        report.scanned_at = moment


def join_texts(*parts) -> str:
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


# --- ZAP ---------------------------------------------------------------------------------------

def detects(sniff) -> bool:
    return sniff.kind == "xml" and sniff.xml_root == "OWASPZAPReport"


def parse(path, report, sniff):
    site = {"url": "", "location": {}}
    for event, element in xml_events(path, events=("start", "end")):
        tag = local(element.tag)
        if event == "start":
            if tag == "OWASPZAPReport":
                report.tool_version = element.get("version", "")
                # ZAP writes when the report was generated, not when the scan started.
                note_time(report, parse_time(element.get("generated")))
            elif tag == "site":
                site = _site(element, report)
        elif tag == "alertitem":
            yield from _findings(element, site)
            clear(element)


def _site(element, report) -> dict:
    name = (element.get("name") or "").strip()
    location = web_location(name) or web_location(element.get("host"))
    port = to_int(element.get("port"))
    if port:
        location["port"], location["protocol"] = port, "tcp"
    report.saw_host(location.get("host_ip", ""), location.get("host_fqdn", ""))
    return {"url": name, "location": location}


def _findings(item, site: dict):
    fields = {local(child.tag): child for child in item if isinstance(child.tag, str)}
    text = {name: (element.text or "").strip() for name, element in fields.items()}
    if not (text.get("alert") or text.get("name") or text.get("pluginid")):
        raise ParseError("A ZAP alertitem has neither an alert name nor a pluginid.")
    risk = text.get("riskcode", "")
    severity = RISK_CODES.get(risk) or severity_from_word(text.get("riskdesc", "").split(" (")[0])
    if severity is None:
        raise ParseError(f"A ZAP alertitem has the riskcode {risk!r}; ZAP uses 0 to 3.")
    tags = fields.get("tags")
    tag_texts = [child_text(tag, "tag") for tag in tags] if tags is not None else []
    tag_links = [child_text(tag, "link") for tag in tags] if tags is not None else []
    common = dict(
        title=text.get("alert") or text.get("name", ""),
        severity=severity,
        tool_severity=(text.get("riskdesc", "").split(" (")[0] or risk),
        tool_id=text.get("pluginid", ""),
        cwes=cwes_in(text.get("cweid"), *tag_texts),
        description=join_texts(strip_html(text.get("desc")), strip_html(text.get("otherinfo"))),
        solution=strip_html(text.get("solution")),
        references=urls_in(text.get("reference")) + [link for link in tag_links if link],
    )
    confidence = CONFIDENCE_WORDS.get(text.get("confidence", ""), text.get("confidence", ""))
    instances = fields.get("instances")
    instances = [child for child in instances if local(child.tag) == "instance"] if instances is not None else []
    if not instances:
        yield Finding(**common, **site["location"], url=site["url"], evidence=f"Confidence: {confidence}")
    for instance in instances:
        uri = child_text(instance, "uri")
        location = web_location(uri) or site["location"]
        yield Finding(**common, **location, url=uri or site["url"], evidence=_evidence(instance, confidence))


def _evidence(instance, confidence: str) -> str:
    lines = [f"Confidence: {confidence}"] if confidence else []
    for name in INSTANCE_FIELDS:
        value = _dedent(child_text(instance, name))
        if value:
            lines.append(f"{name.capitalize()}: {value}")
    request = _dedent(child_text(instance, "requestheader"))
    if request:
        lines.append("Request:\n" + request)
    return bounded("\n".join(lines))


def _dedent(text: str, limit: int = 1500) -> str:
    """Drop the XML pretty-printer's indentation from a multi-line value (bounded first)."""
    return "\n".join(line.strip() for line in text[:limit].splitlines() if line.strip())
