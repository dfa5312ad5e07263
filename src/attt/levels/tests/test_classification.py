"""Table-driven checks of the level criteria under both regimes (no database needed)."""

from datetime import date

import pytest

from attt.levels.classification import classify

OLD = date(2026, 8, 18)   # last day of Decree 85
NEW = date(2026, 8, 19)   # Decree 331 in force (Art 38)

INTERNAL_PUBLIC = {"system_type": "internal", "information_classes": ["public"]}
ONLINE = {"system_type": "online_service", "information_classes": ["personal"]}
INFRA = {"system_type": "infrastructure", "information_classes": ["private"]}
ICS = {"system_type": "industrial_control", "information_classes": ["private"]}
OTHER = {"system_type": "other", "information_classes": ["private"]}
SECRET = {"system_type": "internal", "information_classes": ["state_secret"]}


def with_(base, **extra):
    return {**base, **extra}


CASES = [
    # (case id, answers, day, expected level, a criterion id that must fire or None)
    ("85-L1-internal-public", INTERNAL_PUBLIC, OLD, 1, "nd85.7.internal-public"),
    ("331-L1-internal-public", INTERNAL_PUBLIC, NEW, 1, "nd331.11.1.internal-public"),
    ("85-L2-internal-private", with_(INTERNAL_PUBLIC, information_classes=["public", "personal"]),
     OLD, 2, "nd85.8.1.internal-private"),
    ("331-L2-internal-private", with_(INTERNAL_PUBLIC, information_classes=["private"]),
     NEW, 2, "nd331.12.1.internal-private"),
    ("85-internal-with-secret-no-harm-fires-nothing",
     with_(INTERNAL_PUBLIC, information_classes=["private", "state_secret"]), OLD, None, None),
    ("85-L2-public-service-level-2", with_(ONLINE, public_service_level="level_2"),
     OLD, 2, "nd85.8.2.a.public-service-low"),
    ("85-L3-public-service-level-3", with_(ONLINE, public_service_level="level_3"),
     OLD, 3, "nd85.9.2.a.public-service-high"),
    ("85-L3-public-service-full", with_(ONLINE, public_service_level="full"),
     OLD, 3, "nd85.9.2.a.public-service-high"),
    ("85-L2-non-conditional", ONLINE, OLD, 2, "nd85.8.2.b.non-conditional"),
    ("85-L3-conditional", with_(ONLINE, conditional_business=True),
     OLD, 3, "nd85.9.2.b.conditional"),
    ("331-L2-non-conditional", ONLINE, NEW, 2, "nd331.12.2.a.non-conditional"),
    ("331-L3-conditional", with_(ONLINE, conditional_business=True),
     NEW, 3, "nd331.13.2.a.conditional"),
    # Decree 85 user threshold: 10,000.
    ("85-users-9999", with_(ONLINE, data_subjects_basic=9_999), OLD, 2, "nd85.8.2.c.few-users"),
    ("85-users-10000", with_(ONLINE, data_subjects_basic=10_000), OLD, 3, "nd85.9.2.c.many-users"),
    ("85-sensitive-10000", with_(ONLINE, data_subjects_sensitive=10_000),
     OLD, 3, "nd85.9.2.c.many-users"),
    # Decree 331 basic threshold: 100,000; sensitive threshold: 10,000.
    ("331-basic-99999", with_(ONLINE, data_subjects_basic=99_999),
     NEW, 2, "nd331.12.2.b.few-subjects"),
    ("331-basic-100000", with_(ONLINE, data_subjects_basic=100_000),
     NEW, 3, "nd331.13.2.c.many-subjects"),
    ("331-sensitive-9999", with_(ONLINE, data_subjects_sensitive=9_999),
     NEW, 2, "nd331.12.2.b.few-subjects"),
    ("331-sensitive-10000", with_(ONLINE, data_subjects_sensitive=10_000),
     NEW, 3, "nd331.13.2.c.many-subjects"),
    ("331-basic-50000-is-level-2-but-level-3-under-85", with_(ONLINE, data_subjects_basic=50_000),
     NEW, 2, "nd331.12.2.b.few-subjects"),
    ("85-basic-50000", with_(ONLINE, data_subjects_basic=50_000), OLD, 3, "nd85.9.2.c.many-users"),
    ("331-L3-tthc", with_(ONLINE, handles_administrative_procedures=True),
     NEW, 3, "nd331.13.2.b.administrative-procedures"),
    ("85-tthc-is-not-a-criterion", with_(ONLINE, handles_administrative_procedures=True),
     OLD, 2, None),
    ("85-L2-infra-one-org", with_(INFRA, infrastructure_scope="organisation"),
     OLD, 2, "nd85.8.3.infra-one-org"),
    ("331-L3-infra-province", with_(INFRA, infrastructure_scope="sector_or_province"),
     NEW, 3, "nd331.13.3.infra-sector-province"),
    ("85-L4-infra-nationwide-24x7", with_(INFRA, infrastructure_scope="nationwide", always_on=True),
     OLD, 4, "nd85.10.3.infra-nationwide"),
    ("331-L4-infra-nationwide-24x7",
     with_(INFRA, infrastructure_scope="nationwide", always_on=True),
     NEW, 4, "nd331.14.2.national-always-on"),
    ("331-infra-nationwide-not-24x7-fires-nothing",
     with_(INFRA, infrastructure_scope="nationwide"), NEW, None, None),
    ("331-L4-national-egov", with_(OTHER, national_egov_system=True, always_on=True),
     NEW, 4, "nd331.14.2.national-always-on"),
    ("85-L5-infra-international", with_(INFRA, infrastructure_scope="international"),
     OLD, 5, "nd85.11.3.infra-international"),
    ("331-L5-infra-international", with_(INFRA, infrastructure_scope="international"),
     NEW, 5, "nd331.15.3.infra-international"),
    ("85-L3-ics-grade-IV", with_(ICS, industrial_control_grade="IV"),
     OLD, 3, "nd85.9.4.ics-grade-2-4"),
    ("331-L3-ics-grade-II", with_(ICS, industrial_control_grade="II"),
     NEW, 3, "nd331.13.4.ics-grade-2-4"),
    ("85-L4-ics-grade-I", with_(ICS, industrial_control_grade="I"), OLD, 4, "nd85.10.4.ics-grade-1"),
    ("331-L4-ics-grade-I", with_(ICS, industrial_control_grade="I"),
     NEW, 4, "nd331.14.3.ics-grade-1"),
    ("331-L5-ics-special", with_(ICS, industrial_control_grade="special"),
     NEW, 5, "nd331.15.4.ics-special"),
    ("85-L5-ics-national-security-works", with_(ICS, national_security_works=True),
     OLD, 5, "nd85.11.4.ics-special"),
    ("85-L3-secret-harm", with_(SECRET, state_secret_harm="harm"),
     OLD, 3, "nd85.9.1.state-secret-harm"),
    ("331-L3-secret-harm", with_(SECRET, state_secret_harm="harm"),
     NEW, 3, "nd331.13.1.state-secret-harm"),
    ("85-L4-secret-serious", with_(SECRET, state_secret_harm="serious_harm"),
     OLD, 4, "nd85.10.1.state-secret-serious"),
    ("331-L4-secret-serious", with_(SECRET, state_secret_harm="serious_harm"),
     NEW, 4, "nd331.14.1.state-secret-serious"),
    ("85-L5-secret-especially-serious", with_(SECRET, state_secret_harm="especially_serious_harm"),
     OLD, 5, "nd85.11.1.state-secret-especially-serious"),
    ("331-L5-secret-especially-serious",
     with_(SECRET, state_secret_harm="especially_serious_harm"),
     NEW, 5, "nd331.15.1.state-secret-especially-serious"),
    ("331-L5-national-data-store", with_(OTHER, national_critical_data_store=True),
     NEW, 5, "nd331.15.2.national-data-store"),
    ("331-L5-anqg", with_(OTHER, anqg_listed=True), NEW, 5, "nd331.16.4.anqg"),
    ("85-anqg-not-a-criterion", with_(OTHER, anqg_listed=True), OLD, None, None),
    ("85-L5-prime-minister", with_(OTHER, prime_minister_level=5), OLD, 5, "nd85.11.5.prime-minister"),
    ("85-prime-minister-level-3-no-criterion", with_(OTHER, prime_minister_level=3),
     OLD, None, None),
    ("331-L3-prime-minister", with_(OTHER, prime_minister_level=3),
     NEW, 3, "nd331.13.5.decision-or-framework"),
    ("331-L2-risk-framework", with_(OTHER, risk_framework_level=2),
     NEW, 2, "nd331.12.4.decision-or-framework"),
    ("331-L1-risk-framework", with_(OTHER, risk_framework_level=1),
     NEW, 1, "nd331.11.2.risk-framework"),
    ("331-other-no-answer-no-floor", OTHER, NEW, None, None),
    # Highest wins (NĐ 331 Art 8.2): several criteria at different levels fire together.
    ("331-highest-wins-2-3-5",
     with_(ONLINE, data_subjects_sensitive=20_000, anqg_listed=True), NEW, 5, "nd331.16.4.anqg"),
    ("85-highest-wins-2-4",
     with_(ONLINE, state_secret_harm="serious_harm"), OLD, 4, "nd85.8.2.b.non-conditional"),
]


@pytest.mark.parametrize(
    "answers, day, level, criterion", [case[1:] for case in CASES], ids=[c[0] for c in CASES])
def test_level(answers, day, level, criterion):
    result = classify(answers, day)
    assert result.level == level
    fired = {item.id for item in result.fired}
    if criterion:
        assert criterion in fired
    if level is None:
        assert not fired


@pytest.mark.parametrize("day, regime", [
    (date(2016, 7, 1), "decree-85"),
    (date(2026, 7, 1), "decree-85"),   # Law 116 in force, Decree 331 not yet
    (OLD, "decree-85"),
    (NEW, "decree-331"),
    (date(2030, 1, 1), "decree-331"),
])
def test_regime_by_date(day, regime):
    assert classify(INTERNAL_PUBLIC, day).regime == regime


@pytest.mark.parametrize("since, day, regime", [
    (date(2026, 6, 30), NEW, "decree-85"),               # in investment before 01/07/2026
    (date(2026, 6, 30), date(2026, 12, 31), "decree-85"),
    (date(2026, 6, 30), date(2027, 1, 1), "decree-331"),  # the 6-month window is over
    (date(2026, 7, 1), NEW, "decree-331"),               # started on the cut-off day
    (None, NEW, "decree-331"),
    (date(2025, 1, 1), OLD, "decree-85"),                # Decree 85 by date anyway
])
def test_transition_art_39_1(since, day, regime):
    answers = with_(ONLINE, data_subjects_basic=50_000)
    result = classify(answers, day, in_investment_since=since)
    assert result.regime == regime
    assert result.level == (3 if regime == "decree-85" else 2)
    if since and regime == "decree-85" and day >= NEW:
        assert "Điều 39 khoản 1" in result.regime_reason["vi"]
        assert "Transition rule" in result.regime_reason["en"]


def test_fired_criteria_carry_title_and_citation_highest_first():
    result = classify(with_(ONLINE, data_subjects_sensitive=20_000, anqg_listed=True), NEW)
    assert [item.level for item in result.fired] == sorted(
        (item.level for item in result.fired), reverse=True)
    assert {item.level for item in result.fired} == {2, 3, 5}
    top = result.deciding[0]
    assert top.citation.startswith("Nghị định 331/2026/NĐ-CP, Điều 16")
    assert top.title["vi"] and top.title["en"]


@pytest.mark.parametrize("answers, message", [
    ({"information_classes": ["public"]}, "missing required answer(s): system_type"),
    (with_(INTERNAL_PUBLIC, colour="red"), "unknown answer(s): colour"),
    (with_(INTERNAL_PUBLIC, system_type="cloud"), "'system_type' must be one of"),
    (with_(ONLINE, data_subjects_basic=-1), "must not be negative"),
    (with_(ONLINE, data_subjects_basic="100"), "must be a whole number"),
    (with_(ONLINE, data_subjects_basic=True), "must be a whole number"),
    (with_(ONLINE, conditional_business="yes"), "must be true or false"),
    (with_(ONLINE, information_classes=[]), "must be a non-empty list"),
    (with_(ONLINE, information_classes=["secretish"]), "unknown value(s)"),
    (with_(OTHER, prime_minister_level=6), "'prime_minister_level' must be one of"),
    ("internal", "answers must be a dict"),
])
def test_bad_answers(answers, message):
    with pytest.raises(ValueError) as excinfo:
        classify(answers, NEW)
    assert message in str(excinfo.value)


def test_bad_dates():
    with pytest.raises(ValueError, match="no security-level regime"):
        classify(INTERNAL_PUBLIC, date(2010, 1, 1))
    with pytest.raises(ValueError, match="after the classification date"):
        classify(INTERNAL_PUBLIC, NEW, in_investment_since=date(2027, 1, 1))
    with pytest.raises(ValueError, match="must be a date"):
        classify(INTERNAL_PUBLIC, "2026-08-19")
