"""Requirements by level: the shipped catalogue, bad files by file and line, choice by date, and
the deployment status the annual report asks for (no database needed)."""

import re
import textwrap
from datetime import date

import pytest

from attt.levels.catalogue import CATALOGUE_DIR, CatalogueError
from attt.levels.requirements import (
    DEPLOYMENT_FULL,
    DEPLOYMENT_NONE,
    DEPLOYMENT_PARTIAL,
    Requirement,
    deployment_counts,
    deployment_status,
    load_file,
    load_standards,
    standard,
    standard_on,
)

SHIPPED = CATALOGUE_DIR / "requirements-tcvn-11930-2017.yaml"

# Products regulations.md §4 lists as mandated from level 3 (DLP is conditional but listed).
L3_PRODUCTS = [
    "tech.network.vpn", "tech.network.firewall", "tech.network.ips", "tech.network.hot-standby",
    "tech.data.db-firewall", "tech.network.anti-ddos", "tech.application.waf",
    "tech.network.mail-security", "tech.network.nac", "tech.network.siem",
    "tech.data.central-backup", "tech.server.central-anti-malware", "tech.data.dlp",
]
L3_ZONES = ["tech.network.zone-database", "tech.network.zone-management"]

GOOD = """\
standard: test-standard
version: "1"
effective_from: "2020-01-01"
effective_to: null
title: {vi: Thử nghiệm, en: Test}
citation: Điều 1
level_clauses: {1: "5", 2: "6", 3: "7", 4: "8", 5: "9"}
kind_clauses: {management: "1", technical: "2"}
groups:
  - {id: g.net, kind: technical, vi: Mạng, en: Network, citation: Mục 2.1}
  - {id: g.pol, kind: management, vi: Chính sách, en: Policy, citation: Mục 1.1}
requirements:
  - id: g.net.fw
    kind: technical
    group: g.net
    title: {vi: Tường lửa, en: Firewall}
    from_level: 3
    clauses: {3: "7.2.1.2", 4: "8.2.1.2", 5: "9.2.1.2"}
  - id: g.pol.policy
    kind: management
    group: g.pol
    title: {vi: Chính sách, en: Policy}
    from_level: 1
    clauses: {1: "5.1.1.1", 2: "6.1.1.1", 3: "7.1.1.1", 4: "8.1.1.1", 5: "9.1.1.1"}
"""


def write(directory, text, name="requirements-test.yaml"):
    path = directory / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# --- the shipped catalogue -------------------------------------------------------------------

def test_shipped_catalogue_loads():
    standards = load_standards()
    assert set(standards) == {"tcvn-11930-2017"}
    tcvn = standards["tcvn-11930-2017"]
    assert tcvn.source == SHIPPED
    assert tcvn.effective_from == date(2022, 10, 1) and tcvn.effective_to is None
    assert "12/2022/TT-BTTTT" in tcvn.citation
    kinds = [group.kind for group in tcvn.groups]
    assert kinds.count("management") == 7 and kinds.count("technical") == 4
    assert 60 <= len(tcvn.requirements) <= 100
    for item in tcvn.requirements:
        # Vietnamese titles carry diacritics; an ASCII-only title is a transliteration slip.
        assert re.search(r"[^\x00-\x7f]", item.title["vi"]), item.id
        assert item.title["en"]
        assert tcvn.group(item.group).kind == item.kind


def test_catalogue_is_cached():
    assert load_standards() is load_standards()
    assert standard("tcvn-11930-2017") is load_standards()["tcvn-11930-2017"]
    with pytest.raises(KeyError, match="unknown"):
        standard("tcvn-0000")


def test_counts_per_level_grow():
    tcvn = standard("tcvn-11930-2017")
    counts = [len(tcvn.for_level(level)) for level in range(1, 6)]
    assert counts == sorted(counts)
    assert counts[0] < counts[1] < counts[2] < counts[3]   # L2, L3 and L4 each add something
    assert tcvn.for_level(5) == tcvn.requirements
    # Catalogue order is kept, so a checklist reads group by group.
    assert list(tcvn.for_level(2)) == [r for r in tcvn.requirements if r.from_level <= 2]
    with pytest.raises(ValueError, match="1 to 5"):
        tcvn.for_level(0)


def test_what_each_level_adds():
    tcvn = standard("tcvn-11930-2017")

    def ids(level):
        return {item.id for item in tcvn.for_level(level)}

    l2_adds = {"mgmt.design.outsourced-development", "mgmt.operations.incident",
               "mgmt.operations.end-user", "tech.network.internal-access",
               "tech.server.handover", "tech.application.code-security",
               "tech.data.confidentiality"}
    l3_adds = {"mgmt.operations.endpoint", "mgmt.operations.anti-malware",
               "mgmt.operations.monitoring", "mgmt.operations.vulnerability",
               "tech.application.communication-secrecy", "tech.application.non-repudiation",
               "tech.data.integrity", *L3_PRODUCTS, *L3_ZONES}
    l4_adds = {"tech.server.pam", "tech.network.zone-device-management"}
    assert not (l2_adds | l3_adds | l4_adds) & ids(1)
    assert l2_adds <= ids(2) and not (l3_adds | l4_adds) & ids(2)
    assert l3_adds <= ids(3) and not l4_adds & ids(3)
    assert l4_adds <= ids(4) and l4_adds <= ids(5)


def test_clause_for():
    tcvn = standard("tcvn-11930-2017")
    firewall = tcvn.get("tech.network.firewall")
    assert firewall.from_level == 3 and firewall.group == "tech.network"
    assert firewall.clause_for(3).startswith("7.2.1.")
    assert firewall.clause_for(5).startswith("9.2.1.")
    with pytest.raises(ValueError, match="applies from level 3"):
        firewall.clause_for(2)
    with pytest.raises(ValueError, match="1 to 5"):
        firewall.clause_for(6)
    assert tcvn.get("mgmt.policy.security-policy").clause_for(1) == "5.1.1.1"
    # Every requirement names a clause at every level it applies to, inside that level's clause.
    for item in tcvn.requirements:
        for level in range(item.from_level, 6):
            sub = "1" if item.kind == "management" else "2"
            assert item.clause_for(level).startswith(f"{level + 4}.{sub}.")
    with pytest.raises(KeyError):
        tcvn.get("tech.network.nope")
    with pytest.raises(KeyError):
        tcvn.group("tech.nope")


# --- bad files ---------------------------------------------------------------------------------

def test_good_minimal_file(tmp_path):
    result = load_file(write(tmp_path, GOOD))
    assert result.id == "test-standard"
    assert result.get("g.net.fw").clauses == {3: "7.2.1.2", 4: "8.2.1.2", 5: "9.2.1.2"}
    assert result.group("g.pol").title == {"vi": "Chính sách", "en": "Policy"}
    assert [len(result.for_level(level)) for level in range(1, 6)] == [1, 1, 2, 2, 2]


@pytest.mark.parametrize("old, new, line, reason", [
    # Duplicate requirement id.
    ("id: g.pol.policy", "id: g.net.fw", 19, "duplicate requirement id 'g.net.fw'"),
    # Group that the file does not define.
    ("group: g.pol", "group: g.nope", 21, "unknown group 'g.nope'"),
    # Requirement kind differs from its group's kind.
    ("kind: technical\n    group: g.net", "kind: management\n    group: g.net", 14,
     "is management but its group 'g.net' is technical"),
    # Level-4 clause under the level-3 clause number.
    ('4: "8.2.1.2"', '4: "7.2.1.2"', 18, "must start with '8.2.'"),
    # Technical requirement under the management sub-clause.
    ('3: "7.2.1.2"', '3: "7.1.1.2"', 18, "must start with '7.2.'"),
    # No clause for a level the requirement applies at.
    (', 4: "8.2.1.2"', "", 18, "lacks a clause for level(s) [4]"),
    # A clause below from_level.
    ('{3: "7.2.1.2"', '{2: "6.2.1.2", 3: "7.2.1.2"', 18, "no clause at level 2"),
    # A date the calendar does not have.
    ('"2020-01-01"', '"2020-02-30"', 3, "'2020-02-30' is not a valid date"),
    # A key written twice in one mapping.
    ("from_level: 3\n", "from_level: 3\n    from_level: 4\n", 18, "duplicate key 'from_level'"),
    # Schema: level out of range.
    ("from_level: 3", "from_level: 7", 17, "7 is greater than the maximum of 5"),
    # Schema: an unquoted clause is a float, not a clause string.
    ('3: "7.2.1.2"', "3: 7.2", 18, "7.2 is not of type 'string'"),
    # A group nobody files under.
    ("citation: Mục 1.1}\n",
     "citation: Mục 1.1}\n"
     "  - {id: g.app, kind: technical, vi: Ứng dụng, en: App, citation: Mục 2.3}\n",
     12, "group 'g.app' has no requirement"),
    # Nothing applies at level 1.
    ('from_level: 1\n    clauses: {1: "5.1.1.1", ', "from_level: 2\n    clauses: {", 13,
     "no requirement applies at level(s) [1]"),
])
def test_bad_file_names_file_and_line(tmp_path, old, new, line, reason):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(CatalogueError) as excinfo:
        load_file(path)
    message = str(excinfo.value)
    assert "requirements-test.yaml" in message
    assert f"line {line}" in message
    assert reason in message
    assert excinfo.value.line == line


def test_overlapping_standards_are_refused(tmp_path):
    write(tmp_path, GOOD, "requirements-a.yaml")
    write(tmp_path, GOOD.replace("test-standard", "later").replace("2020-01-01", "2021-01-01"),
          "requirements-b.yaml")
    with pytest.raises(CatalogueError) as excinfo:
        load_standards(tmp_path)
    assert excinfo.value.path.name == "requirements-b.yaml" and excinfo.value.line == 3
    assert "standard 'later' overlaps standard 'test-standard'" in str(excinfo.value)


def test_duplicate_standard_ids_are_refused(tmp_path):
    write(tmp_path, GOOD.replace("effective_to: null", 'effective_to: "2020-12-31"'),
          "requirements-a.yaml")
    write(tmp_path, GOOD.replace("2020-01-01", "2021-01-01"), "requirements-b.yaml")
    with pytest.raises(CatalogueError) as excinfo:
        load_standards(tmp_path)
    assert excinfo.value.path.name == "requirements-b.yaml" and excinfo.value.line == 1
    assert "also defined in requirements-a.yaml" in str(excinfo.value)


def test_only_requirements_files_are_read(tmp_path):
    write(tmp_path, GOOD)
    write(tmp_path, "regime: not-a-requirements-file\n", "criteria-other.yaml")
    assert set(load_standards(tmp_path)) == {"test-standard"}


# --- choosing the standard by date -------------------------------------------------------------

def test_standard_on_picks_by_date():
    assert standard_on(date(2022, 10, 1)).id == "tcvn-11930-2017"
    assert standard_on(date(2030, 1, 1)).id == "tcvn-11930-2017"
    with pytest.raises(ValueError, match="2022-09-30"):
        standard_on(date(2022, 9, 30))


def test_successor_standard_takes_over_as_data(tmp_path):
    """A successor with another clause numbering (3–7) replaces the old one purely as data."""
    text = SHIPPED.read_text(encoding="utf-8")
    write(tmp_path, text.replace("effective_to: null", 'effective_to: "2026-08-18"'),
          "requirements-tcvn-11930-2017.yaml")
    successor = (text.replace("standard: tcvn-11930-2017", "standard: tcvn-14423-2026")
                 .replace('effective_from: "2022-10-01"', 'effective_from: "2026-08-19"')
                 .replace('level_clauses: {1: "5", 2: "6", 3: "7", 4: "8", 5: "9"}',
                          'level_clauses: {1: "3", 2: "4", 3: "5", 4: "6", 5: "7"}'))
    # Renumber every clause string: clause 5 (level 1) becomes 3, and so on.
    successor = re.sub(r'(\d): "([5-9])\.',
                       lambda m: f'{m[1]}: "{int(m[2]) - 2}.', successor)
    write(tmp_path, successor, "requirements-tcvn-14423-2026.yaml")

    assert standard_on(date(2026, 8, 18), tmp_path).id == "tcvn-11930-2017"
    new = standard_on(date(2026, 8, 19), tmp_path)
    assert new.id == "tcvn-14423-2026"
    assert new.get("mgmt.policy.security-policy").clause_for(1) == "3.1.1.1"
    assert new.get("tech.network.firewall").clause_for(3).startswith("5.2.1.")


# --- deployment status -------------------------------------------------------------------------

def _reqs(*ids):
    return [Requirement(id=i, kind="technical", group="g", title={"vi": i, "en": i},
                        from_level=1, clauses={1: "5.2.1.1"}) for i in ids]


REQS = _reqs("a", "b", "c")


@pytest.mark.parametrize("answers, status", [
    ({}, DEPLOYMENT_NONE),
    ({"a": None, "b": None}, DEPLOYMENT_NONE),
    ({"a": "not_applicable", "b": "not_applicable", "c": "not_applicable"}, DEPLOYMENT_NONE),
    ({"a": "not_met", "b": "not_met", "c": "not_applicable"}, DEPLOYMENT_NONE),
    ({"a": "met", "b": "met", "c": "met"}, DEPLOYMENT_FULL),
    ({"a": "met", "b": "not_applicable", "c": "not_applicable"}, DEPLOYMENT_FULL),
    ({"a": "met", "b": "met", "c": "not_met"}, DEPLOYMENT_PARTIAL),
    ({"a": "met", "b": "met"}, DEPLOYMENT_PARTIAL),                    # one unanswered
    ({"a": "met", "b": "not_applicable", "c": None}, DEPLOYMENT_PARTIAL),
    # Answers for requirements outside the level do not count.
    ({"a": "met", "b": "met", "c": "met", "z": "not_met"}, DEPLOYMENT_FULL),
])
def test_deployment_status(answers, status):
    assert deployment_status(REQS, answers) == status


def test_deployment_counts():
    counts = deployment_counts(REQS, {"a": "met", "b": "not_applicable", "z": "met"})
    assert counts == {"met": 1, "not_met": 0, "not_applicable": 1, "unanswered": 1, "total": 3}
    assert deployment_counts([], {}) == {"met": 0, "not_met": 0, "not_applicable": 0,
                                         "unanswered": 0, "total": 0}
    assert deployment_status([], {}) == DEPLOYMENT_NONE
    with pytest.raises(ValueError, match="'b'"):
        deployment_counts(REQS, {"b": "done"})


def test_deployment_status_over_a_real_level():
    level3 = standard("tcvn-11930-2017").for_level(3)
    answers = {item.id: "met" for item in level3}
    assert deployment_status(level3, answers) == DEPLOYMENT_FULL
    answers["tech.data.dlp"] = "not_applicable"
    assert deployment_status(level3, answers) == DEPLOYMENT_FULL
    answers["tech.application.waf"] = "not_met"
    assert deployment_status(level3, answers) == DEPLOYMENT_PARTIAL
