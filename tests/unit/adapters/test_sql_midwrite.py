"""A database that fails in the middle of a batch's insert (a trigger refusing the third
row, as a host's own constraint would) stores nothing of the batch, and the refusal is a
typed store error, not a lost race the engine would retry (issue 18: a failure injected
inside a database write, the part of the atomicity check no generic kit can do)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

import invorder
from invorder.adapters.sql import SqlEventStore, metadata, sql_engine
from invorder.engine import Engine
from invorder.errors import StoreUnavailableError
from tests.unit.adapters.test_sql_faults import receive, set_up

SQLITE_TRIGGER = """
CREATE TRIGGER refuse_boom BEFORE INSERT ON invorder_events WHEN NEW.key = 'boom'
BEGIN SELECT RAISE(ABORT, 'injected refusal'); END
"""
POSTGRES_TRIGGER = (
    """
CREATE OR REPLACE FUNCTION refuse_boom() RETURNS trigger AS $$
BEGIN
    IF NEW.key = 'boom' THEN
        RAISE EXCEPTION 'injected refusal' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER refuse_boom BEFORE INSERT ON invorder_events
FOR EACH ROW EXECUTE FUNCTION refuse_boom()
""",
)


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    """A database with a small log (3 events) and a trigger refusing rows keyed ``boom``."""
    if request.param == "sqlite":
        engine = sql_engine(f"sqlite:///{tmp_path / 'log.db'}")
        statements: tuple[str, ...] = (SQLITE_TRIGGER,)
    else:
        engine = sql_engine(request.getfixturevalue("postgres_url"))
        metadata.drop_all(engine)
        statements = POSTGRES_TRIGGER
    set_up(Engine(SqlEventStore(engine)))
    with engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)
    yield engine
    metadata.drop_all(engine)
    engine.dispose()


def test_a_batch_refused_at_its_third_row_stores_nothing(database: sa.Engine) -> None:
    store = SqlEventStore(database, create=False)
    engine = Engine(store)
    before = (list(store.read()), engine.balances("MUG"), engine.position)
    batch = [receive("first", 1), receive("second", 2), receive("boom", 3)]
    with pytest.raises(StoreUnavailableError) as raised:
        engine.execute_batch(batch)
    assert "injected refusal" in str(raised.value)
    assert raised.value.code == "store_unavailable"
    assert (list(store.read()), engine.balances("MUG"), engine.position) == before
    assert engine.retries == 0  # a refusal is not a lost race: it is not retried
    fresh = Engine(SqlEventStore(database, create=False))
    assert (fresh.balances("MUG"), fresh.position) == before[1:]
    # Without the refused row, the same commands go through.
    engine.execute_batch(batch[:2])
    assert engine.on_hand("MUG", "EAST/A") == 13
    assert invorder.Engine(SqlEventStore(database, create=False)).verify() == []


def test_a_refused_single_append_is_not_reported_as_a_race(database: sa.Engine) -> None:
    store = SqlEventStore(database, create=False)
    head = store.head()
    with pytest.raises(StoreUnavailableError, match="the database refused the rows"):
        Engine(store).execute(receive("boom"))
    assert store.head() == head
