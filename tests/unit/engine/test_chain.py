"""The log's hash chain: kept by the stores, checked at start-up over the tail and in
``verify()`` over the whole log, and the reason a snapshot of another log (or of this one
before a rollback) is refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

import invorder
from invorder.adapters.memory import MemoryEventStore, MemorySnapshotStore
from invorder.adapters.sql import SqlEventStore, SqlSnapshotStore, sql_engine
from invorder.chain import GENESIS, canonical, chain_of, link
from invorder.engine import Engine
from invorder.errors import SnapshotWarning, StoreCorruptError
from tests.support.stores import PlainStore, sqlite_file
from tests.support.warned import messages

T = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
MISMATCH = "its chain hash does not match its bytes"
REFUSED = "its chain hash is not the log's at position"


def receive(key: str, quantity: int) -> invorder.ReceiveStock:
    return invorder.ReceiveStock(key=key, at=T, sku="MUG", location="EAST/A", quantity=quantity)


def damage(key: str, quantity: int = 1) -> invorder.MarkDamaged:
    return invorder.MarkDamaged(key=key, at=T, sku="MUG", location="EAST/A", quantity=quantity)


def set_up(engine: Engine, units: int = 10) -> Engine:
    engine.execute(invorder.DefineLocation(key="loc", at=T, location="EAST/A"))
    engine.execute(invorder.DefineSku(key="sku", at=T, sku=invorder.Sku("MUG")))
    engine.execute(receive("rcv", units))
    return engine


def sqlite_url(tmp_path: Path, name: str = "log.db") -> str:
    return f"sqlite:///{tmp_path / name}"


def rot(path: Path, position: int, old: str, new: str) -> None:
    """Change the JSON of one row with sqlite3 directly, as bit rot or a stray edit would."""
    with sqlite_file(path) as connection:
        (data,) = connection.execute(
            "SELECT data FROM invorder_events WHERE position = ?", (position,)
        ).fetchone()
        assert old in data
        connection.execute(
            "UPDATE invorder_events SET data = ? WHERE position = ?",
            (data.replace(old, new), position),
        )


# --- the chain itself -----------------------------------------------------------------------


def test_the_chain_links_each_event_to_the_one_before() -> None:
    engine = set_up(Engine(MemoryEventStore()))
    events = list(engine.events())
    hashes = chain_of(events)
    assert hashes[0] == link(GENESIS, canonical(events[0]))
    assert hashes[2] == link(hashes[1], canonical(events[2]))
    store = engine._replica.store
    assert isinstance(store, MemoryEventStore)
    assert [store.chain_at(p) for p in range(4)] == [GENESIS, *hashes]
    assert store.chain_at(5) is None


def test_the_sql_store_keeps_the_same_hashes_as_the_memory_store(tmp_path: Path) -> None:
    memory = set_up(Engine(MemoryEventStore()))
    sql = SqlEventStore(sqlite_url(tmp_path))
    sql.append(list(memory.events()), expected_position=0)
    store = memory._replica.store
    assert isinstance(store, MemoryEventStore)
    assert [sql.chain_at(p) for p in range(4)] == [store.chain_at(p) for p in range(4)]
    chained = list(sql.read_chained())
    assert [kept for _, _, kept in chained] == chain_of(memory.events())
    assert [data for _, data, _ in chained] == [canonical(e) for e in memory.events()]


def test_start_up_says_what_it_checked(tmp_path: Path) -> None:
    plain = PlainStore()
    set_up(Engine(plain))
    assert Engine(plain).startup.chain == "not kept"
    assert Engine(plain).verify() == []
    memory = MemoryEventStore()
    set_up(Engine(memory))
    assert Engine(memory).startup.chain == "kept"
    sql = SqlEventStore(sqlite_url(tmp_path))
    set_up(Engine(sql))
    assert Engine(sql).startup.chain == "checked"


# --- bit rot --------------------------------------------------------------------------------


def test_bit_rot_in_one_row_is_found_at_start_up_and_by_verify(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    engine = set_up(Engine(SqlEventStore(url)))
    engine.execute(damage("d1", 5))
    assert engine.balance("MUG", "EAST/A") == 5
    rot(tmp_path / "log.db", 2, '"quantity":10', '"quantity":90')
    with pytest.raises(StoreCorruptError) as caught:
        Engine(SqlEventStore(url))
    assert (caught.value.position, caught.value.code) == (2, "store_corrupt")
    assert MISMATCH in str(caught.value)
    # An engine that folded the row before it rotted: verify() reads the whole chain.
    problems = engine.verify()
    assert any(p.startswith("position 2: " + MISMATCH) for p in problems), problems


def snapshot_then_rot(tmp_path: Path, position: int, old: str, new: str) -> str:
    """A SQLite log of 4 events with a snapshot at 3, then one row changed; its URL."""
    url = sqlite_url(tmp_path)
    store = SqlEventStore(url)
    engine = set_up(Engine(store, snapshots=SqlSnapshotStore(store.engine)))
    engine.snapshot()
    engine.execute(damage("d1", 5))
    rot(tmp_path / "log.db", position, old, new)
    return url


def test_bit_rot_before_a_snapshot_is_found_by_verify(tmp_path: Path) -> None:
    url = snapshot_then_rot(tmp_path, 2, '"quantity":10', '"quantity":90')
    restarted = Engine(SqlEventStore(url), snapshots=SqlSnapshotStore(url))
    assert restarted.startup.snapshot == 3  # the tail after it holds
    problems = restarted.verify()
    assert [p for p in problems if "chain" in p] == [f"position 2: {MISMATCH} and the hash "
                                                     "before it (the row was changed, or is "
                                                     "not of this log)"]  # fmt: skip


def test_rot_in_the_tail_after_a_snapshot_is_found_at_start_up(tmp_path: Path) -> None:
    url = snapshot_then_rot(tmp_path, 3, '"quantity":5', '"quantity":1')
    with pytest.raises(StoreCorruptError) as caught:
        Engine(SqlEventStore(url), snapshots=SqlSnapshotStore(url))
    assert caught.value.position == 3


def test_a_lost_or_changed_hash_is_found(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    set_up(Engine(SqlEventStore(url)))
    with sqlite_file(tmp_path / "log.db") as connection:
        connection.execute("UPDATE invorder_events SET chain = NULL WHERE position = 1")
    with pytest.raises(StoreCorruptError, match="no chain hash is kept with it") as caught:
        Engine(SqlEventStore(url))
    assert caught.value.position == 1
    with sqlite_file(tmp_path / "log.db") as connection:
        connection.execute("UPDATE invorder_events SET chain = ? WHERE position = 1",
                           (bytes(32),))  # fmt: skip
    with pytest.raises(StoreCorruptError, match=MISMATCH) as caught:
        Engine(SqlEventStore(url))
    assert caught.value.position == 1


def test_verify_names_each_broken_link_once(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    engine = set_up(Engine(SqlEventStore(url)))
    engine.execute(damage("d1"))
    with sqlite_file(tmp_path / "log.db") as connection:
        connection.execute("UPDATE invorder_events SET chain = NULL WHERE position = 1")
    rot(tmp_path / "log.db", 3, '"quantity":1', '"quantity":2')
    problems = [p for p in engine.verify() if "chain" in p]
    assert [p.split(":")[0] for p in problems] == ["position 1", "position 3"], problems
    assert "no chain hash is kept with it" in problems[0]


def test_an_engine_checks_what_other_writers_appended(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    first = set_up(Engine(SqlEventStore(url)))
    second = Engine(SqlEventStore(url))
    first.execute(damage("d1"))
    rot(tmp_path / "log.db", 3, '"quantity":1', '"quantity":7')
    with pytest.raises(StoreCorruptError) as caught:
        second.execute(damage("d2"))
    assert caught.value.position == 3


# --- snapshots that do not fit --------------------------------------------------------------


def log_and_snapshots(
    kind: str, tmp_path: Path, name: str = "log.db"
) -> tuple[invorder.EventStore, invorder.SnapshotStore]:
    """A new log and snapshot store: in memory, or in one SQLite file ``name``."""
    if kind == "memory":
        return MemoryEventStore(), MemorySnapshotStore()
    url = sqlite_url(tmp_path, name)
    return SqlEventStore(url), SqlSnapshotStore(url)


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_a_snapshot_copied_from_another_log_with_the_same_keys_is_refused(
    kind: str, tmp_path: Path
) -> None:
    ours, _ = log_and_snapshots(kind, tmp_path, "ours.db")
    theirs, snapshots = log_and_snapshots(kind, tmp_path, "theirs.db")
    set_up(Engine(ours), units=5)
    set_up(Engine(theirs, snapshots=snapshots), units=94).snapshot()
    with pytest.warns(SnapshotWarning, match=REFUSED):
        engine = Engine(ours, snapshots=snapshots)
    assert REFUSED in engine.startup.refused
    assert "taken from another log" in engine.startup.refused
    assert engine.startup.snapshot is None
    assert engine.balance("MUG", "EAST/A") == 5
    assert engine.verify() == []


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_a_snapshot_taken_before_a_rollback_and_regrowth_is_refused(
    kind: str, tmp_path: Path
) -> None:
    log, snapshots = log_and_snapshots(kind, tmp_path)
    engine = set_up(Engine(log, snapshots=snapshots))
    engine.execute(damage("d1", 1))
    engine.execute(damage("d2", 2))
    assert engine.snapshot() == 5
    # The log is restored from a backup of its first 3 events and grows again: the same
    # keys at the same positions (the last one too), other quantities.
    if kind == "memory":
        restored: invorder.EventStore = MemoryEventStore(list(log.read(0, 3)))
    else:
        with sqlite_file(tmp_path / "log.db") as connection:
            connection.execute("DELETE FROM invorder_events WHERE position >= 3")
        restored = SqlEventStore(sqlite_url(tmp_path))
        with pytest.raises(StoreCorruptError, match="allow_empty=True"):
            Engine(restored)  # the store's head record says 5: refused unless allowed
    regrown = Engine(restored, allow_empty=True)
    regrown.execute(damage("d1", 4))
    regrown.execute(damage("d2", 3))
    with pytest.warns(SnapshotWarning, match=REFUSED) as caught:
        again = Engine(restored, snapshots=snapshots)
    assert "before it was rolled back" in messages(caught, SnapshotWarning)[0]
    assert again.startup.snapshot is None
    assert again.balance("MUG", "EAST/A") == 3
    assert again.verify() == []


def test_a_snapshot_without_a_chain_hash_is_refused_on_a_log_that_keeps_one() -> None:
    store, snapshots = MemoryEventStore(), MemorySnapshotStore()
    engine = set_up(Engine(store, snapshots=snapshots))
    engine.snapshot()
    loaded = snapshots.load()
    assert loaded is not None
    header, _, body = loaded[1].partition(b"\n")
    fields = json.loads(header)
    del fields["chain"]  # as an earlier version wrote it
    snapshots.save(loaded[0], json.dumps(fields).encode() + b"\n" + body)
    with pytest.warns(SnapshotWarning, match="records no chain hash"):
        assert Engine(store, snapshots=snapshots).startup.snapshot is None


# --- tables created before the chain -------------------------------------------------------

_OLD_TABLE = """CREATE TABLE invorder_events (position INTEGER NOT NULL PRIMARY KEY,
    key TEXT NOT NULL, type TEXT NOT NULL, schema INTEGER NOT NULL, data TEXT NOT NULL)"""


def old_log(tmp_path: Path) -> str:
    """A SQLite log written by a version without the chain column (rows in its JSON)."""
    engine = set_up(Engine(MemoryEventStore()))
    codec = invorder.Codec()
    with sqlite_file(tmp_path / "old.db") as connection:
        connection.execute(_OLD_TABLE)
        for event in engine.events():
            data = codec.event_to_dict(event)
            connection.execute(
                "INSERT INTO invorder_events VALUES (?, ?, ?, ?, ?)",
                (event.position, event.key, data["type"], 1, json.dumps(data)),
            )
    return sqlite_url(tmp_path, "old.db")


def test_a_table_from_before_the_chain_gains_the_column_and_is_unchained(tmp_path: Path) -> None:
    url = old_log(tmp_path)
    untouched = SqlEventStore(sql_engine(url), create=False)
    assert untouched.chain_at(3) is None
    engine = Engine(untouched)
    assert engine.startup.chain == "not kept"
    engine.execute(damage("d0"))  # written without a hash: the table has no column for it
    store = SqlEventStore(url)  # create=True: ALTER TABLE adds the column
    assert store.chain_at(4) is None
    engine = Engine(store)
    assert (engine.startup.chain, engine.position) == ("not kept", 4)
    engine.execute(damage("d1"))
    assert store.chain_at(5) is None, "after unchained rows, appends stay unchained"
    assert Engine(store).verify() == []
    assert store.chain_log() == 5
    assert store.chain_log() == 0
    assert store.chain_at(5) == chain_of(store.read())[-1]
    chained = Engine(store)
    assert (chained.startup.chain, chained.balance("MUG", "EAST/A")) == ("checked", 8)
    chained.execute(damage("d2"))
    assert Engine(store).startup.chain == "checked"
    assert Engine(store).verify() == []
