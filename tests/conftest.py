"""Fixtures shared by the tests: a stocked ledger world, an unchanged-state check, where
PostgreSQL is for the storage tests, and the closing of every SQL store a test opened (the
helpers live in ``tests/support/``).

PostgreSQL tests read the URL from ``INVORDER_TEST_POSTGRES_URL`` (``.ci/run`` starts a
server and sets it). Without it they skip with that reason, except under ``CI=true``, where
a missing server is a failure: CI must run them. When the suite runs on several workers
(``pytest -n``), each worker gets a database of its own next to that one, so that no worker
drops the tables another is using.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from invorder import Engine
from tests.support.world import snapshot, stocked

try:
    from invorder.adapters.sql import SqlStore
except ImportError:  # no [sql] extra: no SQL store to close
    SqlStore = None  # type: ignore[assignment,misc]  # the name is checked before any use

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


@pytest.fixture(autouse=True)
def sql_stores_closed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every SQL store a test opens is closed when the test ends, as a host closes one.

    Left open, a store's SQLite connections are closed by the garbage collector at some
    moment of a later test, and Python 3.13 warns there (``ResourceWarning``: unclosed
    database), among the warnings that test may be checking."""
    if SqlStore is None:
        yield
        return
    opened: list[Any] = []
    open_store = SqlStore.__init__

    def recorded(store: Any, *args: Any, **kwargs: Any) -> None:
        opened.append(store)
        open_store(store, *args, **kwargs)

    monkeypatch.setattr(SqlStore, "__init__", recorded)
    yield
    for store in opened:
        if getattr(store, "engine", None) is not None:  # else it could not even make one
            store.close()


@pytest.fixture
def postgres_url() -> str:
    """The PostgreSQL URL to test against; skips (or fails in CI) when there is none."""
    url = os.environ.get(POSTGRES_URL_VARIABLE, "")
    if not url:
        reason = f"no PostgreSQL to test against: set {POSTGRES_URL_VARIABLE} (.ci/run does)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + "; CI must run the PostgreSQL tests")
        pytest.skip(reason)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return _database_of_its_own(url, worker) if worker else url


@functools.cache
def _database_of_its_own(url: str, worker: str) -> str:
    """The URL of the database ``<database>_<worker>`` on ``url``'s server, created if it is
    missing (the tests drop and create their tables in it)."""
    import sqlalchemy as sa  # the [sql] extra, there whenever PostgreSQL is tested

    base = sa.make_url(url)
    name = f"{base.database}_{worker}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            found = connection.execute(
                sa.text("select 1 from pg_database where datname = :name"), {"name": name}
            ).scalar()
            if found is None:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)
