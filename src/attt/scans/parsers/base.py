"""What every scanner parser shares: the normalised finding, the one error, safe streaming readers and
small helpers several formats use.

A parser module (one per format, registered in ``parsers/__init__.py``) defines::

    NAME = "nessus_xml"          # unique format id
    TOOL = "nessus"              # tool family: re-imports of one family share findings
    LABEL = "Nessus / Tenable (.nessus XML)"
    def detects(sniff: Sniff) -> bool: ...      # from content only, never the file name
    def parse(path: Path, report: ReportInfo, sniff: Sniff) -> Iterator[Finding]: ...

The Sniff is built by ``sniffing.sniff``.

``parse`` streams: it yields plain ``Finding`` objects one by one (never ORM objects, never a
list of the whole file) and raises ``ParseError`` with a message a security officer can act on.
"""

from __future__ import annotations

import csv
import html
import ipaddress
import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import ijson
from lxml import etree

SEVERITIES = ("info", "low", "medium", "high", "critical")
EVIDENCE_LIMIT = 4000  # characters of raw tool output kept per finding
TEXT_LIMIT = 20000  # description / solution
HEAD_BYTES = 64 * 1024
JSON_SNIFF_EVENTS = 5000
XML_SNIFF_EVENTS = 20000
CVE_PATTERN = re.compile(r"CVE-\d{4}-\d{4,}", re.IGNORECASE)
CWE_PATTERN = re.compile(r"CWE[-_: ]?(\d{1,5})", re.IGNORECASE)


class ParseError(Exception):
    """The file cannot be imported; the message names the problem (shown to the user as is)."""


@dataclass(slots=True)
class Finding:
    title: str
    severity: str = "info"  # one of SEVERITIES, mapped from the tool's own scale
    tool_severity: str = ""  # the tool's own word or number, kept for the auditor
    tool_id: str = ""  # plugin / rule / template / QID: what the tool calls this check
    unique_id: str = ""  # the tool's own id of *this* finding, only where the tool makes it stable
    cvss_v2_vector: str = ""
    cvss_v2_score: float | None = None
    cvss_v3_vector: str = ""
    cvss_v3_score: float | None = None
    cvss_v4_vector: str = ""
    cvss_v4_score: float | None = None
    cves: list[str] = field(default_factory=list)
    cwes: list[int] = field(default_factory=list)
    epss_score: float | None = None
    epss_percentile: float | None = None
    kev: bool | None = None
    host_ip: str = ""
    host_fqdn: str = ""
    port: int | None = None
    protocol: str = ""  # tcp / udp / … lower case
    url: str = ""
    component: str = ""  # package, library, image or file the finding is in
    version: str = ""
    fixed_version: str = ""
    file_path: str = ""  # source-code findings (SARIF, Semgrep, Bandit)
    line: int | None = None
    description: str = ""
    solution: str = ""
    references: list[str] = field(default_factory=list)
    evidence: str = ""  # bounded raw output (plugin output, matched string, request)

    def clean(self) -> Finding:
        """Bound and normalise every field; parsers call nothing else before yielding."""
        self.title = _one_line(self.title)[:500] or _one_line(self.tool_id)[:500] or "(untitled)"
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity {self.severity!r} is not one of {SEVERITIES}")
        self.tool_severity = str(self.tool_severity or "")[:40]
        self.tool_id = str(self.tool_id or "")[:200]
        self.unique_id = str(self.unique_id or "")[:200]
        self.cves = sorted({c.upper() for c in self.cves if c and CVE_PATTERN.fullmatch(c.strip())})[:200]
        self.cwes = sorted({int(c) for c in self.cwes if c is not None and 0 < int(c) < 100000})[:50]
        for name in ("cvss_v2_score", "cvss_v3_score", "cvss_v4_score"):
            value = getattr(self, name)
            setattr(self, name, value if value is not None and 0 <= value <= 10 else None)
        for name in ("epss_score", "epss_percentile"):
            value = getattr(self, name)
            setattr(self, name, value if value is not None and 0 <= value <= 1 else None)
        self.host_ip = str(self.host_ip or "").strip()[:45]
        self.host_fqdn = str(self.host_fqdn or "").strip().rstrip(".").lower()[:253]
        if self.port is not None and not 0 <= self.port <= 65535:
            self.port = None
        self.protocol = str(self.protocol or "").strip().lower()[:10]
        for name, limit in (("url", 2000), ("component", 500), ("version", 200), ("fixed_version", 500),
                            ("file_path", 1000), ("cvss_v2_vector", 200), ("cvss_v3_vector", 200),
                            ("cvss_v4_vector", 300)):
            setattr(self, name, str(getattr(self, name) or "").strip()[:limit])
        self.description = str(self.description or "").strip()[:TEXT_LIMIT]
        self.solution = str(self.solution or "").strip()[:TEXT_LIMIT]
        self.evidence = str(self.evidence or "")[:EVIDENCE_LIMIT]
        self.references = list(dict.fromkeys(r.strip()[:1000] for r in self.references if r and r.strip()))[:50]
        for name in _TEXT_FIELDS:  # PostgreSQL text refuses NUL; some tools emit it (Grype versions)
            value = getattr(self, name)
            if "\x00" in value:
                setattr(self, name, value.replace("\x00", ""))
        self.references = [r.replace("\x00", "") for r in self.references]
        return self


_TEXT_FIELDS = ("title", "tool_severity", "tool_id", "unique_id", "host_ip", "host_fqdn", "protocol", "url", "component",
                "version", "fixed_version", "file_path", "cvss_v2_vector", "cvss_v3_vector", "cvss_v4_vector",
                "description", "solution", "evidence")


@dataclass
class ReportInfo:
    """Facts about the report as a whole, filled in by the parser while it streams."""

    tool_version: str = ""
    scanned_at: datetime | None = None  # when the scan ran, if the report says so
    hosts: dict = field(default_factory=dict)  # (ip, fqdn) -> True: every host scanned, even clean ones

    def saw_host(self, ip: str = "", fqdn: str = ""):
        ip, fqdn = (ip or "").strip(), (fqdn or "").strip().rstrip(".").lower()
        if ip or fqdn:
            self.hosts[(ip, fqdn)] = True


@dataclass
class Sniff:
    """What the first bytes of a file say about it; each parser's ``detects`` reads this only."""

    kind: str  # "xml" | "json" | "jsonl" | "csv" | "text"
    head: str  # the first HEAD_BYTES decoded as text
    xml_root: str = ""  # local name of the root element
    xml_children: tuple = ()  # local names of the first elements below the root (document order)
    xml_root_attrs: dict = field(default_factory=dict)
    json_top: str = ""  # "object" | "array" | "null" (for kind json/jsonl)
    json_keys: frozenset = frozenset()  # key paths seen early, ijson style: "runs", "item.template-id"
    lines: tuple = ()  # the first text lines (CSV and text)

    def has_keys(self, *keys) -> bool:
        return all(key in self.json_keys for key in keys)

    def csv_header(self, max_skip: int = 6) -> list[str] | None:
        """The first line (within ``max_skip``) that looks like a CSV header, as lower-case names."""
        for line in self.lines[:max_skip + 1]:
            row = next(csv.reader([line], delimiter=csv_delimiter(line)), [])
            if len(row) >= 3:
                return [cell.strip().strip("\ufeff").lower() for cell in row]
        return None


# --- Safe streaming readers -------------------------------------------------------------------

def xml_events(path: Path, events=("end",), tag=None):
    """lxml iterparse that resolves no entity, loads no DTD and fetches nothing.

    Callers must ``clear(element)`` what they have used so memory stays flat.
    """
    try:
        for event, element in etree.iterparse(
                str(path), events=events, tag=tag, resolve_entities=False, no_network=True, load_dtd=False,
                dtd_validation=False, huge_tree=True, remove_comments=True, remove_pis=True):
            yield event, element
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"The XML is malformed or truncated (line {exc.lineno}): {exc.msg}") from None


def clear(element):
    """Free an element and the already-processed siblings before it (iterparse keeps them otherwise)."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def local(tag) -> str:
    """Tag name without its namespace."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def child_text(element, name: str, default: str = "") -> str:
    """Text of the first direct child called ``name`` (namespace ignored), stripped."""
    for child in element:
        if local(child.tag) == name:
            return (child.text or "").strip()
    return default


def all_text(element) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def json_items(path: Path, prefix: str):
    """Stream the JSON values at ``prefix`` (ijson syntax: ``"matches.item"``)."""
    with open(path, "rb") as handle:
        try:
            yield from ijson.items(handle, prefix, use_float=True)
        except ijson.JSONError as exc:
            raise ParseError(f"The JSON is malformed or truncated: {exc}") from None


def json_lines(path: Path):
    """Stream the objects of a JSON Lines file (blank lines skipped)."""
    with open(path, encoding="utf-8", errors="strict") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ParseError(f"Line {number} is not valid JSON: {exc.msg}") from None
            if not isinstance(value, dict):
                raise ParseError(f"Line {number} is not a JSON object.")
            yield value


def json_records(path: Path, sniff: Sniff, array_key: str = ""):
    """The records of a file that is a JSON array, JSON Lines, or one object (``array_key``
    names the list inside the object, if any)."""
    if sniff.kind == "jsonl":
        yield from json_lines(path)
    elif sniff.json_top == "array":
        yield from json_items(path, "item")
    elif sniff.json_top == "object":
        if array_key:
            yield from json_items(path, f"{array_key}.item")
        else:
            yield from json_items(path, "")
    # "null": nothing


def csv_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=counts.get) if any(counts.values()) else ","


def csv_rows(path: Path, is_header, max_skip: int = 10):
    """Stream a CSV's rows as dicts keyed by lower-case header names.

    ``is_header(cells)`` picks the header line among the first ``max_skip`` lines (Qualys puts a
    preamble before it); the delimiter is read from that line.
    """
    csv.field_size_limit(64 * 1024 * 1024)
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        for _ in range(max_skip + 1):
            position = handle.tell()
            line = handle.readline()
            if not line:
                raise ParseError("The CSV file has no header line.")
            delimiter = csv_delimiter(line)
            cells = [c.strip().strip('"').lower() for c in next(csv.reader([line], delimiter=delimiter), [])]
            if is_header(cells):
                handle.seek(position)
                break
        else:
            raise ParseError("The CSV header this format needs was not found.")
        reader = csv.reader(handle, delimiter=delimiter)
        header = [c.strip().lower() for c in next(reader)]
        try:
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                yield dict(zip(header, (cell.strip() for cell in row)))
        except csv.Error as exc:
            raise ParseError(f"The CSV is malformed at line {reader.line_num}: {exc}") from None


# --- Small conversions every parser needs -------------------------------------------------------

def to_float(value) -> float | None:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def to_int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        number = to_float(value)
        return int(number) if number is not None and number.is_integer() else None


def severity_from_score(score: float | None) -> str:
    """CVSS v3 qualitative rating (FIRST): 0 none, 0.1–3.9 low, 4–6.9 medium, 7–8.9 high, 9–10 critical."""
    if score is None or score <= 0:
        return "info"
    if score < 4:
        return "low"
    if score < 7:
        return "medium"
    if score < 9:
        return "high"
    return "critical"


SEVERITY_WORDS = {
    "critical": "critical", "crit": "critical", "urgent": "critical", "very high": "critical",
    "high": "high", "important": "high", "error": "high", "serious": "high",
    "medium": "medium", "moderate": "medium", "med": "medium", "warning": "medium",
    "low": "low", "minor": "low", "note": "low",
    "info": "info", "informational": "info", "information": "info", "none": "info", "log": "info",
    "negligible": "info", "unknown": "info", "debug": "info", "": "info",
}


def severity_from_word(word) -> str | None:
    """A tool's severity word (any case) → our scale; None when the word is not a known one."""
    return SEVERITY_WORDS.get(str(word or "").strip().lower())


def cves_in(*texts) -> list[str]:
    found = []
    for text in texts:
        if text:
            found.extend(m.upper() for m in CVE_PATTERN.findall(str(text)))
    return found


def cwes_in(*texts) -> list[int]:
    found = []
    for text in texts:
        if text is None:
            continue
        if isinstance(text, int):
            found.append(text)
        else:
            found.extend(int(m) for m in CWE_PATTERN.findall(str(text)))
            if str(text).strip().isdecimal():
                found.append(int(str(text).strip()))
    return found


def bounded(text, limit: int = EVIDENCE_LIMIT) -> str:
    return str(text or "")[:limit]


def _one_line(text) -> str:
    return " ".join(str(text or "").split())


# --- Helpers shared by several formats ----------------------------------------------------------

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21, "ssh": 22}
_IP_LIKE = re.compile(r"[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.%\w]*")
_TIME_PATTERNS = ("%a %b %d %H:%M:%S %Y", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M")  # Nessus' own forms
_BREAK_TAGS = re.compile(r"<\s*(?:br|/p|/div|/tr|/h[1-6]|/ul|/ol)\b[^>]*>", re.IGNORECASE)
_ITEM_TAGS = re.compile(r"<\s*li\b[^>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]*>")
_URL = re.compile(r"https?://[^\s<>\"']+")


def split_host(value) -> tuple[str, str]:
    """(ip, fqdn) of a host string: an address goes left, a name right, a URL gives its host."""
    value = str(value or "").strip()
    # Only host-sized strings are cached, so a hostile file cannot fill the cache with huge ones.
    return _split_host(value) if len(value) <= 300 else _split_host.__wrapped__(value)


@lru_cache(maxsize=4096)  # reports repeat the same few host strings on every finding
def _split_host(value: str) -> tuple[str, str]:
    if "://" in value:
        try:
            value = urlsplit(value).hostname or ""
        except ValueError:  # e.g. an unbalanced IPv6 bracket
            return "", ""
    value = value.strip("[]").rstrip(".")
    if not value:
        return "", ""
    try:
        ipaddress.ip_address(value)
        return value, ""
    except ValueError:
        # Anonymised samples carry impossible addresses (192.168.1.1001, 10.10.10.10.): still addresses.
        return (value, "") if _IP_LIKE.fullmatch(value) and any(c.isdigit() for c in value) else ("", value)


def web_location(text) -> dict:
    """Finding fields of a URL or ``host[:port]``: the port defaults by scheme, and HTTP means "tcp"."""
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
    """Aware datetime (naive = UTC) of ISO 8601, Unix seconds, ``patterns``, Nessus' forms or RFC 2822."""
    value = " ".join(str(value or "").split())
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
    except ValueError:
        moment = _other_time(value, patterns)
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _other_time(value: str, patterns) -> datetime | None:
    if value.isdigit():  # Unix seconds, 1970 (excluded) to 2242
        seconds = to_int(value)  # None for digits int() refuses ("²")
        return datetime.fromtimestamp(seconds, tz=timezone.utc) if seconds and seconds < 2 ** 33 else None
    for pattern in (*patterns, *_TIME_PATTERNS):
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            continue
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def note_scan_start(report, moment: datetime | None):
    """Keep the earliest time seen as the scan's start (a multi-host scan began with its first host)."""
    if moment is not None and (report.scanned_at is None or moment < report.scanned_at):
        report.scanned_at = moment


def join_texts(*parts) -> str:
    """The non-empty texts, stripped, as paragraphs."""
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


def strip_html(text, limit: int = TEXT_LIMIT) -> str:
    """Plain text of an HTML fragment (bounded to ``2 × limit`` first): tags dropped, entities decoded."""
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


def json_events(path: Path):
    """ijson's event stream of a file; malformed JSON becomes a ParseError."""
    with open(path, "rb") as handle:
        try:
            yield from ijson.parse(handle, use_float=True)
        except ijson.JSONError as exc:
            raise ParseError(f"The JSON is malformed or truncated: {exc}") from None


def split_items(events, item_prefix: str):
    """("item", value) per value at ``item_prefix`` (built one at a time), ("event", event) otherwise."""
    builder = None
    for prefix, event, value in events:
        if builder is not None:
            builder.event(event, value)
            if prefix == item_prefix and event in ("end_map", "end_array"):
                yield "item", builder.value
                builder = None
        elif prefix == item_prefix and event in ("start_map", "start_array"):
            builder = ijson.ObjectBuilder()
            builder.event(event, value)
        elif prefix == item_prefix:
            yield "item", value
        else:
            yield "event", (prefix, event, value)


def first_value(path: Path, prefix: str):
    """The first JSON value at ``prefix`` or None: a second pass at C speed that stops there."""
    values = json_items(path, prefix)
    try:
        return next(values, None)
    finally:
        values.close()


def json_dict(value) -> dict:
    """The value if it is a JSON object, else {}."""
    return value if isinstance(value, dict) else {}


def json_list(value) -> list:
    """The value if it is a JSON array, else []."""
    return value if isinstance(value, list) else []


def json_text(value) -> str:
    """A JSON scalar as stripped text without NUL; booleans, null, objects and arrays are no text."""
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).replace("\x00", "").strip()


def json_strings(value) -> list[str]:
    """The non-empty texts of a JSON array ([] when it is not one)."""
    return [json_text(item) for item in json_list(value) if json_text(item)]


def label_lines(*pairs) -> str:
    """"Label: value" lines for the (label, value) pairs that have a value."""
    return "\n".join(f"{label}: {value}" for label, value in pairs if value)
