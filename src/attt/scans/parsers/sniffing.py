"""Sniffing: what the first bytes of a file say about it, read safely and never whole.

Each parser's ``detects(sniff)`` reads only the ``Sniff`` built here. Empty, binary and unsafe
files (entity declarations, unknown external DTDs) are refused before any parser runs.
"""

from __future__ import annotations

import codecs
import json
import re
from pathlib import Path

import ijson
from lxml import etree

from .base import (
    HEAD_BYTES,
    JSON_SNIFF_EVENTS,
    XML_SNIFF_EVENTS,
    ParseError,
    Sniff,
    clear,
    csv_delimiter,
    local,
)


def sniff(path: Path) -> Sniff:
    """Read the start of a file and say what it is; refuse empty, binary and unsafe XML files."""
    with open(path, "rb") as handle:
        raw = handle.read(HEAD_BYTES)
    if not raw.strip():
        raise ParseError("The file is empty." if not raw else "The file contains only blank space.")
    if b"\x00" in raw[:4096]:
        raise ParseError("The file is binary, not a scanner report (it contains NUL bytes).")
    head = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(raw, final=False).lstrip("\ufeff")
    if head.count("\ufffd") > max(8, len(head) // 100):
        raise ParseError("The file is not text in UTF-8; it looks like binary data, not a scanner report.")
    start = head.lstrip()
    if start.startswith("<"):
        return _sniff_xml(path, head)
    if start.startswith(("{", "[")) or start.rstrip() == "null":
        return _sniff_json(path, head, start)
    lines = tuple(head.splitlines()[:12])
    return Sniff(kind="csv" if lines and csv_delimiter(lines[0]) in lines[0] else "text", head=head, lines=lines)


# DTD file names real scanners put in their DOCTYPE (seen in the corpus and in their documentation).
SCANNER_DTDS = frozenset({"asset_data_report.dtd", "scan-1.dtd", "scan.dtd", "nikto.dtd", "was_scan_report.dtd",
                          "was_webapp_report.dtd", "simple_return.dtd"})
_EXTERNAL_DTD = re.compile(r"<!DOCTYPE\s+[\w.:-]+\s+(?:SYSTEM|PUBLIC\s+\"[^\"]*\")\s+[\"']([^\"']*)[\"']", re.IGNORECASE)


def _sniff_xml(path: Path, head: str) -> Sniff:
    # Real reports carry DOCTYPEs (Burp inline, Qualys and Nikto external); they are never loaded
    # or fetched (see xml_events). Entity declarations are what XXE and billion laughs need, and
    # no scanner writes them, so they are refused with a message that says why.
    external = _EXTERNAL_DTD.search(head)
    if external and external.group(1).rsplit("/", 1)[-1].lower() not in SCANNER_DTDS:
        raise ParseError(f"The XML refers to an external DTD ({external.group(1)[:200]}). External DTDs are never "
                         "fetched, and only those scanners write (Qualys, Nikto) are accepted.")
    if "<!ENTITY" in head.upper():
        raise ParseError("The XML declares entities (<!ENTITY>); such files are refused because they can "
                         "expand without limit or read local files (billion laughs, XXE).")
    root, attrs, children = "", {}, []
    depth = 0
    try:
        # Only the start of the document is read: at most XML_SNIFF_EVENTS events, each element
        # freed once ended (a sniff must never build the DOM of a 500 MB report).
        for count, (event, element) in enumerate(etree.iterparse(
                str(path), events=("start", "end"), resolve_entities=False, no_network=True, load_dtd=False,
                huge_tree=True)):
            if event == "start":
                depth += 1
                if depth == 1:
                    root, attrs = local(element.tag), dict(element.attrib)
                elif depth == 2:
                    children.append(local(element.tag))
                    if len(children) >= 12:
                        break
            else:
                depth -= 1
                if depth == 0:
                    break
                if depth >= 1:
                    clear(element)
            if count >= XML_SNIFF_EVENTS:
                break
    except etree.XMLSyntaxError as exc:
        if not root:
            raise ParseError(f"The file is not well-formed XML (line {exc.lineno}): {exc.msg}") from None
        # A truncated file still has a recognisable start; parse() will report where it breaks.
    if not root:
        raise ParseError("The XML file has no root element.")
    return Sniff(kind="xml", head=head, xml_root=root, xml_children=tuple(children),
                 xml_root_attrs={local(k): v for k, v in attrs.items()})


def _sniff_json(path: Path, head: str, start: str) -> Sniff:
    if start.rstrip() == "null":
        return Sniff(kind="json", head=head, json_top="null")
    first_line, _, rest = start.partition("\n")
    if start.startswith("{") and rest.strip().startswith("{"):
        try:
            record = json.loads(first_line)
        except json.JSONDecodeError:
            record = None
        if isinstance(record, dict):
            return Sniff(kind="jsonl", head=head, json_top="object",
                         json_keys=frozenset(_key_paths(record, "item")))
    keys = set()
    with open(path, "rb") as handle:
        try:
            for count, (prefix, event, value) in enumerate(ijson.parse(handle)):
                if event == "map_key" and prefix.count(".") < 4:
                    keys.add(f"{prefix}.{value}" if prefix else value)
                if count >= JSON_SNIFF_EVENTS:
                    break
        except ijson.JSONError as exc:
            if not keys:
                raise ParseError(f"The file is not valid JSON: {exc}") from None
    return Sniff(kind="json", head=head, json_top="array" if start.startswith("[") else "object",
                 json_keys=frozenset(keys))


def _key_paths(value, prefix, depth=0):
    if isinstance(value, dict) and depth < 4:
        for key, inner in value.items():
            path = f"{prefix}.{key}" if prefix else key
            yield path
            yield from _key_paths(inner, path, depth + 1)
    elif isinstance(value, list) and value and depth < 4:
        yield from _key_paths(value[0], f"{prefix}.item", depth + 1)
