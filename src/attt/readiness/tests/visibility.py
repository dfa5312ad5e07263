"""The readiness room's part of the visibility suite (see tenancy/tests/routes.py)."""

from . import visibility_plans, visibility_team

PARTS = (visibility_plans, visibility_team)
ROUTES = {**visibility_plans.ROUTES, **visibility_team.ROUTES}
PERSONAL_WRITES = {*getattr(visibility_plans, "PERSONAL_WRITES", ()), *getattr(visibility_team, "PERSONAL_WRITES", ())}


def rows(world):
    for part in PARTS:
        part.rows(world)


def state(world):
    return tuple(part.state(world) for part in PARTS)
