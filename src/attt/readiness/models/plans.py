"""Models of the plans part of the readiness room."""

__all__ = []
