"""The engine's store interaction: start-up from snapshots, verify(), batches, conflicts."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

import invorder
from invorder.adapters.memory import MemoryEventStore, MemorySnapshotStore
from invorder.domain.messages import Event
from invorder.engine import Engine, Rejected
from invorder.errors import SnapshotWarning
from invorder.records import StartupReport

T = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def damage(key: str, quantity: int = 1) -> invorder.MarkDamaged:
    return invorder.MarkDamaged(key=key, at=T, sku="MUG", location="EAST/A", quantity=quantity)


def receive(key: str, quantity: int) -> invorder.ReceiveStock:
    return invorder.ReceiveStock(key=key, at=T, sku="MUG", location="EAST/A", quantity=quantity)


def stocked(store: invorder.EventStore, units: int = 10, **kwargs: object) -> Engine:
    engine = Engine(store, **kwargs)  # type: ignore[arg-type]  # keyword pass-through
    engine.execute(invorder.DefineLocation(key="loc", at=T, location="EAST/A"))
    engine.execute(invorder.DefineSku(key="sku", at=T, sku=invorder.Sku("MUG")))
    engine.execute(receive("rcv", units))
    return engine


class CountingStore(MemoryEventStore):
    """Remembers where each read started."""

    __slots__ = ("starts",)

    def __init__(self) -> None:
        super().__init__()
        self.starts: list[int] = []

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[Event]:
        self.starts.append(start)
        return super().read(start, stop)


class AlwaysConflicts(MemoryEventStore):
    """Every append loses a race."""

    __slots__ = ()

    def append(self, events: Sequence[Event], *, expected_position: int) -> int:
        if expected_position == 0:  # the seed log, given to the constructor
            return super().append(events, expected_position=0)
        raise invorder.ConcurrencyError(expected_position, expected_position + 1)


# --- start-up and snapshots --------------------------------------------------------------


def test_start_up_from_a_snapshot_reads_only_the_tail() -> None:
    store, snapshots = CountingStore(), MemorySnapshotStore()
    engine = stocked(store, snapshots=snapshots)
    engine.execute(damage("d1"))
    assert engine.snapshot() == 4
    engine.execute(damage("d2", 2))
    store.starts.clear()
    restarted = Engine(store, snapshots=snapshots)
    assert min(store.starts) == 3  # the last event before the snapshot, to check it fits
    assert restarted.startup == StartupReport(snapshot=4, replayed=1, chain="kept")
    assert restarted.position == 5
    assert restarted.balance("MUG", "EAST/A") == 7
    assert restarted.balance("MUG", "EAST/A", invorder.Bucket.DAMAGED) == 3
    assert restarted.execute(damage("d1")) == engine.outcome_of("d1")
    assert restarted.verify() == []


def test_a_snapshot_holds_projections_and_the_engine_installs_its_policies_again() -> None:
    # Allocation policies are host code (here a lambda): they are never in a snapshot, and
    # every State the engine builds or restores gets them.
    def priority(order: invorder.records.Order) -> int:
        return 0

    store, snapshots = MemoryEventStore(), MemorySnapshotStore()
    engine = stocked(store, snapshots=snapshots, backorder_priority=lambda order: 1)
    engine.snapshot()
    restarted = Engine(store, snapshots=snapshots, backorder_priority=priority)
    assert restarted.position == engine.position
    assert restarted._state.priority is priority
    assert restarted.verify() == []
    plain = Engine(store, snapshots=snapshots)
    assert plain._state.priority is not priority
    assert plain.verify() == []


@pytest.mark.parametrize(
    ("snapshot", "reason"),
    [
        ((99, b"from a longer log"), "it was taken at position 99 but the log holds 3 events"),
        ((3, b"not a snapshot"), "it is not an invorder-snapshot header"),
        ((0, b""), "it is not an invorder-snapshot header"),
    ],
)
def test_a_snapshot_that_does_not_fit_is_ignored(snapshot: tuple[int, bytes], reason: str) -> None:
    store = MemoryEventStore()
    stocked(store)
    snapshots = MemorySnapshotStore()
    snapshots.save(*snapshot)
    with pytest.warns(SnapshotWarning, match=reason):
        engine = Engine(store, snapshots=snapshots)
    assert engine.startup == StartupReport(refused=reason, replayed=3, chain="kept")
    assert engine.position == 3
    assert engine.balance("MUG", "EAST/A") == 10
    assert engine.verify() == []


def test_a_snapshot_of_another_log_is_ignored() -> None:
    other, snapshots = MemoryEventStore(), MemorySnapshotStore()
    other_engine = stocked(other, units=99, snapshots=snapshots)
    other_engine.snapshot()
    store = MemoryEventStore()
    engine = Engine(store)
    engine.execute(invorder.DefineLocation(key="x-loc", at=T, location="WEST/B"))
    engine.execute(invorder.DefineSku(key="x-sku", at=T, sku=invorder.Sku("CUP")))
    engine.execute(
        invorder.ReceiveStock(key="x-rcv", at=T, sku="CUP", location="WEST/B", quantity=1)
    )
    with pytest.warns(SnapshotWarning, match="of another log"):
        restarted = Engine(store, snapshots=snapshots)  # same position 3, other last key
    assert restarted.startup.snapshot is None
    assert restarted.balance("MUG", "EAST/A") == 0
    assert restarted.balance("CUP", "WEST/B") == 1
    assert restarted.verify() == []


def test_snapshot_without_a_snapshot_store_is_refused() -> None:
    engine = stocked(MemoryEventStore())
    with pytest.raises(ValueError, match="no snapshot store"):
        engine.snapshot()
    assert engine.position == 3


# --- verify ---------------------------------------------------------------------------


def test_verify_reports_a_drifted_projection() -> None:
    store = MemoryEventStore()
    engine = stocked(store)
    extra = Engine(MemoryEventStore(list(store.read()))).execute(damage("ghost"))
    engine._state.apply(extra[0])  # drift: folded, never stored
    problems = engine.verify()
    assert problems[0].startswith("ledger: balances of 'MUG' differ")
    assert "ledger: movement history of 'MUG' differs" in problems


class Gappy(MemoryEventStore):
    """Reads position 1 where position 2 should be."""

    __slots__ = ()

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[Event]:
        events = list(super().read(start, stop))
        return iter(e for e in events if e.position != 2)


def test_verify_reports_a_gap_in_the_log() -> None:
    store = Gappy()
    engine = stocked(store)
    problems = engine.verify()
    assert "engine folded 3 events, the store gave back 2" in problems


class AppendedWhileRead(MemoryEventStore):
    """While a read is under way, another writer appends (as another process would)."""

    __slots__ = ("writer",)
    writer: Callable[[], object] | None

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[Event]:
        for n, event in enumerate(list(super().read(start, stop))):
            if n == 1 and self.writer is not None:
                writer, self.writer = self.writer, None
                writer()
            yield event


def test_verify_beside_a_writer_reports_nothing_false() -> None:
    # Issue 18, item 7: verify() read to an unbounded end, then asked for the head, and
    # reported "the store says its head is 595 but 591 events were read" while others wrote.
    store = AppendedWhileRead()
    store.writer = None
    engine = stocked(store)
    other = Engine(store)
    store.writer = lambda: other.execute(damage("meanwhile"))
    head = store.head()
    assert engine.verify() == []
    assert store.head() == head + 1  # the other writer did append during the read
    assert Engine(store).verify() == []


# --- batches ---------------------------------------------------------------------------


commands = st.lists(
    st.one_of(
        st.builds(damage, st.sampled_from([f"k{i}" for i in range(12)]), st.integers(1, 6)),
        st.builds(receive, st.sampled_from([f"r{i}" for i in range(4)]), st.integers(1, 6)),
    ),
    max_size=30,
)


@given(commands)
def test_a_batch_gives_what_one_by_one_gives(batch: list[invorder.Command]) -> None:
    one_store, batch_store = MemoryEventStore(), MemoryEventStore()
    one, batched = stocked(one_store, units=8), stocked(batch_store, units=8)
    head = batch_store.head()
    expected = one.execute_many(batch)
    got = batched.execute_batch(batch)
    assert got == expected
    assert list(batch_store.read()) == list(one_store.read())
    assert batched.verify() == []
    if any(isinstance(r, tuple) for r in got):
        assert batch_store.head() > head


def test_a_batch_repeating_a_key_answers_from_the_batch() -> None:
    store = MemoryEventStore()
    engine = stocked(store)
    results = engine.execute_batch([damage("a"), damage("a"), damage("a", 2)])
    assert results[0] == results[1]
    assert isinstance(results[2], Rejected)
    assert isinstance(results[2].error, invorder.IdempotencyConflictError)
    assert results[2].error.fields["field"] == "quantity"
    assert store.head() == 4


def test_a_stale_batch_is_decided_again_after_the_other_writer() -> None:
    store = MemoryEventStore()
    first = stocked(store, units=3)
    second = Engine(store)
    first.execute(damage("first", 2))
    results = second.execute_batch([damage("s1"), damage("s2")])
    assert isinstance(results[0], tuple)
    assert isinstance(results[1], Rejected)
    assert isinstance(results[1].error, invorder.errors.InsufficientStockError)
    assert second.retries == 1
    assert second.verify() == []
    assert store.head() == 6  # s1's events and s2's rejection record


def test_a_batch_that_keeps_losing_raises_and_changes_nothing() -> None:
    seeded = MemoryEventStore()
    stocked(seeded)
    store = AlwaysConflicts(list(seeded.read()))
    engine = Engine(store, max_attempts=3)
    with pytest.raises(invorder.ConcurrencyError) as caught:
        engine.execute_batch([damage("a"), damage("b")])
    assert caught.value.fields["attempts"] == 3
    assert engine.position == 3
    assert engine.balance("MUG", "EAST/A") == 10
    assert engine.outcome_of("a") == ()
    assert engine.verify() == []


def test_a_batch_that_crashes_half_way_leaves_no_trace() -> None:
    store = MemoryEventStore()
    engine = stocked(store)
    with pytest.raises(TypeError, match="not a command invorder knows"):
        engine.execute_batch([damage("a"), invorder.Command(key="odd", at=T)])
    assert engine.position == 3
    assert engine.balance("MUG", "EAST/A") == 10
    assert engine.execute(damage("a", 3))[0].position == 3
    assert engine.verify() == []


def test_execute_counts_its_retries() -> None:
    store = MemoryEventStore()
    first = stocked(store)
    second = Engine(store)
    first.execute(damage("x"))
    second.execute(damage("y"))
    assert second.retries == 1
    assert (first.retries, second.position) == (0, 5)


def test_a_rejected_only_batch_rechecks_against_the_other_writer() -> None:
    store = MemoryEventStore()
    first = stocked(store, units=1)
    second = Engine(store)
    first.execute(receive("more", 5))
    results = second.execute_batch([damage("big", 4)])  # stale: 1 unit; fresh: 6 units
    assert isinstance(results[0], tuple)
    assert second.retries == 1
    assert second.balance("MUG", "EAST/A") == 2
    assert second.execute_batch([]) == []
    assert second.verify() == []


def test_outcome_of_reads_every_event_of_a_long_outcome() -> None:
    # One command may write any number of events (an arrival that fills many backorders);
    # the repeat must answer all of them, past any read chunk.
    command = invorder.PostEntry(
        key="long", at=T,
        movements=[invorder.Movement(sku="MUG", quantity=1, source=invorder.Account("@supplier"),
                                     destination=invorder.Account("EAST/A"))],
    )  # fmt: skip
    store = MemoryEventStore()
    Engine(store).execute(invorder.DefineLocation(key="loc", at=T, location="EAST/A"))
    events = [
        invorder.events.StockPosted(
            position=n, command=command, operation=invorder.events.Operation.POST,
            movements=command.movements,
        )
        for n in range(1, 601)
    ]  # fmt: skip
    store.append(events, expected_position=1)
    engine = Engine(store)
    engine.execute(invorder.DefineSku(key="after", at=T, sku=invorder.Sku("MUG")))
    outcome = engine.outcome_of("long")
    assert len(outcome) == 600
    assert [e.position for e in outcome] == list(range(1, 601))
    assert engine.outcome_of("after")[0].position == 601
    assert engine.execute(command) == outcome
