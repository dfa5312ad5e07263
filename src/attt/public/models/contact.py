"""Models of the contact part of the public room."""

__all__ = []
