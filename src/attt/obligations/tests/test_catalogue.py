"""The duty catalogues: the shipped files load and cover regulations.md §1; bad files are refused
with an error that names the file and the line to fix."""

import os
import re
import shutil
from pathlib import Path

import pytest

from attt.obligations import catalogue
from attt.yamldata import CatalogueError

REGULATIONS = Path(os.environ.get("ATTT_REGULATIONS_MD", "/work/shared/docs/regulations.md"))
# Families of regulations.md §1 that are catalogued as dated duties. The others (IR-1..IR-4, IR-9,
# PDP-1..PDP-4) are per-incident clocks or standing duties handled by the incidents room, and CD33-7
# is Decree 85's audit cadence, catalogued as N85-3.
TRACKED = re.compile(r"^(D18-\d+|CD33-\d+|CT09-\d+|N85-\d+|TT12-\d+|IR-[5-8]|MON-1|L116-\d+|N331-\d+|PDP-5)$")
NOT_CATALOGUED = {"CD33-7"}
# The same list written out, so the check still runs where regulations.md is not at hand; the
# "-D", "-F", "-M", "-P" and "-U" ids are the duties that one row of the table is split into.
EXPECTED = (
    [f"D18-{n}" for n in range(1, 7)] + [f"CD33-{n}" for n in range(1, 7)]
    + ["CT09-1", "CT09-1-D", "CT09-2"] + [f"N85-{n}" for n in range(1, 6)]
    + ["TT12-1", "TT12-2", "TT12-3", "TT12-4", "TT12-4-U", "TT12-5"]
    + ["IR-5", "IR-5-F", "IR-6", "IR-7", "IR-8", "MON-1"]
    + ["L116-1", "L116-2", "L116-3", "L116-4", "L116-5", "L116-5-P", "L116-6"]
    + [f"N331-{n}" for n in range(1, 11)] + ["N331-7-U", "N331-8-M", "PDP-5"]
)


def table_ids(text):
    """Duty ids in the first column of the obligations table (§1) of regulations.md."""
    section = text.split("## 1.", 1)[1].split("\n## ", 1)[0]
    first_cells = re.finditer(r"^\|\s*([A-Z0-9]+-[A-Z0-9-]+)\s*\|", section, re.MULTILINE)
    return [match.group(1) for match in first_cells]


def test_shipped_catalogue_loads():
    loaded = catalogue.catalogue()
    assert loaded is catalogue.load_catalogue(catalogue.CATALOGUE_DIR)  # cached
    assert len(loaded.by_id) == len(loaded.duties)
    assert {duty.subject for duty in loaded.duties} == {"system", "organisation"}


def test_every_duty_of_the_regulations_table_is_catalogued():
    if not REGULATIONS.exists():
        pytest.skip(f"{REGULATIONS} not available")
    ids = table_ids(REGULATIONS.read_text(encoding="utf-8"))
    assert "D18-1" in ids and "PDP-5" in ids  # the table was found and parsed
    wanted = {duty_id for duty_id in ids if TRACKED.match(duty_id)} - NOT_CATALOGUED
    missing = sorted(wanted - set(catalogue.catalogue().by_id))
    assert not missing, f"regulations.md §1 duties missing from the catalogue: {missing}"


def test_catalogue_has_every_tracked_duty():
    assert sorted(set(EXPECTED) - set(catalogue.catalogue().by_id)) == []
    assert "CD33-7" not in catalogue.catalogue().by_id


@pytest.mark.parametrize("duty", catalogue.catalogue().duties, ids=lambda duty: duty.id)
def test_every_duty_is_bilingual_and_has_evidence(duty):
    assert duty.title["vi"].strip() and duty.title["en"].strip()
    assert duty.evidence_description["vi"].strip() and duty.evidence_description["en"].strip()
    assert duty.evidence_kinds and all(kind in catalogue.catalogue().evidence_kinds
                                       for kind in duty.evidence_kinds)
    assert duty.article and duty.citation["vi"].startswith(duty.instrument.short["vi"])
    assert duty.title["vi"] != duty.title["en"]  # a Vietnamese title, not a copy of the English one


def test_policy_defaults_are_explained():
    """A cadence the law does not set is ATTT's choice: the duty's note must say so."""
    unexplained = [duty.id for duty in catalogue.catalogue().duties
                   if duty.schedule.get("policy_default") and "default" not in duty.note]
    assert unexplained == []


# --- bad files ---------------------------------------------------------------------------------

GOOD_DUTY = """\
  - id: T-1
    title: {vi: "Thử nghiệm", en: "Test"}
    article: "Điều 1"
    confidence: verified
    regime: any
    effective_from: 2026-01-01
    effective_to: null
    subject: system
    applies_to: {fact: level, at_least: 3}
    schedule:
      calendar:
        - {opens: "01-01", due: "12-31"}
    evidence:
      kinds: [security_assessment]
      description: {vi: "Báo cáo", en: "Report"}
"""


def instrument_file(duties, slug="test-instrument"):
    head = f"""\
instrument: {slug}
version: "1"
title: {{vi: "Văn bản thử nghiệm", en: "Test instrument"}}
short: {{vi: "VB thử", en: "Test"}}
duties:
"""
    return head + duties


@pytest.fixture
def directory(tmp_path):
    shutil.copy(catalogue.CATALOGUE_DIR / catalogue.KINDS_FILE, tmp_path)
    return tmp_path


def write(directory, text, name="duties-test.yaml"):
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text, needle):
    """1-based line of the only line containing ``needle``."""
    lines = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(lines) == 1, f"{needle!r} is on lines {lines}"
    return lines[0]


def test_good_minimal_file(directory):
    write(directory, instrument_file(GOOD_DUTY))
    loaded = catalogue.load_catalogue(directory)
    (duty,) = loaded.duties
    assert duty.id == "T-1" and duty.schedule_kind == "calendar"
    assert duty.remind_days_before == catalogue.DEFAULT_REMIND_DAYS
    assert duty.citation == {"vi": "VB thử, Điều 1", "en": "Test, Điều 1"}


CALENDAR = '      calendar:\n        - {opens: "01-01", due: "12-31"}\n'
# case: ([(old text, new text), ...] applied to GOOD_DUTY, text on the line to blame, reason)
BAD = {
    "unknown fact": (
        [("{fact: level, at_least: 3}", "{fact: colour, is: red}")],
        "fact: colour", "unknown fact 'colour' for a system duty"),
    "wrong operator": (
        [("{fact: level, at_least: 3}", "{fact: hosting, at_least: 3}")],
        "fact: hosting", "operator 'at_least' does not apply to fact 'hosting'"),
    "two schedule kinds": (
        [(CALENDAR, CALENDAR + "      once: {due: 2026-06-30}\n")],
        "calendar:", "a schedule needs exactly one of"),
    "unknown event": (
        [(CALENDAR, "      on_event:\n        events: [incident, meteor_strike]\n        within_days: 3\n")],
        "meteor_strike", "unknown event 'meteor_strike'"),
    "unknown evidence kind": (
        [("kinds: [security_assessment]", "kinds: [security_assessment, horoscope]")],
        "horoscope", "unknown evidence kind 'horoscope'"),
    "bad calendar day": (
        [('{opens: "01-01", due: "12-31"}', '{opens: "02-01", due: "02-30"}')],
        '"02-30"', "'02-30' is not a day of the year"),
    "effective_to before effective_from": (
        [("effective_to: null", "effective_to: 2025-12-31")],
        "effective_to:", "effective_to is before effective_from"),
    "before_go_live on an organisation": (
        [("subject: system", "subject: organisation"),
         ("{fact: level, at_least: 3}", "{fact: owns_systems, is: true}"),
         (CALENDAR, "      before_go_live: true\n")],
        "before_go_live", "before_go_live needs subject: system"),
    "unknown value of a fact": (
        [("{fact: level, at_least: 3}", "{fact: status, in: [operating, operting]}")],
        "fact: status", "status is never 'operting'"),
    "misspelt key (schema)": (
        [("confidence: verified", "confidense: verified")],
        "- id: T-1", "confidense"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_file_names_file_and_line(directory, case):
    replacements, needle, reason = BAD[case]
    duty = GOOD_DUTY
    for old, new in replacements:
        assert duty.count(old) == 1, old
        duty = duty.replace(old, new)
    text = instrument_file(duty)
    write(directory, text)
    with pytest.raises(CatalogueError) as excinfo:
        catalogue.load_catalogue(directory)
    error = excinfo.value
    assert error.path.name == "duties-test.yaml"
    assert error.line == line_of(text, needle), str(error)
    assert reason in error.reason
    assert str(error).startswith(f"duties-test.yaml, line {error.line}: ")


def test_duplicate_duty_id_across_files(directory):
    first = instrument_file(GOOD_DUTY, slug="first")
    second = instrument_file(GOOD_DUTY.replace("id: T-1", "id: T-2") + GOOD_DUTY, slug="second")
    write(directory, first, "duties-a.yaml")
    write(directory, second, "duties-b.yaml")
    with pytest.raises(CatalogueError) as excinfo:
        catalogue.load_catalogue(directory)
    error = excinfo.value
    assert error.path.name == "duties-b.yaml"  # the later file, in name order, is the one to fix
    assert error.line == line_of(second, "id: T-1")
    assert "duty T-1 is already defined in duties-a.yaml" in error.reason


def test_kinds_file_is_required(tmp_path):
    write(tmp_path, instrument_file(GOOD_DUTY))
    with pytest.raises(CatalogueError, match="evidence-kinds.yaml"):
        catalogue.load_catalogue(tmp_path)


def test_a_directory_without_duties_is_refused(directory):
    with pytest.raises(CatalogueError, match="no duties-\\*.yaml file"):
        catalogue.load_catalogue(directory)
