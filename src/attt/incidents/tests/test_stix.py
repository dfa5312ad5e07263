"""STIX 2.1 export of a case's indicators and import of indicators from STIX 2.0/2.1 bundles."""

import json
from datetime import datetime, timezone

import pytest
import stix2

from attt.incidents import stix
from attt.incidents.indicators import normalise
from attt.incidents.models import Incident, IncidentType, Indicator, IndicatorKind, Tlp

TRICKY_URL = "http://evil.example.com/a'b\\c?q=it's"

ROWS = [
    (IndicatorKind.IPV4, "203.0.113.7", Tlp.GREEN),
    (IndicatorKind.IPV6, "2001:DB8::0:1", Tlp.AMBER),
    (IndicatorKind.DOMAIN, "Evil.Example.COM.", Tlp.CLEAR),
    (IndicatorKind.URL, TRICKY_URL, Tlp.RED),
    (IndicatorKind.EMAIL, "attacker@Evil.Example.com", Tlp.AMBER_STRICT),
    (IndicatorKind.MD5, "D41D8CD98F00B204E9800998ECF8427E", Tlp.AMBER),
    (IndicatorKind.SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709", Tlp.GREEN),
    (IndicatorKind.SHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Tlp.AMBER),
    (IndicatorKind.FILE_NAME, "invoice 'final'.exe", Tlp.CLEAR),
]

EXPECTED_PATTERNS = {
    IndicatorKind.IPV4: "[ipv4-addr:value = '203.0.113.7']",
    IndicatorKind.IPV6: "[ipv6-addr:value = '2001:db8::1']",
    IndicatorKind.DOMAIN: "[domain-name:value = 'evil.example.com']",
    IndicatorKind.URL: "[url:value = 'http://evil.example.com/a\\'b\\\\c?q=it\\'s']",
    IndicatorKind.EMAIL: "[email-addr:value = 'attacker@evil.example.com']",
    IndicatorKind.MD5: "[file:hashes.'MD5' = 'd41d8cd98f00b204e9800998ecf8427e']",
    IndicatorKind.SHA1: "[file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']",
    IndicatorKind.SHA256:
        "[file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']",
    IndicatorKind.FILE_NAME: "[file:name = 'invoice \\'final\\'.exe']",
}

AMBER_STRICT_ID = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"


@pytest.fixture
def incident(world):
    case = Incident.objects.create(
        organisation=world.agency, reference="SC-2025-0042", title="Mã độc mã hoá dữ liệu",
        description="Ransomware on the file server.", detected_at=datetime(2025, 3, 4, 5, 6, 7, tzinfo=timezone.utc),
        reporter_name="Nguyễn Văn A", incident_type=IncidentType.RANSOMWARE,
    )
    for kind, value, tlp in ROWS:
        Indicator.objects.create(incident=case, kind=kind, value=normalise(kind, value), tlp=tlp,
                                 description=f"seen in {kind}")
    return case


def _objects(text, stix_type):
    return [obj for obj in json.loads(text)["objects"] if obj["type"] == stix_type]


def _bundle(*objects, spec_version=None):
    bundle = {"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": list(objects)}
    if spec_version:
        bundle["spec_version"] = spec_version
    return json.dumps(bundle)


def _indicator(pattern, pattern_type="stix", number=1, **extra):
    return {
        "type": "indicator", "spec_version": "2.1", "id": f"indicator--00000000-0000-4000-8000-{number:012d}",
        "created": "2025-01-01T00:00:00.000Z", "modified": "2025-01-01T00:00:00.000Z",
        "pattern": pattern, "pattern_type": pattern_type, "valid_from": "2025-01-01T00:00:00Z", **extra,
    }


# -- export --------------------------------------------------------------------------------------


def test_export_is_a_valid_stix_21_bundle_without_custom_content(incident):
    text = stix.export_bundle(incident)
    bundle = stix2.parse(text, allow_custom=False)
    assert bundle.type == "bundle"
    assert "\n    " in text  # indented
    types = [obj["type"] for obj in json.loads(text)["objects"]]
    assert types.count("identity") == 1
    assert types.count("report") == 1
    assert types.count("indicator") == len(ROWS)
    assert types.count("observed-data") == len(ROWS)
    assert types.count("relationship") == len(ROWS)


def test_identity_and_report(incident, world):
    text = stix.export_bundle(incident)
    (identity,) = _objects(text, "identity")
    assert identity["identity_class"] == "organization"
    assert identity["name"] == world.agency.name_vi
    assert identity["description"] == world.agency.name_en
    assert not any(key.startswith("x_") for obj in json.loads(text)["objects"] for key in obj)

    (report,) = _objects(text, "report")
    assert report["name"] == "SC-2025-0042 – Mã độc mã hoá dữ liệu"
    assert report["description"] == "Ransomware on the file server."
    assert "threat-report" in report["report_types"] and "malware" in report["report_types"]
    assert report["created_by_ref"] == identity["id"]
    others = {obj["id"] for obj in json.loads(text)["objects"] if obj["type"] not in ("report", "marking-definition")}
    assert set(report["object_refs"]) == others
    assert report["object_marking_refs"] == [stix2.TLP_RED.id]  # the most restrictive of the rows


def test_one_indicator_per_row_with_its_pattern(incident):
    text = stix.export_bundle(incident)
    indicators = _objects(text, "indicator")
    assert sorted(i["pattern"] for i in indicators) == sorted(EXPECTED_PATTERNS.values())
    for indicator in indicators:
        assert indicator["pattern_type"] == "stix"
        assert indicator["indicator_types"] == ["malicious-activity"]
    row = incident.indicators.get(kind=IndicatorKind.URL)
    (url_indicator,) = [i for i in indicators if i["pattern"].startswith("[url:")]
    assert stix2.utils.parse_into_datetime(url_indicator["valid_from"]) == row.created_at
    assert url_indicator["object_marking_refs"] == [stix2.TLP_RED.id]


def test_observed_data_relationships_and_markings(incident):
    text = stix.export_bundle(incident)
    objects = {obj["id"]: obj for obj in json.loads(text)["objects"]}
    observed = _objects(text, "observed-data")
    for item in observed:
        assert "objects" not in item and len(item["object_refs"]) == 1
        assert item["number_observed"] == 1
        assert stix2.utils.parse_into_datetime(item["first_observed"]) == incident.detected_at
        sco = objects[item["object_refs"][0]]
        assert sco["object_marking_refs"] == item["object_marking_refs"]
    assert {objects[o["object_refs"][0]]["type"] for o in observed} == {
        "ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr", "file"}
    (url_sco,) = [o for o in objects.values() if o["type"] == "url"]
    assert url_sco["value"] == TRICKY_URL

    for relationship in _objects(text, "relationship"):
        assert relationship["relationship_type"] == "based-on"
        source, target = objects[relationship["source_ref"]], objects[relationship["target_ref"]]
        assert source["type"] == "indicator" and target["type"] == "observed-data"
        assert source["object_marking_refs"] == target["object_marking_refs"]

    by_marking = {}
    for indicator in _objects(text, "indicator"):
        by_marking.setdefault(indicator["object_marking_refs"][0], []).append(indicator["pattern"].split(":")[0])
    assert by_marking[stix2.TLP_WHITE.id] == ["[domain-name", "[file"]  # clear
    assert by_marking[AMBER_STRICT_ID] == ["[email-addr"]
    # The TLP 2.0 AMBER+STRICT definition travels with the bundle; the TLP 1.0 ones are predefined.
    markings = _objects(text, "marking-definition")
    assert [m["id"] for m in markings] == [AMBER_STRICT_ID]
    assert markings[0]["name"] == "TLP:AMBER+STRICT"


def test_reexport_gives_the_same_ids(incident):
    first, second = stix.export_bundle(incident), stix.export_bundle(incident)
    for stix_type in ("identity", "report", "indicator", "observed-data", "relationship", "file", "url"):
        assert sorted(o["id"] for o in _objects(first, stix_type)) == sorted(o["id"] for o in _objects(second, stix_type))


def test_export_without_indicators_is_amber(world):
    case = Incident.objects.create(
        organisation=world.agency, reference="SC-2025-0001", title="Quiet", detected_at=datetime.now(timezone.utc),
        reporter_name="B", incident_type=IncidentType.OTHER,
    )
    text = stix.export_bundle(case)
    stix2.parse(text, allow_custom=False)
    (report,) = _objects(text, "report")
    assert report["object_marking_refs"] == [stix2.TLP_AMBER.id]
    assert report["report_types"] == ["threat-report"]


def test_round_trip(incident):
    found, errors = stix.read_indicators(stix.export_bundle(incident))
    assert errors == []
    assert {(f["kind"], f["value"], f["tlp"]) for f in found} == {
        (row.kind, row.value, row.tlp) for row in incident.indicators.all()}
    assert len(found) == len(ROWS)
    (url,) = [f for f in found if f["kind"] == "url"]
    assert url["value"] == TRICKY_URL
    assert url["description"] == "seen in url"
    assert url["stix_id"].startswith("indicator--")


def test_round_trip_from_bytes(incident):
    found, errors = stix.read_indicators(stix.export_bundle(incident).encode())
    assert errors == [] and len(found) == len(ROWS)


# -- import --------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["{not json", b"\xff\xfe\x00", "", "[]", '{"type": "indicator"}', "42"])
def test_not_a_bundle(text):
    found, errors = stix.read_indicators(text)
    assert found == [] and len(errors) == 1


def test_invalid_json_message():
    assert stix.read_indicators("{nope")[1][0].startswith("The file is not valid JSON")
    assert "not a STIX bundle" in stix.read_indicators('{"type": "report"}')[1][0]


def test_bundle_entries_must_be_objects_and_a_bom_is_accepted(incident):
    assert "not JSON objects" in stix.read_indicators(_bundle(1, None))[1][0]
    found, errors = stix.read_indicators("\ufeff" + stix.export_bundle(incident))
    assert errors == [] and len(found) == len(ROWS)
    assert stix.read_indicators(_bundle()) == ([], [])


def test_invalid_stix_is_reported():
    bad = _bundle({"type": "indicator", "spec_version": "2.1", "id": "indicator--1"})
    found, errors = stix.read_indicators(bad)
    assert found == [] and errors[0].startswith("The STIX bundle is not valid")


def test_too_large():
    found, errors = stix.read_indicators(b" " * (stix.MAX_INPUT_BYTES + 1))
    assert found == [] and "20 MB" in errors[0]


def test_sigma_indicator_is_skipped():
    sigma = _indicator("title: x\ndetection: {}", pattern_type="sigma")
    found, errors = stix.read_indicators(_bundle(sigma))
    assert found == []
    assert errors == [f"{sigma['id']}: not a STIX pattern, skipped"]


def test_or_of_two_addresses_gives_both():
    text = _bundle(_indicator("[ipv4-addr:value = '198.51.100.1' OR ipv4-addr:value = '198.51.100.2']",
                              object_marking_refs=[stix2.TLP_GREEN.id], name="C2"))
    found, errors = stix.read_indicators(text)
    assert errors == []
    assert [(f["kind"], f["value"], f["tlp"], f["description"]) for f in found] == [
        ("ipv4", "198.51.100.1", "green", "C2"), ("ipv4", "198.51.100.2", "green", "C2")]


def test_unsupported_path_is_an_error_and_the_rest_is_taken():
    indicator = _indicator("[process:name = 'x'] AND [file:hashes.SHA256 = "
                           "'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855']")
    found, errors = stix.read_indicators(_bundle(indicator))
    assert [(f["kind"], f["tlp"]) for f in found] == [("sha256", "amber")]
    assert len(errors) == 1 and errors[0].startswith(indicator["id"]) and "process:name" in errors[0]


def test_invalid_values_and_non_equality_are_errors_and_duplicates_merge():
    indicators = [
        _indicator("[domain-name:value = 'not a domain']", number=1),
        _indicator("[ipv4-addr:value ISSUBSET '10.0.0.0/8']", number=2),
        _indicator("[domain-name:value IN ('a.example.com', 'B.example.com.')]", number=3),
        _indicator("[domain-name:value = 'a.example.com']", number=4,
                   object_marking_refs=["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"]),  # TLP 2.0 red
    ]
    found, errors = stix.read_indicators(_bundle(*indicators))
    assert {(f["value"], f["tlp"]) for f in found} == {("a.example.com", "red"), ("b.example.com", "amber")}
    assert len(errors) == 2
    assert errors[0].startswith(indicators[0]["id"]) and "not a valid domain" in errors[0]
    assert errors[1].startswith(indicators[1]["id"]) and "ISSUBSET" in errors[1]


def test_stix_20_bundle_with_embedded_observed_data():
    text = _bundle(
        {"type": "indicator", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
         "created": "2017-01-01T00:00:00.000Z", "modified": "2017-01-01T00:00:00.000Z",
         "labels": ["malicious-activity"], "pattern": "[url:value = 'http://x.example.org/a']",
         "valid_from": "2017-01-01T00:00:00Z", "object_marking_refs": [stix2.v20.TLP_RED.id]},
        {"type": "observed-data", "id": "observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf",
         "created": "2017-01-01T00:00:00.000Z", "modified": "2017-01-01T00:00:00.000Z",
         "first_observed": "2017-01-01T00:00:00Z", "last_observed": "2017-01-01T00:00:00Z", "number_observed": 1,
         "objects": {"0": {"type": "ipv4-addr", "value": "192.0.2.9"},
                     "1": {"type": "file", "hashes": {"MD5": "D41D8CD98F00B204E9800998ECF8427E"}, "name": "a.exe"},
                     "2": {"type": "mutex", "name": "evil"}}},
        spec_version="2.0",
    )
    found, errors = stix.read_indicators(text)
    assert {(f["kind"], f["value"], f["tlp"]) for f in found} == {
        ("url", "http://x.example.org/a", "red"), ("ipv4", "192.0.2.9", "amber"),
        ("md5", "d41d8cd98f00b204e9800998ecf8427e", "amber"), ("file_name", "a.exe", "amber")}
    assert len(errors) == 1 and "mutex" in errors[0]
    assert errors[0].startswith("observed-data--b67d30ff")


def test_tlp_marking_carried_in_the_bundle_under_another_id():
    marking = {"type": "marking-definition", "spec_version": "2.1",
               "id": "marking-definition--2b5c1c45-4b9e-4f47-9bd9-5d8a0d1c7e3a", "created": "2022-10-01T00:00:00.000Z",
               "name": "TLP:CLEAR", "extensions": {stix.TLP2_EXTENSION: {
                   "extension_type": "property-extension", "tlp_2_0": "clear"}}}
    text = _bundle(marking, _indicator("[email-addr:value = 'X@Example.org']", object_marking_refs=[marking["id"]]))
    found, errors = stix.read_indicators(text)
    assert errors == [] and [(f["value"], f["tlp"]) for f in found] == [("X@example.org", "clear")]


MALFORMED = [
    '{"type": "bundle"}',
    '{"type": "bundle", "id": "bundle--x", "objects": "nope"}',
    '{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [1, null, "x", []]}',
    _bundle({"type": "indicator"}),
    _bundle({"type": "observed-data", "spec_version": "2.1", "id": "observed-data--1", "object_refs": [5]}),
    _bundle(_indicator("[ipv4-addr:value = ")),
    _bundle(_indicator(None)),
    _bundle(_indicator("[x:y[*].z = 1]")),
    _bundle({"type": "x-custom", "id": "x-custom--5d0092c5-5f74-4287-9642-33f4c354e56d"}),
    _bundle({"type": "observed-data", "spec_version": "2.1",
             "id": "observed-data--5d0092c5-5f74-4287-9642-33f4c354e56d", "created": "2025-01-01T00:00:00Z",
             "modified": "2025-01-01T00:00:00Z", "first_observed": "2025-01-01T00:00:00Z",
             "last_observed": "2025-01-01T00:00:00Z", "number_observed": 1,
             "object_refs": ["ipv4-addr--5d0092c5-5f74-4287-9642-33f4c354e56d"]}),
    "[" * 100_000,
    '{"type": "bundle", "objects": [{"type": "marking-definition", "definition_type": "tlp", "definition": 3}]}',
    b"\xef\xbb\xbf" + _bundle().encode(),
    None,
]


@pytest.mark.parametrize("text", MALFORMED)
def test_malformed_input_never_raises(text):
    found, errors = stix.read_indicators(text)
    assert isinstance(found, list) and isinstance(errors, list)
    assert all(isinstance(e, str) for e in errors)


def test_quote_pattern_string():
    assert stix.quote_pattern_string("a'b\\c") == "'a\\'b\\\\c'"
