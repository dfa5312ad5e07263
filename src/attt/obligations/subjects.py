"""Load, in a few set-based queries, everything the engine needs about a set of subjects: each
system's and organisation's facts, their evidence and their events.

A full recompute loads every subject at once; an incremental one loads a handful. Both go through
``load`` so the two can never disagree.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from attt.inventory.models import (
    InformationClass,
    InformationSystem,
    SystemStatus,
    SystemType,
)
from attt.levels.models import ClassificationRecord, Dossier, LevelStatus
from attt.tenancy.models import Organisation, OrganisationKind, path_ids

from . import engine
from .engine import Proof
from .models import Evidence, SubjectEvent

SYSTEM_FIELDS = ("id", "owner_id", "operator_id", "security_unit_id", "system_type", "hosting", "status",
                 "information_classes", "data_subjects_basic", "data_subjects_sensitive", "go_live_date",
                 "created_at")


@dataclass
class Snapshot:
    systems: dict = field(default_factory=dict)        # id → facts
    organisations: dict = field(default_factory=dict)  # id → facts
    target_systems: set = field(default_factory=set)
    target_organisations: set = field(default_factory=set)
    proofs: dict = field(default_factory=lambda: defaultdict(list))  # key → [(kind, duty_id, Proof)]
    events: dict = field(default_factory=lambda: defaultdict(list))  # key → [(kind, date)]

    def proofs_for(self, key, duty):
        return [proof for kind, duty_id, proof in self.proofs.get(key, ())
                if kind in duty.evidence_kinds and duty_id in ("", duty.id)]

    def subjects(self):
        """(key, facts, organisation id, system id) of every target: systems, then organisations."""
        for system_id in self.target_systems:
            facts = self.systems[system_id]
            yield system_key(system_id), facts, facts["owner_id"], system_id
        for organisation_id in self.target_organisations:
            yield organisation_key(organisation_id), self.organisations[organisation_id], organisation_id, None

    def evaluate(self, key, facts, duty, on):
        return engine.evaluate(duty, facts, self.proofs_for(key, duty), self.events.get(key, ()), on)


def system_key(system_id):
    return ("system", system_id)


def organisation_key(organisation_id):
    return ("organisation", organisation_id)


def _organisation_rows():
    rows = Organisation.objects.values_list("id", "path", "kind", "is_state_body", "is_network_member",
                                            "is_telecom")
    return {row[0]: row for row in rows}


def _levels(system_ids):
    """system id → (level, approved_level, approved_regime, approved_on, in_investment_since)."""
    selected = {"system_id__in": system_ids} if system_ids is not None else {}
    approved = {row[0]: row[1:] for row in LevelStatus.objects.filter(**selected).values_list(
        "system_id", "approved_level", "reclassification_needed", "approved_on", "approved_dossier__regime")}
    proposed = {}
    for system_id, level in (Dossier.objects.filter(level__isnull=False, **selected)
                             .order_by("system_id", "version").values_list("system_id", "level")):
        proposed[system_id] = level  # ordered by version: the newest wins
    classified = {}
    for system_id, level, since in (ClassificationRecord.objects.filter(**selected)
                                    .order_by("system_id", "created_at", "id")
                                    .values_list("system_id", "proposed_level", "in_investment_since")):
        classified[system_id] = (level, since)
    result = {}
    for system_id in set(approved) | set(proposed) | set(classified):
        level_row = approved.get(system_id)
        approved_level = level_row[0] if level_row else None
        current = approved_level if level_row and not level_row[1] else None
        proposal = proposed.get(system_id) or classified.get(system_id, (None, None))[0]
        result[system_id] = {
            "level": current or proposal or approved_level,
            "approved_level": approved_level,
            "approved_regime": (level_row[3] or None) if level_row else None,
            "approved_on": level_row[2] if level_row else None,
            "in_investment_since": classified.get(system_id, (None, None))[1],
        }
    return result


def _system_facts(row, organisations, levels):
    (system_id, owner_id, _operator, _unit, system_type, hosting, status, classes, basic, sensitive,
     go_live, created_at) = row
    owner = organisations[owner_id]
    level_facts = levels.get(system_id, {})
    level = level_facts.get("level")
    return {
        "level": level,
        "approved_level": level_facts.get("approved_level"),
        "approved_regime": level_facts.get("approved_regime"),
        "approved_on": level_facts.get("approved_on"),
        "in_investment_since": level_facts.get("in_investment_since"),
        "system_type": system_type,
        "hosting": hosting,
        "status": status,
        "processes_personal_data": bool(basic or sensitive or InformationClass.PERSONAL in (classes or [])),
        "anqg": level == 5,
        "go_live_date": go_live,
        "created_on": created_at.date(),
        "owner_kind": owner[2],
        "owner_line_kinds": frozenset(organisations[i][2] for i in path_ids(owner[1]) if i in organisations),
        "owner_state_body": owner[3],
        "owner_network_member": owner[4],
        "owner_telecom": owner[5] or owner[2] == OrganisationKind.TELECOM_ISP,
    }


def _organisation_facts(row, organisations, related):
    organisation_id, path, kind, state_body, member, telecom = row
    owned = [facts for facts in related["owner"].get(organisation_id, ())]
    levels = [facts["level"] for facts in owned if facts["level"]]
    return {
        "kind": kind,
        "line_kinds": frozenset(organisations[i][2] for i in path_ids(path) if i in organisations),
        "state_body": state_body,
        "network_member": member,
        "telecom": telecom or kind == OrganisationKind.TELECOM_ISP,
        "owns_systems": bool(owned),
        "operates_others_systems": bool(related["operator"].get(organisation_id)),
        "security_unit": bool(related["security_unit"].get(organisation_id)),
        "max_level": max(levels) if levels else None,
        "has_online_service": any(facts["system_type"] == SystemType.ONLINE_SERVICE for facts in owned),
        "processes_personal_data": any(facts["processes_personal_data"] for facts in owned),
        "has_anqg": any(facts["anqg"] for facts in owned),
    }


def load(system_ids=None, organisation_ids=None):
    """Facts, evidence and events for the given subjects (``None`` for both: every subject)."""
    everything = system_ids is None and organisation_ids is None
    organisations = _organisation_rows()
    systems = InformationSystem.objects.exclude(status=SystemStatus.RETIRED)
    snapshot = Snapshot()
    if everything:
        snapshot.target_organisations = set(organisations)
        rows = list(systems.values_list(*SYSTEM_FIELDS))
        snapshot.target_systems = {row[0] for row in rows}
    else:
        snapshot.target_organisations = set(organisation_ids or ()) & set(organisations)
        wanted = set(system_ids or ())
        rows = list(systems.filter(id__in=wanted).values_list(*SYSTEM_FIELDS))
        snapshot.target_systems = {row[0] for row in rows}
        if snapshot.target_organisations:  # an organisation's facts come from its systems
            ids = snapshot.target_organisations
            rows += list(systems.filter(Q(owner_id__in=ids) | Q(operator_id__in=ids) | Q(security_unit_id__in=ids))
                         .exclude(id__in=wanted).values_list(*SYSTEM_FIELDS))
    levels = _levels(None if everything else [row[0] for row in rows])
    related = {"owner": defaultdict(list), "operator": defaultdict(list), "security_unit": defaultdict(list)}
    for row in rows:
        facts = _system_facts(row, organisations, levels)
        facts["owner_id"], facts["operator_id"] = row[1], row[2]
        snapshot.systems[row[0]] = facts
        related["owner"][row[1]].append(facts)
        if row[2] != row[1]:
            related["operator"][row[2]].append(facts)
        if row[3]:
            related["security_unit"][row[3]].append(facts)
    for organisation_id in snapshot.target_organisations:
        snapshot.organisations[organisation_id] = _organisation_facts(organisations[organisation_id],
                                                                      organisations, related)
    _load_evidence_and_events(snapshot, everything)
    return snapshot


def _load_evidence_and_events(snapshot, everything):
    def subject_filter(queryset):
        if everything:
            return queryset
        return queryset.filter(Q(system_id__in=snapshot.target_systems)
                               | Q(system__isnull=True, organisation_id__in=snapshot.target_organisations))

    evidence = subject_filter(Evidence.objects.filter(withdrawn_at__isnull=True)).values_list(
        "id", "kind", "duty_id", "system_id", "organisation_id", "occurred_on")
    for evidence_id, kind, duty_id, system_id, organisation_id, occurred_on in evidence.iterator(chunk_size=5000):
        key = system_key(system_id) if system_id else organisation_key(organisation_id)
        snapshot.proofs[key].append((kind, duty_id, Proof(evidence_id, occurred_on)))
    events = subject_filter(SubjectEvent.objects.all()).values_list("kind", "system_id", "organisation_id",
                                                                    "occurred_on")
    for kind, system_id, organisation_id, occurred_on in events.iterator(chunk_size=5000):
        key = system_key(system_id) if system_id else organisation_key(organisation_id)
        snapshot.events[key].append((kind, occurred_on))
