"""Incoming stock on purchase orders, receipts, cancellations, late lines and pre-orders."""

from __future__ import annotations

from typing import Any

import pytest

import invorder as iv
from invorder import Bucket
from invorder.records import ReservationStatus
from tests.support.availability import DAY, MINUTE, T, assert_refused, open_reserved, world


def expect(key: str, po: str = "PO-1", location: str = "WEST", **lines: int) -> iv.ExpectPurchase:
    return iv.ExpectPurchase(
        key=key,
        at=T,
        purchase_order=po,
        location=location,
        supplier="ACME",
        lines=[iv.PurchaseLine(sku=sku, quantity=q, eta=T + 3 * DAY) for sku, q in lines.items()],
    )


def receive(
    key: str, po: str = "PO-1", at: Any = T, bucket: str = "available", **lines: int
) -> iv.ReceivePurchase:
    return iv.ReceivePurchase(
        key=key,
        at=at,
        purchase_order=po,
        bucket=bucket,
        lines=[iv.ReceiptLine(sku=sku, quantity=q) for sku, q in lines.items()],
    )


def preorder(key: str, rid: str, qty: int, priority: int = 0, **kw: Any) -> iv.ReserveStock:
    return iv.ReserveStock(
        key=key,
        at=kw.pop("at", T),
        reservation=rid,
        sku="MUG",
        location="WEST",
        quantity=qty,
        purchase_order="PO-1",
        priority=priority,
        **kw,
    )


def test_expected_lines_sit_in_incoming_and_receipts_move_them() -> None:
    engine, key = world({})
    engine.execute(expect(key(), MUG=10, SAUCER=4))
    assert engine.balance("MUG", "WEST", Bucket.INCOMING) == 10
    assert engine.on_hand("MUG", "WEST") == 0
    engine.execute(receive(key(), MUG=6))
    assert engine.balance("MUG", "WEST", Bucket.INCOMING) == 4
    assert engine.balance("MUG", "WEST") == 6
    engine.execute(receive(key(), MUG=5))  # one more than outstanding: over-receipt
    assert engine.balance("MUG", "WEST", Bucket.INCOMING) == 0
    assert engine.balance("MUG", "WEST") == 11
    assert engine.balance("MUG", "@supplier") == -11
    order = engine.purchase_order("PO-1")
    assert order is not None
    line = order.line("MUG")
    assert line is not None
    assert (line.received, line.outstanding) == (11, 0)


def test_receipt_into_quality_control() -> None:
    engine, key = world({})
    engine.execute(expect(key(), MUG=10))
    engine.execute(receive(key(), bucket="quality_control", MUG=3))
    assert engine.balance("MUG", "WEST", Bucket.QUALITY_CONTROL) == 3
    assert engine.atp("MUG", "WEST", T) == 0


def test_cancel_returns_the_rest_to_the_supplier_and_late_lines() -> None:
    engine, key = world({})
    engine.execute(expect(key(), MUG=10, SAUCER=4))
    engine.execute(expect(key(), po="PO-2", SPOON=2))
    engine.execute(receive(key(), MUG=4))
    late = engine.late_purchase_lines(T + 4 * DAY)
    assert [(o.purchase_order, line.sku, line.outstanding) for o, line in late] == [
        ("PO-1", "MUG", 6),
        ("PO-1", "SAUCER", 4),
        ("PO-2", "SPOON", 2),
    ]
    assert engine.late_purchase_lines(T + 2 * DAY) == []
    engine.execute(iv.CancelPurchase(key=key(), at=T, purchase_order="PO-1"))
    assert engine.balance("MUG", "WEST", Bucket.INCOMING) == 0
    assert engine.balance("MUG", "@supplier") == -4
    assert [o.purchase_order for o, _ in engine.late_purchase_lines(T + 4 * DAY)] == ["PO-2"]
    assert_refused(
        engine, receive(key(), MUG=1), iv.errors.IllegalTransitionError, state="cancelled"
    )


def test_atp_by_date_adds_unclaimed_incoming_due_by_then() -> None:
    engine, key = world({("MUG", "WEST"): 2})
    engine.execute(expect(key(), MUG=10))
    engine.execute(preorder(key(), "P1", 3))
    assert engine.atp("MUG", "WEST", T) == 2
    assert engine.atp_by_date("MUG", "WEST", T + 2 * DAY, T) == 2
    assert engine.atp_by_date("MUG", "WEST", T + 3 * DAY, T) == 9
    assert engine.atp_by_date("MUG", "EAST", T + 3 * DAY, T) == 0
    # SET needs 2 MUG + 2 SAUCER: no SAUCER is coming, so none by any date.
    assert engine.atp_by_date("SET", "WEST", T + 3 * DAY, T) == 0


def test_preorders_convert_on_receipt_in_priority_order() -> None:
    engine, key = world({})
    engine.execute(expect(key(), MUG=10))
    engine.execute(preorder(key(), "LOW", 4, priority=1))
    engine.execute(preorder(key(), "HIGH", 4, priority=9))
    engine.execute(preorder(key(), "LOW2", 2, priority=1))
    assert engine.balance("MUG", "WEST", Bucket.RESERVED) == 0
    engine.execute(receive(key(), MUG=6))
    got = {rid: engine.reservation(rid) for rid in ("HIGH", "LOW", "LOW2")}
    assert {rid: r.incoming for rid, r in got.items() if r} == {"HIGH": 0, "LOW": 2, "LOW2": 2}
    assert engine.balance("MUG", "WEST", Bucket.RESERVED) == 6
    assert engine.balance("MUG", "WEST") == 0
    assert open_reserved(engine, "MUG", "WEST") == 6
    # Commit what is on the shelf; the rest waits for the goods.
    engine.execute(iv.CommitReservation(key=key(), at=T, reservation="HIGH"))
    assert_refused(
        engine,
        iv.CommitReservation(key=key(), at=T, reservation="LOW", quantity=3),
        iv.errors.IllegalTransitionError,
        key="LOW",
    )
    engine.execute(receive(key(), MUG=4))
    low = engine.reservation("LOW")
    assert low is not None
    assert (low.incoming, low.backed) == (0, 4)


def test_releasing_a_preorder_frees_incoming_first() -> None:
    engine, key = world({})
    engine.execute(expect(key(), MUG=10))
    engine.execute(preorder(key(), "P", 6))
    engine.execute(receive(key(), MUG=2))
    (event,) = engine.execute(iv.ReleaseReservation(key=key(), at=T, reservation="P", quantity=3))
    assert isinstance(event, iv.events.StockPosted)
    assert event.movements == ()
    p = engine.reservation("P")
    assert p is not None
    assert (p.incoming, p.backed, p.status) == (
        1,
        2,
        ReservationStatus.PARTIALLY_RELEASED,
    )
    engine.execute(iv.ReleaseReservation(key=key(), at=T, reservation="P"))
    assert engine.balance("MUG", "WEST") == 2
    assert engine.atp_by_date("MUG", "WEST", T + 5 * DAY, T) == 10


def test_lapsed_preorders_free_incoming_and_are_swept_by_the_next_preorder() -> None:
    engine, key = world({})
    engine.execute(expect(key(), MUG=10))
    engine.execute(preorder(key(), "CART", 8, expires_at=T + MINUTE))
    assert engine.atp_by_date("MUG", "WEST", T + 3 * DAY, T + MINUTE) == 10
    outcome = engine.execute(preorder(key(), "NEXT", 9, at=T + 2 * MINUTE))
    assert iv.events.expired_reservations(outcome) == ("CART",)
    cart = engine.reservation("CART")
    assert cart is not None
    assert cart.status is ReservationStatus.EXPIRED


def test_receipt_skips_and_sweeps_lapsed_preorders() -> None:
    engine, key = world({})
    engine.execute(expect(key(), MUG=10))
    engine.execute(preorder(key(), "CART", 5, expires_at=T + MINUTE, priority=9))
    engine.execute(preorder(key(), "KEEP", 5))
    outcome = engine.execute(receive(key(), at=T + 2 * MINUTE, MUG=5))
    assert iv.events.expired_reservations(outcome) == ("CART",)
    keep = engine.reservation("KEEP")
    assert keep is not None
    assert keep.backed == 5
    assert engine.verify() == []


# --- bad input -------------------------------------------------------------------------


def test_preorder_errors() -> None:
    engine, key = world({})
    engine.execute(expect(key(), MUG=10))
    assert_refused(
        engine,
        preorder(key(), "P", 11),
        iv.errors.InsufficientStockError,
        bucket="incoming",
        requested=11,
        available=10,
    )
    assert_refused(
        engine,
        iv.ReserveStock(
            key=key(),
            at=T,
            reservation="P",
            sku="MUG",
            location="WEST",
            quantity=1,
            purchase_order="PO-9",
        ),
        iv.errors.NotFoundError,
        what="purchase order",
    )
    assert_refused(
        engine,
        iv.ReserveStock(
            key=key(),
            at=T,
            reservation="P",
            sku="SAUCER",
            location="WEST",
            quantity=1,
            purchase_order="PO-1",
        ),
        iv.errors.NotFoundError,
        what="purchase order line",
    )
    assert_refused(
        engine,
        iv.ReserveStock(
            key=key(),
            at=T,
            reservation="P",
            sku="MUG",
            location="CENTRAL",
            quantity=1,
            purchase_order="PO-1",
        ),
        iv.errors.IllegalTransitionError,
        action="pre-order at CENTRAL",
    )


def test_purchase_errors() -> None:
    engine, key = world({})
    engine.execute(expect(key(), MUG=10))
    assert_refused(engine, expect(key(), MUG=1), iv.errors.DuplicateError, key="PO-1")
    assert_refused(
        engine, expect(key(), po="PO-2", GHOST=1), iv.errors.UnknownSkuError, sku="GHOST"
    )
    assert_refused(
        engine,
        expect(key(), po="PO-2", location="NORTH", MUG=1),
        iv.errors.UnknownLocationError,
        location="NORTH",
    )
    assert_refused(engine, receive(key(), po="PO-3", MUG=1), iv.errors.NotFoundError, key="PO-3")
    assert_refused(engine, receive(key(), SPOON=1), iv.errors.NotFoundError, key="PO-1/SPOON")
    engine.execute(preorder(key(), "P", 8))
    assert_refused(
        engine,
        receive(key(), bucket="quality_control", MUG=3),
        iv.errors.IllegalTransitionError,
        key="PO-1",
    )
    assert_refused(
        engine,
        iv.CancelPurchase(key=key(), at=T, purchase_order="PO-1"),
        iv.errors.IllegalTransitionError,
        action="cancel",
    )
    with pytest.raises(iv.errors.InvalidMovementError):
        expect(key())
    with pytest.raises(iv.errors.InvalidMovementError, match="more than one line"):
        iv.ReceivePurchase(
            key="k", at=T, purchase_order="PO-1", lines=[iv.ReceiptLine(sku="MUG", quantity=1)] * 2
        )
    with pytest.raises(iv.errors.NaiveDatetimeError):
        iv.PurchaseLine(sku="MUG", quantity=1, eta=T.replace(tzinfo=None))


def test_preorder_of_a_bundle_is_refused() -> None:
    engine, key = world({})
    engine.execute(expect(key(), MUG=10))
    assert_refused(
        engine,
        iv.ReserveStock(
            key=key(),
            at=T,
            reservation="P",
            sku="SET",
            location="WEST",
            quantity=1,
            purchase_order="PO-1",
        ),
        iv.errors.NotFoundError,
        key="PO-1/SET",
    )
