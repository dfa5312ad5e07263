"""Levels fixtures: a world where MIN-A is the specialised unit of system_a, with heads to approve."""

import pytest

from attt.levels.testing import (  # noqa: F401 - re-exported for the tests of this package
    ANSWERS_L2,
    ANSWERS_L3,
    ANSWERS_L4,
    TODAY,
    approved,
    drafted,
    pdf,
    prepare_levels,
    regulate,
)


@pytest.fixture
def levels_world(world):
    return prepare_levels(world)
