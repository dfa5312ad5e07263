"""Sections other rooms add to a system's page (security level, obligations, scans …).

Inventory is the lowest room: it must not import the rooms built on it, so they register a
function here instead (in their AppConfig.ready) and the system page renders whatever is registered.
"""

_SYSTEM_PANELS = []


def register_system_panel(render):
    """``render(request, system) -> str`` (safe HTML); called in registration order."""
    _SYSTEM_PANELS.append(render)
    return render


def system_panels(request, system):
    return [render(request, system) for render in _SYSTEM_PANELS]
