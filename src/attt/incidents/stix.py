"""STIX 2.1 exchange of a case's indicators of compromise.

``export_bundle`` writes one incident as a STIX 2.1 bundle built from the ``stix2`` library's own
classes (no custom properties, no custom objects): an ``identity`` for the owner organisation, one
``indicator`` per indicator row, one ``observed-data`` per row with its cyber-observable (SCO), a
``based-on`` relationship from the indicator to the observed-data, and a ``report`` that refers to
all of it. No ``indicates`` relationship is written: the case has no threat object to point at. The
bundle is parsed back with ``allow_custom=False`` before it is returned.

``read_indicators`` takes a STIX 2.0 or 2.1 bundle from elsewhere and returns the indicator values
this application stores (IP addresses, domains, URLs, e-mail addresses, file hashes and names),
normalised, with their TLP, plus a list of what was skipped and why. It never raises for bad input
and never writes to the database: the caller stores the rows.

TLP: rows carry TLP 2.0 levels. CLEAR, GREEN, AMBER and RED are exported as the TLP 1.0 marking
definitions STIX 2.1 predefines (``stix2.TLP_WHITE``/``GREEN``/``AMBER``/``RED``; consumers resolve
them without the objects being in the bundle, so they are not included). TLP:AMBER+STRICT has no
TLP 1.0 equivalent; it is exported as the TLP 2.0 marking definition OASIS publishes
(cti-stix-common-objects, extension ``extension-definition--60a3c5c5-…``), which is valid STIX
without custom properties, and that object is included in the bundle whenever it is referenced.
On reading, the TLP 1.0 and the TLP 2.0 published ids are recognised, and so are TLP marking
definitions a bundle carries under other ids. Unmarked content is read as AMBER.

Identifiers are deterministic (uuid5), so exporting a case again yields the same ids: the
organisation's identity from its code, the report from the case reference, each indicator,
observed-data and relationship from the case reference and the indicator row's id. SCO ids are
those STIX derives from the observable's value.
"""

import json
import re
import uuid

import stix2
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .indicators import normalise
from .models import IncidentType, IndicatorKind, Tlp

MAX_INPUT_BYTES = 20 * 1024 * 1024
MAX_ERRORS = 200
DESCRIPTION_LENGTH = 500

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:attt:incidents:stix")

# ---------------------------------------------------------------------------------------------
# TLP markings
# ---------------------------------------------------------------------------------------------

TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP2_CREATED = "2022-10-01T00:00:00.000Z"
TLP2_IDS = {
    Tlp.CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    Tlp.GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    Tlp.AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    Tlp.AMBER_STRICT: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    Tlp.RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TLP_AMBER_STRICT = stix2.MarkingDefinition(
    id=TLP2_IDS[Tlp.AMBER_STRICT], created=TLP2_CREATED, name="TLP:AMBER+STRICT",
    extensions={TLP2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": "amber+strict"}},
)
EXPORT_MARKINGS = {
    Tlp.CLEAR: stix2.TLP_WHITE,
    Tlp.GREEN: stix2.TLP_GREEN,
    Tlp.AMBER: stix2.TLP_AMBER,
    Tlp.AMBER_STRICT: TLP_AMBER_STRICT,
    Tlp.RED: stix2.TLP_RED,
}
BUILT_IN_MARKINGS = {stix2.TLP_WHITE.id, stix2.TLP_GREEN.id, stix2.TLP_AMBER.id, stix2.TLP_RED.id}
# Published marking ids (TLP 1.0 predefined by STIX 2.x, TLP 2.0 by OASIS) → TLP 2.0 level.
KNOWN_MARKINGS = {
    stix2.TLP_WHITE.id: Tlp.CLEAR,
    stix2.TLP_GREEN.id: Tlp.GREEN,
    stix2.TLP_AMBER.id: Tlp.AMBER,
    stix2.TLP_RED.id: Tlp.RED,
    **{marking_id: level for level, marking_id in TLP2_IDS.items()},
}
TLP_ORDER = [Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED]
_TLP_NAMES = {"white": Tlp.CLEAR, "clear": Tlp.CLEAR, "green": Tlp.GREEN, "amber": Tlp.AMBER,
              "amber+strict": Tlp.AMBER_STRICT, "red": Tlp.RED}


def most_restrictive(levels, default=Tlp.AMBER) -> str:
    """The tightest of ``levels`` (TLP 2.0 values), ``default`` when there is none."""
    ranks = [TLP_ORDER.index(level) for level in levels if level in TLP_ORDER]
    return TLP_ORDER[max(ranks)].value if ranks else Tlp(default).value


# ---------------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------------

PATTERN_PATHS = {
    IndicatorKind.IPV4: "ipv4-addr:value",
    IndicatorKind.IPV6: "ipv6-addr:value",
    IndicatorKind.DOMAIN: "domain-name:value",
    IndicatorKind.URL: "url:value",
    IndicatorKind.EMAIL: "email-addr:value",
    IndicatorKind.MD5: "file:hashes.'MD5'",
    IndicatorKind.SHA1: "file:hashes.'SHA-1'",
    IndicatorKind.SHA256: "file:hashes.'SHA-256'",
    IndicatorKind.FILE_NAME: "file:name",
}
HASH_NAMES = {IndicatorKind.MD5: "MD5", IndicatorKind.SHA1: "SHA-1", IndicatorKind.SHA256: "SHA-256"}

# report-type-ov: every case is a threat report; the type says what else it is about.
REPORT_TYPES = {
    IncidentType.DOS: ["attack-pattern"],
    IncidentType.PHISHING: ["attack-pattern"],
    IncidentType.MALWARE: ["malware"],
    IncidentType.UNAUTHORISED_ACCESS: ["attack-pattern"],
    IncidentType.DEFACEMENT: ["attack-pattern"],
    IncidentType.RANSOMWARE: ["malware"],
    IncidentType.DESTRUCTION: ["attack-pattern"],
    IncidentType.DATA_THEFT: ["attack-pattern"],
    IncidentType.COMBINED: ["attack-pattern", "malware"],
    IncidentType.OTHER: [],
}


def _id(stix_type: str, *parts) -> str:
    return f"{stix_type}--{uuid.uuid5(_NAMESPACE, ':'.join(str(part) for part in (stix_type, *parts)))}"


def quote_pattern_string(value: str) -> str:
    """A STIX patterning string literal: backslash and single quote escaped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def pattern_for(kind: str, value: str) -> str:
    return f"[{PATTERN_PATHS[kind]} = {quote_pattern_string(value)}]"


def _observable(kind: str, value: str, markings: list):
    common = {"object_marking_refs": markings}
    if kind == IndicatorKind.IPV4:
        return stix2.IPv4Address(value=value, **common)
    if kind == IndicatorKind.IPV6:
        return stix2.IPv6Address(value=value, **common)
    if kind == IndicatorKind.DOMAIN:
        return stix2.DomainName(value=value, **common)
    if kind == IndicatorKind.URL:
        return stix2.URL(value=value, **common)
    if kind == IndicatorKind.EMAIL:
        return stix2.EmailAddress(value=value, **common)
    if kind in HASH_NAMES:
        return stix2.File(hashes={HASH_NAMES[kind]: value}, **common)
    if kind == IndicatorKind.FILE_NAME:
        return stix2.File(name=value, **common)
    raise ValueError(f"unknown indicator kind {kind!r}")


def _identity(organisation):
    created = organisation.created_at or timezone.now()
    contact = "; ".join(part for part in (organisation.address, organisation.phone, organisation.email) if part)
    return stix2.Identity(
        id=_id("identity", "organisation", organisation.code),
        created=created, modified=max(created, organisation.updated_at or created),
        name=organisation.name_vi, description=organisation.name_en or None,
        identity_class="organization", contact_information=contact or None,
    )


def _indicator_objects(incident, row, identity):
    """SCO, observed-data, indicator and relationship for one indicator row."""
    marking = EXPORT_MARKINGS.get(row.tlp, stix2.TLP_AMBER)
    markings = [marking.id]
    created = row.created_at
    common = {"created": created, "modified": created, "created_by_ref": identity.id,
              "object_marking_refs": markings}
    observable = _observable(row.kind, row.value, markings)
    observed = stix2.ObservedData(
        id=_id("observed-data", incident.reference, "indicator", row.pk),
        first_observed=incident.detected_at, last_observed=incident.detected_at, number_observed=1,
        object_refs=[observable.id], **common,
    )
    with translation.override("en"):  # the exchanged text does not depend on who exports
        label = str(IndicatorKind(row.kind).label)
    indicator = stix2.Indicator(
        id=_id("indicator", incident.reference, "indicator", row.pk),
        name=f"{label}: {row.value}", description=row.description or None,
        indicator_types=["malicious-activity"], pattern=pattern_for(row.kind, row.value),
        pattern_type="stix", pattern_version="2.1", valid_from=created, **common,
    )
    relationship = stix2.Relationship(
        id=_id("relationship", incident.reference, "indicator", row.pk, "based-on"),
        relationship_type="based-on", source_ref=indicator.id, target_ref=observed.id, **common,
    )
    return marking, [observable, observed, indicator, relationship]


def export_bundle(incident) -> str:
    """The incident and its indicators as an indented STIX 2.1 bundle (JSON text).

    Raises ValueError when a row cannot be expressed in STIX or the result does not validate."""
    identity = _identity(incident.organisation)
    objects, levels, used_markings = [identity], [], {}
    for row in incident.indicators.all():
        try:
            marking, row_objects = _indicator_objects(incident, row, identity)
        except Exception as error:  # stix2 raises its own exception types for invalid values
            raise ValueError(_("Indicator “%(indicator)s” cannot be written as STIX: %(error)s")
                             % {"indicator": f"{row.kind}: {row.value[:100]}", "error": _short(error)}) from error
        objects.extend(row_objects)
        levels.append(row.tlp)
        used_markings[marking.id] = marking
    report_marking = EXPORT_MARKINGS[most_restrictive(levels)]
    used_markings[report_marking.id] = report_marking
    objects[1:1] = [m for m in used_markings.values() if m.id not in BUILT_IN_MARKINGS]

    report_types = ["threat-report", *REPORT_TYPES.get(incident.incident_type, [])]
    if levels:
        report_types += ["indicator", "observed-data"]
    created = incident.created_at or timezone.now()
    modified = max([created, incident.updated_at or created, *(o["modified"] for o in objects if "modified" in o)])
    report = stix2.Report(
        id=_id("report", incident.reference),
        created=created, modified=modified, published=timezone.now(),
        name=f"{incident.reference} – {incident.title}",
        description=incident.description or incident.title,
        report_types=report_types, labels=[incident.incident_type],
        created_by_ref=identity.id, object_refs=[o.id for o in objects if o["type"] != "marking-definition"],
        object_marking_refs=[report_marking.id],
    )
    # stix2's pretty=True orders properties with a search that is quadratic in the bundle size
    # (9 s for 100 indicators); plain serialisation re-indented by json gives the same JSON fast.
    compact = stix2.Bundle(objects=[*objects, report]).serialize(ensure_ascii=False)
    text = json.dumps(json.loads(compact), indent=4, ensure_ascii=False)
    try:
        stix2.parse(text, allow_custom=False)
    except Exception as error:
        raise ValueError(_("The STIX bundle does not validate: %(error)s") % {"error": _short(error)}) from error
    return text


# ---------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------

VALUE_TYPES = {
    "ipv4-addr": IndicatorKind.IPV4,
    "ipv6-addr": IndicatorKind.IPV6,
    "domain-name": IndicatorKind.DOMAIN,
    "url": IndicatorKind.URL,
    "email-addr": IndicatorKind.EMAIL,
}
HASH_KINDS = {"MD5": IndicatorKind.MD5, "SHA1": IndicatorKind.SHA1, "SHA256": IndicatorKind.SHA256}
_STRING_LITERAL = re.compile(r"'((?:[^'\\]|\\.)*)'", re.S)
_ESCAPE = re.compile(r"\\(.)", re.S)


def _hash_kind(name) -> str | None:
    if not isinstance(name, str):
        return None
    return HASH_KINDS.get(name.strip("'").upper().replace("-", "").replace("_", ""))


def _path_kind(object_type: str, path: list) -> str | None:
    if object_type in VALUE_TYPES and path == ["value"]:
        return VALUE_TYPES[object_type]
    if object_type == "file":
        if path == ["name"]:
            return IndicatorKind.FILE_NAME
        if len(path) == 2 and path[0] == "hashes":
            return _hash_kind(path[1])
    return None


def _path_text(object_type: str, path: list) -> str:
    parts = [part if isinstance(part, str) else "[*]" for part in path]
    return f"{object_type}:{'.'.join(parts)}".replace(".[*]", "[*]")


def _string_literals(operator: str, literal: str) -> list[str] | None:
    """The string values an equality (``=``) or membership (``IN``) comparison matches; None otherwise."""
    if operator == "=":
        match = _STRING_LITERAL.fullmatch(literal.strip())
        return [_ESCAPE.sub(r"\1", match.group(1))] if match else None
    if operator == "IN":
        inner = literal.strip()
        if not (inner.startswith("(") and inner.endswith(")")):
            return None
        items = [item.strip() for item in _split_set(inner[1:-1])]
        matches = [_STRING_LITERAL.fullmatch(item) for item in items]
        if not items or not all(matches):
            return None
        return [_ESCAPE.sub(r"\1", match.group(1)) for match in matches]
    return None


def _split_set(text: str) -> list[str]:
    """Split ``'a', 'b'`` at the commas outside string literals."""
    items, current, quoted, escaped = [], [], False, False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == "'":
            quoted = not quoted
        elif char == "," and not quoted:
            items.append("".join(current))
            current = []
            continue
        current.append(char)
    items.append("".join(current))
    return items


def _pattern_comparisons(pattern: str, version: str):
    """``{object_type: [(path, operator, literal)]}`` of a STIX pattern (ParseException if invalid)."""
    if version.startswith("2.0"):
        from stix2patterns.v20.pattern import Pattern
    else:
        from stix2patterns.v21.pattern import Pattern
    return Pattern(pattern).inspect().comparisons


class _Reader:
    """Accumulates found indicators (deduplicated by kind and value) and error strings."""

    def __init__(self, objects):
        self.by_id = {}
        for obj in objects:
            if _is_mapping(obj) and isinstance(obj.get("id"), str):
                self.by_id[obj["id"]] = obj
        self.marking_levels = dict(KNOWN_MARKINGS)
        for obj in self.by_id.values():
            if obj.get("type") == "marking-definition":
                level = _marking_level(obj)
                if level and obj["id"] not in self.marking_levels:
                    self.marking_levels[obj["id"]] = level
        self.found: dict[tuple[str, str], dict] = {}
        self.errors: list[str] = []
        self._seen_errors: set[str] = set()

    def error(self, stix_id, message):
        line = _("%(id)s: %(message)s") % {"id": stix_id or _("(object without id)"), "message": message}
        if line not in self._seen_errors:
            self._seen_errors.add(line)
            self.errors.append(line)

    def tlp(self, *owners) -> str:
        """The TLP of the first of ``owners`` that is marked with a known TLP marking."""
        for owner in owners:
            refs = owner.get("object_marking_refs") if _is_mapping(owner) else None
            levels = [self.marking_levels[ref] for ref in (refs or []) if isinstance(ref, str)
                      and ref in self.marking_levels]
            if levels:
                return most_restrictive(levels)
        return Tlp.AMBER.value

    def add(self, stix_id, kind, raw, tlp, description):
        if kind == IndicatorKind.IPV4 and raw.endswith("/32"):
            raw = raw[:-3]
        elif kind == IndicatorKind.IPV6 and raw.endswith("/128"):
            raw = raw[:-4]
        try:
            value = normalise(kind, raw)
        except ValidationError as error:
            self.error(stix_id, " ".join(error.messages))
            return
        key = (str(kind), value)
        if key in self.found:
            previous = self.found[key]
            previous["tlp"] = most_restrictive([previous["tlp"], tlp])
            previous["description"] = previous["description"] or (description or "")[:DESCRIPTION_LENGTH]
            return
        self.found[key] = {"kind": str(kind), "value": value, "tlp": tlp,
                           "description": (description or "")[:DESCRIPTION_LENGTH], "stix_id": stix_id}

    def read_guarded(self, handler, obj):
        try:
            handler(obj)
        except Exception as error:  # a shape nothing above anticipated: skip the object, keep going
            self.error(obj.get("id"), _("cannot be read: %(error)s") % {"error": _short(error)})

    # -- indicators ---------------------------------------------------------------------------

    def read_indicator(self, obj):
        stix_id = obj.get("id")
        if obj.get("revoked"):
            self.error(stix_id, _("revoked, skipped"))
            return
        spec = str(obj.get("spec_version") or "2.0")
        pattern_type = obj.get("pattern_type") or ("stix" if spec.startswith("2.0") else None)
        if str(pattern_type).lower() != "stix":
            self.error(stix_id, _("not a STIX pattern, skipped"))
            return
        pattern = obj.get("pattern")
        if not isinstance(pattern, str) or not pattern.strip():
            self.error(stix_id, _("the indicator has no pattern"))
            return
        try:
            comparisons = _pattern_comparisons(pattern, str(obj.get("pattern_version") or spec))
        except Exception as error:
            self.error(stix_id, _("the pattern cannot be read: %(error)s") % {"error": _short(error)})
            return
        tlp = self.tlp(obj)
        description = obj.get("description") or obj.get("name") or ""
        for object_type, terms in comparisons.items():
            for path, operator, literal in terms:
                where = _path_text(object_type, path)
                kind = _path_kind(object_type, path)
                if kind is None:
                    self.error(stix_id, _("%(path)s is not a supported kind of indicator, skipped")
                               % {"path": where})
                    continue
                values = _string_literals(operator, str(literal))
                if values is None:
                    self.error(stix_id, _("“%(comparison)s” is not an equality with a text value, skipped")
                               % {"comparison": f"{where} {operator} {str(literal)[:200]}"})
                    continue
                for raw in values:
                    self.add(stix_id, kind, raw, tlp, description)

    # -- observed data ------------------------------------------------------------------------

    def read_observed_data(self, obj):
        stix_id = obj.get("id")
        observables = []
        for ref in obj.get("object_refs") or []:
            target = self.by_id.get(ref) if isinstance(ref, str) else None
            if target is None:
                self.error(stix_id, _("the referenced object %(ref)s is not in the bundle")
                           % {"ref": str(ref)[:120]})
            else:
                observables.append(target)
        embedded = obj.get("objects")
        if _is_mapping(embedded):
            observables.extend(embedded.values())
        for observable in observables:
            if _is_mapping(observable):
                self.read_observable(stix_id, observable, obj)

    def read_observable(self, stix_id, observable, container):
        tlp = self.tlp(observable, container)
        description = container.get("description") or container.get("name") or ""
        object_type = observable.get("type")
        if object_type in VALUE_TYPES:
            value = observable.get("value")
            if isinstance(value, str):
                self.add(stix_id, VALUE_TYPES[object_type], value, tlp, description)
            return
        if object_type == "file":
            hashes = observable.get("hashes")
            for name, value in (hashes.items() if _is_mapping(hashes) else []):
                kind = _hash_kind(name)
                if kind is None:
                    self.error(stix_id, _("file:hashes.%(name)s is not a supported kind of indicator, skipped")
                               % {"name": str(name)[:60]})
                elif isinstance(value, str):
                    self.add(stix_id, kind, value, tlp, description)
            if isinstance(observable.get("name"), str):
                self.add(stix_id, IndicatorKind.FILE_NAME, observable["name"], tlp, description)
            return
        self.error(stix_id, _("observable of type %(type)s is not a supported kind of indicator, skipped")
                   % {"type": str(object_type)[:60]})


def _is_mapping(value) -> bool:
    return hasattr(value, "get") and hasattr(value, "items")


def _marking_level(marking) -> str | None:
    """The TLP 2.0 level a marking definition stands for (TLP 1.0 definition or TLP 2.0 extension)."""
    definition = marking.get("definition")
    if marking.get("definition_type") == "tlp" and _is_mapping(definition):
        return _TLP_NAMES.get(str(definition.get("tlp", "")).lower())
    extensions = marking.get("extensions")
    extension = extensions.get(TLP2_EXTENSION) if _is_mapping(extensions) else None
    if _is_mapping(extension):
        return _TLP_NAMES.get(str(extension.get("tlp_2_0", "")).lower())
    return None


def _short(error, limit=300) -> str:
    text = " ".join(str(error).split()) or error.__class__.__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _load_bundle(text):
    """(parsed bundle, None) or (None, error message)."""
    if isinstance(text, str):
        if len(text) > MAX_INPUT_BYTES or len(text.encode("utf-8", "replace")) > MAX_INPUT_BYTES:
            return None, _("The file is larger than 20 MB.")
    elif isinstance(text, (bytes, bytearray, memoryview)):
        if len(text) > MAX_INPUT_BYTES:
            return None, _("The file is larger than 20 MB.")
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError:
            return None, _("The file is not UTF-8 text, so it is not a STIX bundle.")
    else:
        return None, _("Nothing to read.")
    try:
        data = json.loads(text.removeprefix("\ufeff"))
    except (ValueError, RecursionError) as error:
        return None, _("The file is not valid JSON: %(error)s") % {"error": _short(error, 200)}
    if not isinstance(data, dict) or data.get("type") != "bundle":
        return None, _("The file is JSON but not a STIX bundle (an object with \"type\": \"bundle\").")
    objects = data.get("objects", [])
    if not isinstance(objects, list):
        return None, _("The STIX bundle's \"objects\" is not a list.")
    if not all(isinstance(obj, dict) for obj in objects):
        return None, _("The STIX bundle's \"objects\" holds entries that are not JSON objects.")
    if not objects:
        return {"type": "bundle", "objects": []}, None  # stix2 cannot parse an empty bundle; nothing to read
    try:
        bundle = stix2.parse(data, allow_custom=True)
    except Exception as error:  # stix2 raises many exception types for invalid content
        return None, _("The STIX bundle is not valid: %(error)s") % {"error": _short(error)}
    return bundle, None


def read_indicators(text: str | bytes) -> tuple[list[dict], list[str]]:
    """The supported indicator values in a STIX 2.0/2.1 bundle → ([{kind, value, tlp, description,
    stix_id}], [error strings]). Deduplicated by (kind, value); never raises for bad input."""
    try:
        bundle, problem = _load_bundle(text)
        if problem:
            return [], [problem]
        objects = [obj for obj in (bundle.get("objects") or []) if _is_mapping(obj)]
        reader = _Reader(objects)
        # Indicators first, so a value both indicated and observed keeps the indicator's id and text.
        handlers = {"indicator": reader.read_indicator, "observed-data": reader.read_observed_data}
        for stix_type, handler in handlers.items():
            for obj in objects:
                if obj.get("type") == stix_type:
                    reader.read_guarded(handler, obj)
        errors = reader.errors
        if len(errors) > MAX_ERRORS:
            more = len(errors) - MAX_ERRORS
            errors = errors[:MAX_ERRORS] + [_("… and %(count)s more problems.") % {"count": more}]
        return list(reader.found.values()), errors
    except Exception as error:
        return [], [_("The STIX bundle cannot be read: %(error)s") % {"error": _short(error)}]
