"""An operator's faults on the SQLite adapter come out as typed errors and change nothing:
a locked database, a full disk, a read-only file, a file that cannot be opened, a connection
refused, a damaged file, a row that cannot be decoded; and a log emptied or cut short is
refused at start-up unless the host says ``allow_empty=True``."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

import invorder
from invorder.adapters import _sql_errors
from invorder.adapters.memory import MemoryEventStore
from invorder.adapters.sql import (
    SqlEventStore,
    SqlSnapshotStore,
    events_table,
    metadata,
    sql_engine,
)
from invorder.engine import Engine
from invorder.engine._replica import check_not_cut
from invorder.errors import StoreCorruptError, StoreUnavailableError
from tests.support.stores import sqlite_file

T = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def receive(key: str, quantity: int = 1) -> invorder.ReceiveStock:
    return invorder.ReceiveStock(key=key, at=T, sku="MUG", location="EAST/A", quantity=quantity)


def set_up(engine: Engine) -> Engine:
    engine.execute(invorder.DefineLocation(key="loc", at=T, location="EAST/A"))
    engine.execute(invorder.DefineSku(key="sku", at=T, sku=invorder.Sku("MUG")))
    engine.execute(receive("rcv", 10))
    return engine


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """A SQLite file holding a small log (3 events, 10 MUG at EAST/A)."""
    file = tmp_path / "log.db"
    database = sql_engine(f"sqlite:///{file}")
    set_up(Engine(SqlEventStore(database)))
    database.dispose()
    return file


def url(path: Path) -> str:
    return f"sqlite:///{path}"


def with_pragma(path: Path, pragma: Any) -> sa.Engine:
    """An engine from :func:`sql_engine` whose connections also run ``pragma(connection)``
    (after the adapter's own set-up)."""
    database = sql_engine(url(path))
    sa.event.listen(database, "connect", lambda connection, _: pragma(connection))
    return database


def the_log(path: Path) -> list[tuple[int, str]]:
    with sqlite_file(path) as connection:
        return connection.execute("SELECT position, data FROM invorder_events").fetchall()


def assert_unchanged(engine: Engine, path: Path, log: list[tuple[int, str]]) -> None:
    assert engine.position == len(log)
    assert engine.balance("MUG", "EAST/A") == 10
    assert the_log(path) == log


@pytest.fixture
def write_lock(path: Path) -> Iterator[sqlite3.Connection]:
    """Another connection holding the write lock of ``path``."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    yield other
    other.execute("ROLLBACK")
    other.close()


# --- the store cannot be written or reached: unavailable, nothing written ------------------


def test_a_database_locked_past_its_timeout_is_unavailable_and_a_retry_works(
    path: Path, write_lock: sqlite3.Connection
) -> None:
    engine = Engine(SqlEventStore(with_pragma(path, lambda c: c.execute("PRAGMA busy_timeout=50"))))
    log = the_log(path)
    with pytest.raises(StoreUnavailableError) as caught:
        engine.execute(receive("more"))
    error = caught.value
    assert error.code == "store_unavailable"
    assert error.fields == {"operation": "append events", "problem": "database is locked"}
    assert "it is safe to retry" in str(error)
    assert isinstance(error.__cause__, sa.exc.OperationalError)
    assert_unchanged(engine, path, log)
    write_lock.execute("ROLLBACK")
    write_lock.execute("BEGIN")  # the fixture's ROLLBACK ends this one
    assert engine.execute(receive("more"))[0].position == 3  # not remembered as a rejection
    assert engine.balance("MUG", "EAST/A") == 11


def test_a_locked_database_fails_a_whole_batch_and_keeps_no_rejection(
    path: Path, write_lock: sqlite3.Connection
) -> None:
    engine = Engine(SqlEventStore(with_pragma(path, lambda c: c.execute("PRAGMA busy_timeout=50"))))
    log = the_log(path)
    with pytest.raises(StoreUnavailableError):
        engine.execute_batch([receive("a"), receive("b")])
    with pytest.raises(StoreUnavailableError):
        engine.execute_many([receive("a")])
    assert_unchanged(engine, path, log)


def test_a_full_disk_is_unavailable_and_writes_nothing(path: Path) -> None:
    def full(connection: sqlite3.Connection) -> None:
        (pages,) = connection.execute("PRAGMA page_count").fetchone()
        connection.execute(f"PRAGMA max_page_count={pages}")  # no page more: SQLITE_FULL

    engine = Engine(SqlEventStore(with_pragma(path, full)))
    log = the_log(path)
    big = invorder.DefineSku(key="big", at=T, sku=invorder.Sku("BIG", name="x" * 20_000))
    with pytest.raises(StoreUnavailableError, match="database or disk is full") as caught:
        engine.execute(big)
    assert caught.value.fields["operation"] == "append events"
    assert isinstance(caught.value.__cause__, sa.exc.OperationalError)
    assert_unchanged(engine, path, log)
    assert engine.sku("BIG") is None


def test_a_read_only_file_is_unavailable_for_appends_and_still_read(path: Path) -> None:
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    engine = Engine(SqlEventStore(read_only))
    log = the_log(path)
    assert engine.balance("MUG", "EAST/A") == 10
    with pytest.raises(StoreUnavailableError, match="attempt to write a readonly database"):
        engine.execute(receive("more"))
    assert_unchanged(engine, path, log)
    with pytest.raises(StoreUnavailableError, match="readonly"):
        SqlSnapshotStore(read_only, create=False).save(3, b"{}")


def test_a_file_that_cannot_be_opened_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailableError, match="unable to open database file") as caught:
        SqlEventStore(url(tmp_path / "no-such-directory" / "log.db"))
    assert caught.value.fields["operation"] == "open its tables"
    assert not (tmp_path / "no-such-directory").exists()


def test_a_refused_connection_is_unavailable() -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(StoreUnavailableError, match="Connection refused") as caught:
        SqlEventStore("postgresql+psycopg://invorder@127.0.0.1:1/nowhere")
    assert isinstance(caught.value.__cause__, sa.exc.OperationalError)


# --- what is stored cannot be read: corrupt, naming the position ----------------------------


def set_row(path: Path, position: int, data: str) -> None:
    with sqlite_file(path) as connection:
        connection.execute(
            "UPDATE invorder_events SET data = ? WHERE position = ?", (data, position)
        )


@pytest.mark.parametrize(
    "data",
    [
        "{not json",
        json.dumps({"type": "NoSuchEvent", "schema": 1}),
        json.dumps({"schema": 1}),
        "[1, 2]",
    ],
    ids=["bad-json", "unknown-type", "no-type", "not-an-object"],
)
def test_a_row_that_cannot_be_decoded_is_corrupt_at_its_position(path: Path, data: str) -> None:
    set_row(path, 1, data)
    store = SqlEventStore(url(path))
    for read in (
        lambda: list(store.read()),
        lambda: list(store.read_chained()),
        lambda: list(store.read_at([0, 1])),
        lambda: Engine(store),
    ):
        with pytest.raises(StoreCorruptError, match="cannot be decoded as an event") as caught:
            read()
        assert (caught.value.position, caught.value.code) == (1, "store_corrupt")
        assert not isinstance(caught.value, json.JSONDecodeError | KeyError)


def test_a_row_that_cannot_be_decoded_after_start_up_is_corrupt_for_queries(path: Path) -> None:
    engine = Engine(SqlEventStore(url(path)))
    set_row(path, 2, "{not json")
    with pytest.raises(StoreCorruptError) as caught:
        list(engine.events())
    assert caught.value.position == 2
    # History reads the store's movements index, not the events (see test_sql_movements).
    assert [line.key for line in engine.history("MUG", "EAST/A")] == ["rcv"]
    with pytest.raises(StoreCorruptError):
        engine.verify()


def test_a_damaged_file_header_is_corrupt_without_a_position(path: Path) -> None:
    with path.open("r+b") as file:
        file.write(b"not a database, really")
    with pytest.raises(StoreCorruptError, match="file is not a database") as caught:
        invorder.sqlite(path)
    assert caught.value.position is None
    assert str(caught.value).startswith("the event store is corrupt: file is not a database")
    assert isinstance(caught.value.__cause__, sa.exc.DatabaseError)


@pytest.mark.parametrize(
    ("problem", "sqlstate", "expected"),
    [
        ("database is locked", None, StoreUnavailableError),
        ("disk I/O error", None, StoreUnavailableError),
        ("database or disk is full", None, StoreUnavailableError),
        ("attempt to write a readonly database", None, StoreUnavailableError),
        ("unable to open database file", None, StoreUnavailableError),
        ("server closed the connection unexpectedly", "08006", StoreUnavailableError),
        ("file is not a database", None, StoreCorruptError),
        ("database disk image is malformed", None, StoreCorruptError),
        ("invalid page in block 7 of relation base/1/2", "XX001", StoreCorruptError),
    ],
)
def test_each_database_error_has_its_typed_error(
    problem: str, sqlstate: str | None, expected: type[Exception]
) -> None:
    class DriverError(Exception):
        pass

    original = DriverError(problem)
    original.sqlstate = sqlstate  # type: ignore[attr-defined]  # psycopg's attribute
    error = _sql_errors.typed(sa.exc.OperationalError("SELECT 1", {}, original), "read the log")
    assert type(error) is expected
    assert problem in str(error)


def test_an_integrity_error_is_left_to_the_append() -> None:
    integrity = sa.exc.IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed"))
    with pytest.raises(sa.exc.IntegrityError), _sql_errors.mapped("append events"):
        raise integrity


# --- a log emptied or cut short: refused at start-up unless allow_empty ---------------------


def test_the_store_keeps_the_head_and_its_hash_with_each_append(path: Path) -> None:
    store = SqlEventStore(url(path))
    assert store.last_head() == (3, store.chain_at(3))
    Engine(store).execute(receive("more"))
    assert store.last_head() == (4, store.chain_at(4))


def test_a_new_database_has_no_last_head_and_starts(tmp_path: Path) -> None:
    store = SqlEventStore(url(tmp_path / "new.db"))
    assert store.last_head() is None
    assert Engine(store).position == 0
    assert invorder.sqlite(tmp_path / "other.db").position == 0


@pytest.mark.parametrize(("kept", "head"), [(0, 0), (2, 2)])
def test_a_log_emptied_or_cut_short_is_refused_unless_allowed(
    path: Path, kept: int, head: int
) -> None:
    with sqlite_file(path) as connection:
        connection.execute("DELETE FROM invorder_events WHERE position >= ?", (kept,))
    with pytest.raises(StoreCorruptError, match="allow_empty=True") as caught:
        invorder.sqlite(path)
    assert (caught.value.code, caught.value.position) == ("store_corrupt", head)
    assert "its own record says the log reached 3" in str(caught.value)
    engine = invorder.sqlite(path, allow_empty=True)
    assert engine.position == head
    engine.reload()  # the engine's own reloads are allowed too
    # Once the log grows again, its head record follows it: no flag needed after.
    engine.execute(invorder.DefineLocation(key="again", at=T, location="WEST/A"))
    assert invorder.sqlite(path).position == head + 1


def test_a_table_of_an_earlier_version_without_the_head_record_starts(path: Path) -> None:
    with sqlite_file(path) as connection:
        connection.execute("DROP TABLE invorder_head")
    store = SqlEventStore(url(path), create=False)
    assert store.last_head() is None
    assert Engine(store).position == 3
    Engine(store).execute(receive("more"))  # and keeps working without it


def test_a_store_without_the_capability_is_not_checked() -> None:
    check_not_cut(MemoryEventStore())  # no last_head: nothing to compare


def test_a_whole_file_deleted_cannot_be_told_from_a_new_one(path: Path) -> None:
    os.remove(path)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    assert invorder.sqlite(path).position == 0  # documented: the head record went with it


# --- PostgreSQL -----------------------------------------------------------------------------


def test_postgres_keeps_the_head_and_refuses_a_log_cut_short(postgres_url: str) -> None:
    database = sql_engine(postgres_url)
    try:
        metadata.drop_all(database)
        engine = set_up(Engine(SqlEventStore(database)))
        store = SqlEventStore(database)
        assert store.last_head() == (3, store.chain_at(3))
        with database.begin() as connection:
            connection.execute(sa.delete(events_table).where(events_table.c.position >= 1))
        with pytest.raises(StoreCorruptError, match="allow_empty=True") as caught:
            Engine(store)
        assert caught.value.position == 1
        assert Engine(store, allow_empty=True).position == 1
        assert engine.position == 3  # the running engine is not touched
    finally:
        metadata.drop_all(database)
        database.dispose()


def test_postgres_lost_connection_is_unavailable(postgres_url: str) -> None:
    database = sql_engine(postgres_url, pool_pre_ping=False)
    try:
        metadata.drop_all(database)
        engine = set_up(Engine(SqlEventStore(database)))
        with database.connect() as connection:
            (pid,) = connection.exec_driver_sql("SELECT pg_backend_pid()").one()
        admin = sa.create_engine(postgres_url)
        with admin.connect() as connection:
            connection.exec_driver_sql(f"SELECT pg_terminate_backend({pid})")
        admin.dispose()
        with pytest.raises(StoreUnavailableError) as caught:
            engine.execute(receive("more"))
        assert isinstance(caught.value.__cause__, sa.exc.OperationalError)
        assert engine.execute(receive("more"))[0].position == 3  # the pool reconnects
    finally:
        metadata.drop_all(database)
        database.dispose()


def test_a_deleted_file_opened_without_create_is_refused(path: Path) -> None:
    os.remove(path)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    with pytest.raises(StoreUnavailableError, match="no such table: invorder_events"):
        Engine(SqlEventStore(url(path), create=False))


def test_a_row_of_a_newer_schema_is_a_codec_error_not_corruption(path: Path) -> None:
    with sqlite_file(path) as connection:
        (data,) = connection.execute(
            "SELECT data FROM invorder_events WHERE position = 1"
        ).fetchone()
    row = json.loads(data)
    set_row(path, 1, json.dumps({**row, "schema": 99}))
    with pytest.raises(invorder.errors.CodecError, match="newer than this library"):
        list(SqlEventStore(url(path)).read())
