"""The one scoping mechanism. Every list, detail, export, search, API view and report starts from
`Model.objects.visible_to(user)` (read) or `.editable_by(user, permission)` (write); no view filters
by organisation on its own.

A role on an organisation reaches its whole subtree. Organisation paths ("/1/7/12/") turn "inside
any subtree the user holds" into a few indexed prefix comparisons.
"""

from __future__ import annotations

from functools import cached_property

from django.db import models
from django.db.models import Q

from .roles import ROLE_PERMISSIONS, Permission


class UserScope:
    """What one user may see and change, computed once per request."""

    def __init__(self, user):
        self.user = user
        self.is_global = bool(getattr(user, "is_superuser", False) and user.is_active)

    @cached_property
    def assignments(self):
        if not getattr(self.user, "is_authenticated", False) or not self.user.is_active:
            return []
        from .models import RoleAssignment

        return list(RoleAssignment.objects.filter(user=self.user).select_related("organisation"))

    def paths_with(self, permission: str = Permission.VIEW) -> list[str]:
        paths = sorted(
            {a.organisation.path for a in self.assignments if permission in ROLE_PERMISSIONS.get(a.role, ())}
        )
        # Drop paths already covered by an ancestor path: fewer OR terms in every query.
        collapsed: list[str] = []
        for path in paths:
            if not any(path.startswith(kept) for kept in collapsed):
                collapsed.append(path)
        return collapsed

    def can(self, permission: str, organisation) -> bool:
        if organisation is None:
            return self.is_global
        if self.is_global:
            return True
        return any(organisation.path.startswith(p) for p in self.paths_with(permission))

    def can_anywhere(self, permission: str) -> bool:
        return self.is_global or bool(self.paths_with(permission))

    def organisations(self, permission: str = Permission.VIEW):
        from .models import Organisation

        return Organisation.objects.visible_to(self.user, permission)

    def roles_on(self, organisation) -> list[str]:
        return sorted({a.role for a in self.assignments if organisation.path.startswith(a.organisation.path)})


def scope_for(user) -> UserScope:
    scope = getattr(user, "_attt_scope", None)
    if scope is None or scope.user is not user:
        scope = UserScope(user)
        try:
            user._attt_scope = scope
        except AttributeError:  # AnonymousUser is fine to recompute
            pass
    return scope


class ScopedQuerySet(models.QuerySet):
    """Subclasses name the organisation foreign keys that place a row in the tree.

    A row is visible when any of them lies inside a subtree where the user holds the permission.
    `""` means the row is itself an organisation.
    """

    scope_fields: tuple[str, ...] = ()

    @staticmethod
    def path_filter(field: str, paths: list[str]) -> Q:
        """Rows whose organisation at ``field`` ("" for the row itself) lies in one of the subtrees
        at ``paths``; no paths, no rows."""
        lookup = f"{field}__path__startswith" if field else "path__startswith"
        condition = Q(pk__in=[])
        for path in paths:
            condition |= Q(**{lookup: path})
        return condition

    def _scope_filter(self, paths: list[str]) -> Q:
        condition = Q(pk__in=[])
        for field in self.scope_fields:
            condition |= self.path_filter(field, paths)
        return condition

    def visible_to(self, user, permission: str = Permission.VIEW):
        if not self.scope_fields:
            raise TypeError(f"{self.model.__name__} declares no scope_fields")
        scope = scope_for(user)
        if scope.is_global:
            return self.all()
        paths = scope.paths_with(permission)
        if not paths:
            return self.none()
        return self.filter(self._scope_filter(paths))

    def editable_by(self, user, permission: str):
        return self.visible_to(user, permission)

    def within(self, organisation):
        """Narrow to rows placed inside one organisation's subtree (the switcher, --org)."""
        return self.filter(self._scope_filter([organisation.path]))
