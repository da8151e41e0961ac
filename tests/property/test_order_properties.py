"""Properties of orders: the line quantity identities, allocation never above stock, and
replay giving the same orders without the routing rule."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import invorder as iv
from tests.support.order_world import BINS, capture, identities_hold, order_world
from tests.support.world import at

stock = st.fixed_dictionaries({b: st.integers(0, 4) for b in BINS})
lines = st.lists(st.tuples(st.sampled_from(["MUG", "TEE"]), st.integers(1, 6)), min_size=1,
                 max_size=3)  # fmt: skip


@given(
    stock=stock,
    items=lines,
    cancels=st.lists(st.integers(1, 3), max_size=3),
    complete=st.booleans(),
)
def test_allocation_and_cancellation_keep_the_identities(
    stock: dict[str, int], items: list[tuple[str, int]], cancels: list[int], complete: bool
) -> None:
    engine = order_world(east={b: n for b, n in stock.items() if b.startswith("EAST")},
                         west={b: n for b, n in stock.items() if b.startswith("WEST")})  # fmt: skip
    extra: dict[str, Any] = {}
    if complete:
        extra = {"kind": iv.OrderKind.WHOLESALE, "wholesale": iv.WholesaleTerms()}
    order = engine.capture(
        capture(lines=tuple((str(i), sku, n) for i, (sku, n) in enumerate(items)), **extra)
    )
    for line in order.lines:
        assert line.allocated + line.backordered == line.ordered
    for sku in ("MUG", "TEE"):
        wanted = sum(line.allocated for line in order.lines if line.sku == sku)
        assert wanted <= sum(engine.rollup(sku, w, iv.Bucket.RESERVED) for w in ("EAST", "WEST"))
        for b in BINS:
            assert engine.balance(sku, b) >= 0
    if complete:
        assert len({s.location for s in engine.shipments("O-1")}) <= 1
        assert all(line.backordered == 0 for line in order.lines) or all(
            line.allocated == 0 for line in order.lines
        )
    for n, units in enumerate(cancels):
        line = order.lines[n % len(order.lines)]
        try:
            engine.execute(
                iv.CancelLines(
                    key=f"c{n}",
                    at=at(10 + n),
                    order="O-1",
                    lines=[iv.LineQuantity(line.line_id, units)],
                )
            )
        except iv.errors.CancelShippedError:
            current = engine.order("O-1")
            assert current is not None
            assert units > current.lines[n % len(order.lines)].live
    identities_hold(engine)
    assert engine.verify() == []


@given(stock=stock, items=lines, west_first=st.booleans())
def test_replay_rebuilds_orders_without_the_rule(
    stock: dict[str, int], items: list[tuple[str, int]], west_first: bool
) -> None:
    rank = iv.routing.priority_list(["WEST", "EAST"] if west_first else ["EAST", "WEST"])
    rule = iv.routing.route("ranked", rank=rank)
    engine = order_world(east={b: n for b, n in stock.items() if b.startswith("EAST")},
                         west={b: n for b, n in stock.items() if b.startswith("WEST")},
                         routing_rule=rule)  # fmt: skip
    engine.capture(capture(lines=tuple((str(i), s, n) for i, (s, n) in enumerate(items))))
    replayed = iv.Engine(iv.MemoryEventStore(list(engine.events())))
    assert replayed.orders() == engine.orders()
    assert replayed.shipments("O-1") == engine.shipments("O-1")
    assert list(replayed.reservations()) == list(engine.reservations())
