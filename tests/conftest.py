"""Fixtures shared by the tests: a stocked ledger world, an unchanged-state check, and
where PostgreSQL is for the storage tests (the helpers live in ``tests/support/``).

PostgreSQL tests read the URL from ``INVORDER_TEST_POSTGRES_URL`` (``.ci/run`` starts a
server and sets it). Without it they skip with that reason, except under ``CI=true``, where
a missing server is a failure: CI must run them.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from invorder import Engine
from tests.support.world import snapshot, stocked

POSTGRES_URL_VARIABLE = "INVORDER_TEST_POSTGRES_URL"


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


@pytest.fixture
def postgres_url() -> str:
    """The PostgreSQL URL to test against; skips (or fails in CI) when there is none."""
    url = os.environ.get(POSTGRES_URL_VARIABLE, "")
    if not url:
        reason = f"no PostgreSQL to test against: set {POSTGRES_URL_VARIABLE} (.ci/run does)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + "; CI must run the PostgreSQL tests")
        pytest.skip(reason)
    return url
