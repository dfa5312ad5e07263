"""The facts a duty's ``applies_to`` predicate may test, and the predicate evaluator.

The vocabulary is code (each fact is computed from the inventory, the levels room and the
organisation tree by ``subjects.py``); which duty applies to whom is data in the catalogues.
"""

import datetime

BOOL, INT, TEXT, SET, DATE = "bool", "int", "text", "set", "date"
OPERATORS = {
    BOOL: ("is",),
    INT: ("is", "in", "at_least", "at_most", "known"),
    TEXT: ("is", "in", "known"),
    SET: ("in",),  # true when the fact's set meets the listed values
    DATE: ("before", "on_or_after", "known"),
}

SYSTEM_FACTS = {
    "level": INT,                    # approved and current level, else the newest proposed one
    "approved_level": INT,
    "approved_regime": TEXT,         # regime of the approved dossier (decree-85 / decree-331)
    "approved_on": DATE,
    "system_type": TEXT,
    "hosting": TEXT,
    "status": TEXT,
    "processes_personal_data": BOOL,  # personal information class or data subjects recorded
    "anqg": BOOL,                    # level 5 under Decree 331 is an ANQG system (Art 16.4)
    "go_live_date": DATE,
    "in_investment_since": DATE,     # from the newest classification answers
    "owner_kind": TEXT,
    "owner_line_kinds": SET,         # kinds of the owner and of every organisation above it
    "owner_state_body": BOOL,
    "owner_network_member": BOOL,
    "owner_telecom": BOOL,
}
ORGANISATION_FACTS = {
    "kind": TEXT,
    "line_kinds": SET,
    "state_body": BOOL,
    "network_member": BOOL,
    "telecom": BOOL,                 # flagged telecom/ISP, or of kind telecom_isp
    "owns_systems": BOOL,            # owns at least one system that is not retired
    "operates_others_systems": BOOL,  # operates a system another organisation owns
    "security_unit": BOOL,           # is the specialised security unit of some system
    "max_level": INT,
    "has_online_service": BOOL,
    "processes_personal_data": BOOL,
    "has_anqg": BOOL,
}


def allowed_values(name):
    """The values a text or set fact can take, so that a catalogue typo ("operting") is refused
    instead of silently never matching. None: any value (dates, numbers, regimes)."""
    from attt.inventory.models import Hosting, SystemStatus, SystemType
    from attt.tenancy.models import OrganisationKind

    kinds = set(OrganisationKind.values)
    return {"system_type": set(SystemType.values), "hosting": set(Hosting.values),
            "status": set(SystemStatus.values), "owner_kind": kinds, "owner_line_kinds": kinds,
            "kind": kinds, "line_kinds": kinds, "approved_regime": {"decree-85", "decree-331"}}.get(name)


def vocabulary(subject):
    return SYSTEM_FACTS if subject == "system" else ORGANISATION_FACTS


def _test(value, operator, expected):
    if operator == "known":
        return (value is not None) == expected
    if value is None:
        return False
    if operator == "is":
        return value == expected
    if operator == "in":
        if isinstance(value, (set, frozenset)):
            return not value.isdisjoint(expected)
        return value in expected
    if operator == "at_least":
        return value >= expected
    if operator == "at_most":
        return value <= expected
    if operator == "before":
        return value < datetime.date.fromisoformat(expected)
    if operator == "on_or_after":
        return value >= datetime.date.fromisoformat(expected)
    raise ValueError(f"unknown operator {operator!r}")


def holds(predicate, values):
    """Evaluate a validated predicate against a dict of fact values."""
    if "fact" in predicate:
        (operator,) = [key for key in predicate if key != "fact"]
        return _test(values.get(predicate["fact"]), operator, predicate[operator])
    if "all" in predicate:
        return all(holds(child, values) for child in predicate["all"])
    if "any" in predicate:
        return any(holds(child, values) for child in predicate["any"])
    if "not" in predicate:
        return not holds(predicate["not"], values)
    return predicate.get("always") is True
