"""Warehouse capacity is used up in the live engine (issue 17, item 5): the units each
warehouse was given on its local day feed ``used_today``, so capacity filters work."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import attrs

import invorder as iv
from invorder import routing
from tests.support.order_world import capture, clean, order_world
from tests.support.world import T0, at

EAST_FIRST = routing.route("east first", filters=[routing.has_capacity()],
                           rank=routing.priority_list(["EAST", "WEST"]))  # fmt: skip


def world(capacity: int = 2, timezone: str = "UTC", **stock: dict[str, int]) -> iv.Engine:
    facts = {"EAST": routing.LocationFacts(location="EAST", daily_capacity=capacity,
                                           timezone=ZoneInfo(timezone))}  # fmt: skip
    return order_world(east=stock.get("east", {"EAST/A/01": 9}),
                       west=stock.get("west", {"WEST/A/01": 9}),
                       routing_rule=EAST_FIRST, location_facts=facts)  # fmt: skip


def warehouse_of(engine: iv.Engine, order: str) -> str:
    [shipment] = engine.shipments(order)
    return shipment.location


def test_a_warehouse_takes_no_more_than_its_daily_capacity() -> None:
    engine = world()
    for n in range(4):
        engine.capture(capture(f"O-{n}", lines=(("1", "MUG", 1),), minute=10 + n))
    assert [warehouse_of(engine, f"O-{n}") for n in range(4)] == ["EAST", "EAST", "WEST", "WEST"]
    clean(engine)


def test_capacity_comes_back_the_next_local_day() -> None:
    # EAST keeps New York time: 04:30 UTC is 23:30 the day before there, 05:30 is 00:30.
    engine = world(capacity=1, timezone="America/New_York")
    night = T0.replace(hour=4, minute=30)

    def order(name: str, when: timedelta) -> str:
        engine.capture(attrs.evolve(capture(name, lines=(("1", "MUG", 1),)), at=night + when))
        return warehouse_of(engine, name)

    assert order("A", timedelta(0)) == "EAST"
    assert order("B", timedelta(minutes=20)) == "WEST"  # still the same day in New York
    assert order("C", timedelta(hours=1)) == "EAST"  # past midnight there


def test_one_arrival_serving_many_backorders_counts_each_order_it_gives() -> None:
    engine = world(east={}, west={})
    for n in range(3):
        engine.capture(capture(f"O-{n}", lines=(("1", "MUG", 1),), minute=10 + n))
    engine.execute(iv.ReceiveStock(key="in", at=at(20), sku="MUG", location="EAST/A/01",
                                   quantity=5))  # fmt: skip
    allocated = [o.lines[0].allocated for o in engine.orders()]
    assert sorted(allocated) == [0, 1, 1]  # EAST gave its 2 units of capacity, WEST has none
    clean(engine)


def test_a_location_without_a_capacity_is_not_limited() -> None:
    engine = order_world(routing_rule=EAST_FIRST, east={"EAST/A/01": 9}, west={})
    for n in range(4):
        engine.capture(capture(f"O-{n}", lines=(("1", "MUG", 1),), minute=10 + n))
    assert {warehouse_of(engine, f"O-{n}") for n in range(4)} == {"EAST"}
