"""The port contract kit: checks any :class:`~invorder.ports.EventStore` (and snapshot store).

Subclass :class:`EventStoreContract` in a test module, name the subclass ``Test...`` and
override :meth:`~EventStoreContract.make_store`; pytest then runs every check against your
adapter. :func:`check_event_store` runs the same checks without pytest and lists failures.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from invorder.domain._checks import MAX_IDENTIFIER_LENGTH
from invorder.domain.errors import (
    ConcurrencyError,
    IdempotencyConflictError,
    InsufficientStockError,
    InvalidIdentifierError,
)
from invorder.domain.messages import Event
from invorder.domain.stock.catalog import Sku
from invorder.domain.stock.commands import DefineLocation, DefineSku, MarkDamaged, ReceiveStock
from invorder.domain.stock.events import LocationDefined
from invorder.domain.stock.movement import Bucket
from invorder.engine import Engine
from invorder.ports import EventStore, SnapshotStore

_T = datetime(2026, 1, 1, tzinfo=UTC)


def sample_event(position: int, tag: str = "e") -> LocationDefined:
    """A small real event at ``position`` (defines location ``KIT/<tag><position>``)."""
    command = DefineLocation(key=f"kit-{tag}-{position}", at=_T, location=f"KIT/{tag}{position}")
    return LocationDefined(position=position, command=command)


def _batch(start: int, count: int, tag: str = "e") -> list[Event]:
    return [sample_event(start + i, tag) for i in range(count)]


def _keys(store: EventStore, start: int = 0, stop: int | None = None) -> list[str]:
    return [event.key for event in store.read(start, stop)]


class EventStoreContract:
    """Every behaviour the engine relies on from a store, one test method each.

    Override :meth:`make_store` (a new, empty log each call). Override
    :meth:`open_again` if your store has connections: it must return another handle on the
    same log (as a second process would open it). Override :meth:`make_snapshot_store` to
    check a snapshot store too (the snapshot checks skip otherwise). Failures are plain
    ``AssertionError``\\ s whose message says what the store did wrong.
    """

    def make_store(self) -> EventStore:
        """A new, empty event store (override this)."""
        raise NotImplementedError("override make_store() to return a new, empty store")

    def open_again(self, store: EventStore) -> EventStore:
        """Another handle on the log of ``store`` (the same object by default)."""
        return store

    def make_snapshot_store(self) -> SnapshotStore | None:
        """A new, empty snapshot store, or ``None`` to skip the snapshot checks."""
        return None

    # --- reading and writing -------------------------------------------------------------

    def test_new_store_is_empty(self) -> None:
        """A new store has head 0 and reads nothing."""
        store = self.make_store()
        assert store.head() == 0, "a new store must have head 0"
        assert list(store.read()) == [], "a new store must read no events"

    def test_read_after_write(self) -> None:
        """What was appended is read back, equal, and the head counts it."""
        store = self.make_store()
        events = _batch(0, 3)
        head = store.append(events, expected_position=0)
        assert head == 3, f"append must return the new head 3, returned {head}"
        assert store.head() == 3, f"head must be 3 after appending 3 events, is {store.head()}"
        got = list(store.read())
        assert got == events, f"read() must give back the 3 events appended, got {got}"
        again = self.open_again(store)
        assert list(again.read()) == events, "another handle must read the same events"

    def test_batch_is_appended_whole(self) -> None:
        """Every event of a batch is stored, across several batches."""
        store = self.make_store()
        store.append(_batch(0, 5), expected_position=0)
        store.append(_batch(5, 7, "f"), expected_position=5)
        assert store.head() == 12, f"two batches of 5 and 7 must give head 12, not {store.head()}"
        positions = [event.position for event in store.read()]
        assert positions == list(range(12)), f"every event of each batch must be read: {positions}"

    def test_read_keeps_order_and_ranges(self) -> None:
        """Events come back in position order; ``read(start, stop)`` is that slice."""
        store = self.make_store()
        events = _batch(0, 10)
        for event in events:
            store.append([event], expected_position=event.position)
        assert _keys(store) == [e.key for e in events], "read() must keep the append order"
        assert _keys(store, 3, 7) == [e.key for e in events[3:7]], "read(3, 7) is a slice"
        assert _keys(store, 8) == [e.key for e in events[8:]], "read(8) reads to the end"
        assert _keys(store, 10) == [], "read(head) reads nothing"
        assert _keys(store, 4, 4) == [], "read(4, 4) reads nothing"

    # --- concurrency ---------------------------------------------------------------------

    def test_read_at_if_offered(self) -> None:
        """A store that offers ``read_at`` (scattered positions at once) gives the events
        at those positions, in that order, equal to what ``read`` gives."""
        store = self.make_store()
        read_at = getattr(store, "read_at", None)
        if read_at is None:
            pytest.skip("the store has no read_at; history reads it range by range")
        store.append(_batch(0, 12), expected_position=0)
        wanted = [0, 2, 3, 7, 11]
        got = list(read_at(wanted))
        assert [e.position for e in got] == wanted, f"read_at({wanted}) gave {got}"
        assert got == [e for e in store.read() if e.position in wanted], "read_at != read"

    def test_stale_expected_position_conflicts(self) -> None:
        """An append whose expected position is behind the head fails and writes nothing."""
        store = self.make_store()
        store.append(_batch(0, 2), expected_position=0)
        with pytest.raises(ConcurrencyError):
            store.append(_batch(1, 2, "late"), expected_position=1)
        assert store.head() == 2, "a refused append must not move the head"
        assert _keys(store) == ["kit-e-0", "kit-e-1"], "a refused append must write nothing"

    def test_expected_position_ahead_conflicts(self) -> None:
        """An append that would leave a gap fails and writes nothing."""
        store = self.make_store()
        store.append(_batch(0, 1), expected_position=0)
        with pytest.raises(ConcurrencyError):
            store.append(_batch(3, 1), expected_position=3)
        assert store.head() == 1, "an append past the head must not be stored"
        assert _keys(store) == ["kit-e-0"], "an append past the head must write nothing"

    def test_failed_batch_writes_nothing(self) -> None:
        """A batch that conflicts on its first event leaves none of its events behind."""
        store = self.make_store()
        store.append(_batch(0, 3), expected_position=0)
        with pytest.raises(ConcurrencyError):
            store.append(_batch(2, 4, "x"), expected_position=2)
        assert store.head() == 3, f"head must stay 3 after a refused batch, is {store.head()}"
        assert "kit-x-3" not in _keys(store), "part of a refused batch was stored"

    def test_two_writers_race(self) -> None:
        """Writers on separate handles racing for the next position: one wins each round."""
        store = self.make_store()
        writers, rounds = 4, 15
        handles = [self.open_again(store) for _ in range(writers)]
        wins = [0] * writers
        errors: list[BaseException] = []
        start = threading.Barrier(writers)

        def write(index: int) -> None:
            handle = handles[index]
            try:
                start.wait()
                while wins[index] < rounds:
                    head = handle.head()
                    event = sample_event(head, f"w{index}-{wins[index]}-")
                    try:
                        handle.append([event], expected_position=head)
                    except ConcurrencyError:
                        continue
                    wins[index] += 1
            except BaseException as error:  # reported below, in the test's thread
                errors.append(error)

        threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, f"a writer failed: {errors[0]!r}"
        events = list(store.read())
        assert [e.position for e in events] == list(range(writers * rounds)), (
            "racing writers must leave a gap-free log with every accepted event once"
        )
        keys = [e.key for e in events]
        assert len(set(keys)) == len(keys), "an accepted event was stored twice"
        assert store.head() == writers * rounds, "the head must count every accepted event"

    # --- through the engine --------------------------------------------------------------

    def _stocked_engine(self, store: EventStore, units: int = 5) -> Engine:
        engine = Engine(store)
        engine.execute(DefineLocation(key="kit-loc", at=_T, location="KIT/A"))
        engine.execute(DefineSku(key="kit-sku", at=_T, sku=Sku("KIT-SKU")))
        engine.execute(
            ReceiveStock(key="kit-rcv", at=_T, sku="KIT-SKU", location="KIT/A", quantity=units)
        )
        return engine

    def test_idempotency_survives_restart(self) -> None:
        """A repeated key returns the first outcome, also from a new engine on the log."""
        store = self.make_store()
        engine = self._stocked_engine(store)
        command = MarkDamaged(key="kit-dmg", at=_T, sku="KIT-SKU", location="KIT/A", quantity=2)
        first = engine.execute(command)
        head = store.head()
        restarted = Engine(self.open_again(store))
        assert restarted.execute(command) == first, "a repeat must return the first outcome"
        assert store.head() == head, "a repeated command must not be appended again"
        other = MarkDamaged(key="kit-dmg", at=_T, sku="KIT-SKU", location="KIT/A", quantity=3)
        with pytest.raises(IdempotencyConflictError):
            restarted.execute(other)
        assert store.head() == head, "an idempotency conflict must write nothing"
        assert restarted.balance("KIT-SKU", "KIT/A") == 3, "the restarted engine lost stock"
        assert restarted.verify() == [], "verify() must be clean after a restart"

    def test_rejected_command_writes_nothing(self) -> None:
        """A refused command appends nothing and leaves verify() clean."""
        store = self.make_store()
        engine = self._stocked_engine(store, units=1)
        head = store.head()
        with pytest.raises(InsufficientStockError):
            engine.execute(
                MarkDamaged(key="kit-big", at=_T, sku="KIT-SKU", location="KIT/A", quantity=2)
            )
        assert store.head() == head, "a rejected command must write nothing"
        assert engine.verify() == [], "verify() must be clean after a rejection"

    def test_two_engines_cannot_oversell(self) -> None:
        """Two engines that read the same stock cannot both take the last unit."""
        store = self.make_store()
        first = self._stocked_engine(store, units=1)
        second = Engine(self.open_again(store))
        first.execute(MarkDamaged(key="kit-a", at=_T, sku="KIT-SKU", location="KIT/A", quantity=1))
        with pytest.raises(InsufficientStockError):
            second.execute(
                MarkDamaged(key="kit-b", at=_T, sku="KIT-SKU", location="KIT/A", quantity=1)
            )
        assert second.balance("KIT-SKU", "KIT/A") == 0, "the second engine did not catch up"
        assert second.verify() == [], "verify() must be clean on the engine that lost"
        assert first.verify() == [], "verify() must be clean on the engine that won"

    def test_batch_through_engine(self) -> None:
        """The engine's one-append batches are stored whole and replay to the same state."""
        store = self.make_store()
        engine = self._stocked_engine(store, units=3)
        commands = [
            MarkDamaged(key=f"kit-b{i}", at=_T, sku="KIT-SKU", location="KIT/A", quantity=1)
            for i in range(5)
        ]
        results = engine.execute_batch(commands)
        accepted = [r for r in results if isinstance(r, tuple)]
        assert len(accepted) == 3, "three of five one-unit commands fit three units"
        assert store.head() == 6, f"the batch must store 3 events (head 6), head is {store.head()}"
        assert Engine(self.open_again(store)).balance("KIT-SKU", "KIT/A") == 0
        assert engine.verify() == [], "verify() must be clean after a batch"

    def test_identifiers_and_times_at_the_edges(self) -> None:
        """Ids of the longest length invorder allows (200 characters), non-ASCII text, long
        free text and times with microseconds are kept exactly: a restarted engine reads
        the same events, answers a repeated key with the first outcome, and the same
        identifier rule refuses a control character before anything reaches the store."""
        store = self.make_store()
        engine = Engine(store)
        at = datetime(2026, 1, 1, 9, 30, 15, 123456, tzinfo=UTC)
        sku = "Tasse-Kaffee-\u2615-\u00fc"  # a cup and an u-umlaut: printable, not ASCII
        key = ("kit-\u00e9\u00e8-" + "k" * MAX_IDENTIFIER_LENGTH)[:MAX_IDENTIFIER_LENGTH]
        reason = "r\u00e9sum\u00e9 " * 60  # 480 characters of free text
        written = [
            *engine.execute(DefineLocation(key="kit-loc", at=at, location="KIT/A")),
            *engine.execute(DefineSku(key="kit-sku", at=at, sku=Sku(sku, "Tasse \u2615"))),
            *engine.execute(
                ReceiveStock(key="kit-rcv", at=at, sku=sku, location="KIT/A", quantity=5)
            ),
        ]
        command = MarkDamaged(key=key, at=at, sku=sku, location="KIT/A", quantity=2, reason=reason)
        first = engine.execute(command)
        written.extend(first)
        restarted = Engine(self.open_again(store))
        read = list(restarted.events())
        assert len(read) == len(written), f"wrote {len(written)} events, read {len(read)}"
        for wrote, got in zip(written, read, strict=True):
            assert got == wrote, f"the store changed an event: wrote {wrote!r}, read {got!r}"
        assert restarted.execute(command) == first, "a repeated 200-character key must match"
        assert restarted.balance(sku, "KIT/A", Bucket.DAMAGED) == 2, "a non-ASCII SKU lost units"
        head = store.head()
        with pytest.raises(InvalidIdentifierError):
            restarted.execute(MarkDamaged(key="kit-\x00", at=at, sku=sku, location="KIT/A",
                                          quantity=1))  # fmt: skip
        assert store.head() == head, "a refused key must write nothing"
        assert restarted.verify() == [], "verify() must be clean"

    # --- snapshots -----------------------------------------------------------------------

    def _snapshot_store(self) -> SnapshotStore:
        snapshots = self.make_snapshot_store()
        if snapshots is None:
            pytest.skip("no snapshot store: override make_snapshot_store() to check one")
        return snapshots

    def test_snapshot_round_trip(self) -> None:
        """A saved snapshot loads back byte for byte; the highest position wins."""
        snapshots = self._snapshot_store()
        assert snapshots.load() is None, "a new snapshot store must hold nothing"
        snapshots.save(3, b"three")
        assert snapshots.load() == (3, b"three"), "load() must return what save() kept"
        snapshots.save(7, b"\x00seven\xff")
        assert snapshots.load() == (7, b"\x00seven\xff"), "the latest snapshot must win"
        snapshots.save(5, b"five")
        loaded = snapshots.load()
        assert loaded is not None, "load() must keep returning a snapshot"
        assert loaded[0] == 7, "load() must give the snapshot with the highest position"

    def test_engine_starts_from_snapshot(self) -> None:
        """An engine restarted from a snapshot plus the tail equals a full replay."""
        snapshots = self._snapshot_store()
        store = self.make_store()
        engine = Engine(store, snapshots=snapshots)
        engine.execute(DefineLocation(key="kit-loc", at=_T, location="KIT/A"))
        engine.execute(DefineSku(key="kit-sku", at=_T, sku=Sku("KIT-SKU")))
        engine.execute(
            ReceiveStock(key="kit-rcv", at=_T, sku="KIT-SKU", location="KIT/A", quantity=9)
        )
        assert engine.snapshot() == 3, "snapshot() must return the position it was taken at"
        saved = snapshots.load()
        assert saved is not None, "the snapshot store lost the engine's snapshot"
        assert saved[0] == 3, f"the snapshot must be at position 3, is at {saved[0]}"
        tail = MarkDamaged(key="kit-tail", at=_T, sku="KIT-SKU", location="KIT/A", quantity=4)
        engine.execute(tail)
        restarted = Engine(self.open_again(store), snapshots=snapshots)
        assert restarted.position == 4, "start-up must fold the events after the snapshot"
        assert restarted.balance("KIT-SKU", "KIT/A") == 5, "snapshot + tail lost stock"
        assert restarted.execute(tail) == engine.outcome_of("kit-tail"), "keys must survive"
        assert restarted.verify() == [], "verify() must be clean after start-up from snapshot"


def check_event_store(
    make_store: Callable[[], EventStore],
    *,
    open_again: Callable[[EventStore], EventStore] | None = None,
    make_snapshot_store: Callable[[], SnapshotStore | None] | None = None,
) -> list[str]:
    """Run every check of :class:`EventStoreContract` without pytest.

    Returns one line per failed check (``"test_name: what went wrong"``); ``[]`` means
    the store passed. Skipped checks (no snapshot store) are not failures.
    """

    class _Kit(EventStoreContract):
        def make_store(self) -> EventStore:
            return make_store()

        def open_again(self, store: EventStore) -> EventStore:
            return store if open_again is None else open_again(store)

        def make_snapshot_store(self) -> SnapshotStore | None:
            return None if make_snapshot_store is None else make_snapshot_store()

    kit = _Kit()
    failures: list[str] = []
    for name in sorted(vars(EventStoreContract)):
        if not name.startswith("test_"):
            continue
        try:
            getattr(kit, name)()
        except pytest.skip.Exception:
            continue
        # pytest.raises reports with pytest.fail, a BaseException; a store's crash fails too.
        except (Exception, pytest.fail.Exception) as error:
            failures.append(f"{name}: {type(error).__name__}: {error}")
    return failures
