"""Keep duty statuses current when the rooms below change, and turn the levels room's records into
evidence. (Rooms above record their evidence themselves through ``evidence.py``.)"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from attt.inventory.models import InformationSystem
from attt.levels.models import (
    ApprovalDecision,
    ClassificationRecord,
    Dossier,
    LevelStatus,
    SecurityRegulation,
)
from attt.levels.models.dossiers import SNAPSHOT_FIELDS
from attt.tenancy.models import Organisation

from . import evidence, recompute

# A change to what the system is (not to its description) re-opens "update on change" duties.
CHANGE_FIELDS = (*SNAPSHOT_FIELDS, "status", "go_live_date")


def _organisations_of(system):
    return [system.owner_id, system.operator_id, system.security_unit_id]


def _system_pre_save(sender, instance, raw=False, **kwargs):
    instance._obligation_before = None
    if raw or instance.pk is None:
        return
    instance._obligation_before = (InformationSystem.objects.filter(pk=instance.pk)
                                   .values(*CHANGE_FIELDS, "owner_id", "operator_id", "security_unit_id").first())


def _system_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_obligation_before", None) or {}
    organisations = _organisations_of(instance) + [before.get(name) for name in
                                                   ("owner_id", "operator_id", "security_unit_id")]
    recompute.mark_changed([instance.pk], organisations)
    if created or not before:
        return
    changed = [name for name in SNAPSHOT_FIELDS if _normal(before.get(name)) != _normal(getattr(instance, name))]
    if changed:
        labels = ", ".join(str(instance._meta.get_field(name).verbose_name) for name in changed)
        evidence.record_event("system_changed", system=instance, occurred_on=timezone.localdate(),
                              description=labels)


def _normal(value):
    return sorted(value) if isinstance(value, list) else value


def _system_deleted(sender, instance, **kwargs):
    recompute.mark_changed([instance.pk], _organisations_of(instance))


def _decision_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    dossier = instance.dossier
    evidence.record(instance, kind="level_approval", system=dossier.system, occurred_on=instance.decided_on,
                    title=f"{instance.number} ({dossier.level})")


def _source_deleted(sender, instance, **kwargs):
    evidence.withdraw(instance, reason="deleted")


def _regulation_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    evidence.record(instance, kind="security_regulation", organisation=instance.organisation,
                    occurred_on=instance.decided_on, title=f"{instance.decision_number} {instance.title}")


def _level_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    system = instance.system
    recompute.mark_changed([system.pk], _organisations_of(system))


def _classified(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    system = instance.system
    if created and not ClassificationRecord.objects.filter(system=system).exclude(pk=instance.pk).exists():
        evidence.record_event("level_classified", system=system, occurred_on=instance.classified_on,
                              source=instance)
    recompute.mark_changed([system.pk], _organisations_of(system))


def _organisation_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    owned = InformationSystem.objects.filter(owner=instance).values_list("id", flat=True)
    recompute.mark_changed(list(owned), [instance.pk])


def connect():
    uid = "obligations-"
    pre_save.connect(_system_pre_save, sender=InformationSystem, dispatch_uid=uid + "system-pre")
    post_save.connect(_system_saved, sender=InformationSystem, dispatch_uid=uid + "system")
    post_delete.connect(_system_deleted, sender=InformationSystem, dispatch_uid=uid + "system-delete")
    post_save.connect(_decision_saved, sender=ApprovalDecision, dispatch_uid=uid + "decision")
    post_delete.connect(_source_deleted, sender=ApprovalDecision, dispatch_uid=uid + "decision-delete")
    post_save.connect(_regulation_saved, sender=SecurityRegulation, dispatch_uid=uid + "regulation")
    post_delete.connect(_source_deleted, sender=SecurityRegulation, dispatch_uid=uid + "regulation-delete")
    for model in (LevelStatus, Dossier):
        post_save.connect(_level_changed, sender=model, dispatch_uid=uid + model.__name__)
    post_save.connect(_classified, sender=ClassificationRecord, dispatch_uid=uid + "classified")
    post_save.connect(_organisation_saved, sender=Organisation, dispatch_uid=uid + "organisation")
