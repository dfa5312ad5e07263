"""REST API of the public room (one module per part)."""

from . import api_contact, api_warnings


def register(router):
    """Add this room's viewsets to the API router (called by attt/api_urls.py)."""
    api_contact.register(router)
    api_warnings.register(router)
