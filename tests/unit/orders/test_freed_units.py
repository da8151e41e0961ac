"""Units freed without an arrival serve waiting orders at once, in priority order, like a
receipt (issue 16, item 3): a cancellation, a released reservation, a swept one."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import invorder as iv
from tests.support.order_world import capture, identities_hold, order_world
from tests.support.world import at


def waiting(engine: iv.Engine) -> list[str]:
    return [o.order_id for o in engine.orders() if any(line.backordered for line in o.lines)]


def test_cancelled_lines_serve_the_oldest_waiting_order() -> None:
    engine = order_world(east={"EAST/A/01": 2}, west={})
    engine.execute(capture("A", (("1", "MUG", 1), ("2", "MUG", 1))))
    engine.execute(capture("B", (("1", "MUG", 1),), minute=6))
    engine.execute(capture("C", (("1", "MUG", 1),), minute=7))
    assert waiting(engine) == ["B", "C"]
    engine.execute(iv.CancelLines(key="cl", at=at(8), order="A",
                                  lines=[iv.LineQuantity("2", 1)]))  # fmt: skip
    assert waiting(engine) == ["C"]  # B, the older, got the freed unit in the same outcome
    order_b = engine.order("B")
    assert order_b is not None
    assert order_b.lines[0].allocated == 1
    assert engine.verify() == []
    identities_hold(engine)


def test_a_cancelled_order_does_not_take_back_what_it_frees() -> None:
    engine = order_world(east={"EAST/A/01": 1}, west={})
    engine.execute(capture("A", (("1", "MUG", 1), ("2", "MUG", 2))))  # 1 allocated, 2 waiting
    engine.execute(iv.CancelOrder(key="c", at=at(8), order="A"))
    order = engine.order("A")
    assert order is not None
    assert order.status is iv.records.OrderStatus.CANCELLED
    assert engine.atp("MUG", "EAST", at(9)) == 1
    assert engine.verify() == []


@pytest.mark.parametrize(
    ("free", "name"),
    [
        (lambda e: e.execute(iv.ReleaseReservation(key="rel", at=at(9), reservation="CART-1")),
         "release"),
        (lambda e: e.execute(iv.ExpireReservations(key="sweep", at=at(90))), "sweep"),
    ],
)  # fmt: skip
def test_released_or_swept_reservations_serve_waiting_orders(
    free: Callable[[iv.Engine], object], name: str
) -> None:
    engine = order_world(east={"EAST/A/01": 2}, west={})
    engine.execute(iv.ReserveStock(key="cart", at=at(2), reservation="CART-1", sku="MUG",
                                   location="EAST/A/01", quantity=2,
                                   expires_at=at(60)))  # fmt: skip
    engine.execute(capture("A", (("1", "MUG", 2),)))
    assert waiting(engine) == ["A"]
    free(engine)
    assert waiting(engine) == []
    assert engine.verify() == []
    identities_hold(engine)


def _cart_of_two(expires_minute: int) -> iv.Engine:
    """Two mugs in the only bin, both held by a cart that lapses at ``expires_minute``."""
    engine = order_world(east={"EAST/A/01": 2}, west={})
    engine.execute(iv.ReserveStock(key="cart", at=at(2), reservation="CART-1", sku="MUG",
                                   location="EAST/A/01", quantity=2,
                                   expires_at=at(expires_minute)))  # fmt: skip
    return engine


def test_a_lapsed_cart_does_not_block_an_order() -> None:
    # Issue 17, item 7a: ATP already frees a lapsed hold; allocation expires it in the same
    # outcome and takes the units (before, the order was backordered while ATP said 2).
    engine = _cart_of_two(expires_minute=10)
    assert engine.atp("MUG", "EAST", at(20)) == 2
    outcome = engine.execute(capture("A", (("1", "MUG", 2),), minute=20))
    names = [type(e).__name__ for e in outcome]
    assert names[:3] == ["OrderCaptured", "StockPosted", "ReservationsExpired"]
    order = engine.order("A")
    assert order is not None
    assert (order.lines[0].allocated, order.lines[0].backordered) == (2, 0)
    cart = engine.reservation("CART-1")
    assert cart is not None
    assert cart.status is iv.records.ReservationStatus.EXPIRED
    assert engine.verify() == []
    identities_hold(engine)


def test_a_live_cart_still_blocks() -> None:
    engine = _cart_of_two(expires_minute=60)
    outcome = engine.execute(capture("A", (("1", "MUG", 2),), minute=20))
    assert "ReservationsExpired" not in [type(e).__name__ for e in outcome]
    assert waiting(engine) == ["A"]
