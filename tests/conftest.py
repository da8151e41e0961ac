"""Fixtures shared by the ledger tests (the helpers themselves live in ``tests/world.py``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from invorder import Engine
from tests.world import snapshot, stocked


@pytest.fixture
def engine() -> Engine:
    """A fresh stocked world (see :func:`stocked`)."""
    return stocked()


@pytest.fixture
def unchanged() -> Callable[[Engine], Callable[[], None]]:
    """``check = unchanged(engine)``, then ``check()`` asserts nothing changed since."""

    def take(engine: Engine) -> Callable[[], None]:
        before = snapshot(engine)

        def check() -> None:
            assert snapshot(engine) == before
            assert engine.verify() == []

        return check

    return take
