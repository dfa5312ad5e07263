"""Organisation tree and role assignments: the rules for who may change them."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Organisation, RoleAssignment
from .roles import Permission
from .scoping import scope_for

ORGANISATION_FIELDS = (
    "code", "kind", "parent", "name_vi", "name_en", "address", "phone", "email", "head_name",
    "is_state_body", "is_network_member", "is_telecom",
)


def _require(user, permission, organisation, message):
    if not scope_for(user).can(permission, organisation):
        raise PermissionDenied(message)


@transaction.atomic
def save_organisation(user, data: dict, instance: Organisation | None = None) -> Organisation:
    parent = data.get("parent")
    if instance is None:
        if parent is None:
            if not scope_for(user).is_global:
                raise PermissionDenied(_("Only a platform administrator may create a top-level organisation."))
        else:
            _require(user, Permission.MANAGE_ORGANISATIONS, parent, _("You may not add organisations under %(org)s.") % {"org": parent.code})
    else:
        _require(user, Permission.MANAGE_ORGANISATIONS, instance, _("You may not change this organisation."))
        if instance.parent_id != getattr(parent, "pk", None):
            # Moving a subtree: the user must manage both the old and the new place.
            target = parent
            if target is None and not scope_for(user).is_global:
                raise PermissionDenied(_("Only a platform administrator may make an organisation top-level."))
            if target is not None:
                _require(user, Permission.MANAGE_ORGANISATIONS, target, _("You may not move organisations under %(org)s.") % {"org": target.code})
            if instance.parent is not None:
                _require(user, Permission.MANAGE_ORGANISATIONS, instance.parent, _("You may not move this organisation."))
    organisation = instance or Organisation()
    for name in ORGANISATION_FIELDS:
        if name in data:
            setattr(organisation, name, data[name])
    organisation.code = (organisation.code or "").strip().upper()
    if organisation.kind == "telecom_isp":
        organisation.is_telecom = True
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def delete_organisation(user, organisation: Organisation) -> None:
    if organisation.parent is None:
        raise PermissionDenied(_("A top-level organisation cannot be deleted here."))
    _require(user, Permission.MANAGE_ORGANISATIONS, organisation.parent, _("You may not delete this organisation."))
    if organisation.children.exists():
        raise ValidationError(_("Move or delete its subordinate organisations first."))
    if organisation.owned_systems.exists() or organisation.operated_systems.exists():
        raise ValidationError(_("The organisation still owns or operates information systems."))
    organisation.delete()


@transaction.atomic
def assign_role(user, organisation: Organisation, role: str, username: str, *, email: str = "", full_name: str = "", password: str = ""):
    _require(user, Permission.MANAGE_ROLES, organisation, _("You may not manage roles in %(org)s.") % {"org": organisation.code})
    User = get_user_model()
    username = username.strip()
    target = User.objects.filter(username=username).first()
    if target is None:
        if not password:
            raise ValidationError({"password": _("A new user needs an initial password.")})
        from django.contrib.auth.password_validation import validate_password

        target = User(username=username, email=email.strip(), first_name=full_name.strip())
        validate_password(password, target)
        target.set_password(password)
        target.full_clean()
        target.save()
    if RoleAssignment.objects.filter(user=target, organisation=organisation, role=role).exists():
        raise ValidationError({"role": _("%(user)s already holds this role here.") % {"user": username}})
    assignment = RoleAssignment(user=target, organisation=organisation, role=role)
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def revoke_role(user, assignment: RoleAssignment) -> None:
    _require(user, Permission.MANAGE_ROLES, assignment.organisation, _("You may not manage roles in %(org)s.") % {"org": assignment.organisation.code})
    assignment.delete()
