"""Waves: route a batch of orders in priority order against one shared pool of supply,
optionally sharing scarce SKUs across channels by weight (fair share)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import attrs

from invorder.domain.errors import (
    InconsistentSupplyError,
    InvalidRoutingRequestError,
    InvalidRoutingRuleError,
)
from invorder.domain.orders.ids import ChannelId, OrderId, OrderKind
from invorder.domain.orders.wave import share_by_weight
from invorder.domain.stock.catalog import SkuId
from invorder.domain.stock.location import LocationId
from invorder.routing._frozen import FrozenMap
from invorder.routing.conditions import explain_plan, run_checked
from invorder.routing.plan import Allocation, AllocationPlan, check_plan
from invorder.routing.request import OrderView, RoutingRequest
from invorder.routing.rule import RoutingRule

PriorityKey = Callable[[OrderView], Any]
"""Sort key for orders in a wave; smaller goes first."""

_KIND_RANK = {OrderKind.MARKETPLACE: 0, OrderKind.DTC: 1, OrderKind.WHOLESALE: 2}
_NO_SHIP_BY = datetime.max.replace(tzinfo=UTC)


def backorder_priority(order: OrderView) -> tuple[Any, ...]:
    """The backorder priority key of an order's routing view (the same order as the domain's
    ``backorder_priority`` of an order): higher host ``priority`` first, then earliest ship-by
    (none last), fastest shipping method, marketplace before DTC before wholesale, oldest
    first, then order id."""
    return (
        -order.priority,
        order.ship_by or _NO_SHIP_BY,
        order.shipping_method.speed_rank,
        _KIND_RANK[order.kind],
        order.placed_at,
        order.order_id,
    )


def _frozen(value: Mapping[Any, Any]) -> Mapping[Any, Any]:
    return FrozenMap(dict(sorted(value.items())))


def _weights(value: Mapping[str, int]) -> Mapping[ChannelId, int]:
    if not isinstance(value, Mapping) or not all(type(key) is str for key in value):
        raise InvalidRoutingRuleError(
            "fair-share weights are a mapping of channel ids to weights", weights=value
        )
    return _frozen(value)


@attrs.frozen
class Supply:
    """The pool a wave allocates from: ATP per location and SKU, capacity left per
    location (``None`` for unlimited) and shipments left (``None`` for unlimited)."""

    atp: Mapping[LocationId, Mapping[SkuId, int]]
    """ATP per location, per SKU."""
    capacity: Mapping[LocationId, int | None]
    """Units each location can still ship today."""
    shipments: Mapping[LocationId, int | None]
    """Shipments each location can still start today."""

    @classmethod
    def from_requests(cls, requests: Iterable[RoutingRequest]) -> Supply:
        """The pool the requests describe; raises :class:`InconsistentSupplyError` when two
        requests disagree on the ATP of a SKU or the capacity of a location."""
        atp: dict[LocationId, dict[SkuId, int]] = {}
        capacity: dict[LocationId, int | None] = {}
        shipments: dict[LocationId, int | None] = {}
        for request in requests:
            for facts in request.locations:
                loc = facts.location
                known = atp.setdefault(loc, {})
                for sku, quantity in facts.atp.items():
                    if known.setdefault(sku, quantity) != quantity:
                        raise InconsistentSupplyError(loc, f"ATP of {sku}", known[sku], quantity)
                for table, value, what in (
                    (capacity, facts.capacity_left, "capacity left"),
                    (shipments, facts.shipments_left, "shipments left"),
                ):
                    if loc in table and table[loc] != value:
                        raise InconsistentSupplyError(loc, what, table[loc], value)
                    table[loc] = value
        return cls(
            atp=_frozen({loc: _frozen(skus) for loc, skus in atp.items()}),
            capacity=_frozen(capacity),
            shipments=_frozen(shipments),
        )

    def atp_of(self, location: str, sku: str) -> int:
        """ATP of ``sku`` at ``location`` in the pool."""
        return self.atp.get(LocationId(location), {}).get(SkuId(sku), 0)

    def total(self, sku: str) -> int:
        """ATP of ``sku`` over every location."""
        return sum(skus.get(SkuId(sku), 0) for skus in self.atp.values())

    def apply_to(self, request: RoutingRequest) -> RoutingRequest:
        """``request`` with its locations' ATP, capacity and shipments read from the pool."""
        located = []
        for facts in request.locations:
            loc = facts.location
            left = self.capacity.get(loc, facts.capacity_left)
            changes: dict[str, Any] = {
                "atp": dict(self.atp[loc]) if loc in self.atp else facts.atp,
                "shipments_left": self.shipments.get(loc, facts.shipments_left),
            }
            if left is not None:
                if facts.daily_capacity is None:
                    changes["daily_capacity"] = left
                    changes["used_today"] = 0
                else:
                    changes["used_today"] = max(facts.daily_capacity - left, 0)
                    changes["daily_capacity"] = max(facts.daily_capacity, left)
            located.append(attrs.evolve(facts, **changes))
        return attrs.evolve(request, locations=tuple(located))

    def consume(self, plan: AllocationPlan) -> Supply:
        """The pool after ``plan`` takes its units and shipments."""
        atp = {loc: dict(skus) for loc, skus in self.atp.items()}
        capacity = dict(self.capacity)
        shipments = dict(self.shipments)
        for (loc, sku), quantity in plan.taken().items():
            skus = atp.setdefault(loc, {})
            skus[sku] = max(skus.get(sku, 0) - quantity, 0)
            cap = capacity.get(loc)
            if cap is not None:
                capacity[loc] = max(cap - quantity, 0)
        for loc in plan.shipments:
            left = shipments.get(loc)
            if left is not None:
                shipments[loc] = max(left - 1, 0)
        return Supply(
            atp=_frozen({loc: _frozen(skus) for loc, skus in atp.items()}),
            capacity=_frozen(capacity),
            shipments=_frozen(shipments),
        )


@attrs.frozen
class FairShare:
    """Share each scarce SKU (wave demand above pool ATP) across channels by weight.

    Quotas use the largest-remainder method (ties by channel id), are capped at each
    channel's demand, and what a channel cannot use is shared again among the others.
    Channels not in ``weights`` get ``default_weight``.
    """

    weights: Mapping[ChannelId, int] = attrs.field(converter=_weights)
    """Weight per channel."""
    default_weight: int = 1
    """Weight of channels not listed."""

    def __attrs_post_init__(self) -> None:
        for channel, weight in (*self.weights.items(), ("default_weight", self.default_weight)):
            if type(weight) is not int or weight < 0:
                raise InvalidRoutingRuleError(
                    "fair-share weights are non-negative whole numbers",
                    channel=channel,
                    weight=weight,
                )

    def weight(self, channel: str) -> int:
        """The weight of ``channel``."""
        return self.weights.get(ChannelId(channel), self.default_weight)

    def quotas(self, total: int, demand: Mapping[ChannelId, int]) -> dict[ChannelId, int]:
        """Split ``total`` units among channels with ``demand`` (the split
        :class:`~invorder.AllocateWave` uses in the engine)."""
        return share_by_weight(total, demand, self.weight)


@attrs.frozen
class WaveResult:
    """The plans of a wave, in the order they were made (priority order), with the pool
    before and after and the fair-share quotas used (empty without fair share)."""

    requests: tuple[RoutingRequest, ...]
    """The requests as given, in processing order (ATP as in the starting pool)."""
    plans: tuple[AllocationPlan, ...]
    """One plan per request, same order."""
    supply: Supply
    """The pool before the wave."""
    remaining: Supply
    """The pool after the wave."""
    quotas: Mapping[SkuId, Mapping[ChannelId, int]] = attrs.field(factory=dict)
    """Fair-share quota per scarce SKU and channel."""

    def plan_for(self, order_id: str) -> AllocationPlan:
        """The plan of one order."""
        for plan in self.plans:
            if plan.order_id == order_id:
                return plan
        raise KeyError(order_id)

    @property
    def order(self) -> tuple[OrderId, ...]:
        """Order ids in processing order."""
        return tuple(plan.order_id for plan in self.plans)


def _trim(plan: AllocationPlan, caps: dict[SkuId, int], note: str) -> AllocationPlan:
    lines = []
    trimmed = 0
    for line in plan.lines:
        cap = caps.get(line.sku)
        if cap is None:
            lines.append(line)
            continue
        keep = min(cap, line.allocated)
        caps[line.sku] = cap - keep
        excess = line.allocated - keep
        if not excess:
            lines.append(line)
            continue
        trimmed += excess
        allocations = []
        budget = keep
        for allocation in line.allocations:
            take = min(budget, allocation.quantity)
            budget -= take
            if take:
                allocations.append(Allocation(location=allocation.location, quantity=take))
        lines.append(
            attrs.evolve(
                line, allocations=tuple(allocations), backordered=line.backordered + excess
            )
        )
    if not trimmed:
        return plan
    draft = attrs.evolve(plan, lines=tuple(lines))
    if plan.explanation is None:
        return draft
    units = draft.units_by_location()
    entries = tuple(
        attrs.evolve(entry, allocated=units.get(entry.location, 0))
        for entry in plan.explanation.locations
    )
    explanation = attrs.evolve(
        plan.explanation,
        locations=entries,
        notes=(*plan.explanation.notes, f"{note}: {trimmed} unit(s) backordered"),
    )
    return attrs.evolve(draft, explanation=explanation)


def allocate_wave(
    requests: Sequence[RoutingRequest],
    rule: RoutingRule,
    *,
    priority: PriorityKey = backorder_priority,
    fair_share: FairShare | None = None,
    explain: bool = False,
) -> WaveResult:
    """Route ``requests`` one by one in ``priority`` order (ties keep input order), each
    seeing only the supply earlier orders left. Every request must describe the same
    supply (see :meth:`Supply.from_requests`); order ids must be unique. With ``explain``
    every plan carries its explanation (:func:`~invorder.routing.explain_plan`).
    """
    requests = tuple(requests)
    seen: set[str] = set()
    for request in requests:
        if not isinstance(request, RoutingRequest):
            raise InvalidRoutingRequestError("a wave takes RoutingRequest values", value=request)
        if request.order.order_id in seen:
            raise InvalidRoutingRequestError(
                f"order {request.order.order_id!r} appears twice in the wave",
                order_id=request.order.order_id,
            )
        seen.add(request.order.order_id)
    supply = Supply.from_requests(requests)
    ordered = tuple(sorted(requests, key=lambda request: priority(request.order)))
    quotas: dict[SkuId, dict[ChannelId, int]] = {}
    if fair_share is not None:
        demand: dict[SkuId, dict[ChannelId, int]] = {}
        for request in ordered:
            for line in request.lines:
                per_channel = demand.setdefault(line.sku, {})
                channel = request.order.channel
                per_channel[channel] = per_channel.get(channel, 0) + line.quantity
        for sku, per_channel in sorted(demand.items()):
            if sum(per_channel.values()) > supply.total(sku):
                quotas[sku] = fair_share.quotas(supply.total(sku), per_channel)
    left = {sku: dict(per_channel) for sku, per_channel in quotas.items()}
    pool = supply
    plans = []
    for request in ordered:
        local = pool.apply_to(request)
        plan = check_plan(local, explain_plan(rule, local)) if explain else run_checked(rule, local)
        if quotas:
            channel = request.order.channel
            caps = {sku: left[sku].get(channel, 0) for sku in left}
            plan = _trim(plan, caps, f"fair share for channel {channel}")
            for sku, cap in caps.items():
                left[sku][channel] = cap
            plan = check_plan(local, plan)
        plans.append(plan)
        pool = pool.consume(plan)
    return WaveResult(
        requests=ordered,
        plans=tuple(plans),
        supply=supply,
        remaining=pool,
        quotas=_frozen({sku: _frozen(q) for sku, q in quotas.items()}),
    )
