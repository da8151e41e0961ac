"""Concurrency: two engines on one store, optimistic appends, retries, and giving up."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

import invorder
from invorder import ConcurrencyError, Engine, Event, MemoryEventStore
from tests.support.world import at, snapshot, stocked


class CountingStore:
    """A MemoryEventStore that counts appends and can be told to refuse them all."""

    def __init__(self, inner: MemoryEventStore, *, always_conflict: bool = False) -> None:
        self.inner = inner
        self.always_conflict = always_conflict
        self.appends = 0

    def head(self) -> int:
        return self.inner.head()

    def append(self, events: Sequence[Event], *, expected_position: int) -> int:
        self.appends += 1
        if self.always_conflict:
            # Another writer always seems to get there first.
            raise ConcurrencyError(expected_position, self.inner.head() + 1)
        return self.inner.append(events, expected_position=expected_position)

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[Event]:
        return self.inner.read(start, stop)


def damage(key: str, quantity: int) -> invorder.MarkDamaged:
    return invorder.MarkDamaged(
        key=key, at=at(5), sku="MUG", location="EAST/A/01", quantity=quantity
    )


def test_the_second_writer_reloads_and_retries() -> None:
    shared = MemoryEventStore()
    first = stocked(shared)
    store = CountingStore(shared)
    second = Engine(store)
    assert second.position == first.position

    first.execute(damage("a", 3))
    # `second` decides against a stale state, its append conflicts, it reads and retries.
    (event,) = second.execute(damage("b", 4))
    assert store.appends == 2
    assert event.position == first.position
    assert second.position == shared.head()
    assert second.balance("MUG", "EAST/A/01", invorder.Bucket.DAMAGED) == 7
    assert second.verify() == []


def test_a_rejection_decided_on_stale_state_is_decided_again() -> None:
    shared = MemoryEventStore()
    first = stocked(shared)
    second = Engine(shared)
    first.execute(
        invorder.ReceiveStock(key="more", at=at(2), sku="MUG", location="EAST/A/01", quantity=5)
    )
    # 12 > the 10 `second` knows of, but the log holds 15: the command is accepted.
    second.execute(damage("big", 12))
    assert second.balance("MUG", "EAST/A/01") == 3
    assert second.verify() == []
    # The first engine catches up on its next command.
    first.execute(damage("small", 1))
    assert first.balance("MUG", "EAST/A/01") == 2
    assert first.verify() == []
    assert Engine(shared).balances("MUG") == first.balances("MUG")


def test_the_same_key_from_two_engines_gives_one_outcome() -> None:
    shared = MemoryEventStore()
    first = stocked(shared)
    second = Engine(shared)
    outcome = first.execute(damage("once", 2))
    assert second.execute(damage("once", 2)) == outcome
    with pytest.raises(invorder.IdempotencyConflictError):
        second.execute(damage("once", 3))
    assert shared.head() == first.position
    assert second.balance("MUG", "EAST/A/01", invorder.Bucket.DAMAGED) == 2


def test_a_store_that_always_conflicts_gives_up_after_max_attempts() -> None:
    shared = MemoryEventStore()
    stocked(shared)
    store = CountingStore(shared, always_conflict=True)
    engine = Engine(store, max_attempts=3)
    before, head = snapshot(engine), engine.position
    with pytest.raises(ConcurrencyError) as caught:
        engine.execute(damage("d", 1))
    error = caught.value
    assert error.code == "concurrency_conflict"
    # The positions of the last race lost (issue 18, item 9: it used to give those after
    # catching up, "expected 3, found 3").
    assert error.fields == {"expected": head, "actual": head + 1, "attempts": 3}
    assert "after 3 attempt(s); it is safe to retry the command" in str(error)
    assert store.appends == 3
    assert snapshot(engine) == before
    assert engine.verify() == []
    # The store recovers: the same command now goes through.
    store.always_conflict = False
    engine.execute(damage("d", 1))
    assert engine.balance("MUG", "EAST/A/01") == 9


def test_execute_many_lets_concurrency_errors_through() -> None:
    shared = MemoryEventStore()
    stocked(shared)
    engine = Engine(CountingStore(shared, always_conflict=True), max_attempts=1)
    with pytest.raises(ConcurrencyError):
        engine.execute_many([damage("d", 1)])


def test_the_memory_store_refuses_a_stale_append() -> None:
    shared = MemoryEventStore()
    engine = stocked(shared)
    events = list(engine.events())
    with pytest.raises(ConcurrencyError) as caught:
        shared.append(events[:1], expected_position=0)
    assert caught.value.fields == {"expected": 0, "actual": len(events), "attempts": 1}
    assert shared.head() == len(events)


def test_max_attempts_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_attempts must be at least 1"):
        Engine(MemoryEventStore(), max_attempts=0)


class AlwaysOvertaken(MemoryEventStore):
    """Another writer wins every race: each append says the log is one event further on."""

    __slots__ = ()

    def append(self, events: Sequence[Event], *, expected_position: int) -> int:
        raise ConcurrencyError(expected_position, expected_position + 1)


def test_a_batch_that_loses_every_race_reports_the_positions_it_lost_at() -> None:
    engine = Engine(AlwaysOvertaken(), max_attempts=3)
    command = invorder.DefineLocation(key="l", at=at(1), location="EAST/A/01")
    with pytest.raises(ConcurrencyError) as caught:
        engine.execute_batch([command])
    assert caught.value.fields == {"expected": 0, "actual": 1, "attempts": 3}
    assert "expected position 0, found 1) after 3 attempt(s)" in str(caught.value)
