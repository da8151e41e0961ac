"""The engine's copies of projections (spare copies for batches, branches) share what is
never changed in place and nothing else: a change on either side never shows on the other.
And the check every store makes of a batch's positions, which a branch's store runs over a
whole log, refuses exactly the batches not numbered in turn."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from invorder import Sku
from invorder.adapters.memory import check_positions
from invorder.domain._records import FrozenValues
from invorder.domain.stock.catalog import Catalog, Component
from invorder.engine._spares import duplicate
from invorder.errors import InvalidMovementError, UnknownSkuError


class _Event:
    """Only what the check reads of an event."""

    def __init__(self, position: int) -> None:
        self.position = position


@given(start=st.integers(0, 50), positions=st.lists(st.integers(0, 60), max_size=12))
def test_a_batch_is_refused_exactly_when_not_numbered_in_turn(
    start: int, positions: list[int]
) -> None:
    events = [_Event(position) for position in positions]
    wrong = [(at, p) for at, p in enumerate(positions) if p != start + at]
    if not wrong:
        check_positions(events, start)  # type: ignore[arg-type]  # only .position is read
        return
    offset, found = wrong[0]
    with pytest.raises(InvalidMovementError) as caught:
        check_positions(events, start)  # type: ignore[arg-type]  # only .position is read
    assert str(caught.value) == (
        f"invalid movement: event position {found} does not follow the log "
        f"(expected {start + offset})"
    )


@given(
    before=st.dictionaries(st.sampled_from("abcdef"), st.tuples(st.integers()), max_size=6),
    later=st.lists(st.tuples(st.booleans(), st.sampled_from("abcdefgh"), st.integers())),
)
def test_a_copy_of_frozen_values_shares_them_and_goes_its_own_way(
    before: dict[str, tuple[int]], later: list[tuple[bool, str, int]]
) -> None:
    live: FrozenValues[str, tuple[int, ...]] = FrozenValues(before)
    spare, _ = duplicate(live)
    assert type(spare) is FrozenValues
    assert spare == before
    assert all(spare[key] is live[key] for key in before)  # shared, not copied
    expected_live, expected_spare = dict(before), dict(before)
    for on_spare, key, value in later:
        target, expected = (spare, expected_spare) if on_spare else (live, expected_live)
        target[key] = (*target.get(key, ()), value)  # replaced, never changed in place
        expected[key] = (*expected.get(key, ()), value)
    assert (dict(live), dict(spare)) == (expected_live, expected_spare)


def test_a_copy_of_the_catalog_defines_its_own_bundles() -> None:
    live = Catalog()
    for code in ("MUG", "LID"):
        live.add(Sku(code))
    live.add(Sku("SET", components=[Component("MUG", 2), Component("LID")]))
    spare, _ = duplicate(live)
    spare.add(Sku("BIG", components=[Component("SET", 2), Component("MUG")]))
    live.add(Sku("CUP"))
    assert spare.leaves("BIG") == (("LID", 2), ("MUG", 5))
    assert spare.bundles_using("MUG") == ["SET", "BIG"]
    assert live.bundles_using("MUG") == ["SET"]
    assert live.leaves("CUP") == (("CUP", 1),)
    for catalog, unknown in ((live, "BIG"), (spare, "CUP")):
        with pytest.raises(UnknownSkuError, match=unknown):
            catalog.leaves(unknown)
