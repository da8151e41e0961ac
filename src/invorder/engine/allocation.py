"""Adapting a routing rule to the order book's allocator, and installing the host's
allocation policies on a state."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from types import MappingProxyType
from typing import Any

import attrs

from invorder.domain.model import State
from invorder.domain.orders.allocator import (
    AllocationRequest,
    AllocatorAnswer,
    CheckedAnswer,
    backorder_priority,
)
from invorder.domain.orders.order import Order
from invorder.domain.stock.location import LocationId
from invorder.routing import (
    AllocationPlan,
    LocationFacts,
    OrderView,
    RoutingRequest,
    RoutingRule,
    explain_plan,
)
from invorder.routing._candidates import Candidates
from invorder.routing.facts import with_atp
from invorder.routing.request import trusted_line

Policies = tuple[
    RoutingRule | None, Mapping[str, LocationFacts] | None, Callable[[Order], Any] | None
]
"""The host's allocation policies: routing rule, facts per location, backorder priority."""


_NO_ATTRIBUTES: Mapping[str, str] = MappingProxyType({})
"""The attributes of every order that has none (one shared, read-only mapping)."""


def order_view(order: Order) -> OrderView:
    """The routing view of an order."""
    c = order.capture
    # Every field comes from the capture, which checked it: the view is built as trusted,
    # each field written out (a loop over (name, value) pairs costs more per order).
    view = object.__new__(OrderView)
    _set(view, "order_id", c.order)
    _set(view, "channel", c.channel)
    _set(view, "kind", c.kind)
    _set(view, "placed_at", c.at)
    _set(view, "customer_id", c.customer)
    _set(view, "customer_tier", c.customer_tier)
    _set(view, "ship_to", c.ship_to)
    _set(view, "shipping_method", c.shipping_method)
    _set(view, "ship_by", c.ship_by)
    _set(view, "priority", c.priority)
    _set(view, "value", order.total)
    _set(view, "ship_complete", order.ship_complete)
    _set(view, "attributes", dict(c.attributes) if c.attributes else _NO_ATTRIBUTES)
    return view


_set = object.__setattr__


@attrs.frozen
class RoutingAllocator:
    """Runs a routing rule for an allocation: candidate locations carry the host's facts
    (coordinates, capacity, cutoffs, ...) from ``facts`` with the ATP the ledger gives.

    The routing request is built lazily: the candidates are the locations the allocator
    was offered, and each one's facts are made when the rule first reads them.
    """

    rule: RoutingRule
    """The rule."""
    facts: Mapping[str, LocationFacts] = attrs.field(factory=dict)
    """Host facts per location; a location without facts gets ATP only."""
    _blank: dict[str, LocationFacts] = attrs.field(
        init=False, factory=dict, eq=False, repr=False, hash=False
    )
    """Facts (ATP only) of the locations without host facts, made once."""
    _distances: dict[Any, float] = attrs.field(
        init=False, factory=dict, eq=False, repr=False, hash=False
    )
    """Trigonometry of the locations' coordinates (they do not move), shared by every
    request this allocator builds."""

    @property
    def name(self) -> str:
        """The rule's name, for the allocation record."""
        return str(getattr(self.rule, "name", getattr(self.rule, "__name__", "routing rule")))

    def __call__(self, request: AllocationRequest) -> AllocatorAnswer:
        """Build the routing request, run the rule and read its plan (allocations, units
        the backorder policy cancels, and its hold for review). A plan checked for this
        request (a pipeline's, or one passed through
        :func:`~invorder.routing.check_plan`) is not checked again by the allocation."""
        routing = self.request(request)
        plan = self.rule(routing)
        return answer_of(plan, checked=plan._checked_for is routing)

    def plan(self, request: AllocationRequest) -> AllocationPlan:
        """The rule's plan for ``request`` with its explanation (see
        :func:`~invorder.routing.explain_plan`)."""
        return explain_plan(self.rule, self.request(request))

    def request(self, request: AllocationRequest) -> RoutingRequest:
        """The routing request of ``request``: ids and quantities the engine checked are
        trusted, and each location's facts are built when the rule reads them."""
        facts, blank = self.facts, self._blank
        # Capacity used today is read now: the outcome's running counts move on after the
        # rule returns, and a rule may keep the request and read it later.
        used: dict[str, LocationFacts] = {}
        for location in request.supply:
            given = facts.get(location)
            if given is not None and given.daily_capacity is not None:
                used[location] = _used_today(given, request)

        def base(location: LocationId) -> LocationFacts:
            given = used.get(location) or facts.get(location)
            if given is None:
                given = blank.get(location)
                if given is None:
                    given = blank[location] = LocationFacts(location=location)
            return given

        routing = object.__new__(RoutingRequest)
        _set(routing, "order", order_view(request.order))
        _set(routing, "lines", tuple([trusted_line(*need) for need in request.needs]))
        _set(routing, "_locations", Candidates(request.supply, base, self._distances))
        _set(routing, "now", request.at)
        _set(routing, "_memo", {})
        return routing


def answer_of(plan: AllocationPlan, *, checked: bool = False) -> AllocatorAnswer:
    """What a routing plan answers the allocation port (``checked``: the plan keeps the
    routing laws for the request built from the allocation's, so its answer is a
    :class:`~invorder.domain.orders.allocator.CheckedAnswer`)."""
    return (CheckedAnswer if checked else AllocatorAnswer)(
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
    # A trusted copy: the facts were checked when the host gave them, and the new count
    # keeps their invariant (never above the capacity).
    raised = with_atp(facts, facts.atp)
    _set(raised, "used_today", min(capacity, facts.used_today + given))
    return raised


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
