"""Turn engine outcomes into stored ``DutyStatus`` rows: fully (``attt obligations recompute``,
nightly) or incrementally (after a change, for the subjects it touched).

Rows are diffed against what is stored, so a recompute that changes nothing writes nothing.
"""

import threading

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from . import engine, subjects
from .catalogue import catalogue
from .models import DutyStatus

STORED_FIELDS = ("status", "next_due", "evidence_id", "satisfied_on", "recheck_on")
BATCH = 2000


def today():
    return timezone.localdate()


def outcomes_for(snapshot, on):
    """Yield (duty, organisation_id, system_id, outcome) for every target subject and duty."""
    duties = catalogue()
    for key, facts, organisation_id, system_id in snapshot.subjects():
        for duty in duties.for_subject(key[0]):
            yield duty, organisation_id, system_id, snapshot.evaluate(key, facts, duty, on)


COLUMNS = (*STORED_FIELDS, "organisation_id")


def _stored(snapshot, everything):
    """key → (id, status, next_due, evidence_id, satisfied_on, recheck_on, organisation_id): plain
    tuples, since a full recompute holds a quarter of a million of them."""
    rows = DutyStatus.objects.all()
    if not everything:
        rows = rows.filter(Q(system_id__in=snapshot.target_systems)
                           | Q(system__isnull=True, organisation_id__in=snapshot.target_organisations))
    return {(duty_id, system_id if system_id else ("o", values[-1])): (pk, *values)
            for pk, duty_id, system_id, *values in rows.values_list("id", "duty_id", "system_id", *COLUMNS)
            .iterator(chunk_size=5000)}


def apply(snapshot, on, everything=False, progress=None):
    """Store the outcomes of ``snapshot``; return counts of created, updated and deleted rows."""
    stored = _stored(snapshot, everything)
    create, update, seen = [], [], set()
    for duty, organisation_id, system_id, outcome in outcomes_for(snapshot, on):
        if progress:
            progress()
        if outcome.status == engine.NOT_APPLICABLE:
            continue
        key = (duty.id, system_id if system_id else ("o", organisation_id))
        seen.add(key)
        values = (outcome.status, outcome.next_due, outcome.proof.id if outcome.proof else None,
                  outcome.satisfied_on, outcome.recheck_on, organisation_id)
        row = stored.get(key)
        if row is None:
            create.append(DutyStatus(duty_id=duty.id, system_id=system_id, **dict(zip(COLUMNS, values))))
        elif row[1:] != values:  # organisation_id differs when the system moved to another owner
            update.append([*values, row[0]])
    stale = [row[0] for key, row in stored.items() if key not in seen]
    with transaction.atomic():
        for start in range(0, len(stale), BATCH):
            DutyStatus.objects.filter(id__in=stale[start:start + BATCH]).delete()
        DutyStatus.objects.bulk_create(create, batch_size=BATCH)
        _update(update)
    return {"created": len(create), "updated": len(update), "deleted": len(stale)}


def _update(rows):
    """One parameterised UPDATE run for many rows ([*COLUMNS values, id]): Django's bulk_update
    builds CASE expressions that take seconds per thousand rows on SQLite; executemany takes
    milliseconds."""
    if not rows:
        return
    table = connection.ops.quote_name(DutyStatus._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in COLUMNS)
    sql = f"UPDATE {table} SET {assignments} WHERE id = %s"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start:start + BATCH])


def recompute_all(on=None, progress=None):
    snapshot = subjects.load()
    return apply(snapshot, on or today(), everything=True, progress=progress), snapshot


def recompute(system_ids=(), organisation_ids=(), on=None):
    if not system_ids and not organisation_ids:
        return {"created": 0, "updated": 0, "deleted": 0}
    snapshot = subjects.load(set(system_ids), set(organisation_ids))
    # A system that is gone or retired has no duties any more: drop its rows too.
    gone = set(system_ids) - snapshot.target_systems
    result = apply(snapshot, on or today())
    if gone:
        result["deleted"] += DutyStatus.objects.filter(system_id__in=gone).delete()[0]
    return result


def refresh_due(on=None):
    """Recompute the subjects whose stored answer changes today (``recheck_on`` reached)."""
    on = on or today()
    due = DutyStatus.objects.filter(recheck_on__lte=on)
    system_ids = set(due.exclude(system__isnull=True).values_list("system_id", flat=True))
    organisation_ids = set(due.filter(system__isnull=True).values_list("organisation_id", flat=True))
    return recompute(system_ids, organisation_ids, on)


# --- incremental: collect what changed inside a transaction, recompute once at commit ----------

_pending = threading.local()


def mark_changed(system_ids=(), organisation_ids=()):
    """Recompute these subjects when the current transaction commits (at once outside one).

    Many changes in one transaction (an import of 2,000 systems) cost one recompute: every call
    registers a commit callback, the first one to run recomputes everything collected, the rest
    find nothing left to do. Subjects of a rolled-back transaction are recomputed with the next.
    """
    systems, organisations = {i for i in system_ids if i}, {i for i in organisation_ids if i}
    if not transaction.get_connection().in_atomic_block:
        recompute(systems, organisations)
        return
    state = getattr(_pending, "state", None)
    if state is None or state["done"]:
        state = _pending.state = {"systems": set(), "organisations": set(), "done": False}
    state["systems"].update(systems)
    state["organisations"].update(organisations)
    transaction.on_commit(lambda: _flush(state))


def _flush(state):
    if state["done"]:
        return
    state["done"] = True
    recompute(state["systems"], state["organisations"])
