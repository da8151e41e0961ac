"""What the SQL adapter does beyond the contract kit: bad input, paging, its schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

import invorder
from invorder.adapters import sql
from invorder.adapters.sql import SqlEventStore, SqlSnapshotStore, sql_engine
from invorder.chain import GENESIS, canonical_json, link
from invorder.testing.contract import sample_event


@pytest.fixture
def store(tmp_path: Path) -> SqlEventStore:
    return SqlEventStore(f"sqlite:///{tmp_path / 'log.db'}")


def test_a_misnumbered_batch_is_refused_and_writes_nothing(store: SqlEventStore) -> None:
    store.append([sample_event(0)], expected_position=0)
    batch = [sample_event(1), sample_event(3)]
    with pytest.raises(invorder.errors.InvalidMovementError) as caught:
        store.append(batch, expected_position=1)
    assert caught.value.code == "invalid_movement"
    assert "event position 3 does not follow the log (expected 2)" in str(caught.value)
    assert store.head() == 1
    assert [e.key for e in store.read()] == ["kit-e-0"]


def test_an_empty_append_checks_the_position(store: SqlEventStore) -> None:
    assert store.append([], expected_position=0) == 0
    store.append([sample_event(0)], expected_position=0)
    with pytest.raises(invorder.ConcurrencyError) as caught:
        store.append([], expected_position=0)
    assert caught.value.fields == {"expected": 0, "actual": 1, "attempts": 1}
    assert store.head() == 1


def test_reads_cross_page_boundaries(store: SqlEventStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sql, "_PAGE", 4)
    store.append([sample_event(i) for i in range(11)], expected_position=0)
    assert [e.position for e in store.read()] == list(range(11))
    assert [e.position for e in store.read(3, 9)] == list(range(3, 9))
    assert [e.position for e in store.read(8)] == [8, 9, 10]
    assert [e.position for e in store.read(4, 8)] == [4, 5, 6, 7]


def test_rows_hold_readable_json_with_type_and_schema(store: SqlEventStore) -> None:
    store.append([sample_event(0)], expected_position=0)
    with store.engine.connect() as connection:
        row = connection.execute(sa.select(sql.events_table)).one()
    assert (row.position, row.key, row.type, row.schema) == (0, "kit-e-0", "LocationDefined", 1)
    # Canonical JSON (compact, keys sorted): the bytes the row's chain hash covers.
    assert json.loads(row.data)["type"] == "LocationDefined"
    assert row.data == canonical_json(json.loads(row.data))
    assert row.chain == link(GENESIS, row.data.encode("utf-8"))


def test_sqlite_runs_in_wal_mode(store: SqlEventStore) -> None:
    with store.engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        synchronous = connection.exec_driver_sql("PRAGMA synchronous").scalar()
    assert (mode, synchronous) == ("wal", 2)  # 2 = FULL


def test_an_unknown_synchronous_setting_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="synchronous must be OFF, NORMAL, FULL or EXTRA"):
        sql_engine(f"sqlite:///{tmp_path / 'x.db'}", synchronous="SOMETIMES")
    assert not (tmp_path / "x.db").exists()


def test_snapshots_keep_only_the_latest(tmp_path: Path) -> None:
    snapshots = SqlSnapshotStore(f"sqlite:///{tmp_path / 's.db'}")
    for position in (1, 2, 3):
        snapshots.save(position, bytes([position]))
    with snapshots.engine.connect() as connection:
        kept = connection.execute(sa.select(sql.snapshots_table.c.position)).scalars().all()
    assert kept == [3]
    assert snapshots.load() == (3, b"\x03")


def _with_a_row_deleted(store: SqlEventStore, count: int, gone: int) -> None:
    store.append([sample_event(i) for i in range(count)], expected_position=0)
    with store.engine.begin() as connection:
        table = sql.events_table
        connection.execute(sa.delete(table).where(table.c.position == gone))


def test_a_missing_row_is_reported_not_read_as_the_end(
    store: SqlEventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 18: a page cut short by a deleted row used to end the read, so a restarted
    # engine answered from a prefix of the log until its first write conflicted.
    monkeypatch.setattr(sql, "_PAGE", 4)
    _with_a_row_deleted(store, 10, gone=5)
    with pytest.raises(invorder.errors.StoreCorruptError) as caught:
        list(store.read())
    assert caught.value.fields == {"position": 5, "problem": "no event is stored there"}
    assert "corrupt at position 5" in str(caught.value)
    with pytest.raises(invorder.errors.StoreCorruptError):
        invorder.Engine(store)
    assert [e.position for e in store.read(0, 5)] == [0, 1, 2, 3, 4]  # before the gap: fine


def test_a_missing_last_row_of_a_page_is_reported(
    store: SqlEventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sql, "_PAGE", 4)
    _with_a_row_deleted(store, 10, gone=7)  # the page 4..7 comes back short: 4, 5, 6
    with pytest.raises(invorder.errors.StoreCorruptError) as caught:
        list(store.read(4))
    assert caught.value.fields["position"] == 7


def test_read_at_gives_scattered_positions_a_page_at_a_time(
    store: SqlEventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sql, "_PAGE_OF_POSITIONS", 2)
    store.append([sample_event(i) for i in range(10)], expected_position=0)
    assert [e.position for e in store.read_at([1, 2, 5, 8, 9])] == [1, 2, 5, 8, 9]
    assert list(store.read_at([])) == []
    with store.engine.begin() as connection:
        table = sql.events_table
        connection.execute(sa.delete(table).where(table.c.position == 8))
    with pytest.raises(invorder.errors.StoreCorruptError) as caught:
        list(store.read_at([1, 8]))
    assert caught.value.fields["position"] == 8
