"""The port contract kit: checks any :class:`~invorder.ports.EventStore` (and snapshot store).

Subclass :class:`EventStoreContract` in a test module, name the subclass ``Test...`` and
override :meth:`~EventStoreContract.make_store`; pytest then runs every check against your
adapter. :func:`check_event_store` runs the same checks without pytest and lists failures.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

import attrs
import pytest

from invorder.domain.errors import (
    ConcurrencyError,
)
from invorder.domain.messages import Event
from invorder.domain.stock.commands import DefineLocation
from invorder.domain.stock.events import LocationDefined
from invorder.ports import EventStore, SnapshotStore
from invorder.testing._chain_checks import ChainChecks

_T = datetime(2026, 1, 1, tzinfo=UTC)


def sample_event(position: int, tag: str = "e") -> LocationDefined:
    """A small real event at ``position`` (defines location ``KIT/<tag><position>``)."""
    command = DefineLocation(key=f"kit-{tag}-{position}", at=_T, location=f"KIT/{tag}{position}")
    return LocationDefined(position=position, command=command)


def unwritable(event: LocationDefined) -> LocationDefined:
    """``event`` with a name no store can encode (a set where the codec expects text): the
    kit's way to make a write fail in the middle of a batch."""
    command = attrs.evolve(event.command)
    object.__setattr__(command, "name", {"not", "text"})  # past the validators, on purpose
    return attrs.evolve(event, command=command)


def _batch(start: int, count: int, tag: str = "e") -> list[Event]:
    return [sample_event(start + i, tag) for i in range(count)]


def _keys(store: EventStore, start: int = 0, stop: int | None = None) -> list[str]:
    return [event.key for event in store.read(start, stop)]


class EventStoreContract(ChainChecks):
    """Every behaviour the engine relies on from a store, one test method each.

    Override :meth:`make_store` (a new, empty log each call). Override
    :meth:`open_again` if your store has connections: it must return another handle on the
    same log (as a second process would open it). Override :meth:`make_snapshot_store` to
    check a snapshot store too (the snapshot checks skip otherwise). The hash-chain checks
    run when the store has ``chain_at`` (and ``read_chained``), else skip. Failures are plain
    ``AssertionError``\\ s whose message says what the store did wrong.
    """

    LONG_LOG: int = 12_000
    """Events in :meth:`test_a_log_of_several_pages` (the SQL store reads 5,000 at a time)."""

    RACE_SECONDS: float = 30.0
    """How long :meth:`test_two_writers_race` waits for every writer to win its rounds."""

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

    def test_a_log_of_several_pages(self) -> None:
        """A log longer than any page a store reads at a time (:attr:`LONG_LOG` events,
        appended in batches) is read whole, with and without ``stop``, from any start."""
        store = self.make_store()
        total = self.LONG_LOG
        for start in range(0, total, 1000):
            store.append(_batch(start, min(1000, total - start)), expected_position=start)
        assert store.head() == total, f"head must be {total}, is {store.head()}"
        positions = [e.position for e in store.read()]
        assert positions == list(range(total)), f"read() gave {len(positions)} of {total}"
        tail = [e.position for e in store.read(total - 1500)]
        assert tail == list(range(total - 1500, total)), "read(start) lost part of the tail"
        middle = [e.position for e in store.read(100, total - 100)]
        assert middle == list(range(100, total - 100)), "read(start, stop) lost events"

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

    def test_last_head_if_offered(self) -> None:
        """A store that keeps its head (``last_head``, :class:`~invorder.ports.KeepsHead`)
        reports ``None`` before any append, then the head of the last append acknowledged
        (and, if it keeps the chain, the hash there); a refused append leaves it as it was."""
        store = self.make_store()
        last_head = getattr(store, "last_head", None)
        if last_head is None:
            pytest.skip("the store has no last_head: a log cut short is not detected")
        chain_at = getattr(store, "chain_at", None)
        assert last_head() is None, f"a new store's last_head() must be None, is {last_head()}"
        for start, count in ((0, 3), (3, 2)):
            store.append(_batch(start, count), expected_position=start)
            head, chain = last_head()
            assert head == start + count, f"last_head() must be {start + count}, is {head}"
            if chain_at is not None:
                kept = chain_at(head)
                assert chain == kept, f"last_head()'s hash {chain!r} is not chain_at({head})"
        with pytest.raises(ConcurrencyError):
            store.append(_batch(3, 4, "x"), expected_position=3)
        assert last_head()[0] == 5, f"a refused append moved last_head() to {last_head()}"

    def test_stale_expected_position_conflicts(self) -> None:
        """An append whose expected position is behind the head fails and writes nothing."""
        store = self.make_store()
        store.append(_batch(0, 2), expected_position=0)
        with pytest.raises(ConcurrencyError):
            store.append(_batch(1, 2, "late"), expected_position=1)
        assert store.head() == 2, "a refused append must not move the head"
        assert _keys(store) == ["kit-e-0", "kit-e-1"], "a refused append must write nothing"

    def test_an_empty_batch_at_a_stale_position_conflicts(self) -> None:
        """An empty append checks the position too: a stale engine's "nothing to write" must
        not be acknowledged on old state."""
        store = self.make_store()
        assert store.append([], expected_position=0) == 0, "an empty append at the head is 0"
        store.append(_batch(0, 2), expected_position=0)
        with pytest.raises(ConcurrencyError):
            store.append([], expected_position=1)
        assert store.head() == 2, "a refused empty append must not move the head"

    def test_a_stale_append_of_stored_keys_conflicts(self) -> None:
        """An append at a stale position conflicts even when its keys are already stored
        (a store must decide by position, never by key: a stale engine would otherwise act
        on events that were never stored)."""
        store = self.make_store()
        first = _batch(0, 3)
        store.append(first, expected_position=0)
        # A stale writer's event for position 2, with the key already stored there.
        other = DefineLocation(key=first[2].key, at=_T, location="KIT/other")
        stale = [LocationDefined(position=2, command=other)]
        with pytest.raises(ConcurrencyError):
            store.append(stale, expected_position=2)
        assert list(store.read()) == first, "a refused append must write nothing"

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

    def test_a_batch_failing_midway_is_stored_whole_or_not_at_all(self) -> None:
        """A batch whose third event cannot be written (it cannot be encoded: a failure in
        the middle of the write) leaves the log as it was, or, for a store that keeps events
        as they are, is stored whole: never its first events alone."""
        store = self.make_store()
        store.append(_batch(0, 2), expected_position=0)
        batch = _batch(2, 5, "m")
        batch[2] = unwritable(sample_event(4, "m"))
        try:
            store.append(batch, expected_position=2)
        except Exception:  # the store refused it: nothing of it may be kept
            head, keys = store.head(), _keys(store)
            assert head == 2, f"a batch that failed midway moved the head to {head}"
            assert keys == ["kit-e-0", "kit-e-1"], (
                f"a batch that failed midway left {keys[2:]} behind: write it in one transaction"
            )
            return
        assert store.head() == 7, "a batch the store accepted must be stored whole"
        assert [e.position for e in store.read()] == list(range(7)), "every event read back"

    def test_two_writers_race(self) -> None:
        """Writers on separate handles racing for the next position: one wins each round.

        Bounded: a store on which some writer can never win (one that caches its head)
        fails after :attr:`RACE_SECONDS` instead of hanging the test run.
        """
        store = self.make_store()
        writers, rounds = 4, 15
        handles = [self.open_again(store) for _ in range(writers)]
        wins = [0] * writers
        errors: list[BaseException] = []
        start = threading.Barrier(writers)
        deadline = time.monotonic() + self.RACE_SECONDS

        def write(index: int) -> None:
            handle = handles[index]
            try:
                start.wait(timeout=self.RACE_SECONDS)
                while wins[index] < rounds:
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"writer {index} won {wins[index]} of {rounds} "
                                           f"rounds in {self.RACE_SECONDS} s")  # fmt: skip
                    head = handle.head()
                    event = sample_event(head, f"w{index}-{wins[index]}-")
                    try:
                        handle.append([event], expected_position=head)
                    except ConcurrencyError:
                        continue
                    wins[index] += 1
            except BaseException as error:  # reported below, in the test's thread
                errors.append(error)

        threads = [threading.Thread(target=write, args=(i,), daemon=True)
                   for i in range(writers)]  # fmt: skip
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()) + 5)
        stuck = sum(thread.is_alive() for thread in threads)
        assert not stuck, f"{stuck} writer(s) still blocked in the store after the race's limit"
        assert not errors, f"a writer failed: {errors[0]!r}"
        events = list(store.read())
        assert [e.position for e in events] == list(range(writers * rounds)), (
            "racing writers must leave a gap-free log with every accepted event once"
        )
        keys = [e.key for e in events]
        assert len(set(keys)) == len(keys), "an accepted event was stored twice"
        assert store.head() == writers * rounds, "the head must count every accepted event"


def check_event_store(
    make_store: Callable[[], EventStore],
    *,
    open_again: Callable[[EventStore], EventStore] | None = None,
    make_snapshot_store: Callable[[], SnapshotStore | None] | None = None,
    race_seconds: float = EventStoreContract.RACE_SECONDS,
) -> list[str]:
    """Run every check of :class:`EventStoreContract` without pytest.

    Returns one line per failed check (``"test_name: what went wrong"``); ``[]`` means
    the store passed. ``race_seconds`` bounds the writers' race (a store that never lets a
    writer win fails after it). Skipped checks (no snapshot store) are not failures.
    """

    class _Kit(EventStoreContract):
        RACE_SECONDS = race_seconds

        def make_store(self) -> EventStore:
            return make_store()

        def open_again(self, store: EventStore) -> EventStore:
            return store if open_again is None else open_again(store)

        def make_snapshot_store(self) -> SnapshotStore | None:
            return None if make_snapshot_store is None else make_snapshot_store()

    kit = _Kit()
    failures: list[str] = []
    for name in sorted(dir(EventStoreContract)):
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
