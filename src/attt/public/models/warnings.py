"""Models of the warnings part of the public room."""

__all__ = []
