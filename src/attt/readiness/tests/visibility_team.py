"""Routes of the team part for the visibility suite (see tenancy/tests/routes.py)."""

ROUTES = {}


def rows(world):
    """Create tree A's rows of this part; keep what ROUTES need on world."""


def state(world):
    """Everything a write to this part could change."""
    return ()
"""Routes of the readiness part for the visibility suite (see tenancy/tests/routes.py)."""

ROUTES = {}


def rows(world):
    """Create tree A's rows of this part; keep what ROUTES need on world."""


def state(world):
    """Everything a write to this part could change."""
    return ()
