"""The public room's part of the visibility suite (see tenancy/tests/routes.py)."""

from . import visibility_contact, visibility_warnings

PARTS = (visibility_contact, visibility_warnings)
ROUTES = {**visibility_contact.ROUTES, **visibility_warnings.ROUTES}
PERSONAL_WRITES = {*getattr(visibility_contact, "PERSONAL_WRITES", ()), *getattr(visibility_warnings, "PERSONAL_WRITES", ())}


def rows(world):
    for part in PARTS:
        part.rows(world)


def state(world):
    return tuple(part.state(world) for part in PARTS)
