"""The level-procedure catalogues: shipped files, lookups, clocks, and bad files by file and line."""

import datetime

import pytest

from attt.levels import catalogue
from attt.levels.catalogue import CATALOGUE_DIR, CatalogueError
from attt.levels.procedure import (
    Authority,
    TimeLimit,
    load_file,
    load_procedures,
    procedure_for,
)

D = datetime.date
MPS = {"vi": "Bộ Công an", "en": "Ministry of Public Security (MPS)"}
MIC = {"vi": "Bộ Thông tin và Truyền thông",
       "en": "Ministry of Information and Communications (MIC)"}


@pytest.fixture(scope="module")
def p331():
    return procedure_for("decree-331")


@pytest.fixture(scope="module")
def p85():
    return procedure_for("decree-85")


def test_both_shipped_files_load_with_the_criteria_dates():
    procedures = load_procedures()
    assert set(procedures) == {"decree-85", "decree-331"}
    for regime, procedure in procedures.items():
        # Same regime ids and effective dates as the criteria catalogue of that regime.
        criteria = catalogue.load_file(CATALOGUE_DIR / f"criteria-{regime}.yaml")
        assert (procedure.effective_from, procedure.effective_to) == \
               (criteria.effective_from, criteria.effective_to)
        assert procedure.security_regulation["vi"] and procedure.security_regulation["en"]
        for item in (*procedure.parts, *procedure.authorities, *procedure.time_limits,
                     *procedure.forms):
            assert item.citation, item


def test_security_regulation_citations(p331, p85):
    assert p85.security_regulation["citation"] == "Thông tư 12/2022/TT-BTTTT, Điều 9 khoản 7"
    assert p331.security_regulation["citation"] == "Nghị định 331/2026/NĐ-CP, Điều 30 khoản 7"


@pytest.mark.parametrize("regime, regulator", [("decree-331", MPS), ("decree-85", MIC)])
def test_authorities_for_each_level(regime, regulator):
    procedure = procedure_for(regime)
    for level in (1, 2):
        assert _who(procedure.authority_for(level)) == ("specialised_unit", "specialised_unit", None)
    assert _who(procedure.authority_for(3)) == ("specialised_unit", "owner", None)
    for level in (4, 5):
        assert _who(procedure.authority_for(level)) == ("regulator", "owner", regulator)


def _who(authority: Authority):
    return authority.appraiser, authority.approver, authority.regulator


@pytest.mark.parametrize("regime, step, level, expected", [
    ("decree-331", "validity_check", 1, (5, "working")),
    ("decree-331", "validity_check", 5, (5, "working")),
    ("decree-331", "appraisal", 1, None),
    ("decree-331", "appraisal", 2, None),
    ("decree-331", "appraisal", 3, (15, "working")),
    ("decree-331", "appraisal", 4, (25, "working")),
    ("decree-331", "appraisal", 5, (25, "working")),
    ("decree-331", "approval", 3, (7, "working")),
    ("decree-85", "validity_check", 3, (5, "working")),
    ("decree-85", "appraisal", 2, None),
    ("decree-85", "appraisal", 3, (15, "calendar")),
    ("decree-85", "appraisal", 4, (30, "calendar")),
    ("decree-85", "appraisal", 5, (30, "calendar")),
    ("decree-85", "approval", 4, (7, "working")),
])
def test_time_limits(regime, step, level, expected):
    limit = procedure_for(regime).time_limit(step, level)
    assert (None if limit is None else (limit.days, limit.unit)) == expected
    if limit is not None:
        assert limit.step == step


def test_time_limit_citations(p331, p85):
    assert p331.time_limit("appraisal", 4).citation == \
        "Nghị định 331/2026/NĐ-CP, Điều 23 khoản 3 điểm b"
    assert p85.time_limit("validity_check", 1).citation == \
        "Thông tư 03/2017/TT-BTTTT, Điều 14 khoản 3"
    assert p85.time_limit("approval", 1).citation == "Nghị định 85/2016/NĐ-CP, Điều 17 khoản 2"


def test_unknown_step_or_level_is_a_programming_error(p331):
    with pytest.raises(ValueError, match="unknown step 'apraisal'"):
        p331.time_limit("apraisal", 3)
    with pytest.raises(ValueError, match="level must be an integer from 1 to 5"):
        p331.authority_for(6)
    with pytest.raises(ValueError):
        p331.parts_for(True)


def test_due_in_working_days_skips_a_weekend(p331):
    # Received Friday 6/3/2026: Mon 9 … Fri 13 are the five working days.
    assert p331.time_limit("validity_check", 3).due(D(2026, 3, 6)) == D(2026, 3, 13)


def test_due_in_working_days_skips_tet(p331):
    # Received Wednesday 11/2/2026: 12, 13, then 23–27/2 after the 14–22/2 break.
    assert p331.time_limit("approval", 4).due(D(2026, 2, 11)) == D(2026, 2, 27)
    # 15 working days from Monday 9/2/2026: 10–13 (4), 23/2–6/3 (10), 9/3 (15th).
    assert p331.time_limit("appraisal", 3).due(D(2026, 2, 9)) == D(2026, 3, 9)


def test_a_calendar_limit_landing_on_sunday_moves_to_monday(p85):
    limit = p85.time_limit("appraisal", 3)
    assert D(2026, 3, 7) + datetime.timedelta(days=15) == D(2026, 3, 22)  # a Sunday
    assert limit.due(D(2026, 3, 7)) == D(2026, 3, 23)
    # Landing on a working day it stays.
    assert limit.due(D(2026, 3, 9)) == D(2026, 3, 24)


def test_a_calendar_limit_landing_in_tet_moves_to_the_first_day_back(p85):
    limit = p85.time_limit("appraisal", 4)
    assert D(2026, 1, 18) + datetime.timedelta(days=30) == D(2026, 2, 17)
    assert limit.due(D(2026, 1, 18)) == D(2026, 2, 23)


def test_due_of_a_hand_made_limit():
    # 31/8–2/9 are off (Thông báo 9441/TB-BNV): from Friday 28/8, Thu 3/9 is the 1st, Fri 11/9
    # the 7th; and the Saturday 22/8 swapped for 31/8 is worked.
    assert TimeLimit("approval", 7, "working", "x").due(D(2026, 8, 28)) == D(2026, 9, 11)
    assert TimeLimit("approval", 1, "working", "x").due(D(2026, 8, 21)) == D(2026, 8, 22)


def test_parts_for_each_level(p331, p85):
    l4_only = {"specialised_unit_opinion", "risk_assessment"}
    for procedure in (p331, p85):
        ids = {part.id for part in procedure.parts_for(3)}
        assert ids == {"overview", "design", "level_explanation", "security_plan"}
        assert not ids & l4_only
        assert procedure.parts_for(1) == procedure.parts_for(3)
    assert "risk_assessment" in {part.id for part in p331.parts_for(4)}
    assert "risk_assessment" not in {part.id for part in p85.parts_for(5)}
    assert "specialised_unit_opinion" in {part.id for part in p85.parts_for(4)}
    assert all(part.required for part in p331.parts)


def test_forms_for_each_level(p331, p85):
    def ids(level):
        return [form.id for form in p331.forms_for(level)]

    assert [form.id for form in p331.forms] == [f"form-0{n}" for n in range(1, 9)]
    assert ids(1) == ["form-01", "form-06", "form-08"]
    assert ids(3) == ["form-02", "form-04", "form-05", "form-06", "form-08"]
    assert "form-07" in ids(5) and "form-06" not in ids(5)
    assert p331.forms[0].title["vi"] == \
        "Văn bản đề nghị thẩm định, phê duyệt hồ sơ đề xuất cấp độ"
    assert p85.forms_for(4) == ()


def test_unknown_regime_is_a_clear_key_error():
    with pytest.raises(KeyError, match="no level procedure for regime 'decree-64'"):
        procedure_for("decree-64")


# --- bad files -----------------------------------------------------------------------------------

GOOD = """\
regime: test-regime
version: "1"
effective_from: "2020-01-01"
effective_to: null
dossier_parts:
  - {id: overview, title: {vi: Tổng quan, en: Overview}, citation: Điều 1, from_level: 1, required: true}
authorities:
  - {from_level: 1, to_level: 2, appraiser: specialised_unit, approver: specialised_unit, citation: Điều 2}
  - {from_level: 3, to_level: 3, appraiser: specialised_unit, approver: owner, citation: Điều 2}
  - from_level: 4
    to_level: 5
    appraiser: regulator
    approver: owner
    regulator: {vi: Bộ Công an, en: MPS}
    citation: Điều 2
time_limits:
  - {step: appraisal, from_level: 3, to_level: 3, days: 15, unit: working, citation: Điều 3}
  - {step: appraisal, from_level: 4, to_level: 5, days: 25, unit: working, citation: Điều 3}
forms:
  - {id: form-01, number: "01", title: {vi: Mẫu, en: Form}, levels: [1, 2], citation: Phụ lục}
security_regulation: {citation: Điều 4, vi: Quy chế, en: Regulation}
reclassification: {citation: Điều 5, vi: Xác định lại, en: Re-classify}
"""


def write(tmp_path, text, name="procedure-test.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text, needle):
    """1-based line of the first line containing ``needle``."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_good_test_file_loads(tmp_path):
    procedure = load_file(write(tmp_path, GOOD))
    assert procedure.authority_for(5).regulator == {"vi": "Bộ Công an", "en": "MPS"}
    assert procedure.time_limit("approval", 3) is None


BAD = [
    ("duplicate authority level",
     GOOD.replace("{from_level: 3, to_level: 3, appraiser: specialised_unit",
                  "{from_level: 2, to_level: 3, appraiser: specialised_unit"),
     "from_level: 2, to_level: 3", "level 2 already has an authority"),
    ("missing level",
     GOOD.replace("  - {from_level: 3, to_level: 3, appraiser: specialised_unit, approver: owner, "
                  "citation: Điều 2}\n", ""),
     # The line of the list's first item: the list is where a level is missing.
     "{from_level: 1, to_level: 2", "no authority for level(s) 3"),
    ("unknown step",
     GOOD.replace("step: appraisal, from_level: 4", "step: review, from_level: 4"),
     "step: review", "time_limits/1/step: 'review' is not one of"),
    ("bad unit",
     GOOD.replace("days: 15, unit: working", "days: 15, unit: weeks"),
     "unit: weeks", "time_limits/0/unit: 'weeks' is not one of"),
    ("overlapping time limits",
     GOOD.replace("step: appraisal, from_level: 4", "step: appraisal, from_level: 3"),
     "days: 25", "step 'appraisal' already has a time limit for level 3"),
    ("reversed range",
     GOOD.replace("from_level: 4\n    to_level: 5", "from_level: 5\n    to_level: 4"),
     "to_level: 4", "to_level 4 is below from_level 5"),
    ("regulator not named",
     GOOD.replace("    regulator: {vi: Bộ Công an, en: MPS}\n", ""),
     "appraiser: regulator", "the regulator appraises but is not named"),
    ("duplicate key",
     GOOD.replace("version: \"1\"\n", "version: \"1\"\nversion: \"2\"\n"),
     'version: "2"', "duplicate key 'version'"),
    ("form id and number disagree",
     GOOD.replace('id: form-01, number: "01"', 'id: form-01, number: "02"'),
     "id: form-01", "form id 'form-01' does not match number '02'"),
    ("bad date",
     GOOD.replace('effective_from: "2020-01-01"', 'effective_from: "2020-02-30"'),
     "effective_from", "'2020-02-30' is not a valid date"),
    ("level out of range",
     GOOD.replace("levels: [1, 2]", "levels: [1, 6]"),
     "levels: [1, 6]", "forms/0/levels/1: 6 is greater than the maximum of 5"),
]


@pytest.mark.parametrize("text, needle, reason", [case[1:] for case in BAD],
                         ids=[case[0] for case in BAD])
def test_a_bad_file_names_file_line_and_reason(tmp_path, text, needle, reason):
    assert text != GOOD, "the mutation did not apply"
    path = write(tmp_path, text)
    with pytest.raises(CatalogueError) as caught:
        load_file(path)
    line = line_of(text, needle)
    assert (caught.value.path, caught.value.line) == (path, line)
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"procedure-test.yaml, line {line}: ")


def test_load_procedures_reads_only_procedure_files(tmp_path):
    write(tmp_path, GOOD)
    write(tmp_path, "criteria: [not, a, procedure]\n", name="criteria-test.yaml")
    assert list(load_procedures(tmp_path)) == ["test-regime"]
    with pytest.raises(KeyError, match=r"known: test-regime"):
        procedure_for("decree-331", tmp_path)


def test_two_files_for_one_regime_are_refused(tmp_path):
    write(tmp_path, GOOD, name="procedure-a.yaml")
    write(tmp_path, GOOD, name="procedure-b.yaml")
    with pytest.raises(CatalogueError, match="procedure-b.yaml: regime 'test-regime' has two"):
        load_procedures(tmp_path)
