"""Ship-complete is a promise (issue 17, item 0): an order under it is allocated whole from
one location or not at all, on capture, on arrival, after a short pick or count and when a
hold is released; it never has two parcels nor ships with a unit missing."""

from __future__ import annotations

from typing import Any

import invorder as iv
from invorder import Bucket
from invorder.events import PicksWithdrawn
from invorder.records import OrderStatus, ShipmentStatus
from tests.support.order_world import capture, clean, order_world
from tests.support.world import at


def wholesale(order: str = "O-1", lines: tuple[tuple[str, str, int], ...] = (("1", "MUG", 2),),
              minute: int = 5, **fields: Any) -> iv.CaptureOrder:  # fmt: skip
    """A ship-complete wholesale capture."""
    return capture(order, lines, minute, kind=iv.OrderKind.WHOLESALE, channel="portal",
                   wholesale=iv.WholesaleTerms(ship_complete=True), **fields)  # fmt: skip


def parcels(engine: iv.Engine, order: str = "O-1") -> dict[str, dict[str, int]]:
    """Units per bin (per bin and SKU, for SKUs other than MUG) of every shipment of
    ``order`` that holds any."""
    found: dict[str, dict[str, int]] = {}
    for s in engine.shipments(order):
        held: dict[str, int] = {}
        for p in s.picks:
            if p.quantity:
                where = p.location if p.sku == "MUG" else f"{p.location} {p.sku}"
                held[where] = held.get(where, 0) + p.quantity
        if held:
            found[s.shipment] = held
    return found


def short_pick(engine: iv.Engine, counts: list[iv.PickCount], minute: int = 7) -> list[object]:
    """Start picking ``O-1/S1`` and record ``counts``; the pick's events."""
    engine.execute(iv.StartPicking(key=f"sp{minute}", at=at(minute - 1), shipment="O-1/S1"))
    return list(engine.execute(iv.RecordPick(key=f"rp{minute}", at=at(minute),
                                             shipment="O-1/S1", counts=counts)))  # fmt: skip


def known(engine: iv.Engine, order: str = "O-1") -> iv.records.Order:
    found = engine.order(order)
    assert found is not None
    return found


def test_found_short_where_the_rest_cannot_come_from_it_moves_whole() -> None:
    engine = order_world(east={"EAST/A/01": 2}, west={"WEST/A/01": 9})
    engine.capture(wholesale())
    assert parcels(engine) == {"O-1/S1": {"EAST/A/01": 2}}
    events = short_pick(engine, [iv.PickCount("O-1/R1", 1)])
    assert [type(e).__name__ for e in events] == [
        "PicksFoundShort", "StockPosted", "StockPosted",  # short: release, write-off
        "PicksWithdrawn", "StockPosted",  # the unit found goes back to the shelf
        "OrderAllocated", "StockPosted",  # allocated whole at WEST
    ]  # fmt: skip
    withdrawn = events[3]
    assert isinstance(withdrawn, PicksWithdrawn)
    assert (withdrawn.shipment, withdrawn.withdrawn) == ("O-1/S1", (("O-1/R1", 1),))
    assert "ship complete" in withdrawn.reason
    assert parcels(engine) == {"O-1/S2": {"WEST/A/01": 2}}
    [first, _second] = engine.shipments("O-1")
    assert first.status is ShipmentStatus.CANCELLED
    assert engine.balance("MUG", "EAST/A/01") == 1  # the unit found, back on the shelf
    assert engine.balance("MUG", "EAST/A/01", Bucket.RESERVED) == 0
    assert engine.balance("MUG", "@adjustment") == 1
    order = known(engine)
    assert (order.lines[0].allocated, order.lines[0].backordered) == (2, 0)
    assert order.short_picked == 1  # withdrawn units are not counted as found short
    clean(engine)


def test_found_short_where_another_bin_has_it_stays_in_the_parcel() -> None:
    engine = order_world(east={"EAST/A/01": 2, "EAST/A/02": 3}, west={"WEST/A/01": 9})
    engine.capture(wholesale())
    events = short_pick(engine, [iv.PickCount("O-1/R1", 1)])
    assert not any(isinstance(e, PicksWithdrawn) for e in events)
    assert parcels(engine) == {"O-1/S1": {"EAST/A/01": 1, "EAST/A/02": 1}}
    clean(engine)


def test_found_short_where_nothing_can_complete_it_waits_whole() -> None:
    engine = order_world(east={"EAST/A/01": 2}, west={"WEST/A/01": 1})
    engine.capture(wholesale())
    short_pick(engine, [iv.PickCount("O-1/R1", 1)])
    assert parcels(engine) == {}
    order = known(engine)
    assert (order.lines[0].allocated, order.lines[0].backordered) == (0, 2)
    assert order.status is OrderStatus.BACKORDERED
    assert engine.balance("MUG", "EAST/A/01") == 1
    # One more unit at WEST makes it whole there: the order goes in one parcel.
    engine.execute(iv.ReceiveStock(key="more", at=at(9), sku="MUG", location="WEST/A/01",
                                   quantity=1))  # fmt: skip
    assert parcels(engine) == {"O-1/S2": {"WEST/A/01": 2}}
    clean(engine)


def test_an_arrival_of_one_sku_does_not_allocate_part_of_the_order() -> None:
    engine = order_world(east={"EAST/A/01": 5}, west={"WEST/A/01": 1})
    engine.capture(wholesale(lines=(("1", "MUG", 2), ("2", "TEE", 6))))
    assert parcels(engine) == {}  # WEST has 5 TEE of 6, EAST none
    engine.execute(iv.ReceiveStock(key="mug", at=at(8), sku="MUG", location="WEST/A/01",
                                   quantity=3))  # fmt: skip
    engine.execute(iv.AllocateBackorders(key="ab", at=at(9), sku="MUG"))
    assert parcels(engine) == {}  # MUG alone would split the promise
    engine.execute(iv.ReceiveStock(key="tee", at=at(10), sku="TEE", location="WEST/A/01",
                                   quantity=1))  # fmt: skip
    assert parcels(engine) == {"O-1/S1": {"WEST/A/01": 2, "WEST/A/01 TEE": 6}}
    order = known(engine)
    assert [(line.allocated, line.backordered) for line in order.lines] == [(2, 0), (6, 0)]
    clean(engine)


def test_a_short_count_moves_a_ship_complete_order_whole() -> None:
    engine = order_world(east={"EAST/A/01": 1, "EAST/A/02": 1}, west={"WEST/A/01": 4})
    engine.capture(wholesale())
    assert parcels(engine) == {"O-1/S1": {"EAST/A/01": 1, "EAST/A/02": 1}}
    events = list(engine.execute(iv.CountStock(key="count", at=at(8), sku="MUG",
                                               location="EAST/A/01", counted=0)))  # fmt: skip
    assert any(isinstance(e, PicksWithdrawn) for e in events)
    assert parcels(engine) == {"O-1/S2": {"WEST/A/01": 2}}
    assert engine.balance("MUG", "EAST/A/02") == 1
    clean(engine)


def test_a_hold_released_after_a_short_pick_moves_the_order_whole() -> None:
    engine = order_world(east={"EAST/A/01": 2}, west={"WEST/A/01": 9})
    engine.capture(wholesale())
    engine.execute(iv.StartPicking(key="sp", at=at(6), shipment="O-1/S1"))
    engine.execute(iv.PlaceHold(key="h", at=at(7), order="O-1", reason="address_problem"))
    engine.execute(iv.RecordPick(key="rp", at=at(8), shipment="O-1/S1",
                                 counts=[iv.PickCount("O-1/R1", 1)]))  # fmt: skip
    assert parcels(engine) == {"O-1/S1": {"EAST/A/01": 1}}  # on hold: nothing moves yet
    engine.execute(iv.ReleaseHold(key="r", at=at(9), order="O-1", reason="address_problem"))
    assert parcels(engine) == {"O-1/S2": {"WEST/A/01": 2}}
    clean(engine)


def test_a_person_may_still_split_one_on_purpose() -> None:
    engine = order_world(east={"EAST/A/01": 1}, west={"WEST/A/01": 1})
    engine.capture(wholesale())
    assert parcels(engine) == {}
    engine.execute(iv.AllocateOrder(key="split", at=at(8), order="O-1", split=True))
    assert parcels(engine) == {"O-1/S1": {"EAST/A/01": 1}, "O-1/S2": {"WEST/A/01": 1}}
    clean(engine)


def test_lines_sharing_a_component_are_reserved_whole_or_not_at_all() -> None:
    # Each line alone fits WEST (3 MUG), both together need 4 MUG: nothing is reserved.
    engine = order_world(east={}, west={"WEST/A/01": 3})
    engine.execute(iv.DefineSku(key="set", at=at(2), sku=iv.Sku(
        "SET", components=[iv.Component("MUG", 1), iv.Component("TEE", 1)])))  # fmt: skip
    engine.capture(wholesale(lines=(("1", "MUG", 2), ("2", "SET", 2))))
    assert parcels(engine) == {}
    assert engine.balance("MUG", "WEST/A/01") == 3
    order = known(engine)
    assert [line.backordered for line in order.lines] == [2, 2]
    engine.execute(iv.ReceiveStock(key="more", at=at(9), sku="MUG", location="WEST/A/01",
                                   quantity=1))  # fmt: skip
    assert parcels(engine) == {"O-1/S1": {"WEST/A/01": 2, "WEST/A/01 SET": 2}}
    clean(engine)


def test_a_short_count_refilled_in_the_same_warehouse_keeps_one_parcel() -> None:
    # Found by the order state machine: the refill used to open a second parcel at EAST.
    engine = order_world(east={"EAST/A/01": 2, "EAST/A/02": 4}, west={"WEST/A/01": 1})
    engine.capture(wholesale(lines=(("1", "MUG", 4),)))
    assert parcels(engine) == {"O-1/S1": {"EAST/A/01": 2, "EAST/A/02": 2}}
    engine.execute(iv.CountStock(key="count", at=at(8), sku="MUG", location="EAST/A/01",
                                 counted=0))  # fmt: skip
    assert parcels(engine) == {"O-1/S1": {"EAST/A/02": 4}}
    clean(engine)
