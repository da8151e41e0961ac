"""Bulk work raises the collector's young threshold for its duration only."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from invorder.engine import BULK_YOUNG_THRESHOLD, fewer_collections


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
