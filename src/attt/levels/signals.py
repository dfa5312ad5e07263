"""A change to the inventory fields a level rests on flags the system for re-classification."""

from django.db.models.signals import post_save

from attt.inventory.models import InformationSystem


def _system_saved(sender, instance, created, raw=False, **kwargs):
    if raw or created:
        return
    from .services import reclassification_check

    reclassification_check(instance)


post_save.connect(_system_saved, sender=InformationSystem, dispatch_uid="levels-reclassify")
