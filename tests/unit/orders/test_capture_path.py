"""The capture path's shortcuts give what the general path gives: the default allocator
against its reference, the trusted order view against the checked one, and a plan
checked once (by routing's laws or by the allocation, never skipped for a host rule)."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import invorder
from invorder import LineId, SkuId
from invorder.domain.orders.allocator import (
    AllocationRequest,
    AllocatorAnswer,
    CheckedAnswer,
    first_fit,
)
from invorder.domain.orders.order import Order
from invorder.domain.stock.location import LocationId
from invorder.engine.allocation import RoutingAllocator, order_view
from invorder.routing import (
    Allocation,
    AllocationPlan,
    LineAllocation,
    OrderView,
    RoutingRequest,
    check_plan,
    nearest,
    route,
)
from invorder.routing.pipeline import Pipeline
from tests.support.order_world import capture, order_world, state_of
from tests.support.world import at


def reference_first_fit(request: AllocationRequest) -> dict[str, list[tuple[str, int]]]:
    """The default allocator as first written: copies of the supply, scanned per line."""
    left = {loc: dict(skus) for loc, skus in request.supply.items()}
    result: dict[str, list[tuple[str, int]]] = {}
    for line_id, sku, need in request.needs:
        whole = next((loc for loc in sorted(left) if left[loc].get(sku, 0) >= need), None)
        chosen: list[tuple[str, int]] = []
        if whole is not None:
            chosen.append((whole, need))
            left[whole][sku] -= need
        else:
            for loc in sorted(left):
                take = min(need, left[loc].get(sku, 0))
                if take:
                    chosen.append((loc, take))
                    left[loc][sku] -= take
                    need -= take
        result[line_id] = chosen
    return result


def an_order() -> Order:
    engine = order_world()
    engine.capture(capture(lines=(("1", "MUG", 2), ("2", "TEE", 1))))
    order = engine.order("O-1")
    assert order is not None
    return order


ORDER = an_order()
SKUS = ("MUG", "TEE", "CAP")
supplies = st.dictionaries(
    st.sampled_from(("EAST", "WEST", "NORTH", "SOUTH")),
    st.dictionaries(st.sampled_from(SKUS), st.integers(min_value=0, max_value=9)),
)
needs = st.lists(
    st.tuples(st.sampled_from(SKUS), st.integers(min_value=1, max_value=12)), max_size=5
)


@given(supplies, needs)
def test_first_fit_equals_its_reference(
    supply: dict[str, dict[str, int]], lines: list[tuple[str, int]]
) -> None:
    request = AllocationRequest(
        order=ORDER,
        needs=tuple((LineId(f"L{n}"), SkuId(sku), q) for n, (sku, q) in enumerate(lines)),
        supply={
            LocationId(loc): {SkuId(s): q for s, q in units.items()}
            for loc, units in supply.items()
        },
        at=at(5),
    )
    before = {loc: dict(units) for loc, units in request.supply.items()}
    assert first_fit(request) == reference_first_fit(request)
    assert request.supply == before  # read, never changed


def test_the_trusted_order_view_equals_the_checked_one() -> None:
    engine = order_world()
    engine.capture(capture(lines=(("1", "MUG", 2),), customer="c-1", customer_tier="gold",
                           priority=3, attributes={"segment": "vip"}))  # fmt: skip
    order = engine.order("O-1")
    assert order is not None
    c = order.capture
    checked = OrderView(
        order_id=c.order, channel=c.channel, kind=c.kind, placed_at=c.at,
        customer_id=c.customer, customer_tier=c.customer_tier, ship_to=c.ship_to,
        shipping_method=c.shipping_method, ship_by=c.ship_by, priority=c.priority,
        value=order.total, ship_complete=order.ship_complete, attributes=dict(c.attributes),
    )  # fmt: skip
    view = order_view(order)
    assert view == checked
    for field in attrs.fields(OrderView):  # a field left out would be unset
        assert getattr(view, field.name) == getattr(checked, field.name), field.name


def allocation_request() -> AllocationRequest:
    supply = {LocationId("EAST"): {SkuId("MUG"): 5}, LocationId("WEST"): {SkuId("MUG"): 1}}
    return AllocationRequest(order=ORDER, needs=((LineId("1"), SkuId("MUG"), 2),),
                             supply=supply, at=at(5))  # fmt: skip


def test_a_pipelines_plan_reaches_the_allocation_as_checked() -> None:
    answer = RoutingAllocator(route("near", rank=nearest()))(allocation_request())
    assert type(answer) is CheckedAnswer
    assert dict(answer.allocations) == {"1": [("EAST", 2)]}


def plan_of(request: RoutingRequest, location: str, units: int) -> AllocationPlan:
    [line] = request.lines
    return AllocationPlan(
        order_id=request.order.order_id,
        lines=(LineAllocation(line_id=line.line_id, sku=line.sku, requested=line.quantity,
                              allocations=(Allocation(location, units),),
                              backordered=line.quantity - units),),
    )  # fmt: skip


def test_a_host_rules_plan_is_checked_by_the_allocation_unless_it_checked_it() -> None:
    def host(request: RoutingRequest) -> AllocationPlan:
        return plan_of(request, "WEST", 1)

    def checking(request: RoutingRequest) -> AllocationPlan:
        return check_plan(request, plan_of(request, "WEST", 1))

    assert type(RoutingAllocator(host)(allocation_request())) is AllocatorAnswer
    assert type(RoutingAllocator(checking)(allocation_request())) is CheckedAnswer


def test_a_host_rule_above_the_supply_is_refused_and_nothing_changes() -> None:
    def greedy(request: RoutingRequest) -> AllocationPlan:
        return plan_of(request, "WEST", request.lines[0].quantity)  # WEST holds 4 MUG

    engine = order_world(routing_rule=greedy)
    before = state_of(engine)
    with pytest.raises(invorder.errors.InvalidPlanError, match="can give 4"):
        engine.execute(capture(lines=(("1", "MUG", 5),)))
    assert state_of(engine) == before


@pytest.mark.parametrize("rule", [route("near", rank=nearest()), route("plain")])
def test_the_explained_plan_is_the_plan_the_capture_reserved(rule: Pipeline) -> None:
    engine = order_world(routing_rule=rule)
    engine.capture(capture(lines=(("1", "MUG", 6), ("2", "TEE", 1))))
    plan = engine.explain_allocation("O-1")
    assert plan is not None
    assert plan.explanation is not None
    reserved: dict[str, int] = {}
    for shipment in engine.shipments("O-1"):
        reserved[shipment.location] = reserved.get(shipment.location, 0) + shipment.units
    assert dict(plan.units_by_location()) == reserved
