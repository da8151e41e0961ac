"""A person (or a re-plan) moves an allocation to another warehouse (issue 17, item 10):
the units leave their parcel at the source and are reserved at the destination in one
outcome, or nothing changes."""

from __future__ import annotations

from typing import Any

import pytest

import invorder as iv
from invorder import Bucket, routing
from invorder.errors import (
    IllegalTransitionError,
    InsufficientStockError,
    InvalidFieldError,
    InvalidListError,
    NotFoundError,
    UnknownLocationError,
)
from invorder.events import PicksWithdrawn
from invorder.records import ShipmentStatus
from tests.support.order_world import capture, clean, order_world, state_of
from tests.support.world import at


def move(
    engine: iv.Engine, *lines: tuple[str, int], key: str = "mv", **fields: Any
) -> list[iv.Event]:
    """Move ``lines`` (line, units) of O-1 from EAST to WEST unless ``fields`` say else."""
    fields = {"order": "O-1", "source": "EAST", "destination": "WEST", **fields}
    quantities = [iv.LineQuantity(line, n) for line, n in lines]
    command = iv.MoveAllocation(key=key, at=at(10), lines=quantities, **fields)
    return list(engine.execute(command))


def held(engine: iv.Engine, order: str = "O-1") -> dict[str, int]:
    """Units per warehouse in the order's live parcels."""
    found: dict[str, int] = {}
    for s in engine.shipments(order):
        if s.units:
            found[s.location] = found.get(s.location, 0) + s.units
    return found


def test_units_move_to_the_other_warehouse_in_one_outcome() -> None:
    engine = order_world(east={"EAST/A/01": 3}, west={"WEST/A/01": 4})
    engine.capture(capture(lines=(("1", "MUG", 3),)))
    assert held(engine) == {"EAST": 3}
    events = move(engine, ("1", 2))
    assert [type(e).__name__ for e in events] == [
        "PicksWithdrawn", "StockPosted", "OrderAllocated", "StockPosted",
    ]  # fmt: skip
    withdrawn = events[0]
    assert isinstance(withdrawn, PicksWithdrawn)
    assert withdrawn.reason == "moved to WEST"
    assert held(engine) == {"EAST": 1, "WEST": 2}
    assert engine.balance("MUG", "EAST/A/01") == 2
    assert engine.balance("MUG", "WEST/A/01", Bucket.RESERVED) == 2
    order = engine.order("O-1")
    assert order is not None
    assert (order.lines[0].allocated, order.short_picked) == (3, 0)
    clean(engine)


def test_freed_units_serve_waiting_orders() -> None:
    engine = order_world(east={"EAST/A/01": 2}, west={"WEST/A/01": 4})
    engine.execute(iv.DefineChannel(key="east-only", at=at(2), channel="shop",
                                    locations=("EAST",)))  # fmt: skip
    engine.capture(capture(lines=(("1", "MUG", 2),)))
    engine.capture(capture("O-2", lines=(("1", "MUG", 2),), channel="shop", minute=6))
    assert (held(engine), held(engine, "O-2")) == ({"EAST": 2}, {})
    move(engine, ("1", 2))
    assert (held(engine), held(engine, "O-2")) == ({"WEST": 2}, {"EAST": 2})
    clean(engine)


def test_a_ship_complete_order_moves_whole() -> None:
    engine = order_world(east={"EAST/A/01": 2}, west={"WEST/A/01": 9})
    engine.capture(capture(lines=(("1", "MUG", 2),), channel="portal",
                           kind=iv.OrderKind.WHOLESALE,
                           wholesale=iv.WholesaleTerms(ship_complete=True)))  # fmt: skip
    before = state_of(engine)
    with pytest.raises(IllegalTransitionError) as caught:
        move(engine, ("1", 1))
    assert str(caught.value) == (
        "cannot move part of it to WEST order 'O-1': it is ship-complete; move every unit "
        "it has at the source"
    )
    assert state_of(engine) == before
    move(engine, ("1", 2), key="all")
    assert held(engine) == {"WEST": 2}
    clean(engine)


def refused(engine: iv.Engine, error: type[Exception], *lines: tuple[str, int],
            **fields: Any) -> str:  # fmt: skip
    before = state_of(engine)
    with pytest.raises(error) as caught:
        move(engine, *lines, key=f"bad-{sorted(fields.items())}-{lines}", **fields)
    assert state_of(engine) == before
    return str(caught.value)


def test_a_move_the_floor_or_the_stock_cannot_honour_is_refused() -> None:
    engine = order_world(east={"EAST/A/01": 3}, west={"WEST/A/01": 1})
    engine.capture(capture(lines=(("1", "MUG", 3),)))
    assert refused(engine, InsufficientStockError, ("1", 2)) == (
        "cannot take 2 of 'MUG' from WEST [available]: only 1 there; post less, or receive "
        "or move stock in first"
    )
    assert "allocated 3 at EAST not yet picked" in refused(engine, IllegalTransitionError,
                                                             ("1", 4))  # fmt: skip
    assert refused(engine, NotFoundError, ("9", 1)) == "no order line with id 'O-1/9'"
    assert refused(engine, NotFoundError, ("1", 1), order="O-9") == "no order with id 'O-9'"
    assert refused(engine, UnknownLocationError, ("1", 1), destination="NORTH").startswith(
        "unknown location 'NORTH'"
    )
    assert "name another warehouse" in refused(engine, IllegalTransitionError, ("1", 1),
                                               destination="EAST")  # fmt: skip
    engine.execute(iv.StartPicking(key="sp", at=at(9), shipment="O-1/S1"))
    assert "allocated 0 at EAST not yet picked" in refused(engine, IllegalTransitionError,
                                                             ("1", 1))  # fmt: skip
    [shipment] = engine.shipments("O-1")
    assert shipment.status is ShipmentStatus.PICKING


def test_a_warehouse_that_does_not_feed_the_channel_is_refused() -> None:
    engine = order_world(east={"EAST/A/01": 3}, west={"WEST/A/01": 3})
    engine.execute(iv.DefineChannel(key="east-only", at=at(2), channel="shop",
                                    locations=("EAST",)))  # fmt: skip
    engine.capture(capture(lines=(("1", "MUG", 1),), channel="shop"))
    assert refused(engine, IllegalTransitionError, ("1", 1)).endswith(
        "WEST does not feed that channel"
    )


def test_a_bad_move_is_refused_when_built() -> None:
    with pytest.raises(InvalidFieldError) as caught:
        iv.MoveAllocation(key="k", at=at(1), order="O-1", source="EAST/A/01",
                          destination="WEST", lines=[iv.LineQuantity("1", 1)])  # fmt: skip
    assert "a warehouse (a top-level location)" in str(caught.value)
    with pytest.raises(InvalidListError) as listed:
        iv.MoveAllocation(key="k", at=at(1), order="O-1", source="EAST", destination="WEST",
                          lines=[])  # fmt: skip
    assert "name at least one line to move" in str(listed.value)


def test_a_replan_is_applied_with_moves() -> None:
    engine = order_world(east={"EAST/A/01": 3}, west={"WEST/A/01": 4})
    engine.capture(capture(lines=(("1", "MUG", 3),)))
    east = routing.Allocation("EAST", 3)
    reroute = routing.Reroute(order_id=iv.OrderId("O-1"), line_id=iv.LineId("1"),
                              sku=iv.SkuId("MUG"), before=(east,),
                              after=(routing.Allocation("EAST", 1),
                                     routing.Allocation("WEST", 2)))  # fmt: skip
    unused: Any = None  # moves() reads only the reroutes
    plan = routing.Replan(changes=(), plans=(), reroutes=(reroute,), new_backorders=(),
                          newly_filled=(), wave=unused)  # fmt: skip
    [command] = routing.moves(plan, "replan-1", at(10))
    assert (command.key, command.source, command.destination) == ("replan-1/1", "EAST", "WEST")
    assert command.lines == (iv.LineQuantity("1", 2),)
    engine.execute(command)
    assert held(engine) == {"EAST": 1, "WEST": 2}
