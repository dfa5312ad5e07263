"""Models of the team part of the readiness room."""

__all__ = []
