"""REST API of the plans part of the readiness room."""


def register(router):
    """Register this part's viewsets on the API router."""
