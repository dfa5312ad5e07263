"""What views and API endpoints use to reach rows: always through the scoping mechanism."""

from __future__ import annotations

from django.http import Http404

from .models import Organisation
from .roles import Permission
from .scoping import scope_for

CURRENT_ORG_SESSION_KEY = "attt_current_organisation"


def current_organisation(request) -> Organisation | None:
    """The organisation chosen in the switcher, if the user may still see it."""
    code = request.session.get(CURRENT_ORG_SESSION_KEY)
    if not code:
        return None
    return Organisation.objects.visible_to(request.user).filter(code=code).first()


def visible(request, queryset, within_current=True):
    """Rows of `queryset` the user may see, narrowed to the switcher's organisation subtree."""
    rows = queryset.visible_to(request.user)
    if within_current:
        organisation = current_organisation(request)
        if organisation is not None:
            rows = rows.within(organisation)
    return rows


def get_visible_or_404(request, queryset, **lookup):
    try:
        return queryset.visible_to(request.user).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404


def can(request, permission: str, organisation) -> bool:
    return scope_for(request.user).can(permission, organisation)


__all__ = ["Permission", "current_organisation", "visible", "get_visible_or_404", "can"]
