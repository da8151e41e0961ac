"""A simulation's bulk work raises the collector's young threshold for its duration only,
and moves what it keeps out of the collector's reach until it ends; the engine never
touches either."""

from __future__ import annotations

import gc
import random
from collections.abc import Iterator

import pytest

import invorder as iv
from invorder import simulate as sim
from invorder.simulate import run as run_module
from invorder.simulate.collector import (
    BULK_YOUNG_THRESHOLD,
    fewer_collections,
    kept_out_of_reach,
)
from tests.support.world import T0


@pytest.fixture(autouse=True)
def _thresholds() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield before
    gc.set_threshold(*before)


def test_the_threshold_is_raised_inside_and_restored_after() -> None:
    with fewer_collections():
        assert gc.get_threshold() == (BULK_YOUNG_THRESHOLD, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_an_error_inside_still_restores() -> None:
    with pytest.raises(RuntimeError, match="boom"), fewer_collections():
        raise RuntimeError("boom")
    assert gc.get_threshold() == (700, 10, 10)


def test_nested_blocks_leave_the_outer_setting_alone() -> None:
    with fewer_collections():
        with fewer_collections():
            assert gc.get_threshold()[0] == BULK_YOUNG_THRESHOLD
        assert gc.get_threshold()[0] == BULK_YOUNG_THRESHOLD
    assert gc.get_threshold() == (700, 10, 10)


def test_a_host_threshold_already_higher_is_kept() -> None:
    gc.set_threshold(90_000, 5, 5)
    with fewer_collections():
        assert gc.get_threshold() == (90_000, 5, 5)
    assert gc.get_threshold() == (90_000, 5, 5)


def test_a_host_change_inside_the_block_is_kept() -> None:
    with fewer_collections():
        gc.set_threshold(1_000, 10, 10)
    assert gc.get_threshold() == (1_000, 10, 10)


def test_nothing_changes_while_the_collector_is_off() -> None:
    gc.disable()
    try:
        with fewer_collections():
            assert gc.get_threshold() == (700, 10, 10)
    finally:
        gc.enable()


def test_the_engine_leaves_the_collector_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    # Global state stays out of the library (issue 19, item 6): neither a start-up replay
    # nor a command changes the host's collector settings, even for a moment.
    seen: list[tuple[int, ...]] = []
    engine = iv.in_memory()
    for n in range(3):
        engine.execute(iv.DefineLocation(key=f"l{n}", at=T0, location=f"EAST/A/0{n}"))
    real = gc.set_threshold

    def spy(*thresholds: int) -> None:
        seen.append(thresholds)
        real(*thresholds)

    monkeypatch.setattr(gc, "set_threshold", spy)
    iv.Engine(iv.MemoryEventStore(list(engine.events())))
    engine.execute(iv.DefineLocation(key="l9", at=T0, location="WEST/A/01"))
    assert seen == []
    assert gc.get_threshold() == (700, 10, 10)


def test_kept_objects_leave_the_collectors_reach_and_come_back_at_the_end() -> None:
    gc.unfreeze()  # CPython 3.12 starts with a few hundred objects frozen
    with kept_out_of_reach() as keep:
        kept = [object() for _ in range(10)]  # noqa: F841  # alive while frozen
        keep()
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def test_an_error_inside_still_hands_everything_back() -> None:
    def fails() -> None:
        with kept_out_of_reach() as keep:
            keep()
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        fails()
    assert gc.get_freeze_count() == 0


def test_objects_frozen_before_the_block_are_handed_back_too() -> None:
    # CPython cannot unfreeze part of what is frozen (documented: a host that freezes its
    # own state freezes it again after a run).
    gc.freeze()
    assert gc.get_freeze_count() > 0
    with kept_out_of_reach() as keep:
        keep()
    assert gc.get_freeze_count() == 0


def test_nothing_is_frozen_while_the_collector_is_off() -> None:
    gc.unfreeze()
    gc.disable()
    try:
        with kept_out_of_reach() as keep:
            keep()
            assert gc.get_freeze_count() == 0
    finally:
        gc.enable()


def test_a_run_hands_back_what_it_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_module, "KEEP_EVERY", 100)  # several moves in a small day
    freezes: list[int] = []
    real = gc.freeze

    def spy() -> None:
        freezes.append(1)
        real()

    monkeypatch.setattr(gc, "freeze", spy)
    run = sim.simulate(sim.generate(sim.Parameters(orders=60, skus=20), random.Random(1)))
    assert len(freezes) == len(run.scenario.steps) // 100 > 0
    assert gc.get_freeze_count() == 0
