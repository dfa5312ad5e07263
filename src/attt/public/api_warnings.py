"""REST API of the warnings part of the public room."""


def register(router):
    """Register this part's viewsets on the API router."""
