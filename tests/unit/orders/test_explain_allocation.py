"""Explanations in the live engine (issue 17, item 8): ``Engine.explain_allocation`` says
why an order went where it went, rebuilt on demand from the log, nothing stored on it."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import invorder as iv
from invorder import routing
from tests.support.order_world import capture, order_world
from tests.support.world import at

RULE = routing.route("east first", filters=[routing.has_capacity()],
                     rank=routing.priority_list(["EAST", "WEST"]))  # fmt: skip
FACTS = {"EAST": routing.LocationFacts(location="EAST", daily_capacity=1,
                                       timezone=ZoneInfo("UTC"))}  # fmt: skip


def why(plan: routing.AllocationPlan | None) -> routing.Explanation:
    """The plan's explanation (the plan was asked to explain)."""
    assert plan is not None
    assert plan.explanation is not None
    return plan.explanation


def world() -> iv.Engine:
    return order_world(east={"EAST/A/01": 9}, west={"WEST/A/01": 9}, routing_rule=RULE,
                       location_facts=FACTS)  # fmt: skip


def test_the_plan_says_why_a_warehouse_was_chosen_or_turned_away() -> None:
    engine = world()
    engine.capture(capture("A", lines=(("1", "MUG", 1),), minute=10))
    engine.capture(capture("B", lines=(("1", "MUG", 1),), minute=11))
    first = engine.explain_allocation("A")
    assert first is not None
    assert first.shipments == ("EAST",)
    second = engine.explain_allocation("B")
    assert second is not None
    east = next(e for e in why(second).locations if e.location == "EAST")
    assert east.excluded_by == "has_capacity"
    assert east.exclusion_reason == "capacity left today 0 < 1"
    assert [a.location for line in second.lines for a in line.allocations] == ["WEST"]
    assert why(second).rule == "east first"
    # The same answer from an engine restarted on the log: nothing was kept in memory.
    restarted = iv.Engine(iv.MemoryEventStore(list(engine.events())), routing_rule=RULE,
                          location_facts=FACTS)  # fmt: skip
    assert restarted.explain_allocation("B") == second


def test_a_backorder_filled_later_is_explained_at_its_own_allocation() -> None:
    engine = order_world(east={}, west={}, routing_rule=RULE, location_facts=FACTS)
    engine.capture(capture("A", lines=(("1", "MUG", 2),), minute=10))
    engine.execute(iv.ReceiveStock(key="in", at=at(20), sku="MUG", location="WEST/A/01",
                                   quantity=5))  # fmt: skip
    first, latest = engine.explain_allocation("A", 0), engine.explain_allocation("A")
    assert first is not None
    assert latest is not None
    assert [line.backordered for line in first.lines] == [2]
    assert [a.location for line in latest.lines for a in line.allocations] == ["WEST"]


def test_nothing_to_explain() -> None:
    plain = order_world()  # no routing rule: the built-in first fit decided
    plain.capture(capture("A", lines=(("1", "MUG", 1),)))
    assert plain.explain_allocation("A") is None
    engine = world()
    assert engine.explain_allocation("nobody") is None
    engine.capture(capture("A", lines=(("1", "MUG", 1),), minute=10))
    lines = [iv.LineQuantity("1", 1)]
    engine.execute(iv.MoveAllocation(key="mv", at=at(12), order="A", source="EAST",
                                     destination="WEST", lines=lines))  # fmt: skip
    assert engine.explain_allocation("A") is None  # a person chose WEST
    assert engine.explain_allocation("A", 0) is not None
