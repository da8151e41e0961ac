"""A batch that loses its race: undone from spare copies of the projections it changed and
decided again after reading only the tail (issue 18, item 9), never a half-loaded engine."""

from __future__ import annotations

import contextlib
import pickle
import random
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest

import invorder
from invorder import ConcurrencyError, Engine, Event, MemoryEventStore
from invorder import simulate as sim
from invorder.adapters.sql import SqlEventStore
from invorder.domain.model import PROJECTIONS, State
from invorder.domain.rejection import CommandRejected
from invorder.engine._spares import FRESH_EVENTS, Spares, duplicate
from tests.support.world import at, stocked


class RacingStore:
    """A store shared with another writer, who appends first whenever ``before_append`` says
    so; it records where each read starts."""

    def __init__(self, inner: invorder.EventStore) -> None:
        self.inner = inner
        self.before_append: Callable[[], None] | None = None
        self.reads: list[int] = []
        self.fail_reads_from: int | None = None

    def head(self) -> int:
        return self.inner.head()

    def append(self, events: Sequence[Event], *, expected_position: int) -> int:
        if self.before_append is not None:
            self.before_append()
        return self.inner.append(events, expected_position=expected_position)

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[Event]:
        self.reads.append(start)
        for event in self.inner.read(start, stop):
            if self.fail_reads_from is not None and event.position >= self.fail_reads_from:
                raise invorder.errors.StoreUnavailableError("read events", "the disk went away")
            yield event


def day_commands(orders: int = 60, seed: int = 3) -> list[invorder.Command]:
    """The commands of a small generated day, each once, in log order: captures that
    allocate (several events each), receipts that fill backorders, cancels, shipments."""
    params = attrs.evolve(sim.SIZES["small"], skus=12, warehouses=2, orders=orders,
                          purchase_orders=4)  # fmt: skip
    run = sim.Simulation(sim.generate(params, random.Random(seed), name="race"), "first_fit")
    run.advance()
    commands: dict[str, invorder.Command] = {}
    for event in run.engine.events():
        commands.setdefault(event.key, event.command)
    return list(commands.values())


def same_as_fresh(engine: Engine, store: invorder.EventStore) -> None:
    """``engine`` holds exactly what a fresh engine on ``store`` loads."""
    fresh = Engine(store)
    assert engine.position == fresh.position == store.head()
    assert engine._state.differences(fresh._state) == []
    assert dict(engine._replica.keys.items()) == dict(fresh._replica.keys.items())


def race_through(store: RacingStore, plain: invorder.EventStore, seed: int) -> tuple[Engine, int]:
    """Run a day's commands in batches on an engine over ``store`` while another engine on
    ``plain`` (the same log) runs some of them just before a batch's append."""
    commands = day_commands()
    rng = random.Random(seed)
    batcher, other = Engine(store, max_attempts=50), Engine(plain)
    cut = len(commands) // 2
    mine, theirs = commands[:cut], iter(commands[cut:])

    def overtake() -> None:
        if rng.random() < 0.5:
            command = next(theirs, None)
            # A refusal is kept in the log as a rejection record all the same.
            with contextlib.suppress(invorder.InvorderError):
                if command is not None:
                    other.execute(command)

    store.before_append = overtake
    lost = 0
    for start in range(0, len(mine), 7):
        store.reads.clear()
        before = batcher.retries
        position = batcher.position
        batcher.execute_batch(mine[start : start + 7])
        if batcher.retries > before:
            lost += batcher.retries - before
            # Only the tail was read after the lost race, never the log from its start.
            assert store.reads
            assert min(store.reads) >= position
        same_as_fresh(batcher, plain)
    return batcher, lost


@pytest.mark.parametrize("seed", [1, 2])
def test_after_lost_races_the_state_is_a_fresh_engines_memory(seed: int) -> None:
    plain = MemoryEventStore()
    batcher, lost = race_through(RacingStore(plain), plain, seed)
    assert lost > 3
    # The batches held commands of several events, and refused ones.
    sizes = Counter(event.key for event in plain.read())
    assert max(sizes.values()) > 2
    assert any(isinstance(event, CommandRejected) for event in plain.read())
    assert batcher.verify() == []


def test_after_lost_races_the_state_is_a_fresh_engines_sqlite(tmp_path: Path) -> None:
    plain = SqlEventStore(f"sqlite:///{tmp_path / 'race.db'}")
    batcher, lost = race_through(RacingStore(plain), plain, 5)
    assert lost > 3
    assert batcher.verify() == []


def test_a_batch_with_a_refusal_is_undone_and_decided_again() -> None:
    plain = MemoryEventStore()
    store = RacingStore(plain)
    engine = stocked(plain)
    batcher = Engine(store)
    other = Engine(plain)
    batch: list[invorder.Command] = [
        invorder.ReserveStock(key="r1", at=at(2), reservation="R1", sku="MUG",
                              location="EAST/A/01", quantity=4, reference="o1"),
        invorder.MarkDamaged(key="d1", at=at(2), sku="MUG", location="EAST/A/01", quantity=9),
        invorder.MoveStock(key="m1", at=at(2), sku="TEE", source="EAST/A/01",
                           destination="EAST/A/02", quantity=2),
    ]  # fmt: skip
    first = [True]

    def overtake() -> None:
        if first[0]:
            first[0] = False
            other.execute(invorder.MarkDamaged(key="o", at=at(2), sku="MUG",
                                               location="EAST/A/01", quantity=5))  # fmt: skip

    store.before_append = overtake
    results = batcher.execute_batch(batch)
    assert batcher.retries == 1
    # Decided again on the log with the other writer's damage: 10 - 5 = 5 MUG, 4 reserved,
    # 9 damaged refused (1 left), the move accepted.
    assert isinstance(results[1], invorder.Rejected)
    assert isinstance(results[1].error, invorder.errors.InsufficientStockError)
    assert batcher.balance("MUG", "EAST/A/01") == 1
    assert batcher.balance("TEE", "EAST/A/02") == 2
    assert engine.position < plain.head()
    same_as_fresh(batcher, plain)
    assert batcher.verify() == []


def test_a_lost_race_message_gives_the_positions_it_was_lost_at(tmp_path: Path) -> None:
    plain = SqlEventStore(f"sqlite:///{tmp_path / 'race.db'}")
    store = RacingStore(plain)
    stocked(plain)
    batcher = Engine(store, max_attempts=2)
    other = Engine(plain)
    keys = iter(range(100))

    def overtake() -> None:  # another writer wins every race, two events ahead each time
        for _ in range(2):
            other.execute(invorder.ReceiveStock(key=f"o{next(keys)}", at=at(3), sku="MUG",
                                                location="EAST/A/01", quantity=1))  # fmt: skip

    store.before_append = overtake
    head = plain.head()
    with pytest.raises(ConcurrencyError) as caught:
        batcher.execute_batch([invorder.MarkDamaged(key="d", at=at(4), sku="MUG",
                                                    location="EAST/A/01", quantity=1)])  # fmt: skip
    # The second race: decided at head + 2 (after the first overtaking), lost to 2 more.
    assert caught.value.fields == {"expected": head + 2, "actual": head + 4, "attempts": 2}
    assert f"(expected position {head + 2}, found {head + 4}) after 2 attempt(s)" in str(
        caught.value
    )
    store.before_append = None
    same_as_fresh(batcher, plain)


def test_a_store_error_in_the_append_undoes_the_batch() -> None:
    plain = MemoryEventStore()
    stocked(plain)
    store = RacingStore(plain)
    batcher = Engine(store)

    def unavailable() -> None:
        raise invorder.errors.StoreUnavailableError("append events", "locked")

    store.before_append = unavailable
    with pytest.raises(invorder.errors.StoreUnavailableError):
        batcher.execute_batch([invorder.MarkDamaged(key="d", at=at(4), sku="MUG",
                                                    location="EAST/A/01", quantity=3)])  # fmt: skip
    assert batcher.balance("MUG", "EAST/A/01") == 10
    same_as_fresh(batcher, plain)


# --- a reload that fails midway ----------------------------------------------------------


def test_a_reload_that_fails_midway_keeps_the_last_consistent_state() -> None:
    plain = MemoryEventStore()
    store = RacingStore(plain)
    engine = stocked(plain)
    batcher = Engine(store)
    engine.execute(invorder.MarkDamaged(key="d", at=at(3), sku="MUG", location="EAST/A/01",
                                        quantity=2))  # fmt: skip
    engine.execute(invorder.MarkDamaged(key="e", at=at(3), sku="MUG", location="EAST/A/01",
                                        quantity=1))  # fmt: skip
    before = (batcher.position, batcher.balances("MUG"), batcher.startup)
    store.fail_reads_from = plain.head() - 1  # the store goes away in the middle of the log
    with pytest.raises(invorder.errors.StoreUnavailableError):
        batcher.reload()
    # Not half loaded: the engine answers as it did before, every projection in step.
    assert (batcher.position, batcher.balances("MUG"), batcher.startup) == before
    assert batcher.balance("MUG", "EAST/A/01") == 10
    store.fail_reads_from = None
    assert batcher.verify() == []  # catches up first
    assert batcher.balance("MUG", "EAST/A/01") == 7
    batcher.reload()
    same_as_fresh(batcher, plain)


def test_a_tail_read_that_fails_after_a_lost_race_leaves_a_prefix_of_the_log() -> None:
    plain = MemoryEventStore()
    store = RacingStore(plain)
    stocked(plain)
    batcher = Engine(store)
    other = Engine(plain)

    def overtake() -> None:
        store.before_append = None
        for n in range(3):
            other.execute(invorder.ReceiveStock(key=f"o{n}", at=at(3), sku="MUG",
                                                location="EAST/A/01", quantity=1))  # fmt: skip
        store.fail_reads_from = plain.head() - 1

    store.before_append = overtake
    with pytest.raises(invorder.errors.StoreUnavailableError):
        batcher.execute_batch([invorder.MarkDamaged(key="d", at=at(4), sku="MUG",
                                                    location="EAST/A/01", quantity=1)])  # fmt: skip
    # Undone, then two of the three events read: the state of the log's first events.
    assert batcher.position == plain.head() - 1
    assert batcher.balance("MUG", "EAST/A/01") == 12
    assert (
        batcher._state.differences(
            Engine(MemoryEventStore(list(plain.read(0, batcher.position))))._state
        )
        == []
    )
    store.fail_reads_from = None
    batcher.execute_batch([invorder.MarkDamaged(key="d", at=at(4), sku="MUG",
                                                location="EAST/A/01", quantity=1)])  # fmt: skip
    same_as_fresh(batcher, plain)


# --- the spare copies --------------------------------------------------------------------


def test_a_spare_copy_shares_frozen_records_and_copies_the_rest() -> None:
    engine = Engine(MemoryEventStore())
    engine.execute_batch(day_commands(40, seed=1))
    state = engine._state
    for name in PROJECTIONS:
        original = getattr(state, name)
        copy, _ = duplicate(original)
        assert copy is not original
        # The same contents, down to every index and record (pickle walks them all).
        assert pickle.dumps(copy) == pickle.dumps(original), name
    orders, items = duplicate(state.orders)
    assert items > 0
    assert next(iter(orders)) is next(iter(state.orders))  # a frozen Order is shared


def test_a_container_of_another_kind_is_copied_whole() -> None:
    value: dict[str, Any] = {"counts": Counter(a=1), "queue": deque([1, 2]), "marks": [{"x": 1}]}
    copy, _ = duplicate(value)
    assert copy == value
    assert copy["counts"] is not value["counts"]
    assert copy["queue"] is not value["queue"]
    assert copy["marks"][0] is not value["marks"][0]


def test_folding_into_the_live_state_leaves_a_spare_as_it_was() -> None:
    commands = day_commands(40, seed=9)
    store = MemoryEventStore()
    engine = Engine(store)
    half = len(commands) // 2
    engine.execute_batch(commands[:half])
    at_half = Engine(MemoryEventStore(list(store.read())))._state
    spares = Spares()
    for name in PROJECTIONS:
        spares.keep(engine._state, name)
    engine.execute_batch(commands[half:])  # folds into the live projections only
    assert engine._state.differences(at_half) != []
    kept = State()
    for name, (_, copy, _) in spares.copies.items():
        setattr(kept, name, copy)
    assert kept.differences(at_half) == []


def test_the_events_kept_for_the_spares_stay_bounded_while_no_batch_runs() -> None:
    engine = stocked()
    spares = Spares()
    spares.keep(engine._state, "ledger")
    (event,) = engine.execute(invorder.MarkDamaged(key="d", at=at(3), sku="MUG",
                                                   location="EAST/A/01", quantity=1))  # fmt: skip
    for _ in range(2 * FRESH_EVENTS):
        spares.record([event])
    assert len(spares.since) == 2 * FRESH_EVENTS
    spares.record([event])  # past twice what a copy may lag: it would be taken again
    assert spares.copies == {}
    assert spares.since == []
