"""Hostile and broken files: each is refused with a message naming the problem, nothing is stored,
and the parsers raise nothing but ParseError whatever bytes they are given (fuzzed)."""

import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attt.scans import parsers, services
from attt.scans.models import Finding, ImportStatus, ScanImport
from attt.scans.parsers import ParseError
from attt.scans.tests.corpus import CORPUS
from attt.scans.tests.reports import nessus


def refusal(tmp_path, content: bytes, name="report.xml") -> str:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ParseError) as caught:
        _module, _report, findings = parsers.parse(path)
        list(findings)
    return str(caught.value)


def test_xxe_is_refused_and_nothing_is_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-42")
    message = refusal(tmp_path, f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{secret}">]>'
                                f'<NessusClientData_v2><Report><ReportHost name="&xxe;"/></Report>'
                                f'</NessusClientData_v2>'.encode())
    assert "entities" in message and "TOP-SECRET" not in message


def test_billion_laughs_is_refused(tmp_path):
    entities = "".join(f'<!ENTITY lol{i} "{"&lol%d;" % (i - 1) * 10}">' for i in range(1, 10))
    message = refusal(tmp_path, (f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">{entities}]>'
                                 f'<issues><issue>&lol9;</issue></issues>').encode())
    assert "billion laughs" in message


def test_external_dtd_is_never_fetched(tmp_path):
    # Qualys and Nikto name their DTDs (accepted, never loaded); any other external DTD is refused.
    message = refusal(tmp_path, b'<?xml version="1.0"?><!DOCTYPE issues SYSTEM "http://127.0.0.1:9/evil.dtd">'
                                b'<issues><issue><name>&remote;</name></issue></issues>')
    assert "external DTD" in message and "127.0.0.1" in message


def test_truncated_empty_garbage_and_wrong_files(tmp_path):
    text = (CORPUS / "zap/0_zap_sample.xml").read_bytes()
    assert "malformed or truncated" in refusal(tmp_path, text[: len(text) // 2])
    assert refusal(tmp_path, b"", "empty.json") == "The file is empty."
    assert "binary" in refusal(tmp_path, bytes(range(256)) * 64, "garbage.bin")
    assert "binary" in refusal(tmp_path, b"%PDF-1.7\n" + bytes(random.Random(4).randbytes(5000)), "report.pdf")
    assert "not in a scanner format" in refusal(tmp_path, json.dumps({"hello": "world"}).encode(), "x.json")
    assert "not in a scanner format" in refusal(tmp_path, b"<html><body>Not a report</body></html>", "x.html")
    assert "not in a scanner format" in refusal(tmp_path, b"name,age\nAn,3\n", "x.csv")
    assert "truncated" in refusal(tmp_path, b'{"matches": [{"vulnerability": {"id": "CVE-2021-1"', "g.json")


@pytest.mark.django_db
def test_a_refused_file_leaves_the_ledger_and_earlier_findings(world, tmp_path):
    good = services.import_file(world.officer_a, nessus(tmp_path / "ok.nessus", {"10.1.0.10": [("1", 3, 80)]}),
                                organisation=world.ministry)
    bad = tmp_path / "evil.xml"
    bad.write_bytes(b'<!DOCTYPE r [<!ENTITY x "y">]><r>&x;</r>')
    failed = services.import_file(world.officer_a, bad, organisation=world.ministry)
    assert failed.status == ImportStatus.FAILED and "entities" in failed.error
    assert ScanImport.objects.filter(status=ImportStatus.DONE).get() == good
    assert Finding.objects.get().last_seen_import == good


def _samples():
    """One small file per corpus folder (the fuzzer mutates real structure, not only noise)."""
    picks = {}
    for path in sorted(CORPUS.rglob("*")):
        if path.is_file() and path.suffix != ".md" and 0 < path.stat().st_size < 60_000:
            picks.setdefault(path.relative_to(CORPUS).parts[0], path)
    return sorted(picks.values())


SAMPLES = [path.read_bytes() for path in _samples()]


def _parse_or_refuse(tmp_path, content: bytes):
    path = tmp_path / "fuzz.input"
    path.write_bytes(content)
    try:
        _module, _report, findings = parsers.parse(path)
        for _finding in findings:
            pass
    except ParseError:
        pass


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sample=st.sampled_from(range(len(SAMPLES))), cut=st.floats(0, 1), flips=st.lists(
    st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=8))
def test_fuzzed_corpus_files_raise_only_parse_errors(tmp_path, sample, cut, flips):
    content = bytearray(SAMPLES[sample][: max(1, int(len(SAMPLES[sample]) * cut))])
    for where, value in flips:
        content[min(len(content) - 1, int(where * len(content)))] = value
    _parse_or_refuse(tmp_path, bytes(content))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                          lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from([
                              "matches", "vulnerability", "artifact", "Results", "Vulnerabilities", "runs", "results",
                              "findings", "title", "severity", "data", "affected_items", "hits", "_source", "info",
                              "template-id", "host", "check_id", "extra", "test_id", "issue_severity", "tool",
                              "driver", "rules", "locations", "ClusterName", "Resources", "vulnerabilities",
                              "Target", "Generated", "SchemaVersion", "ArtifactName", "metrics", "errors", "id"]),
                              inner, max_size=5), max_leaves=25))
def test_fuzzed_json_shapes_raise_only_parse_errors(tmp_path, value):
    _parse_or_refuse(tmp_path, json.dumps(value).encode())


def test_every_format_is_registered_once():
    names = [module.NAME for module in parsers.formats()]
    assert len(names) == len(set(names)) == len(parsers.FORMAT_MODULES) >= 28
    assert all(Path(parsers.__file__).with_name(f"{name}.py").exists() for name in parsers.FORMAT_MODULES)
