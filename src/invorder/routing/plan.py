"""The allocation plan a routing rule returns, the laws every plan keeps, and a helper for
host rules that build a plan from plain quantities."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from invorder._html import paragraph, table
from invorder.domain import _checks
from invorder.domain.errors import InvalidPlanError
from invorder.domain.orders.ids import LineId, OrderId
from invorder.domain.stock.catalog import SkuId
from invorder.domain.stock.location import LocationId, location_id
from invorder.routing.explain import Explanation, LocationExplanation
from invorder.routing.request import RoutingRequest


@attrs.frozen
class Allocation:
    """Units of one line to ship from one location."""

    location: LocationId = attrs.field(converter=location_id)
    """Where they ship from."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """How many units (positive)."""


def _allocations(value: Iterable[Allocation]) -> tuple[Allocation, ...]:
    allocations = _checks.items("allocations", value, Allocation, "Allocation values")
    seen: set[str] = set()
    for allocation in allocations:
        if allocation.location in seen:
            raise InvalidPlanError(
                f"location {allocation.location!r} appears twice in one line",
                location=allocation.location,
            )
        seen.add(allocation.location)
    return allocations


@attrs.frozen
class LineAllocation:
    """The plan for one order line.

    Invariant: ``allocated + backordered + cancelled == requested``; with the default
    backorder policy ``cancelled`` is 0, so allocated + backordered == requested.
    """

    line_id: LineId
    """The line."""
    sku: SkuId
    """Its SKU."""
    requested: int = attrs.field(validator=_checks.positive_quantity)
    """Units requested."""
    allocations: tuple[Allocation, ...] = attrs.field(default=(), converter=_allocations)
    """Where the allocated units ship from, in the order the split chose them."""
    backordered: int = attrs.field(default=0, validator=_checks.non_negative_quantity)
    """Units that wait for stock."""
    cancelled: int = attrs.field(default=0, validator=_checks.non_negative_quantity)
    """Units the backorder policy cancels."""

    def __attrs_post_init__(self) -> None:
        total = self.allocated + self.backordered + self.cancelled
        if total != self.requested:
            raise InvalidPlanError(
                f"line {self.line_id!r}: allocated {self.allocated} + backordered "
                f"{self.backordered} + cancelled {self.cancelled} != requested {self.requested}",
                line_id=self.line_id,
                requested=self.requested,
                accounted=total,
            )

    @property
    def allocated(self) -> int:
        """Units allocated over all locations."""
        return sum(allocation.quantity for allocation in self.allocations)

    def quantity_at(self, location: str) -> int:
        """Units of this line allocated at ``location``."""
        for allocation in self.allocations:
            if allocation.location == location:
                return allocation.quantity
        return 0


_set = object.__setattr__


def _trusted_allocation(location: LocationId, quantity: int) -> Allocation:
    """An :class:`Allocation` built without re-checking its fields: only for values a
    built-in split took from a :class:`~invorder.routing.Budget` (a candidate's id and a
    positive quantity)."""
    allocation = object.__new__(Allocation)
    _set(allocation, "location", location)
    _set(allocation, "quantity", quantity)
    return allocation


def _trusted_line(
    line_id: LineId,
    sku: SkuId,
    requested: int,
    allocations: tuple[Allocation, ...],
    backordered: int,
    cancelled: int = 0,
) -> LineAllocation:
    """A :class:`LineAllocation` built without re-checking its invariants: only for the
    built-in blocks, whose lines keep them by construction (property-tested against the
    checked constructor)."""
    line = object.__new__(LineAllocation)
    _set(line, "line_id", line_id)
    _set(line, "sku", sku)
    _set(line, "requested", requested)
    _set(line, "allocations", allocations)
    _set(line, "backordered", backordered)
    _set(line, "cancelled", cancelled)
    return line


def _line_tuple(value: Iterable[LineAllocation]) -> tuple[LineAllocation, ...]:
    return _checks.items("lines", value, LineAllocation, "LineAllocation values")


@attrs.frozen
class AllocationPlan:
    """A routing rule's answer for one order: per line, per location quantities, the
    backorder (and cancel) quantities, whether a person must look at it, and why.

    Laws (see :func:`check_plan`): no location gives more than its ATP of a SKU over all
    lines; every requested unit is allocated, backordered or cancelled; the explanation
    agrees with the quantities. A plan is a proposal: the engine turns it into reservations.
    """

    order_id: OrderId
    """The order planned."""
    lines: tuple[LineAllocation, ...] = attrs.field(converter=_line_tuple)
    """One entry per request line, in request order."""
    explanation: Explanation | None = None
    """Why, when the caller asked (``rule.explain(request)``,
    :func:`~invorder.routing.explain_plan`); ``None`` for a plain call of a built-in rule."""
    held: bool = False
    """True when the backorder policy holds the order for a person to decide."""
    hold_reason: str | None = None
    """Why it is held."""
    _checked_for: object = attrs.field(default=None, init=False, eq=False, hash=False, repr=False)
    """The request :func:`check_plan` last passed this plan for (so it is checked once)."""

    def line(self, line_id: str) -> LineAllocation:
        """The plan for one line."""
        for line in self.lines:
            if line.line_id == line_id:
                return line
        raise KeyError(line_id)

    @property
    def shipments(self) -> tuple[LocationId, ...]:
        """The locations that ship something, in first-use order (one shipment each)."""
        seen: dict[LocationId, None] = {}
        for line in self.lines:
            for allocation in line.allocations:
                seen.setdefault(allocation.location, None)
        return tuple(seen)

    def units_by_location(self) -> dict[LocationId, int]:
        """Units allocated per location over all lines."""
        totals: dict[LocationId, int] = {}
        for line in self.lines:
            for allocation in line.allocations:
                totals[allocation.location] = totals.get(allocation.location, 0) + (
                    allocation.quantity
                )
        return totals

    def taken(self) -> dict[tuple[LocationId, SkuId], int]:
        """Units allocated per (location, SKU) over all lines."""
        totals: dict[tuple[LocationId, SkuId], int] = {}
        for line in self.lines:
            for allocation in line.allocations:
                key = (allocation.location, line.sku)
                totals[key] = totals.get(key, 0) + allocation.quantity
        return totals

    @property
    def allocated(self) -> int:
        """Units allocated over all lines."""
        return sum(line.allocated for line in self.lines)

    @property
    def backordered(self) -> int:
        """Units backordered over all lines."""
        return sum(line.backordered for line in self.lines)

    @property
    def cancelled(self) -> int:
        """Units cancelled over all lines."""
        return sum(line.cancelled for line in self.lines)

    @property
    def fully_allocated(self) -> bool:
        """True when every requested unit is allocated."""
        return all(line.allocated == line.requested for line in self.lines)

    def _repr_html_(self) -> str:
        """The lines and the explanation as HTML tables, for notebooks: one row per line
        (where its units ship from, what waits), then the explanation's table."""
        rows = [
            [
                line.line_id,
                line.sku,
                line.requested,
                ", ".join(f"{a.quantity} @ {a.location}" for a in line.allocations) or "nothing",
                line.backordered,
                line.cancelled,
            ]
            for line in self.lines
        ]
        caption = (
            f"order {self.order_id}: {self.allocated} allocated, {self.backordered} backordered"
            f", {len(self.shipments)} shipment(s)"
        )
        held = paragraph(f"held: {self.hold_reason or 'for review'}") if self.held else ""
        header = ["line", "sku", "requested", "allocations", "backordered", "cancelled"]
        why = "" if self.explanation is None else self.explanation._repr_html_()
        return table(header, rows, caption=caption) + held + why

    def to_rows(self) -> list[dict[str, Any]]:
        """One plain dict per (line, location) allocation plus one per unfilled line part."""
        rows: list[dict[str, Any]] = []
        for line in self.lines:
            for allocation in line.allocations:
                rows.append(
                    {
                        "order_id": self.order_id,
                        "line_id": line.line_id,
                        "sku": line.sku,
                        "location": allocation.location,
                        "quantity": allocation.quantity,
                        "status": "allocated",
                    }
                )
            for status, quantity in (
                ("backordered", line.backordered),
                ("cancelled", line.cancelled),
            ):
                if quantity:
                    rows.append(
                        {
                            "order_id": self.order_id,
                            "line_id": line.line_id,
                            "sku": line.sku,
                            "location": None,
                            "quantity": quantity,
                            "status": status,
                        }
                    )
        return rows


def check_plan(request: RoutingRequest, plan: AllocationPlan) -> AllocationPlan:
    """Check ``plan`` against the routing laws for ``request``; return it, or raise
    :class:`InvalidPlanError` naming the first law broken. A plan already passed for the
    same request (by a pipeline, a condition or :func:`plan_from_quantities`) is not
    checked again.

    Laws: same order and the same lines (id, SKU, quantity) in order; allocations only at
    candidate locations and never above a location's ATP of a SKU summed over lines;
    allocated + backordered + cancelled == requested (checked when the line is built);
    when the plan has an explanation, its ``allocated`` per location matches the plan and
    no location a filter excluded ships anything.
    """
    if plan._checked_for is request:
        return plan
    if plan.order_id != request.order.order_id:
        raise InvalidPlanError(
            "the plan is for another order", expected=request.order.order_id, got=plan.order_id
        )
    got = [(line.line_id, line.sku, line.requested) for line in plan.lines]
    want = [(line.line_id, line.sku, line.quantity) for line in request.lines]
    if got != want:
        raise InvalidPlanError("the plan's lines differ from the request's", expected=want, got=got)
    _check_supply(request, plan)
    if plan.explanation is not None:
        _check_explanation(plan, plan.explanation)
    _set(plan, "_checked_for", request)
    return plan


def _check_supply(request: RoutingRequest, plan: AllocationPlan) -> None:
    """Allocations only at candidates, within each one's ATP of a SKU over all lines
    (reads the facts of the locations the plan uses only)."""
    candidates = set(request._location_ids())
    for (location, sku), quantity in sorted(plan.taken().items()):
        if location not in candidates:
            raise InvalidPlanError(
                f"{location!r} is not a candidate location", location=location, sku=sku
            )
        atp = request.location(location).atp_of(sku)
        if quantity > atp:
            raise InvalidPlanError(
                f"{quantity} of {sku!r} allocated at {location} but its ATP is {atp}",
                location=location,
                sku=sku,
                allocated=quantity,
                atp=atp,
            )


def _check_explanation(plan: AllocationPlan, explanation: Explanation) -> None:
    """The explanation's units per location are the plan's; excluded locations ship none."""
    units = plan.units_by_location()
    explained = {entry.location: entry for entry in explanation.locations}
    for location in sorted(units.keys() | explained.keys()):
        entry = explained.get(location, LocationExplanation(location=location))
        if entry.allocated != units.get(location, 0):
            raise InvalidPlanError(
                f"explanation says {location} ships {entry.allocated} units, plan says "
                f"{units.get(location, 0)}",
                location=location,
            )
        if entry.excluded_by is not None and entry.allocated:
            raise InvalidPlanError(
                f"{location} was excluded by {entry.excluded_by} but ships units",
                location=location,
            )


def plan_from_quantities(
    request: RoutingRequest,
    # Line ids and location ids, plain ``str`` or their NewTypes (mapping keys are invariant,
    # so the element types cannot say "either"); every key is checked below.
    quantities: Mapping[Any, Mapping[Any, int]],
    *,
    rule: str,
    decisions: Mapping[str, str] | None = None,
    notes: Iterable[str] = (),
) -> AllocationPlan:
    """Build a checked plan from ``{line_id: {location: units}}``; the unallocated rest of
    each line is backordered. For host rules that do not want to build values by hand.
    Its explanation lists every candidate with its decision and units (cheap: no facts are
    read for it).

    Raises :class:`InvalidPlanError` if a line id is unknown or the quantities break a law.
    """
    known = {line.line_id for line in request.lines}
    for line_id in quantities:
        if line_id not in known:
            raise InvalidPlanError(f"unknown line {line_id!r}", line_id=line_id)
    lines = []
    for line in request.lines:
        chosen = quantities.get(line.line_id, {})
        allocations = tuple(
            Allocation(location=LocationId(location), quantity=quantity)
            for location, quantity in chosen.items()
            if quantity
        )
        allocated = sum(allocation.quantity for allocation in allocations)
        if allocated > line.quantity:
            raise InvalidPlanError(
                f"line {line.line_id!r} allocates {allocated} of {line.quantity}",
                line_id=line.line_id,
            )
        lines.append(
            LineAllocation(
                line_id=line.line_id,
                sku=line.sku,
                requested=line.quantity,
                allocations=allocations,
                backordered=line.quantity - allocated,
            )
        )
    draft = AllocationPlan(request.order.order_id, tuple(lines))
    units = draft.units_by_location()
    decisions = decisions or {}
    entries = tuple(
        LocationExplanation(
            location=location,
            decision=decisions.get(location),
            allocated=units.get(location, 0),
        )
        for location in request._location_ids()
    )
    explanation = Explanation(rule=rule, locations=entries, notes=tuple(notes))
    plan = attrs.evolve(draft, explanation=explanation)
    # The lines are the request's and the explanation counts the plan's units, by
    # construction: only the supply law is left to check.
    _check_supply(request, plan)
    _set(plan, "_checked_for", request)
    return plan
