"""Adapting a routing rule to the order book's allocator, and installing the host's
allocation policies on a state."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from types import MappingProxyType
from typing import Any

import attrs

from invorder.domain import _fast
from invorder.domain.model import State
from invorder.domain.orders.allocator import AllocationRequest, AllocatorAnswer, backorder_priority
from invorder.domain.orders.order import Order
from invorder.routing import (
    AllocationPlan,
    LocationFacts,
    OrderView,
    RequestLine,
    RoutingRequest,
    RoutingRule,
)

Policies = tuple[
    RoutingRule | None, Mapping[str, LocationFacts] | None, Callable[[Order], Any] | None
]
"""The host's allocation policies: routing rule, facts per location, backorder priority."""


_NO_ATTRIBUTES: Mapping[str, str] = MappingProxyType({})
"""The attributes of every order that has none (one shared, read-only mapping)."""


def order_view(order: Order) -> OrderView:
    """The routing view of an order."""
    c = order.capture
    # Every field comes from the capture, which checked it: the view is built as trusted.
    return _fast.build(
        OrderView, order_id=c.order, channel=c.channel, kind=c.kind, placed_at=c.at,
        customer_id=c.customer, customer_tier=c.customer_tier, ship_to=c.ship_to,
        shipping_method=c.shipping_method, ship_by=c.ship_by, priority=c.priority,
        value=order.total, ship_complete=order.ship_complete,
        attributes=dict(c.attributes) if c.attributes else _NO_ATTRIBUTES,
    )  # fmt: skip


@attrs.frozen
class RoutingAllocator:
    """Runs a routing rule for an allocation: candidate locations carry the host's facts
    (coordinates, capacity, cutoffs, ...) from ``facts`` with the ATP the ledger gives."""

    rule: RoutingRule
    """The rule."""
    facts: Mapping[str, LocationFacts] = attrs.field(factory=dict)
    """Host facts per location; a location without facts gets ATP only."""

    @property
    def name(self) -> str:
        """The rule's name, for the allocation record."""
        return str(getattr(self.rule, "name", getattr(self.rule, "__name__", "routing rule")))

    def __call__(self, request: AllocationRequest) -> AllocatorAnswer:
        """Build the routing request, run the rule and read its plan (allocations, units
        the backorder policy cancels, and its hold for review)."""
        return answer_of(self.plan(request))

    def plan(self, request: AllocationRequest) -> AllocationPlan:
        """The rule's plan (with its explanation) for ``request``, as a routing request."""
        locations = []
        facts = self.facts
        for location, atp in request.supply.items():
            base = facts.get(location)
            if base is None:
                base = LocationFacts(location=location)
            elif base.daily_capacity is not None:
                base = _used_today(base, request)
            locations.append(base.with_atp(atp))
        routing = RoutingRequest(
            order=order_view(request.order),
            lines=[RequestLine(line_id, sku, need) for line_id, sku, need in request.needs],
            locations=locations,
            now=request.at,
        )
        return self.rule(routing)


def answer_of(plan: AllocationPlan) -> AllocatorAnswer:
    """What a routing plan answers the allocation port."""
    return AllocatorAnswer(
        allocations={
            line.line_id: [(a.location, a.quantity) for a in line.allocations]
            for line in plan.lines
        },
        cancelled={line.line_id: line.cancelled for line in plan.lines if line.cancelled},
        hold=plan.hold_reason if plan.held else None,
    )


def _used_today(facts: LocationFacts, request: AllocationRequest) -> LocationFacts:
    """``facts`` with ``used_today`` raised by the units allocated there on the location's
    day (midnight to midnight in its time zone) of the request (at most its capacity)."""
    local = request.at.astimezone(facts.timezone)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    given = request.given(facts.location, start, start + timedelta(days=1))
    if not given:
        return facts
    capacity = facts.daily_capacity
    assert capacity is not None
    return attrs.evolve(facts, used_today=min(capacity, facts.used_today + given))


def install_policies(
    state: State,
    rule: RoutingRule | None,
    facts: Mapping[str, LocationFacts] | None,
    priority: Callable[[Order], Any] | None,
) -> None:
    """Give the state the allocator and backorder priority (never part of the log).

    Without a priority, backorders are served in
    :func:`~invorder.domain.orders.allocator.backorder_priority` order: routing's
    :func:`~invorder.routing.backorder_priority` of the order's view, read from the capture
    directly, since an arrival may sort thousands of waiting orders.
    """
    if rule is not None:
        state.allocator = RoutingAllocator(rule, dict(facts or {}))
    state.priority = priority if priority is not None else backorder_priority
