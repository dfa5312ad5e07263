"""Tamper-evident audit log: each entry's hash covers the previous entry's hash and the entry.

Writers lock the single chain-head row (a row lock on PostgreSQL; SQLite transactions here are
IMMEDIATE, so the writer already holds the database lock), so the chain stays linear under
concurrent writers. Bulk jobs use `batch()`: the head is locked once and written once, because
updating one PostgreSQL row thousands of times inside one transaction grows slower with every update.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
from datetime import timezone as dt_timezone
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models.fields.files import FieldFile
from django.db import transaction
from django.utils import timezone

GENESIS_HASH = "0" * 64
_current_request = contextvars.ContextVar("attt_audit_request", default=None)
_current_actor = contextvars.ContextVar("attt_audit_actor", default=None)
_current_batch = contextvars.ContextVar("attt_audit_batch", default=None)


@contextmanager
def request_context(request):
    token = _current_request.set(request)
    try:
        yield
    finally:
        _current_request.reset(token)


@contextmanager
def acting_as(user=None, label: str = ""):
    """For the command line and tasks: who is responsible for what follows."""
    token = _current_actor.set((user, label))
    try:
        yield
    finally:
        _current_actor.reset(token)


def stored_user(user):
    """The user a row records as its author: None for the command line's unsaved platform operator
    (``cli/main.py`` acts with an in-memory superuser that has no row to point at)."""
    return user if getattr(user, "pk", None) else None


def _actor():
    override = _current_actor.get()
    if override is not None:
        user, label = override
        return user, (user.get_username() if user is not None else label), ""
    request = _current_request.get()
    if request is None:
        return None, "system", ""
    user = getattr(request, "user", None)  # DRF writes its authenticated user back here
    addr = request.META.get("REMOTE_ADDR", "")
    if user is not None and user.is_authenticated:
        return user, user.get_username(), addr
    return None, "anonymous", addr


class _AuditEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, FieldFile):  # a stored document: its storage name identifies it
            return o.name
        return super().default(o)


def to_json_safe(value):
    return json.loads(json.dumps(value, cls=_AuditEncoder, ensure_ascii=False))


def canonical_payload(entry) -> bytes:
    payload = {
        "sequence": entry.sequence,
        "occurred_at": entry.occurred_at.astimezone(dt_timezone.utc).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_username": entry.actor_username,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "anchor": entry.anchor,
        "organisation_id": entry.organisation_id,
        "organisation_code": entry.organisation_code,
        "before": entry.before,
        "after": entry.after,
        "remote_addr": entry.remote_addr,
        "previous_hash": entry.previous_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(entry) -> str:
    return hashlib.sha256(canonical_payload(entry)).hexdigest()


def record(
    action: str,
    *,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    anchor: str = "",
    organisation=None,
    before=None,
    after=None,
    actor=None,
    actor_username: str | None = None,
):
    from .models import AuditChainHead, AuditEntry

    user, username, addr = _actor()
    if actor is not None:
        user, username = actor, actor.get_username()
    if actor_username is not None:
        username = actor_username
    with transaction.atomic():
        batch_state = _current_batch.get()
        if batch_state is None:
            head = _locked_head()
            sequence, previous_hash = head.last_sequence + 1, head.last_hash
        else:
            sequence, previous_hash = batch_state["sequence"] + 1, batch_state["hash"]
        entry = AuditEntry(
            sequence=sequence,
            occurred_at=timezone.now(),
            actor=user,
            actor_username=username[:150],
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            object_repr=str(object_repr)[:255],
            anchor=anchor,
            organisation=organisation,
            organisation_code=getattr(organisation, "code", "") or "",
            before=to_json_safe(before) if before is not None else None,
            after=to_json_safe(after) if after is not None else None,
            remote_addr=addr,
            previous_hash=previous_hash,
        )
        entry.entry_hash = compute_hash(entry)
        entry.save()
        if batch_state is None:
            AuditChainHead.objects.filter(pk=1).update(last_sequence=sequence, last_hash=entry.entry_hash)
        else:
            batch_state.update(sequence=sequence, hash=entry.entry_hash)
    return entry


def _locked_head():
    from .models import AuditChainHead

    AuditChainHead.objects.get_or_create(pk=1)
    return AuditChainHead.objects.select_for_update().get(pk=1)


@contextmanager
def batch():
    """Many entries in one transaction (imports, demo data): lock the head once, write it once."""
    from .models import AuditChainHead

    if _current_batch.get() is not None:  # already inside a batch
        yield
        return
    with transaction.atomic():
        head = _locked_head()
        state = {"sequence": head.last_sequence, "hash": head.last_hash}
        token = _current_batch.set(state)
        try:
            yield
        finally:
            _current_batch.reset(token)
        AuditChainHead.objects.filter(pk=1).update(last_sequence=state["sequence"], last_hash=state["hash"])


@dataclass
class ChainVerification:
    ok: bool
    checked: int
    broken_sequence: int | None = None
    reason: str = ""


def verify_chain(progress=None) -> ChainVerification:
    """Walk the chain in order; report the first entry whose link or content does not hold."""
    from .models import AuditChainHead, AuditEntry

    expected_previous = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    for entry in AuditEntry.objects.order_by("sequence").iterator(chunk_size=2000):
        if entry.sequence != expected_sequence:
            return ChainVerification(False, checked, expected_sequence, "missing entry (sequence gap)")
        if entry.previous_hash != expected_previous:
            return ChainVerification(False, checked, entry.sequence, "previous-hash link does not match")
        if compute_hash(entry) != entry.entry_hash:
            return ChainVerification(False, checked, entry.sequence, "entry content does not match its hash")
        expected_previous = entry.entry_hash
        expected_sequence += 1
        checked += 1
        if progress is not None:
            progress(1)
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_sequence != checked or (checked and head.last_hash != expected_previous)):
        return ChainVerification(False, checked, checked + 1, "entries missing at the end of the chain")
    return ChainVerification(True, checked)
