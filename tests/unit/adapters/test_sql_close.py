"""Closing the SQL stores and the engine over them: every connection they opened is closed
(a host's process that opens files again and again keeps none), and what stays usable does."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

import invorder
from invorder.adapters.memory import MemoryEventStore, MemorySnapshotStore
from invorder.adapters.sql import (
    SqlCheckpointStore,
    SqlEventStore,
    SqlSnapshotStore,
    SqlStore,
    sql_engine,
)
from invorder.engine import Engine
from invorder.errors import InvalidFieldError, StoreCorruptError
from invorder.ports import Closes

T = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def opened() -> Iterator[list[Any]]:
    """Every DBAPI connection any SQLAlchemy engine opens while the test runs."""
    connections: list[Any] = []

    def record(dbapi_connection: Any, _record: Any) -> None:
        connections.append(dbapi_connection)

    sa.event.listen(sa.Engine, "connect", record)
    yield connections
    sa.event.remove(sa.Engine, "connect", record)


def is_closed(connection: sqlite3.Connection) -> bool:
    try:
        connection.execute("SELECT 1")
    except sqlite3.ProgrammingError as error:
        return "closed database" in str(error)
    return False


def set_up(engine: Engine) -> Engine:
    engine.execute(invorder.DefineLocation(key="loc", location="EAST", at=T))
    engine.execute(invorder.DefineSku(key="sku", sku=invorder.Sku("MUG"), at=T))
    engine.execute(invorder.ReceiveStock(key="r1", sku="MUG", location="EAST", quantity=5, at=T))
    return engine


@pytest.mark.parametrize("kind", [SqlEventStore, SqlSnapshotStore, SqlCheckpointStore])
def test_a_store_closes_every_connection_it_opened(
    kind: Callable[[str], SqlStore], tmp_path: Path, opened: list[Any]
) -> None:
    with kind(f"sqlite:///{tmp_path / 'log.db'}") as store:
        assert isinstance(store, Closes)
        if isinstance(store, SqlEventStore):
            assert store.head() == 0
        elif isinstance(store, SqlSnapshotStore):
            store.save(0, b"{}")
        elif isinstance(store, SqlCheckpointStore):
            store.advance("mail", 0, 0)
        assert opened
        assert not any(is_closed(connection) for connection in opened)
    assert all(is_closed(connection) for connection in opened)


def test_a_closed_store_opens_a_new_connection_when_used_again(
    tmp_path: Path, opened: list[Any]
) -> None:
    store = SqlEventStore(f"sqlite:///{tmp_path / 'log.db'}")
    engine = set_up(Engine(store))
    store.close()
    store.close()  # twice: no harm
    assert all(is_closed(connection) for connection in opened)
    engine.execute(invorder.ReceiveStock(key="r2", sku="MUG", location="EAST", quantity=2, at=T))
    assert store.head() == 4
    assert Engine(store).balance("MUG", "EAST") == 7
    assert not is_closed(opened[-1])


def test_a_store_that_cannot_open_its_file_closes_what_it_opened(
    tmp_path: Path, opened: list[Any]
) -> None:
    path = tmp_path / "log.db"
    path.write_bytes(b"this is not a database" * 100)
    for kind in (SqlEventStore, SqlSnapshotStore, SqlCheckpointStore):
        with pytest.raises(StoreCorruptError, match="file is not a database"):
            kind(f"sqlite:///{path}")
    assert len(opened) >= 3
    assert all(is_closed(connection) for connection in opened)


def test_a_store_given_an_engine_that_cannot_open_leaves_the_engine_to_its_owner(
    tmp_path: Path,
) -> None:
    path = tmp_path / "log.db"
    path.write_bytes(b"this is not a database" * 100)
    database = sql_engine(f"sqlite:///{path}")
    pool = database.pool
    with pytest.raises(StoreCorruptError, match="file is not a database"):
        SqlEventStore(database)
    assert database.pool is pool  # not disposed: Engine.dispose() would put a new pool there
    database.dispose()
    assert database.pool is not pool


def test_an_engine_closes_its_log_and_snapshot_stores(tmp_path: Path, opened: list[Any]) -> None:
    path = tmp_path / "log.db"
    with set_up(invorder.sqlite(path)) as engine:
        assert engine.snapshot() == 3
        assert any(not is_closed(connection) for connection in opened)
    assert all(is_closed(connection) for connection in opened)
    # The projections stay: queries that read only them answer without a connection.
    count = len(opened)
    assert engine.balance("MUG", "EAST") == 5
    assert len(opened) == count
    # What reads or writes the log opens a connection again; close() closes it again.
    engine.execute(invorder.ReceiveStock(key="r2", sku="MUG", location="EAST", quantity=2, at=T))
    assert len(opened) > count
    engine.close()
    assert all(is_closed(connection) for connection in opened)
    again = invorder.sqlite(path)
    assert (again.startup.snapshot, again.balance("MUG", "EAST")) == (3, 7)
    again.close()


def test_an_engine_closes_even_when_its_block_raises(tmp_path: Path, opened: list[Any]) -> None:
    with pytest.raises(InvalidFieldError), invorder.sqlite(tmp_path / "log.db") as engine:
        engine.balance(5, "EAST")  # type: ignore[arg-type]  # the wrong kind on purpose
    assert opened
    assert all(is_closed(connection) for connection in opened)


def test_an_engine_on_memory_stores_closes_as_a_no_op() -> None:
    store = MemoryEventStore()
    with set_up(Engine(store, snapshots=MemorySnapshotStore())) as engine:
        engine.snapshot()
    assert not isinstance(store, Closes)
    engine.close()
    engine.execute(invorder.ReceiveStock(key="r2", sku="MUG", location="EAST", quantity=2, at=T))
    assert (store.head(), engine.balance("MUG", "EAST")) == (4, 7)


def test_an_engine_on_a_file_that_does_not_start_closes_the_file(
    tmp_path: Path, opened: list[Any]
) -> None:
    path = tmp_path / "log.db"
    with set_up(invorder.sqlite(path)):
        pass
    with closing(sqlite3.connect(path)) as connection:  # an operator empties the table
        connection.execute("DELETE FROM invorder_events")
        connection.commit()
    count = len(opened)
    with pytest.raises(StoreCorruptError, match="allow_empty=True"):
        invorder.sqlite(path)
    assert len(opened) > count
    assert all(is_closed(connection) for connection in opened)
