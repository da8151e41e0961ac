"""A snapshot restored and caught up holds what a replay of the log holds, slot by slot,
on generated logs: ledger stories, simulated days of orders, and every event type there is.
"""

from __future__ import annotations

import contextlib
import random

from hypothesis import given, settings
from hypothesis import strategies as st

import invorder
from invorder.engine import Engine
from invorder.engine._snapshot_body import _PLAIN
from invorder.engine._snapshot_shapes import RECORDS
from invorder.simulate.generate import Parameters, generate
from invorder.simulate.run import Simulation
from invorder.testing.strategies import ledger_scenarios
from tests.support.snapshots import (
    assert_restores,
    fixture_events,
    saved,
    snapshot_of,
    store_of,
)


def test_every_projection_has_an_export_import_pair() -> None:
    assert {*_PLAIN, "ledger"} == set(invorder.domain.model.PROJECTIONS)
    assert len(set(RECORDS)) == len(RECORDS)


def test_a_snapshot_of_every_prefix_of_a_log_with_every_event_type_restores() -> None:
    # Every prefix: open and lapsing reservations, pre-orders, backorders and transfers are
    # each in some state at some position (the end state has closed most of them).
    store = store_of(fixture_events())
    for at in range(store.head() + 1):
        assert_restores(store, at)


@given(ledger_scenarios(max_commands=30), st.data())
def test_a_snapshot_of_a_ledger_story_restores(
    story: list[invorder.Command], data: st.DataObject
) -> None:
    engine = Engine(invorder.MemoryEventStore())
    for command in story:
        with contextlib.suppress(invorder.InvorderError):
            engine.execute(command)
    store = engine._replica.store
    assert_restores(store, data.draw(st.integers(0, store.head()), label="snapshot at"))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), share=st.floats(0, 1), size=st.integers(5, 30))
def test_a_snapshot_of_a_simulated_day_restores(seed: int, share: float, size: int) -> None:
    params = Parameters(skus=size // 2 + 2, warehouses=2, orders=size, purchase_orders=2,
                        cancel_percent=20, return_percent=20)  # fmt: skip
    simulation = Simulation(generate(params, random.Random(seed)), "nearest").advance()
    store = simulation.engine._replica.store
    restored = assert_restores(store, int(store.head() * share))
    assert restored.verify() == []


def test_a_snapshot_written_again_from_a_restored_engine_is_the_same_bytes() -> None:
    store = store_of(fixture_events())
    replayed = snapshot_of(store, store.head())
    restored = Engine(store, snapshots=replayed)
    assert restored.startup.snapshot == store.head()
    again = invorder.MemorySnapshotStore()
    restored._replica.snapshots = again
    restored.snapshot()
    assert saved(again) == saved(replayed)
