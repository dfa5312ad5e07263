from .access import current_organisation
from .scoping import scope_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    switchable = scope.organisations().only("code", "name_vi", "name_en", "depth")[:300]
    return {
        "nav_scope": scope,
        "nav_current_organisation": current_organisation(request),
        "nav_organisations": switchable,
    }
