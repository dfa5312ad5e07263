"""REST API of the team part of the readiness room."""


def register(router):
    """Register this part's viewsets on the API router."""
