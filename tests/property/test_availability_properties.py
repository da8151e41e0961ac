"""Properties of ATP, channels and lazy expiry: no oversell, no leak, never negative."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

import invorder as iv
from invorder import Bucket
from tests.support.availability import MINUTE, T, open_reserved, world

CHANNELS = (
    ("shopify", ("WEST", "CENTRAL"), {"safety_stock": 2}),
    ("amazon", ("WEST",), {"share_percent": 60}),
    ("walmart", ("CENTRAL",), {"share_max": 4}),
    ("wholesale", ("WEST", "CENTRAL", "EAST"), {"safety_stock_by_sku": {"MUG": 3}}),
)
SKUS = ("MUG", "SAUCER", "SET", "GIFT")
LOCATIONS = ("WEST", "CENTRAL", "EAST/A/01")

sales = st.lists(
    st.tuples(
        st.integers(0, len(CHANNELS) - 1),
        st.sampled_from(SKUS),
        st.integers(1, 6),
        st.one_of(st.none(), st.integers(1, 30)),
        st.integers(0, 20),
    ),
    max_size=40,
)
stock = st.dictionaries(
    st.tuples(st.sampled_from(("MUG", "SAUCER", "SPOON")), st.sampled_from(LOCATIONS)),
    st.integers(1, 15),
    max_size=8,
)


@given(stock=stock, orders=sales)
def test_any_interleaving_of_channel_sales_never_oversells(
    stock: dict[tuple[str, str], int], orders: list[tuple[int, str, int, int | None, int]]
) -> None:
    engine, key = world(stock)
    for cid, locations, policy in CHANNELS:
        engine.execute(
            iv.DefineChannel(key=key(), at=T, channel=cid, locations=locations, **policy)
        )
    now = T
    for n, (index, sku, wanted, expires, wait) in enumerate(orders):
        now += wait * MINUTE
        cid, locations, _ = CHANNELS[index]
        atp = engine.channel_atp(cid, sku, now)
        assert atp <= sum(engine.atp(sku, loc, now) for loc in locations)
        quantity = min(wanted, atp)
        if not quantity:
            continue
        # The host routes the sale to the feeding location with the most ATP.
        location = max(
            (loc for loc in LOCATIONS if any(loc.startswith(f) for f in locations)),
            key=lambda loc: engine.atp(sku, loc, now),
        )
        expires_at = None if expires is None else now + expires * MINUTE
        before = engine.position
        try:
            engine.execute(
                iv.ReserveStock(
                    key=key(),
                    at=now,
                    reservation=f"S{n}",
                    sku=sku,
                    location=location,
                    quantity=quantity,
                    expires_at=expires_at,
                )
            )
        except iv.errors.InsufficientStockError:
            assert engine.position == before + 1  # its rejection record only
            assert engine.atp(sku, location, now) < quantity
        for leaf in ("MUG", "SAUCER", "SPOON"):
            for loc in LOCATIONS:
                assert engine.balance(leaf, loc) >= 0
                reserved = engine.balance(leaf, loc, Bucket.RESERVED)
                assert reserved == open_reserved(engine, leaf, loc)
                assert reserved + engine.balance(leaf, loc) == stock.get((leaf, loc), 0)


@given(
    holds=st.lists(
        st.tuples(st.integers(1, 5), st.one_of(st.none(), st.integers(1, 60))), max_size=8
    ),
    later=st.integers(0, 90),
    wanted=st.integers(1, 20),
)
def test_lapsed_holds_are_free_but_never_counted_twice(
    holds: list[tuple[int, int | None]], later: int, wanted: int
) -> None:
    engine, key = world({("MUG", "WEST"): 15})
    accepted: list[tuple[int, datetime | None]] = []
    for n, (quantity, expires) in enumerate(holds):
        expires_at = None if expires is None else T + expires * MINUTE
        try:
            engine.execute(
                iv.ReserveStock(
                    key=key(),
                    at=T,
                    reservation=f"H{n}",
                    sku="MUG",
                    location="WEST",
                    quantity=quantity,
                    expires_at=expires_at,
                )
            )
            accepted.append((quantity, expires_at))
        except iv.errors.InsufficientStockError:
            pass
    now = T + timedelta(minutes=later)
    live = sum(q for q, e in accepted if e is None or e > now)
    assert engine.atp("MUG", "WEST", now) == 15 - live
    try:
        engine.execute(
            iv.ReserveStock(
                key=key(), at=now, reservation="NEW", sku="MUG", location="WEST", quantity=wanted
            )
        )
        assert wanted <= 15 - live
        live += wanted
    except iv.errors.InsufficientStockError:
        assert wanted > 15 - live
    # No leak: what is held on the ledger is exactly the open reservations; no oversell.
    assert engine.balance("MUG", "WEST", Bucket.RESERVED) == open_reserved(engine, "MUG", "WEST")
    assert engine.balance("MUG", "WEST") >= 0
    assert engine.atp("MUG", "WEST", now) == 15 - live
    engine.execute(iv.ExpireReservations(key=key(), at=now))
    assert engine.balance("MUG", "WEST", Bucket.RESERVED) == live
    assert engine.verify() == []


@given(
    per=st.lists(st.integers(1, 4), min_size=1, max_size=3),
    stocks=st.lists(st.integers(0, 30), min_size=3, max_size=3),
)
def test_bundle_atp_is_min_floor_of_components(per: list[int], stocks: list[int]) -> None:
    parts = ("MUG", "SAUCER", "SPOON")[: len(per)]
    engine, key = world({(sku, "WEST"): q for sku, q in zip(parts, stocks, strict=False) if q})
    components = [iv.Component(sku, q) for sku, q in zip(parts, per, strict=True)]
    engine.execute(iv.DefineSku(key=key(), at=T, sku=iv.Sku("BOX", components=components)))
    expected = min(stocks[i] // q for i, q in enumerate(per))
    assert engine.atp("BOX", "WEST", T) == expected
    if expected:
        engine.execute(
            iv.ReserveStock(
                key=key(), at=T, reservation="B", sku="BOX", location="WEST", quantity=expected
            )
        )
        assert engine.atp("BOX", "WEST", T) == 0
