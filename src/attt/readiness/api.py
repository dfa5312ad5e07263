"""REST API of the readiness room (one module per part)."""

from . import api_plans, api_team


def register(router):
    """Add this room's viewsets to the API router (called by attt/api_urls.py)."""
    api_plans.register(router)
    api_team.register(router)
