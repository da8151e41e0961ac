"""``Engine.atp_many``: ATP of many SKUs over many locations in one call, equal pair by pair
to ``Engine.atp`` (issue 19, item 8: a bulk query for hosts that publish stock)."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import invorder as iv
from invorder.errors import UnknownLocationError, UnknownSkuError
from tests.support.availability import MINUTE, T, world

SKUS = ("MUG", "SAUCER", "SPOON", "SET", "GIFT")
PLACES = ("EAST", "EAST/A/01", "EAST/A/02", "WEST", "CENTRAL")


@settings(max_examples=30, deadline=None)
@given(
    stock=st.dictionaries(st.tuples(st.sampled_from(SKUS[:3]), st.sampled_from(PLACES[1:])),
                          st.integers(1, 9), max_size=6),
    holds=st.lists(st.tuples(st.sampled_from(SKUS), st.sampled_from(PLACES[1:]),
                             st.integers(1, 3), st.none() | st.integers(1, 30)), max_size=6),
    later=st.integers(0, 40),
)  # fmt: skip
def test_every_pair_is_what_atp_says(
    stock: dict[tuple[str, str], int], holds: list[tuple[str, str, int, int | None]], later: int
) -> None:
    engine, key = world(stock)
    for n, (sku, place, units, minutes) in enumerate(holds):
        expires = None if minutes is None else T + minutes * MINUTE
        hold = iv.ReserveStock(key=key(), at=T, reservation=f"R{n}", sku=sku, location=place,
                               quantity=units, expires_at=expires)  # fmt: skip
        with contextlib.suppress(iv.RejectedError):  # only the holds that fit matter
            engine.execute(hold)
    at = T + later * MINUTE
    many = engine.atp_many(SKUS, PLACES, at)
    assert many == {sku: {place: engine.atp(sku, place, at) for place in PLACES} for sku in SKUS}


def test_each_name_is_checked() -> None:
    engine, _ = world()
    with pytest.raises(UnknownSkuError):
        engine.atp_many(["MUG", "CUP"], ["WEST"], T)
    with pytest.raises(UnknownLocationError):
        engine.atp_many(["MUG"], ["WEST", "NORTH"], T)
    with pytest.raises(iv.ValidationError):
        engine.atp_many(["MUG"], ["WEST"], T.replace(tzinfo=None))
    assert engine.atp_many([], ["WEST"], T + timedelta(days=1)) == {}
