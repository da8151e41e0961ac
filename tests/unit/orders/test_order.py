"""The order lifecycle: capture, holds, allocation, cancellations and derived status."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
import pytest

import invorder
from invorder import (
    AllocateOrder,
    CancelLines,
    CancelOrder,
    LineItem,
    LineQuantity,
    OrderKind,
    PlaceHold,
    ReleaseHold,
    WholesaleTerms,
)
from invorder.errors import (
    CancelShippedError,
    CasePackError,
    CurrencyMismatchError,
    DuplicateError,
    EmptyOrderError,
    IllegalTransitionError,
    InvalidQuantityError,
    NaiveDatetimeError,
    NotFoundError,
    OrderConflictError,
    UnknownSkuError,
)
from invorder.records import LineStatus, OrderStatus
from tests.support.order_world import capture, identities_hold, order_world, price, state_of
from tests.support.world import T0, at


def known(engine: invorder.Engine, order: str) -> invorder.records.Order:
    """The order, which the test captured."""
    found = engine.order(order)
    assert found is not None
    return found


def wholesale(**terms: Any) -> dict[str, Any]:
    return {"kind": OrderKind.WHOLESALE, "channel": "portal",
            "wholesale": WholesaleTerms(**terms)}  # fmt: skip


# --- capture ---------------------------------------------------------------------------------


def test_capture_without_holds_allocates_and_splits_over_warehouses() -> None:
    engine = order_world()
    order = engine.capture(capture(lines=(("1", "MUG", 7),)))
    assert order.status is OrderStatus.ALLOCATED
    [line] = order.lines
    assert (line.allocated, line.backordered, line.status) == (7, 0, LineStatus.ALLOCATED)
    east, west = engine.shipments("O-1")
    assert (east.location, east.units, west.location, west.units) == ("EAST", 5, "WEST", 2)
    # the pick list walks the bins in path order
    assert [p.location for p in east.pick_list()] == ["EAST/A/01", "EAST/A/02"]
    assert engine.balance("MUG", "EAST/A/02", invorder.Bucket.RESERVED) == 3
    assert engine.verify() == []
    assert engine.verify() == []
    identities_hold(engine)


def test_capture_beyond_stock_backorders_the_rest() -> None:
    engine = order_world()
    order = engine.capture(capture(lines=(("1", "MUG", 12),)))
    [line] = order.lines
    assert (line.allocated, line.backordered) == (9, 3)
    assert line.status is LineStatus.PARTIALLY_ALLOCATED
    assert order.status is OrderStatus.PARTIALLY_ALLOCATED


def test_repeated_capture_with_the_same_content_is_a_no_op_returning_the_first_order() -> None:
    engine = order_world()
    first = engine.capture(capture())
    position = engine.position
    again = capture(minute=9)  # another key and time, same content
    assert engine.capture(again) == first
    assert engine.position == position


def test_repeated_capture_with_other_content_is_a_conflict_and_changes_nothing() -> None:
    engine = order_world()
    engine.capture(capture())
    before = state_of(engine)
    with pytest.raises(OrderConflictError) as caught:
        engine.execute(capture(minute=9, lines=(("1", "MUG", 3),)))
    error = caught.value
    assert isinstance(error, invorder.IdempotencyConflictError)
    assert error.fields["field"] == "lines"
    assert error.fields["external_id"] == "ext-O-1"
    assert "captured once" in error.message
    assert state_of(engine) == before


@pytest.mark.parametrize(
    ("build", "error", "text"),
    [
        (lambda: capture(lines=()), EmptyOrderError, "has no lines"),
        (lambda: capture(lines=(("1", "MUG", 0),)), InvalidQuantityError, "positive integer"),
        (lambda: capture(lines=(("1", "MUG", -2),)), InvalidQuantityError, "positive integer"),
        (lambda: capture(ship_by=T0.replace(tzinfo=None)), NaiveDatetimeError, "timezone-aware"),
        (lambda: capture(lines=(("1", "MUG", 5),), **wholesale(case_packs={"MUG": 6})),
         CasePackError, "multiple of 6"),
        (lambda: capture(lines=(("1", "MUG", 6),), **wholesale(minimums={"MUG": 12})),
         CasePackError, "at least 12"),
        (lambda: capture(kind=OrderKind.DTC, wholesale=WholesaleTerms()),
         invorder.ValidationError, "wholesale terms"),
        (lambda: capture(kind=OrderKind.WHOLESALE), invorder.ValidationError, "wholesale terms"),
        (lambda: capture(lines=(("1", "MUG", 1), ("1", "TEE", 1))), invorder.ValidationError,
         "appears twice"),
        (lambda: attrs.evolve(capture(), at=T0.replace(tzinfo=None)), NaiveDatetimeError,
         "timezone-aware"),
    ],
)  # fmt: skip
def test_malformed_captures_are_refused_when_built(build: Any, error: type, text: str) -> None:
    with pytest.raises(error, match=text):
        build()


def test_mixed_currencies_are_refused() -> None:
    with pytest.raises(CurrencyMismatchError) as caught:
        invorder.CaptureOrder(
            key="k", at=T0, order="O", channel="c", external_id="e", kind=OrderKind.DTC,
            lines=[LineItem("1", "MUG", 1, price()), LineItem("2", "TEE", 1, price("1", "EUR"))],
        )  # fmt: skip
    assert caught.value.fields == {"action": "mix in one order", "first": "EUR", "second": "USD"}


def test_case_pack_error_names_the_line_and_the_pack() -> None:
    with pytest.raises(CasePackError) as caught:
        capture(lines=(("7", "MUG", 5),), **wholesale(case_packs={"MUG": 6}))
    assert caught.value.fields == {"line_id": "7", "sku": "MUG", "quantity": 5, "pack": 6,
                                   "rule": "case pack"}  # fmt: skip
    assert caught.value.code == "case_pack"


def test_unknown_sku_is_rejected_and_nothing_is_stored() -> None:
    engine = order_world()
    before = state_of(engine)
    with pytest.raises(UnknownSkuError, match="unknown SKU 'HAT'"):
        engine.execute(capture(lines=(("1", "MUG", 1), ("2", "HAT", 1))))
    assert state_of(engine) == before


def test_an_order_id_is_captured_once_even_from_another_channel() -> None:
    engine = order_world()
    engine.capture(capture())
    before = state_of(engine)
    with pytest.raises(DuplicateError) as caught:
        engine.execute(capture(channel="amazon", minute=6))
    assert caught.value.code == "duplicate"
    assert caught.value.fields == {"what": "order", "key": "O-1"}
    assert str(caught.value) == (
        "order 'O-1' already exists: captured from channel 'shopify' as 'ext-O-1'; order ids "
        "are unique across channels"
    )
    assert state_of(engine) == before


# --- holds -----------------------------------------------------------------------------------


def test_unpaid_and_manual_approval_orders_are_held_and_the_last_release_allocates() -> None:
    engine = order_world()
    command = capture(lines=(("1", "MUG", 6),), payment=invorder.PaymentStatus.PENDING,
                      **wholesale(case_packs={"MUG": 6}, manual_approval=True,
                                  ship_complete=False))  # fmt: skip
    captured = engine.capture(command)
    assert captured.holds == ("payment_pending", "manual_approval")
    assert captured.status is OrderStatus.ON_HOLD
    assert captured.lines[0].status is LineStatus.PENDING
    assert engine.shipments("O-1") == []
    engine.execute(ReleaseHold(key="r1", at=at(6), order="O-1", reason="payment_pending"))
    assert known(engine, "O-1").lines[0].allocated == 0
    engine.execute(ReleaseHold(key="r2", at=at(7), order="O-1", reason="manual_approval"))
    order = engine.order("O-1")
    assert order is not None
    assert order.status is OrderStatus.ALLOCATED
    assert order.payment_due == at(5) + (at(60 * 24 * 30) - at(0))


def test_hold_errors_name_the_state_and_the_action_and_change_nothing() -> None:
    engine = order_world()
    engine.capture(capture(holds=["fraud_review"]))
    before = state_of(engine)
    with pytest.raises(IllegalTransitionError) as caught:
        engine.execute(PlaceHold(key="h", at=at(6), order="O-1", reason="fraud_review"))
    assert caught.value.fields["state"] == "on hold for fraud_review"
    with pytest.raises(IllegalTransitionError) as caught:
        engine.execute(ReleaseHold(key="r", at=at(6), order="O-1", reason="address_problem"))
    assert "release hold 'address_problem'" in caught.value.message
    assert caught.value.fields["state"] == "held for fraud_review"
    with pytest.raises(IllegalTransitionError, match="allocate order 'O-1': it is on hold"):
        engine.execute(AllocateOrder(key="a", at=at(6), order="O-1"))
    with pytest.raises(NotFoundError, match="no order with id 'O-9'"):
        engine.execute(PlaceHold(key="h9", at=at(6), order="O-9", reason="fraud_review"))
    assert state_of(engine) == before


def test_a_hold_placed_after_allocation_blocks_reallocation() -> None:
    engine = order_world()
    engine.capture(capture(lines=(("1", "MUG", 12),)))
    engine.execute(PlaceHold(key="h", at=at(6), order="O-1", reason="address_problem"))
    engine.execute(invorder.ReceiveStock(key="more", at=at(7), sku="MUG", location="EAST/B/01",
                                         quantity=5))  # fmt: skip
    engine.execute(invorder.AllocateBackorders(key="ab", at=at(8)))
    assert known(engine, "O-1").lines[0].backordered == 3
    engine.execute(ReleaseHold(key="r", at=at(9), order="O-1", reason="address_problem"))
    assert known(engine, "O-1").lines[0].allocated == 12


# --- allocation rules ------------------------------------------------------------------------


def test_wholesale_ship_complete_waits_until_one_location_can_ship_everything() -> None:
    engine = order_world()
    order = engine.capture(capture(lines=(("1", "MUG", 6),), **wholesale()))
    assert order.lines[0].backordered == 6
    assert order.status is OrderStatus.BACKORDERED
    reasons = engine.order_alerts(at(10))[0].reasons
    assert invorder.records.AlertReason.CANNOT_ALLOCATE in reasons
    engine.execute(invorder.ReceiveStock(key="more", at=at(7), sku="MUG", location="WEST/A/01",
                                         quantity=2))  # fmt: skip
    engine.execute(invorder.AllocateBackorders(key="ab", at=at(8)))
    [shipment] = engine.shipments("O-1")
    assert (shipment.location, shipment.units) == ("WEST", 6)


def test_backorders_are_filled_in_priority_order() -> None:
    engine = order_world(east={}, west={})
    engine.capture(capture("DTC", lines=(("1", "MUG", 2),), minute=5))
    engine.capture(capture("MKT", lines=(("1", "MUG", 2),), minute=6, channel="amazon",
                           kind=OrderKind.MARKETPLACE))  # fmt: skip
    engine.capture(capture("FAST", lines=(("1", "MUG", 2),), minute=7,
                           shipping_method=invorder.ShippingMethod.EXPRESS))  # fmt: skip
    engine.execute(invorder.ReceiveStock(key="po", at=at(9), sku="MUG", location="EAST/A/01",
                                         quantity=4))  # fmt: skip
    engine.execute(invorder.AllocateBackorders(key="ab", at=at(10)))
    filled = {o.order_id: o.lines[0].allocated for o in engine.orders()}
    assert filled == {"DTC": 0, "MKT": 2, "FAST": 2}
    identities_hold(engine)


def test_a_routing_rule_chooses_the_locations() -> None:
    rule = invorder.routing.route("west first", rank=invorder.routing.priority_list(["WEST"]))
    engine = order_world(routing_rule=rule)
    engine.capture(capture(lines=(("1", "MUG", 3),)))
    [shipment] = engine.shipments("O-1")
    assert shipment.location == "WEST"
    allocated = next(e for e in engine.events() if isinstance(e, invorder.events.OrderAllocated))
    assert allocated.rule == "west first"


def test_replay_folds_the_recorded_allocation_without_running_the_rule() -> None:
    rule = invorder.routing.route("west first", rank=invorder.routing.priority_list(["WEST"]))
    engine = order_world(routing_rule=rule)
    engine.capture(capture(lines=(("1", "MUG", 3),)))
    replayed = invorder.Engine(invorder.MemoryEventStore(list(engine.events())))
    assert replayed.orders() == engine.orders()
    assert replayed.shipments("O-1") == engine.shipments("O-1")


def test_a_rule_that_allocates_above_supply_is_refused() -> None:
    def greedy(
        request: invorder.domain.orders.allocator.AllocationRequest,
    ) -> dict[str, list[tuple[str, int]]]:
        return {line: [("EAST", units + 100)] for line, _sku, units in request.needs}

    engine = order_world()
    engine._state.allocator = greedy  # a broken host rule
    before = state_of(engine)
    with pytest.raises(invorder.errors.InvalidPlanError):
        engine.execute(capture())
    assert state_of(engine) == before


# --- cancellations ---------------------------------------------------------------------------


def test_cancelling_lines_takes_unallocated_then_backordered_then_allocated_units() -> None:
    engine = order_world()
    engine.capture(capture(lines=(("1", "MUG", 12), ("2", "TEE", 1))))
    engine.execute(CancelLines(key="c1", at=at(6), order="O-1",
                               lines=[LineQuantity("1", 5)]))  # fmt: skip
    order = engine.order("O-1")
    assert order is not None
    line = order.lines[0]
    assert (line.cancelled, line.backordered, line.allocated) == (5, 0, 7)
    assert engine.verify() == []
    engine.execute(CancelOrder(key="c2", at=at(7), order="O-1"))
    order = engine.order("O-1")
    assert order is not None
    assert order.status is OrderStatus.CANCELLED
    assert {s.status for s in engine.shipments("O-1")} == {
        invorder.records.ShipmentStatus.CANCELLED
    }
    assert engine.rollup("MUG", "EAST") == 5
    assert engine.rollup("MUG", "WEST") == 4
    assert engine.verify() == []
    assert engine.verify() == []
    identities_hold(engine)


def test_cancelling_shipped_units_points_to_returns_and_changes_nothing() -> None:
    engine = order_world()
    engine.capture(capture(lines=(("1", "MUG", 2),)))
    for key, command in (("sp", invorder.StartPicking), ("pk", invorder.PackShipment)):
        engine.execute(command(key=key, at=at(6), shipment="O-1/S1"))
    engine.execute(invorder.ShipShipment(key="sh", at=at(7), shipment="O-1/S1", carrier="DHL"))
    before = state_of(engine)
    with pytest.raises(CancelShippedError) as caught:
        engine.execute(CancelLines(key="c", at=at(8), order="O-1", lines=[LineQuantity("1", 1)]))
    assert "return" in caught.value.message
    assert caught.value.fields == {"order": "O-1", "line_id": "1", "requested": 1,
                                   "cancellable": 0}  # fmt: skip
    # CancelOrder on a shipped order is the same case, with the same error (issue 16, item 8).
    with pytest.raises(CancelShippedError) as whole:
        engine.execute(CancelOrder(key="c2", at=at(8), order="O-1"))
    assert whole.value.fields == {"order": "O-1", "line_id": "1", "requested": 2,
                                  "cancellable": 0}  # fmt: skip
    assert str(whole.value) == (
        "cannot cancel 2 unit(s) of line '1' of order 'O-1': only 0 not shipped or cancelled "
        "yet; shipped units come back through a return (OpenReturn)"
    )
    with pytest.raises(NotFoundError, match="O-1/9"):
        engine.execute(CancelLines(key="c3", at=at(8), order="O-1", lines=[LineQuantity("9", 1)]))
    assert state_of(engine) == before


def test_cancel_lines_needs_a_line_and_positive_quantities() -> None:
    with pytest.raises(invorder.ValidationError, match="at least one line"):
        CancelLines(key="c", at=T0, order="O-1", lines=[])
    with pytest.raises(InvalidQuantityError):
        LineQuantity("1", 0)
    with pytest.raises(invorder.ValidationError, match="appears twice"):
        CancelLines(key="c", at=T0, order="O-1", lines=[LineQuantity("1", 1)] * 2)


def test_order_total_counts_live_units() -> None:
    engine = order_world()
    engine.capture(capture(lines=(("1", "MUG", 3), ("2", "TEE", 1))))
    engine.execute(CancelLines(key="c", at=at(6), order="O-1", lines=[LineQuantity("2", 1)]))
    order = engine.order("O-1")
    assert order is not None
    assert order.total == invorder.Money(Decimal("30.00"), "USD")


def test_stock_arriving_allocates_backorders_in_the_same_outcome() -> None:
    engine = order_world(east={}, west={})
    engine.capture(capture("A", lines=(("1", "MUG", 2),), minute=5))
    engine.capture(capture("B", lines=(("1", "MUG", 2),), minute=6, channel="amazon",
                           kind=OrderKind.MARKETPLACE))  # fmt: skip
    outcome = engine.execute(invorder.ReceiveStock(key="in", at=at(9), sku="MUG",
                                                   location="WEST/A/01", quantity=3))  # fmt: skip
    kinds = [type(e).__name__ for e in outcome]
    assert kinds == ["StockPosted", "OrderAllocated", "StockPosted", "OrderAllocated",
                     "StockPosted"]  # fmt: skip
    lines = {o.order_id: (o.lines[0].allocated, o.lines[0].backordered) for o in engine.orders()}
    assert lines == {"B": (2, 0), "A": (1, 1)}
    assert engine.verify() == []
    assert engine.verify() == []
    # the repeat of the receipt is answered with the first outcome, nothing more is reserved
    assert (
        engine.execute(
            invorder.ReceiveStock(key="in", at=at(9), sku="MUG", location="WEST/A/01", quantity=3)
        )
        == outcome
    )
    identities_hold(engine)


def test_a_late_purchase_order_fills_the_backorder_on_receipt() -> None:
    engine = order_world(east={}, west={})
    engine.execute(invorder.ExpectPurchase(
        key="po", at=at(2), purchase_order="PO-1", location="EAST/A/01",
        lines=[invorder.PurchaseLine(sku="MUG", quantity=5, eta=at(60))]))  # fmt: skip
    engine.capture(capture(lines=(("1", "MUG", 4),)))
    assert known(engine, "O-1").status is OrderStatus.BACKORDERED
    receipt = [invorder.ReceiptLine(sku="MUG", quantity=5)]
    engine.execute(invorder.ReceivePurchase(key="rcv", at=at(600), purchase_order="PO-1",
                                            lines=receipt))  # fmt: skip
    order = engine.order("O-1")
    assert order is not None
    assert order.status is OrderStatus.ALLOCATED
    assert engine.balance("MUG", "EAST/A/01") == 1
    assert engine.verify() == []


def test_the_exceptions_query_names_each_reason() -> None:
    engine = order_world(east={"EAST/A/01": 1}, west={})
    engine.capture(capture("HELD", holds=["address_problem"], minute=5))
    engine.capture(capture("LATE", lines=(("1", "MUG", 1),), minute=6, ship_by=at(60)))
    engine.capture(capture("NONE", lines=(("1", "MUG", 2),), minute=7, ship_by=at(600)))
    engine.capture(capture("FINE", lines=(("1", "TEE", 1),), minute=8))
    found = {e.order: e.reasons for e in engine.order_alerts(at(59))}
    reason = invorder.records.AlertReason
    assert found == {
        "HELD": (reason.ON_HOLD,),
        "LATE": (reason.SHIP_BY_AT_RISK,),
        # No purchase is due before its ship-by: the promise is at risk too.
        "NONE": (reason.BACKORDERED, reason.PROMISE_AT_RISK, reason.CANNOT_ALLOCATE),
    }
    wide = {str(e.order): e.reasons for e in engine.order_alerts(at(59), at_risk=at(600) - at(0))}
    assert wide["NONE"] == (reason.BACKORDERED, reason.SHIP_BY_AT_RISK, reason.PROMISE_AT_RISK,
                            reason.CANNOT_ALLOCATE)  # fmt: skip
    later = {str(e.order): e for e in engine.order_alerts(at(61))}
    assert later["LATE"].reasons == (reason.SHIP_BY_MISSED,)
    assert "missed" in later["LATE"].detail
    with pytest.raises(NaiveDatetimeError):
        engine.order_alerts(at(61).replace(tzinfo=None))


def test_a_transfer_arriving_fills_a_backorder_and_quarantine_release_too() -> None:
    engine = order_world(east={"EAST/A/01": 4}, west={})
    engine.execute(invorder.ShipTransfer(key="tr", at=at(2), transfer="TR-1", origin="EAST/A/01",
                                         destination="WEST/A/01",
                                         lines=[invorder.TransferLine("MUG", 4)]))  # fmt: skip
    engine.capture(capture(lines=(("1", "MUG", 3),)))
    assert known(engine, "O-1").lines[0].backordered == 3
    engine.execute(invorder.ReceiveTransfer(key="tr-in", at=at(9), transfer="TR-1",
                                            lines=[invorder.TransferLine("MUG", 2)]))  # fmt: skip
    line = known(engine, "O-1").lines[0]
    assert (line.allocated, line.backordered) == (2, 1)
    engine.execute(invorder.ReceiveStock(key="qc", at=at(10), sku="MUG", location="EAST/B/01",
                                         quantity=1, bucket="quality_control"))  # fmt: skip
    assert known(engine, "O-1").lines[0].backordered == 1
    engine.execute(invorder.ReleaseQuarantine(key="ok", at=at(11), sku="MUG",
                                              location="EAST/B/01", quantity=1))  # fmt: skip
    line = known(engine, "O-1").lines[0]
    assert (line.allocated, line.backordered) == (3, 0)
    assert engine.verify() == []
    assert engine.verify() == []
    identities_hold(engine)


def test_a_person_can_allocate_a_ship_complete_order_in_parts() -> None:
    engine = order_world()
    engine.capture(capture(lines=(("1", "MUG", 8),), **wholesale()))
    assert known(engine, "O-1").lines[0].allocated == 0
    engine.execute(AllocateOrder(key="a", at=at(6), order="O-1", split=True))
    line = known(engine, "O-1").lines[0]
    assert (line.allocated, line.backordered) == (8, 0)
    assert {s.location for s in engine.shipments("O-1")} == {"EAST", "WEST"}


def test_a_rule_that_holds_for_review_keeps_its_proposal_and_holds_the_order() -> None:
    rule = invorder.routing.route("review", backorder=invorder.routing.hold_for_review())
    engine = order_world(routing_rule=rule)
    order = engine.capture(capture(lines=(("1", "MUG", 12),)))
    line = order.lines[0]
    assert (line.allocated, line.backordered) == (9, 3)
    assert order.holds == (invorder.HoldReason.ROUTING_REVIEW,)
    assert order.status is OrderStatus.ON_HOLD  # a hold shows before allocation progress
    assert order.lines[0].status is LineStatus.PARTIALLY_ALLOCATED
    reasons = engine.order_alerts(at(6))[0].reasons
    assert invorder.records.AlertReason.ON_HOLD in reasons


def test_a_rule_that_cancels_the_remainder_cancels_it() -> None:
    rule = invorder.routing.route("cancel", backorder=invorder.routing.cancel_remainder())
    engine = order_world(routing_rule=rule)
    order = engine.capture(capture(lines=(("1", "MUG", 12),)))
    line = order.lines[0]
    assert (line.allocated, line.backordered, line.cancelled) == (9, 0, 3)
    assert order.status is OrderStatus.ALLOCATED
    identities_hold(engine)
    replayed = invorder.Engine(invorder.MemoryEventStore(list(engine.events())))
    assert replayed.orders() == engine.orders()


def test_capture_precedence_unknown_sku_before_a_taken_order_id() -> None:
    engine = order_world()
    engine.capture(capture())
    before = state_of(engine)
    with pytest.raises(UnknownSkuError):
        engine.execute(capture(channel="amazon", minute=7, lines=(("1", "HAT", 1),)))
    with pytest.raises(DuplicateError) as caught:
        engine.execute(capture(channel="walmart", minute=8))
    assert caught.value.fields == {"what": "order", "key": "O-1"}
    engine.execute(CancelOrder(key="c", at=at(9), order="O-1"))
    with pytest.raises(IllegalTransitionError) as held:
        engine.execute(PlaceHold(key="h2", at=at(10), order="O-1", reason="fraud_review"))
    assert held.value.fields["state"] == "cancelled"
    assert len(state_of(engine)[0][0]) == len(before[0][0]) + 2


def test_the_backorder_index_by_sku_follows_every_change() -> None:
    engine = order_world(east={}, west={})
    book = engine._state.orders
    engine.capture(capture("A", lines=(("1", "MUG", 2), ("2", "TEE", 9)), minute=5))
    engine.capture(capture("B", lines=(("1", "MUG", 1),), minute=6))
    assert sorted(book.backordered_skus()) == ["MUG", "TEE"]
    assert [o.order_id for o in book.waiting_for(["MUG"])] == ["A", "B"]  # capture order
    assert [o.order_id for o in book.waiting_for(["TEE", "MUG"])] == ["A", "B"]  # each once
    assert [o.order_id for o in book.waiting_for(["TEE"])] == ["A"]
    assert book.waiting_for(["CAP"]) == []
    engine.execute(invorder.ReceiveStock(key="in", at=at(9), sku="MUG", location="WEST/A/01",
                                         quantity=3))  # fmt: skip
    assert book.backordered_skus() == ["TEE"]  # both MUG backorders filled
    assert book.waiting_for(["MUG"]) == []
    engine.execute(invorder.CancelLines(key="c", at=at(10), order="A",
                                        lines=[invorder.LineQuantity("2", 2)]))  # fmt: skip
    assert [o.order_id for o in book.waiting_for(["TEE"])] == ["A"]  # 2 of 4 TEE still wait
    engine.execute(invorder.CancelOrder(key="c2", at=at(11), order="A"))
    assert book.backordered_skus() == []
    assert engine.verify() == []  # the index equals the one a replay builds


def test_an_arrival_routes_only_the_orders_it_can_give_units_to() -> None:
    routed: list[str] = []
    nearest = invorder.routing.route("plain")

    def counting(request: invorder.routing.RoutingRequest) -> invorder.routing.AllocationPlan:
        routed.append(request.order.order_id)
        return nearest(request)

    engine = order_world(east={}, west={}, routing_rule=counting)
    for n in range(5):
        engine.capture(capture(f"W{n}", lines=(("1", "MUG", 1),), minute=5 + n))
    assert routed == ["W0", "W1", "W2", "W3", "W4"]  # each routed once at capture
    routed.clear()
    engine.execute(invorder.ReceiveStock(key="in", at=at(20), sku="MUG", location="EAST/A/01",
                                         quantity=2))  # fmt: skip
    assert routed == ["W0", "W1"]  # the oldest two take both units; the rest are not re-routed
    waiting = [o.order_id for o in engine.orders() if o.lines[0].backordered]
    assert waiting == ["W2", "W3", "W4"]
    # Units freed by a cancellation serve the waiting orders at once, like an arrival.
    routed.clear()
    engine.execute(invorder.CancelOrder(key="c", at=at(21), order="W0"))
    assert routed == ["W2"]
    routed.clear()
    engine.execute(invorder.ReceiveStock(key="in-2", at=at(22), sku="MUG",
                                         location="WEST/A/01", quantity=1))  # fmt: skip
    assert routed == ["W3"]
    assert [o.order_id for o in engine.orders() if o.lines[0].backordered] == ["W4"]
    assert engine.verify() == []
    identities_hold(engine)


def test_a_ship_complete_order_is_re_routed_only_when_one_location_can_send_it_whole() -> None:
    routed: list[str] = []
    whole = invorder.routing.route("whole", split=invorder.routing.ship_complete())

    def counting(request: invorder.routing.RoutingRequest) -> invorder.routing.AllocationPlan:
        routed.append(request.order.order_id)
        return whole(request)

    engine = order_world(east={}, west={}, routing_rule=counting)
    engine.capture(capture(lines=(("1", "MUG", 4),), **wholesale()))
    routed.clear()
    for n, path in enumerate(("EAST/A/01", "WEST/A/01")):
        engine.execute(invorder.ReceiveStock(key=f"r{n}", at=at(7 + n), sku="MUG",
                                             location=path, quantity=2))  # fmt: skip
    assert routed == []  # 2 at EAST and 2 at WEST: no one location can send all 4
    assert known(engine, "O-1").lines[0].backordered == 4
    engine.execute(invorder.ReceiveStock(key="w", at=at(9), sku="MUG", location="WEST/A/01",
                                         quantity=2))  # fmt: skip
    assert routed == ["O-1"]
    [shipment] = engine.shipments("O-1")
    assert (shipment.location, shipment.units) == ("WEST", 4)
    assert engine.verify() == []


def test_an_order_from_an_undefined_channel_is_refused_and_changes_nothing() -> None:
    engine = order_world()
    before = state_of(engine)
    with pytest.raises(invorder.errors.UnknownChannelError) as caught:
        engine.execute(capture("E-1", channel="ebay"))
    assert caught.value.code == "unknown_channel"
    assert caught.value.fields == {"channel": "ebay"}
    assert str(caught.value) == (
        "unknown channel 'ebay'; define it first (DefineChannel: the warehouses that feed it "
        "and its availability policy)"
    )
    assert state_of(engine) == before
    # The channel is a reference: it is checked before the SKUs.
    with pytest.raises(invorder.errors.UnknownChannelError):
        engine.execute(capture("E-2", channel="ebay", lines=(("1", "HAT", 1),)))
