"""The SQL event store's movements index: written with each entry, read back by
``Engine.history()`` instead of the events, checked as it is read, and an index that lacks
entries (an old database) or holds a rolled-back log's rows still gives the log's history."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

import invorder
from invorder import Bucket, Engine
from invorder.adapters import _sql_movements as _movements
from invorder.adapters.memory import MemoryEventStore
from invorder.adapters.sql import SqlEventStore, events_table, head_table, metadata, sql_engine
from invorder.domain.messages import Event
from invorder.errors import StoreCorruptError
from invorder.ports import Posting
from invorder.records import HistoryLine
from tests.support.stores import sqlite_file

T = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def commands() -> list[invorder.Command]:
    """Two SKUs in and about a warehouse: receipts, a move, damage, a count."""
    at = [T + timedelta(minutes=n) for n in range(10)]
    return [
        invorder.DefineLocation(key="l1", at=T, location="EAST/A/01"),
        invorder.DefineLocation(key="l2", at=T, location="EAST/B/01"),
        invorder.DefineSku(key="s1", at=T, sku=invorder.Sku("MUG")),
        invorder.DefineSku(key="s2", at=T, sku=invorder.Sku("TEE")),
        invorder.ReceiveStock(key="r1", at=at[1], sku="MUG", location="EAST/A/01", quantity=9,
                              reference="PO-1"),
        invorder.ReceiveStock(key="r2", at=at[2], sku="TEE", location="EAST/B/01", quantity=4),
        invorder.MoveStock(key="m1", at=at[3], sku="MUG", source="EAST/A/01",
                           destination="EAST/B/01", quantity=3),
        invorder.MarkDamaged(key="d1", at=at[4], sku="MUG", location="EAST/B/01", quantity=1),
        invorder.CountStock(key="c1", at=at[5], sku="MUG", location="EAST/A/01", counted=5),
    ]  # fmt: skip


def histories(engine: Engine) -> list[list[HistoryLine]]:
    """Every history the tests compare: both SKUs, at a bin, a zone, the warehouse, the
    supplier, in one bucket and in all physical ones, whole and the last two lines."""
    found = []
    for sku in ("MUG", "TEE"):
        for place in ("EAST/A/01", "EAST/B", "EAST", "@supplier"):
            for bucket in (None, Bucket.DAMAGED):
                found.append(engine.history(sku, place, bucket))
                found.append(engine.history(sku, place, bucket, last=2))
    return found


@pytest.fixture
def reference() -> list[list[HistoryLine]]:
    """The histories of the log on the memory store (which decodes nothing)."""
    engine = Engine(MemoryEventStore())
    engine.execute_batch(commands())
    return histories(engine)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    file = tmp_path / "log.db"
    with SqlEventStore(f"sqlite:///{file}") as store:
        Engine(store).execute_batch(commands()[:6])
        Engine(store).execute_batch(commands()[6:])  # two appends
    return file


def url(path: Path) -> str:
    return f"sqlite:///{path}"


def index_of(path: Path) -> list[tuple[object, ...]]:
    with sqlite_file(path) as connection:
        return connection.execute(
            "SELECT position, ordinal, sku, key, operation, quantity, source, source_bucket,"
            " destination, destination_bucket, reason, reference FROM invorder_movements"
            " ORDER BY position, ordinal"
        ).fetchall()


def test_each_movement_of_an_entry_is_a_row_of_the_index(path: Path) -> None:
    rows = index_of(path)
    assert rows[0] == (4, 0, "MUG", "r1", "receive", 9, "@supplier", "available", "EAST/A/01",
                       "available", "receipt", "PO-1")  # fmt: skip
    assert [(row[0], row[2], row[3]) for row in rows] == [
        (4, "MUG", "r1"), (5, "TEE", "r2"), (6, "MUG", "m1"), (7, "MUG", "d1"), (8, "MUG", "c1")
    ]  # fmt: skip


def test_history_from_the_index_equals_the_memory_stores(
    path: Path, reference: list[list[HistoryLine]]
) -> None:
    with SqlEventStore(url(path)) as store:
        assert histories(Engine(store)) == reference


def test_history_reads_the_index_not_the_events(path: Path) -> None:
    with SqlEventStore(url(path)) as store:
        engine = Engine(store)
        whole = engine.history("MUG", "EAST")
        with sqlite_file(path) as connection:
            connection.execute("UPDATE invorder_events SET data = '{not json' WHERE position > 3")
        assert engine.history("MUG", "EAST") == whole  # the log's damage is verify()'s to find
        with pytest.raises(StoreCorruptError, match="position 4"):
            engine.verify()


def test_an_index_that_lacks_entries_is_completed_from_the_log(
    path: Path, reference: list[list[HistoryLine]]
) -> None:
    # A database written before the index existed, or an index a host trimmed.
    with sqlite_file(path) as connection:
        connection.execute("DELETE FROM invorder_movements WHERE position IN (4, 7)")
    with SqlEventStore(url(path)) as store:
        engine = Engine(store)
        assert histories(engine) == reference
        assert [entry[0] for entry in store.postings("MUG", [4, 6, 7, 8])] == [6, 8]
        assert store.index_movements() == 2
        assert store.index_movements() == 0
        assert histories(engine) == reference
    assert len(index_of(path)) == 5


@pytest.mark.parametrize("slice_size", [1, 2, 3, 100])
def test_the_index_is_completed_slice_by_slice(path: Path, slice_size: int) -> None:
    # Each slice is a transaction of its own; together they index what one would.
    whole = index_of(path)
    with sqlite_file(path) as connection:
        connection.execute("DELETE FROM invorder_movements WHERE position IN (4, 5, 8)")
    with SqlEventStore(url(path)) as store:
        assert store.index_movements(slice_size=slice_size) == 3
        assert store.index_movements(slice_size=slice_size) == 0
    assert index_of(path) == whole


def test_an_entry_that_cannot_be_decoded_stops_indexing_at_its_slice(path: Path) -> None:
    with sqlite_file(path) as connection:
        connection.execute("DELETE FROM invorder_movements WHERE position IN (4, 5, 8)")
        connection.execute("UPDATE invorder_events SET data = '{not json' WHERE position = 5")
        connection.execute("UPDATE invorder_events SET data = '{not json' WHERE position = 1")
    before = index_of(path)
    # Position 1 (a location defined) is not an entry: not read. Position 5 is: its slice
    # (4 and 5) is rolled back whole.
    refused = pytest.raises(StoreCorruptError, match="position 5: its row cannot be decoded")
    with SqlEventStore(url(path)) as store, refused:
        store.index_movements(slice_size=2)
    assert index_of(path) == before


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "10"])
def test_a_slice_size_that_is_not_a_positive_integer_is_refused(path: Path, bad: object) -> None:
    with sqlite_file(path) as connection:
        connection.execute("DELETE FROM invorder_movements WHERE position = 4")
    before = index_of(path)
    refused = re.escape(f"slice_size must be a positive integer (got {bad!r})")
    with SqlEventStore(url(path)) as store, pytest.raises(ValueError, match=refused):
        store.index_movements(slice_size=bad)  # type: ignore[arg-type]  # what it refuses
    assert index_of(path) == before


def test_an_old_database_without_the_index_works_as_before(
    tmp_path: Path, reference: list[list[HistoryLine]]
) -> None:
    file = tmp_path / "old.db"
    database = sql_engine(url(file))
    old = [table for table in metadata.sorted_tables if table.name != "invorder_movements"]
    metadata.create_all(database, tables=old)
    with SqlEventStore(database, create=False) as store:
        Engine(store).execute_batch(commands())
        assert list(store.postings("MUG", [4, 6])) == []
        assert histories(Engine(store)) == reference
        with pytest.raises(ValueError, match="open with create=True"):
            store.index_movements()
    assert not sa.inspect(database).has_table("invorder_movements")
    with SqlEventStore(database) as upgraded:  # create=True adds the table, empty
        assert histories(Engine(upgraded)) == reference
        assert upgraded.index_movements() == 5
        assert histories(Engine(upgraded)) == reference
    database.dispose()


def test_a_rolled_back_log_grows_again_without_its_old_rows(path: Path) -> None:
    # A host deletes the events from position 6 on (and the head record, as a restore of
    # an older backup would): the index's rows for them stay until the next append.
    with sqlite_file(path) as connection:
        connection.execute("DELETE FROM invorder_events WHERE position >= 6")
        connection.execute("DELETE FROM invorder_head")
    again = [
        invorder.MarkDamaged(key="x1", at=T + timedelta(hours=1), sku="MUG",
                             location="EAST/A/01", quantity=2),
        invorder.ReceiveStock(key="x2", at=T + timedelta(hours=2), sku="MUG",
                              location="EAST/B/01", quantity=7),
    ]  # fmt: skip
    memory = Engine(MemoryEventStore())
    memory.execute_batch([*commands()[:6], *again])
    with SqlEventStore(url(path)) as store:
        engine = Engine(store)
        engine.execute_batch(again)
        assert histories(engine) == histories(memory)
    assert [row[3] for row in index_of(path)] == ["r1", "r2", "x1", "x2"]


@pytest.mark.parametrize(
    ("column", "value", "word"),
    [
        ("quantity", 0, "quantity"),
        ("quantity", "'nine'", "quantity"),
        ("destination_bucket", "'lost'", "account"),
        ("source", "'not a place!'", "account"),
        ("destination", "'@supplier'", "destination"),
        ("at", "'2026-12-05T09:01:00'", "time"),
        ("at", "'yesterday'", "time"),
        ("operation", "'borrow'", "operation"),
        ("key", "x'00'", "text"),
        ("reference", "x'07'", "text"),
    ],
)
def test_a_damaged_row_of_the_index_is_corrupt_at_its_position(
    path: Path, column: str, value: object, word: str
) -> None:
    with sqlite_file(path) as connection:
        connection.execute(f"UPDATE invorder_movements SET {column} = {value} WHERE position = 4")
    with SqlEventStore(url(path)) as store:
        engine = Engine(store)
        with pytest.raises(StoreCorruptError, match=f"movements index holds a {word} ") as caught:
            engine.history("MUG", "EAST")
        assert (caught.value.position, caught.value.code) == (4, "store_corrupt")
        assert engine.history("TEE", "EAST")  # the other SKU's rows are sound


class _Answers(MemoryEventStore):
    """A memory store whose ``postings`` gives back what a test says."""

    def __init__(self, answer: list[Posting]) -> None:
        super().__init__()
        self.answer = answer

    def postings(self, sku: str, positions: Sequence[int]) -> Iterator[Posting]:
        return iter(self.answer)


def test_a_store_that_gives_back_entries_it_was_not_asked_for_is_corrupt() -> None:
    store = _Answers([])
    engine = Engine(store)
    engine.execute_batch(commands())
    events: list[Event] = list(store.read())
    entry = events[5]  # TEE's receipt, not one of MUG's entries
    assert isinstance(entry, invorder.events.StockPosted)
    store.answer = [Posting(5, entry.at, entry.key, entry.operation, entry.movements)]
    with pytest.raises(StoreCorruptError, match="names entries it was not asked for"):
        engine.history("MUG", "EAST")
    store.answer = []  # nothing kept: every entry is read from the log
    assert [line.position for line in engine.history("MUG", "EAST")] == [4, 6, 7, 8]


def test_the_index_and_the_log_are_written_in_one_transaction(path: Path) -> None:
    # A batch the database refuses (a trigger of the host's) leaves neither log nor index.
    with sqlite_file(path) as connection:
        connection.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON invorder_head BEGIN"
            " SELECT RAISE(ABORT, 'no'); END"
        )
        connection.execute("DELETE FROM invorder_head")
    before = index_of(path)
    with SqlEventStore(url(path)) as store:
        engine = Engine(store, allow_empty=True)
        with pytest.raises(invorder.errors.StoreUnavailableError):
            engine.execute(
                invorder.ReceiveStock(key="late", at=T, sku="MUG", location="EAST/A/01", quantity=1)
            )
        assert store.head() == 9
    assert index_of(path) == before
    with sqlite_file(path) as connection:
        assert connection.execute(f"SELECT count(*) FROM {events_table.name}").fetchone() == (9,)
        assert connection.execute(f"SELECT count(*) FROM {head_table.name}").fetchone() == (0,)


def test_the_portable_statements_read_and_write_what_the_sqlite_ones_do(path: Path) -> None:
    # PostgreSQL takes the Core statements (expanding ``IN``, inserts of dicts); run them on
    # SQLite too, so that they are tested where no PostgreSQL is.
    database = sql_engine(url(path))
    positions = [4, 6, 7, 8]
    fast = list(_movements.postings(database, "MUG", positions, sqlite=True))
    assert list(_movements.postings(database, "MUG", positions, sqlite=False)) == fast
    assert [entry.position for entry in fast] == positions
    rows = index_of(path)
    with database.begin() as connection:
        _movements.write(connection, 6, [], sqlite=False)  # drops positions 6 on
    assert index_of(path) == rows[:2]
    with SqlEventStore(database) as store:
        assert store.index_movements() == 3
    assert index_of(path) == rows
    database.dispose()


def test_verify_compares_the_index_with_the_log(path: Path) -> None:
    with sqlite_file(path) as connection:
        connection.execute("DELETE FROM invorder_movements WHERE position = 5")  # not kept
    with SqlEventStore(url(path)) as store:
        engine = Engine(store)
        assert engine.verify() == []  # an entry the index lacks is no drift
        with sqlite_file(path) as connection:  # well-formed, but not what the log says
            connection.execute("UPDATE invorder_movements SET quantity = 8 WHERE position = 4")
            connection.execute(
                "UPDATE invorder_movements SET reference = 'PO-9' WHERE position = 8"
            )
        assert engine.history("MUG", "EAST/A/01")[0].change == 8  # history trusts the index
        assert engine.verify() == ["the store's movements of 'MUG' at position 4 are not the log's"]
