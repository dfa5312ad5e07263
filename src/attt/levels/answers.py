"""The classification answers: what an owner tells us about one information system.

Every criterion in ``catalogue/*.yaml`` is a condition over these answers, and ``classify`` checks
them here before evaluating anything, so a typo never silently lowers a level.

Required:
  system_type               one of internal, online_service, infrastructure, industrial_control,
                            other (NĐ 85 Art 6.2 = NĐ 331 Art 9.2 a–đ).
  information_classes       non-empty list of public, private, personal, state_secret
                            (NĐ 85 Art 6.1 = NĐ 331 Art 9.1).

Optional (the default is the answer that makes no criterion fire):
  state_secret_harm         none | harm | serious_harm | especially_serious_harm: harm to national
                            security if a system that handles state secrets or serves defence and
                            security is sabotaged. The decrees grade by harm, not by the secrecy
                            mark (Mật / Tối mật / Tuyệt mật), so we ask for the harm.
  strategic_defence_security  bool: the defence/security system is "mang tính chiến lược"
                            (NĐ 331 Art 15.1 only).
  public_service_level      none | level_1 .. level_4 (Decree 43/2011 grading used by NĐ 85) |
                            partial | full (Decree 42/2022 "một phần" / "toàn trình").
  conditional_business      bool: the online service is a conditional business line
                            (NĐ 85: dịch vụ kinh doanh có điều kiện; NĐ 331: ngành, nghề đầu tư
                            kinh doanh có điều kiện).
  handles_administrative_procedures  bool: the system settles administrative procedures (TTHC).
  data_subjects_basic       int ≥ 0: people whose basic personal data the system processes.
  data_subjects_sensitive   int ≥ 0: people whose sensitive personal data it processes.
  infrastructure_scope      none | organisation | sector_or_province | nationwide | international.
  always_on                 bool: must run 24/7 and accepts no unplanned stop (Level 4 criteria).
  national_egov_system      bool: national information system for e-government development.
  national_critical_data_store  bool: central storage of especially important national data.
  industrial_control_grade  none | IV | III | II | I | special: grade of the construction works the
                            ICS runs, per construction law.
  national_security_works   bool: the ICS runs works important to national security.
  anqg_listed               bool: on the Prime Minister's list of national-security-important
                            systems (Law 116 Art 9; NĐ 331 Art 16.4).
  prime_minister_level      0 (none) or 1–5: level set by a Prime Minister decision. A level, not a
                            bool, because the decrees attach such decisions to a given level.
  risk_framework_level      0 (not assessed) or 1–5: level from the MPS cyber risk management
                            framework (NĐ 331 Art 11.2, 12.4, 13.5, 14.4, 15.5; not yet issued).
"""

SYSTEM_TYPES = ("internal", "online_service", "infrastructure", "industrial_control", "other")
INFORMATION_CLASSES = ("public", "private", "personal", "state_secret")

# name -> (kind, allowed values or None, default); kind drives both validation and the catalogue
# check that a criterion only compares an answer with values it can take.
SPEC = {
    "system_type": ("enum", SYSTEM_TYPES, None),
    "information_classes": ("list", INFORMATION_CLASSES, None),
    "state_secret_harm": (
        "enum", ("none", "harm", "serious_harm", "especially_serious_harm"), "none"),
    "strategic_defence_security": ("bool", None, False),
    "public_service_level": (
        "enum", ("none", "level_1", "level_2", "level_3", "level_4", "partial", "full"), "none"),
    "conditional_business": ("bool", None, False),
    "handles_administrative_procedures": ("bool", None, False),
    "data_subjects_basic": ("count", None, 0),
    "data_subjects_sensitive": ("count", None, 0),
    "infrastructure_scope": (
        "enum", ("none", "organisation", "sector_or_province", "nationwide", "international"),
        "none"),
    "always_on": ("bool", None, False),
    "national_egov_system": ("bool", None, False),
    "national_critical_data_store": ("bool", None, False),
    "industrial_control_grade": ("enum", ("none", "IV", "III", "II", "I", "special"), "none"),
    "national_security_works": ("bool", None, False),
    "anqg_listed": ("bool", None, False),
    "prime_minister_level": ("level", (0, 1, 2, 3, 4, 5), 0),
    "risk_framework_level": ("level", (0, 1, 2, 3, 4, 5), 0),
}
REQUIRED = tuple(name for name, (_, _, default) in SPEC.items() if default is None)


def _is_int(value):
    # bool is a subclass of int; True must not pass as a count of one person.
    return isinstance(value, int) and not isinstance(value, bool)


def validate(answers):
    """Return a complete answers dict (defaults filled in) or raise ValueError naming the problem."""
    if not isinstance(answers, dict):
        # The brief for this API is "bad answers raise ValueError", type errors included.
        raise ValueError(f"answers must be a dict, got {type(answers).__name__}")  # noqa: TRY004
    unknown = sorted(set(answers) - set(SPEC))
    if unknown:
        raise ValueError(f"unknown answer(s): {', '.join(map(str, unknown))}")
    missing = [name for name in REQUIRED if name not in answers]
    if missing:
        raise ValueError(f"missing required answer(s): {', '.join(missing)}")
    clean = {}
    for name, (kind, allowed, default) in SPEC.items():
        value = answers.get(name, default)
        clean[name] = _check(name, kind, allowed, value)
    return clean


def _check(name, kind, allowed, value):
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"answer {name!r} must be true or false, got {value!r}")
    elif kind == "count":
        if not _is_int(value):
            raise ValueError(f"answer {name!r} must be a whole number, got {value!r}")
        if value < 0:
            raise ValueError(f"answer {name!r} must not be negative, got {value}")
    elif kind in ("enum", "level"):
        if (kind == "level" and not _is_int(value)) or value not in allowed:
            raise ValueError(
                f"answer {name!r} must be one of {', '.join(map(str, allowed))}, got {value!r}")
    elif kind == "list":
        if not isinstance(value, (list, tuple)) or not value:
            raise ValueError(f"answer {name!r} must be a non-empty list, got {value!r}")
        bad = [item for item in value if item not in allowed]
        if bad:
            raise ValueError(
                f"answer {name!r} has unknown value(s) {bad!r}; allowed: {', '.join(allowed)}")
        value = tuple(value)
    return value
