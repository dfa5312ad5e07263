"""A change of a system in the inventory flags its response plans "review needed" (D18-2, IR-7:
update the plan when the system changes): any real field of the system, or a host, IP range or
domain added, changed or removed."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attt.inventory.models import (
    InformationSystem,
    SystemDomain,
    SystemHost,
    SystemNetwork,
)

from . import services_plans

# Bookkeeping, not what the system is.
IGNORED_FIELDS = {"id", "created_at", "updated_at"}
PART_LABELS = {SystemHost: gettext_lazy("Host"), SystemNetwork: gettext_lazy("IP range"),
               SystemDomain: gettext_lazy("Domain")}


def _fields():
    return [f for f in InformationSystem._meta.concrete_fields if f.name not in IGNORED_FIELDS]


def _normal(value):
    return sorted(value, key=str) if isinstance(value, list) else value


def _system_pre_save(sender, instance, raw=False, **kwargs):
    instance._readiness_before = None
    if raw or instance.pk is None:
        return
    instance._readiness_before = (InformationSystem.objects.filter(pk=instance.pk)
                                  .values(*[f.attname for f in _fields()]).first())


def _system_saved(sender, instance, created, raw=False, **kwargs):
    before = getattr(instance, "_readiness_before", None)
    if raw or created or not before:
        return
    changed = [f for f in _fields() if _normal(before.get(f.attname)) != _normal(getattr(instance, f.attname))]
    if changed:
        labels = ", ".join(str(f.verbose_name) for f in changed)
        services_plans.flag_review(instance.pk, _("system changed: %(fields)s") % {"fields": labels})


def _part_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    what = _("%(part)s added: %(value)s") if created else _("%(part)s changed: %(value)s")
    services_plans.flag_review(instance.system_id, what % {"part": PART_LABELS[sender], "value": instance})


def _part_deleted(sender, instance, **kwargs):
    services_plans.flag_review(instance.system_id, _("%(part)s removed: %(value)s")
                               % {"part": PART_LABELS[sender], "value": instance})


def connect():
    uid = "readiness-plans-"
    pre_save.connect(_system_pre_save, sender=InformationSystem, dispatch_uid=uid + "system-pre")
    post_save.connect(_system_saved, sender=InformationSystem, dispatch_uid=uid + "system")
    for model in PART_LABELS:
        post_save.connect(_part_saved, sender=model, dispatch_uid=uid + model.__name__)
        post_delete.connect(_part_deleted, sender=model, dispatch_uid=uid + model.__name__ + "-delete")
