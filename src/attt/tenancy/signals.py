"""Audit hooks: every create, update and delete of an audited model, and every login, is recorded."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from . import audit
from .models import AuditAction

# Fields that change on their own or must never be copied into the log.
SKIPPED_FIELDS = {"password", "token", "last_login", "created_at", "updated_at", "path", "depth"}  # token: secret URLs
_AUDITED: list[type] = []


def audited(model):
    """Register a model for audit. It may define `audit_organisation` and `audit_anchor`."""
    _AUDITED.append(model)
    pre_save.connect(_remember_before, sender=model, dispatch_uid=f"audit-pre-{model._meta.label}")
    post_save.connect(_record_save, sender=model, dispatch_uid=f"audit-post-{model._meta.label}")
    pre_delete.connect(_remember_before_delete, sender=model, dispatch_uid=f"audit-pdel-{model._meta.label}")
    post_delete.connect(_record_delete, sender=model, dispatch_uid=f"audit-del-{model._meta.label}")
    return model


def audited_models() -> list[type]:
    return list(_AUDITED)


def snapshot(instance) -> dict:
    data = {}
    # A model may keep large frozen content out of the log (it logs the content's hash instead).
    skipped = SKIPPED_FIELDS | set(getattr(instance, "audit_skipped_fields", ()))
    for field in instance._meta.concrete_fields:
        if field.name in skipped or field.primary_key:
            continue
        data[field.attname] = field.value_from_object(instance)
    return audit.to_json_safe(data)


def _anchor_and_org(instance):
    anchor_obj = getattr(instance, "audit_anchor", instance)
    anchor = f"{anchor_obj._meta.label_lower}:{anchor_obj.pk}"
    organisation = getattr(instance, "audit_organisation", None)
    return anchor, organisation


def _remember_before(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._audit_before = None
        return
    previous = sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(previous) if previous is not None else None


def _record_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = None if created else getattr(instance, "_audit_before", None)
    after = snapshot(instance)
    if not created and before == after:
        return  # nothing an auditor would care about changed (e.g. last_login)
    anchor, organisation = _anchor_and_org(instance)
    audit.record(
        AuditAction.CREATE if created or before is None else AuditAction.UPDATE,
        object_type=sender._meta.label_lower,
        object_id=instance.pk,
        object_repr=str(instance),
        anchor=anchor,
        organisation=organisation,
        before=before,
        after=after,
    )
    instance._audit_before = after


def _remember_before_delete(sender, instance, **kwargs):
    instance._audit_deleted = snapshot(instance)
    anchor, organisation = _anchor_and_org(instance)
    if organisation is instance:
        organisation = instance.parent  # a deleted organisation's removal is its parent's history
    instance._audit_delete_context = (anchor, organisation)


def _record_delete(sender, instance, **kwargs):
    anchor, organisation = getattr(instance, "_audit_delete_context", (None, None))
    audit.record(
        AuditAction.DELETE,
        object_type=sender._meta.label_lower,
        object_id=instance.pk if instance.pk is not None else "",
        object_repr=str(instance),
        anchor=anchor or "",
        organisation=organisation,
        before=getattr(instance, "_audit_deleted", None),
        after=None,
    )


def _home_organisation(user):
    assignment = user.role_assignments.select_related("organisation").order_by("organisation__depth").first()
    return assignment.organisation if assignment else None


def _record_login(sender, request, user, **kwargs):
    audit.record(
        AuditAction.LOGIN,
        object_type="auth.user",
        object_id=user.pk,
        object_repr=user.get_username(),
        anchor=f"auth.user:{user.pk}",
        organisation=_home_organisation(user),
        actor=user,
    )


def _record_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    audit.record(
        AuditAction.LOGIN_FAILED,
        object_type="auth.user",
        object_repr=username,
        actor_username=username or "anonymous",
    )


user_logged_in.connect(_record_login, dispatch_uid="audit-login")
user_login_failed.connect(_record_login_failed, dispatch_uid="audit-login-failed")


def _register_core_models():
    from .models import Organisation, RoleAssignment

    User = get_user_model()
    User.audit_organisation = property(lambda self: None)
    for model in (Organisation, RoleAssignment, User):
        audited(model)


_register_core_models()
