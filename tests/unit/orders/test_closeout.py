"""Closing an order (issue 13, item 4, the part that needs no payments): a host closes an
order once nothing of it waits to ship; a closed order takes no command any more but a
return within its channel's return window (and the credit for it)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

import invorder as iv
from invorder import LineItem, LineQuantity, OrderKind
from invorder.errors import IllegalTransitionError, OrderClosedError
from tests.support.order_world import clean, order_world, price, state_of
from tests.support.world import at, refused_once


def shipped_order(engine: iv.Engine, order: str = "W-1", units: int = 3) -> None:
    """A wholesale order of ``units`` mugs, shipped in full from EAST."""
    engine.capture(iv.CaptureOrder(
        key=f"cap-{order}", at=at(5), order=order, channel="wholesale", external_id=order,
        kind=OrderKind.WHOLESALE, wholesale=iv.WholesaleTerms(payment_terms_days=30),
        lines=[LineItem("1", "MUG", units, price("10.00"))],
    ))  # fmt: skip
    for step in (iv.StartPicking, iv.PackShipment):
        engine.execute(step(key=f"{step.__name__}-{order}", at=at(6), shipment=f"{order}/S1"))
    engine.execute(iv.ShipShipment(key=f"ship-{order}", at=at(7), shipment=f"{order}/S1",
                                   carrier="UPS"))  # fmt: skip


def close(engine: iv.Engine, order: str = "W-1", reason: str = "settled", minute: int = 60) -> None:
    """Close ``order``."""
    engine.execute(iv.CloseOrder(key=f"close-{order}-{minute}", at=at(minute), order=order,
                                 reason=reason))  # fmt: skip


def test_a_shipped_order_closes_and_says_when_and_why() -> None:
    engine = order_world()
    shipped_order(engine)
    close(engine)
    order = engine.order("W-1")
    assert order is not None
    assert (order.closed_at, order.close_reason) == (at(60), "settled")
    assert order.status is iv.records.OrderStatus.SHIPPED  # the lines' status is kept
    clean(engine)


@pytest.mark.parametrize(
    "command",
    [
        iv.PlaceHold(key="h", at=at(61), order="W-1", reason="fraud_review"),
        iv.CancelOrder(key="c", at=at(61), order="W-1"),
        iv.CancelLines(key="cl", at=at(61), order="W-1", lines=[LineQuantity("1", 1)]),
        iv.AllocateOrder(key="a", at=at(61), order="W-1"),
        iv.IssueInvoice(key="i", at=at(61), invoice="INV-1", order="W-1"),
        iv.CloseOrder(key="again", at=at(61), order="W-1", reason="twice"),
        iv.AcknowledgeAlert(key="ack", at=at(61), order="W-1", alert="backordered", note="x"),
    ],
    ids=lambda c: type(c).__name__,
)
def test_a_closed_order_refuses_every_command_and_changes_nothing(command: iv.Command) -> None:
    engine = order_world()
    shipped_order(engine)
    close(engine)
    before, position = state_of(engine), engine.position
    with pytest.raises(
        OrderClosedError,
        match=f"order 'W-1' was closed \\(settled\\); it "
        f"takes no {type(command).__name__} any more",
    ):
        engine.execute(command)
    assert state_of(engine) == before
    assert refused_once(engine, position, command)


def test_an_order_with_units_waiting_to_ship_does_not_close() -> None:
    engine = order_world()
    engine.capture(iv.CaptureOrder(key="cap", at=at(5), order="D-1", channel="shopify",
                                   external_id="d1", kind=OrderKind.DTC,
                                   lines=[LineItem("1", "MUG", 2, price())]))  # fmt: skip
    before, position = state_of(engine), engine.position
    command = iv.CloseOrder(key="close", at=at(6), order="D-1", reason="settled")
    with pytest.raises(IllegalTransitionError,
                       match="cannot close order 'D-1': it is open: 2 unit\\(s\\) neither "
                             "shipped nor cancelled; ship or cancel them first"):  # fmt: skip
        engine.execute(command)
    assert state_of(engine) == before
    assert refused_once(engine, position, command)
    # Cancelled in full, it closes.
    engine.execute(iv.CancelOrder(key="cancel", at=at(7), order="D-1"))
    engine.execute(iv.CloseOrder(key="close-2", at=at(8), order="D-1", reason="cancelled"))
    found = engine.order("D-1")
    assert found is not None
    assert found.close_reason == "cancelled"


def test_a_late_return_within_the_window_opens_on_a_closed_order_and_is_credited() -> None:
    engine = order_world()
    engine.execute(iv.DefineRefundPolicy(key="policy", at=at(1), channel="wholesale",
                                         return_window_days=30))  # fmt: skip
    shipped_order(engine)
    engine.execute(iv.IssueInvoice(key="inv", at=at(8), invoice="INV-1", order="W-1"))
    close(engine)
    late = at(7) + timedelta(days=29)
    engine.execute(iv.OpenReturn(key="rma", at=late, rma="RMA-1", order="W-1",
                                 lines=[LineQuantity("1", 1)]))  # fmt: skip
    engine.execute(iv.ReceiveReturn(key="back", at=late, rma="RMA-1", location="EAST/A/01",
                                    lines=[iv.ReturnedUnits("1", 1)]))  # fmt: skip
    engine.execute(iv.IssueCreditNote(key="cn", at=late, credit_note="CN-1", invoice="INV-1",
                                      reason="return", rma="RMA-1",
                                      lines=[LineQuantity("1", 1)]))  # fmt: skip
    order = engine.order("W-1")
    assert order is not None
    assert (order.lines[0].returned, order.closed_at) == (1, at(60))  # still closed
    assert engine.invoicing("W-1").credited == price("10.00")
    clean(engine)


@pytest.mark.parametrize("closed", [True, False])
def test_a_return_past_the_window_is_refused_closed_order_or_not(closed: bool) -> None:
    engine = order_world()
    engine.execute(iv.DefineRefundPolicy(key="policy", at=at(1), return_window_days=30))
    shipped_order(engine)
    if closed:
        close(engine)
    before, position = state_of(engine), engine.position
    command = iv.OpenReturn(key="rma", at=at(7) + timedelta(days=30, seconds=1), rma="RMA-1",
                            order="W-1", lines=[LineQuantity("1", 1)])  # fmt: skip
    with pytest.raises(IllegalTransitionError,
                       match="cannot open a return for order 'W-1': it is past its return "
                             "window of 30 days \\(it closed at 2026-12-27T08:07:00"):  # fmt: skip
        engine.execute(command)
    assert state_of(engine) == before
    assert refused_once(engine, position, command)


def test_the_same_capture_again_answers_with_the_closed_order() -> None:
    engine = order_world()
    shipped_order(engine)
    close(engine)
    first = engine.order("W-1")
    capture: Any = next(e.command for e in engine.events()
                        if isinstance(e, iv.events.OrderCaptured))  # fmt: skip
    assert engine.capture(capture) == first


def test_a_closed_order_is_closed_after_a_snapshot_and_a_replay() -> None:
    engine = order_world()
    shipped_order(engine)
    close(engine, reason="written_off")
    store = iv.MemoryEventStore(list(engine.events()))
    snapshots = iv.MemorySnapshotStore()
    iv.Engine(store, snapshots=snapshots).snapshot()
    again = iv.Engine(store, snapshots=snapshots)
    assert again.startup.snapshot == engine.position
    assert again.order("W-1") == engine.order("W-1")
    with pytest.raises(OrderClosedError, match="written_off"):
        again.execute(iv.PlaceHold(key="h", at=at(70), order="W-1", reason="fraud_review"))
