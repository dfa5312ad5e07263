"""REST API of the contact part of the public room."""


def register(router):
    """Register this part's viewsets on the API router."""
