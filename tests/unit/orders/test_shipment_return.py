"""Shipments (pick / pack / ship, short picks) and returns (RMA, dispositions, refunds)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

import invorder
from invorder import (
    Bucket,
    Disposition,
    LineQuantity,
    OpenReturn,
    PackShipment,
    PickCount,
    ReceiveReturn,
    RecordPick,
    ReturnedUnits,
    ShipShipment,
    StartPicking,
)
from invorder.errors import IllegalTransitionError, NotFoundError, ReturnQuantityError
from invorder.records import ShipmentStatus
from tests.support.order_world import capture, identities_hold, order_world, state_of
from tests.support.world import at


def shipped_order(units: int = 3) -> invorder.Engine:
    engine = order_world()
    engine.capture(capture(lines=(("1", "MUG", units), ("2", "TEE", 1))))
    for n, shipment in enumerate(s.shipment for s in engine.shipments("O-1")):
        engine.execute(StartPicking(key=f"sp{n}", at=at(6), shipment=shipment))
        engine.execute(PackShipment(key=f"pk{n}", at=at(7), shipment=shipment))
        engine.execute(ShipShipment(key=f"sh{n}", at=at(8), shipment=shipment, carrier="UPS",
                                    tracking=f"1Z{n}"))  # fmt: skip
    return engine


def test_pick_pack_ship_commits_the_reservations() -> None:
    engine = shipped_order()
    order = engine.order("O-1")
    assert order is not None
    assert order.status is invorder.records.OrderStatus.SHIPPED
    assert [line.shipped for line in order.lines] == [3, 1]
    east = engine.shipment("O-1/S1")
    assert east is not None
    assert (east.status, east.carrier, east.tracking, east.shipped_at) == (
        ShipmentStatus.SHIPPED, "UPS", "1Z0", at(8))  # fmt: skip
    assert engine.balance("MUG", "@customer") == 3
    assert engine.rollup("MUG", "EAST", Bucket.RESERVED) == 0
    assert engine.verify() == []
    assert engine.verify() == []
    identities_hold(engine)


def test_illegal_shipment_transitions_name_state_and_action_and_change_nothing() -> None:
    engine = order_world()
    engine.capture(capture())
    before = state_of(engine)
    with pytest.raises(IllegalTransitionError) as caught:
        engine.execute(PackShipment(key="pk", at=at(6), shipment="O-1/S1"))
    assert caught.value.fields == {"what": "shipment", "key": "O-1/S1", "state": "open",
                                   "action": "pack"}  # fmt: skip
    with pytest.raises(IllegalTransitionError, match="cannot ship shipment 'O-1/S1': it is open"):
        engine.execute(ShipShipment(key="sh", at=at(6), shipment="O-1/S1", carrier="UPS"))
    with pytest.raises(IllegalTransitionError, match="record a pick"):
        engine.execute(RecordPick(key="rp", at=at(6), shipment="O-1/S1",
                                  counts=[PickCount("O-1/R1", 0)]))  # fmt: skip
    with pytest.raises(NotFoundError, match="no shipment with id 'O-1/S9'"):
        engine.execute(StartPicking(key="sp9", at=at(6), shipment="O-1/S9"))
    assert state_of(engine) == before
    engine.execute(StartPicking(key="sp", at=at(6), shipment="O-1/S1"))
    before = state_of(engine)
    with pytest.raises(IllegalTransitionError, match="it is picking"):
        engine.execute(StartPicking(key="sp2", at=at(6), shipment="O-1/S1"))
    with pytest.raises(NotFoundError, match="O-1/R7"):
        engine.execute(RecordPick(key="rp7", at=at(6), shipment="O-1/S1",
                                  counts=[PickCount("O-1/R7", 0)]))  # fmt: skip
    with pytest.raises(IllegalTransitionError, match="CountStock"):
        engine.execute(RecordPick(key="rp2", at=at(6), shipment="O-1/S1",
                                  counts=[PickCount("O-1/R1", 5)]))  # fmt: skip
    assert state_of(engine) == before


def test_a_short_pick_writes_off_the_bin_and_reallocates_elsewhere() -> None:
    engine = order_world()
    engine.capture(capture(lines=(("1", "MUG", 2),)))  # EAST/A/01 holds 2
    engine.execute(StartPicking(key="sp", at=at(6), shipment="O-1/S1"))
    engine.execute(RecordPick(key="rp", at=at(7), shipment="O-1/S1",
                              counts=[PickCount("O-1/R1", 1)]))  # fmt: skip
    assert engine.balance("MUG", "@adjustment") == 1
    assert engine.balance("MUG", "EAST/A/01", Bucket.RESERVED) == 1
    order = engine.order("O-1")
    assert order is not None
    assert (order.lines[0].allocated, order.short_picked) == (2, 1)
    # Issue 17, item 11: re-allocated in the same warehouse, the unit joins the parcel being
    # picked instead of opening a second one.
    (parcel,) = engine.shipments("O-1")
    assert parcel.status is ShipmentStatus.PICKING
    assert [(p.location, p.quantity) for p in parcel.pick_list()] == [
        ("EAST/A/01", 1), ("EAST/A/02", 1),
    ]  # fmt: skip
    [alert] = engine.order_alerts(at(8))
    assert alert.reasons == (invorder.records.AlertReason.SHORT_PICKED,)
    # Issue 17, item 6: once the order has shipped in full, the short pick is resolved.
    engine.execute(PackShipment(key="pk", at=at(9), shipment="O-1/S1"))
    engine.execute(ShipShipment(key="sh", at=at(10), shipment="O-1/S1", carrier="UPS"))
    assert engine.order_alerts(at(10) + timedelta(days=30)) == []
    assert engine.balance("MUG", "@customer") == 2
    assert engine.verify() == []
    identities_hold(engine)


def test_a_short_pick_elsewhere_opens_a_parcel_there() -> None:
    engine = order_world(east={"EAST/A/01": 2}, west={"WEST/A/01": 4})
    engine.capture(capture(lines=(("1", "MUG", 2),)))
    engine.execute(StartPicking(key="sp", at=at(6), shipment="O-1/S1"))
    engine.execute(RecordPick(key="rp", at=at(7), shipment="O-1/S1",
                              counts=[PickCount("O-1/R1", 1)]))  # fmt: skip
    first, second = engine.shipments("O-1")
    assert (first.location, first.units, second.location, second.units) == ("EAST", 1, "WEST", 1)
    assert second.shipment == "O-1/S2"
    identities_hold(engine)


def test_a_short_pick_with_no_stock_left_backorders() -> None:
    engine = order_world(east={"EAST/A/01": 2}, west={})
    engine.capture(capture(lines=(("1", "MUG", 2),)))
    engine.execute(StartPicking(key="sp", at=at(6), shipment="O-1/S1"))
    engine.execute(RecordPick(key="rp", at=at(7), shipment="O-1/S1",
                              counts=[PickCount("O-1/R1", 0)]))  # fmt: skip
    order = engine.order("O-1")
    assert order is not None
    assert (order.lines[0].allocated, order.lines[0].backordered) == (0, 2)
    assert engine.shipment("O-1/S1").status is ShipmentStatus.CANCELLED  # type: ignore[union-attr]  # it exists
    identities_hold(engine)


def test_a_return_is_received_in_parts_with_dispositions_and_refund() -> None:
    engine = shipped_order()
    engine.execute(OpenReturn(key="ra", at=at(20), rma="RMA-1", order="O-1",
                              lines=[LineQuantity("1", 3)], reason="too big"))  # fmt: skip
    engine.execute(ReceiveReturn(key="rr1", at=at(21), rma="RMA-1", location="EAST/B/01",
                                 lines=[ReturnedUnits("1", 1, Disposition.RESTOCK),
                                        ReturnedUnits("1", 1, "damaged")]))  # fmt: skip
    rma = engine.rma("RMA-1")
    assert rma is not None
    assert rma.status is invorder.records.ReturnStatus.PARTIALLY_RECEIVED
    assert rma.refund == invorder.Money(Decimal("20.00"), "USD")
    assert engine.balance("MUG", "EAST/B/01") == 1
    assert engine.balance("MUG", "EAST/B/01", Bucket.DAMAGED) == 1
    engine.execute(ReceiveReturn(key="rr2", at=at(22), rma="RMA-1", location="EAST/B/01",
                                 lines=[ReturnedUnits("1", 1, Disposition.SCRAP)]))  # fmt: skip
    rma = engine.rma("RMA-1")
    assert rma is not None
    assert rma.status is invorder.records.ReturnStatus.RECEIVED
    assert engine.balance("MUG", "@scrap") == 1
    order = engine.order("O-1")
    assert order is not None
    assert order.lines[0].returned == 3
    assert order.lines[0].status is invorder.records.LineStatus.RETURNED
    assert engine.verify() == []
    identities_hold(engine)


def test_return_errors_and_state_unchanged() -> None:
    engine = shipped_order()
    engine.execute(OpenReturn(key="ra", at=at(20), rma="RMA-1", order="O-1",
                              lines=[LineQuantity("1", 2)]))  # fmt: skip
    before = state_of(engine)
    with pytest.raises(ReturnQuantityError) as caught:
        engine.execute(OpenReturn(key="rb", at=at(21), rma="RMA-2", order="O-1",
                                  lines=[LineQuantity("1", 2)]))  # fmt: skip
    assert caught.value.fields == {"what": "return", "line_id": "1", "requested": 2,
                                   "allowed": 1}  # fmt: skip
    with pytest.raises(invorder.errors.DuplicateError, match="RMA-1"):
        engine.execute(OpenReturn(key="rc", at=at(21), rma="RMA-1", order="O-1",
                                  lines=[LineQuantity("1", 1)]))  # fmt: skip
    with pytest.raises(ReturnQuantityError, match="cannot receive 3"):
        engine.execute(ReceiveReturn(key="rd", at=at(21), rma="RMA-1", location="EAST/B/01",
                                     lines=[ReturnedUnits("1", 3)]))  # fmt: skip
    with pytest.raises(NotFoundError, match="no rma with id 'RMA-9'"):
        engine.execute(ReceiveReturn(key="re", at=at(21), rma="RMA-9", location="EAST/B/01",
                                     lines=[ReturnedUnits("1", 1)]))  # fmt: skip
    with pytest.raises(invorder.errors.UnknownLocationError):
        engine.execute(ReceiveReturn(key="rf", at=at(21), rma="RMA-1", location="NORTH/A",
                                     lines=[ReturnedUnits("1", 1)]))  # fmt: skip
    assert state_of(engine) == before


def test_nothing_unshipped_can_be_returned() -> None:
    engine = order_world()
    engine.capture(capture())
    before = state_of(engine)
    with pytest.raises(ReturnQuantityError, match="only 0 may be"):
        engine.execute(OpenReturn(key="ra", at=at(20), rma="RMA-1", order="O-1",
                                  lines=[LineQuantity("1", 1)]))  # fmt: skip
    assert state_of(engine) == before


def test_restocked_returns_fill_backorders() -> None:
    engine = shipped_order(units=9)
    engine.capture(capture("O-2", lines=(("1", "MUG", 1),), minute=30))
    order = engine.order("O-2")
    assert order is not None
    assert order.lines[0].backordered == 1
    engine.execute(OpenReturn(key="ra", at=at(31), rma="RMA-1", order="O-1",
                              lines=[LineQuantity("1", 1)]))  # fmt: skip
    engine.execute(ReceiveReturn(key="rr", at=at(32), rma="RMA-1", location="WEST/A/01",
                                 lines=[ReturnedUnits("1", 1)]))  # fmt: skip
    engine.execute(invorder.AllocateBackorders(key="ab", at=at(33), sku="MUG"))
    order = engine.order("O-2")
    assert order is not None
    assert order.status is invorder.records.OrderStatus.ALLOCATED


def test_a_pick_found_empty_does_not_refill_its_cancelled_parcel() -> None:
    # The parcel whose every pick was short is cancelled by the short pick; units found in
    # another bin of the warehouse open a new parcel rather than joining a cancelled one.
    engine = order_world(east={"EAST/A/01": 2, "EAST/A/02": 3}, west={})
    engine.capture(capture(lines=(("1", "MUG", 2),)))
    engine.execute(StartPicking(key="sp", at=at(6), shipment="O-1/S1"))
    engine.execute(RecordPick(key="rp", at=at(7), shipment="O-1/S1",
                              counts=[PickCount("O-1/R1", 0)]))  # fmt: skip
    first, second = engine.shipments("O-1")
    assert (first.status, first.units) == (ShipmentStatus.CANCELLED, 0)
    assert (second.status, second.units) == (ShipmentStatus.OPEN, 2)
    assert engine.verify() == []
    identities_hold(engine)
