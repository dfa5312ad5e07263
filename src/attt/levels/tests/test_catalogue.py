"""The catalogue loader: shipped files are valid, bad files are reported by file and line."""

import shutil
import textwrap

import pytest

from attt.levels.catalogue import (
    CATALOGUE_DIR,
    CatalogueError,
    load_catalogue,
    load_file,
)

GOOD_HEAD = """\
regime: test-regime
version: "1"
effective_from: "2020-01-01"
effective_to: null
instrument: {vi: Thử nghiệm, en: Test}
criteria:
  - id: t.1
    level: 1
    title: {vi: Nội bộ, en: Internal}
    citation: Điều 1
"""


def write(tmp_path, text, name="criteria-test.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_shipped_catalogues_load_and_cover_every_level():
    regimes = load_catalogue()
    assert set(regimes) == {"decree-85", "decree-331"}
    for regime in regimes.values():
        assert {c.level for c in regime.criteria} == {1, 2, 3, 4, 5}
        assert all(c.citation and c.title["vi"] and c.title["en"] for c in regime.criteria)


def test_catalogue_is_cached():
    assert load_catalogue() is load_catalogue()


def test_good_minimal_file(tmp_path):
    regime = load_file(write(tmp_path, GOOD_HEAD + "    when: {answer: anqg_listed, true: true}\n"))
    assert regime.id == "test-regime" and regime.criteria[0].when["true"] is True


@pytest.mark.parametrize("body, line, reason", [
    # Broken YAML: an unclosed flow mapping.
    ("    when: {answer: anqg_listed, true: true\n", 12, ""),
    # Schema: level out of range.
    (GOOD_HEAD.replace("level: 1", "level: 7"), 8, "7 is greater than the maximum of 5"),
    # Schema: misspelt operator.
    ("    when: {answer: anqg_listed, truee: true}\n", 11, "truee"),
    # Vocabulary: unknown answer.
    ("    when: {answer: colour, eq: red}\n", 11, "unknown answer 'colour'"),
    # Vocabulary: value the answer never takes.
    ("    when: {answer: system_type, in: [mainframe]}\n", 11, "never takes value(s) ['mainframe']"),
    # Operator does not fit the answer.
    ("    when: {answer: system_type, gte: 3}\n", 11, "operator 'gte' does not apply"),
    # Duplicate key inside one mapping.
    ("    when: {answer: anqg_listed, true: true}\n    level: 2\n", 12, "duplicate key 'level'"),
])
def test_bad_file_names_file_and_line(tmp_path, body, line, reason):
    text = body if body.startswith("regime") else GOOD_HEAD + body
    if body.startswith("regime"):
        text += "    when: {answer: anqg_listed, true: true}\n"
    path = write(tmp_path, text)
    with pytest.raises(CatalogueError) as excinfo:
        load_file(path)
    message = str(excinfo.value)
    assert "criteria-test.yaml" in message
    assert f"line {line}" in message
    assert reason in message
    assert excinfo.value.line == line


def test_unknown_transition_target_is_reported(tmp_path):
    shutil.copy(CATALOGUE_DIR / "criteria-decree-331.yaml", tmp_path)
    with pytest.raises(CatalogueError, match="criteria-decree-331.yaml.*unknown regime 'decree-85'"):
        load_catalogue(tmp_path)


def test_overlapping_regimes_are_reported(tmp_path):
    shutil.copy(CATALOGUE_DIR / "criteria-decree-85.yaml", tmp_path)
    write(tmp_path, GOOD_HEAD + "    when: {answer: anqg_listed, true: true}\n")
    with pytest.raises(CatalogueError, match="overlaps"):
        load_catalogue(tmp_path)
