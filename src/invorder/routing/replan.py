"""Re-planning: when supply moves (stock in, a purchase order slips, a short pick, a
location goes offline or comes back), recompute a wave's plans and return the difference
as a value."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import attrs

from invorder.domain import _checks
from invorder.domain.errors import InvalidRoutingRequestError
from invorder.domain.orders.ids import LineId, OrderId
from invorder.domain.orders.move import MoveAllocation
from invorder.domain.orders.values import LineQuantity
from invorder.domain.stock.catalog import SkuId, sku_id
from invorder.domain.stock.location import LocationId, location_id
from invorder.routing.conditions import explain_plan, run_checked
from invorder.routing.explain import Explanation, LocationExplanation
from invorder.routing.plan import Allocation, AllocationPlan, LineAllocation, check_plan
from invorder.routing.request import RequestLine
from invorder.routing.rule import RoutingRule
from invorder.routing.wave import Supply, WaveResult, _frozen


@attrs.frozen
class StockArrived:
    """Units became available at a location (received, transferred in, restocked)."""

    location: LocationId = attrs.field(converter=location_id)
    """Where."""
    sku: SkuId = attrs.field(converter=sku_id)
    """Which SKU."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """How many units more."""


@attrs.frozen
class PurchaseOrderSlipped:
    """Incoming units counted in ATP will not arrive in time: they leave the pool."""

    location: LocationId = attrs.field(converter=location_id)
    """Where the units were expected."""
    sku: SkuId = attrs.field(converter=sku_id)
    """Which SKU."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """How many units leave the pool."""


@attrs.frozen
class ShortPicked:
    """A picker found fewer units than the books said: they leave the pool."""

    location: LocationId = attrs.field(converter=location_id)
    """Where the pick fell short."""
    sku: SkuId = attrs.field(converter=sku_id)
    """Which SKU."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """How many units are missing."""


@attrs.frozen
class LocationOffline:
    """A location cannot ship (capacity zero): everything planned there moves or waits.
    Its ATP stays in the pool, unusable until :class:`LocationOnline`."""

    location: LocationId = attrs.field(converter=location_id)
    """The location."""


def _optional_count(instance: object, attribute: Any, value: Any) -> None:
    if value is not None:
        _checks.non_negative_quantity(instance, attribute, value)


@attrs.frozen
class LocationOnline:
    """A location can ship again, with ``capacity`` units and ``shipments`` left today
    (``None`` for unlimited)."""

    location: LocationId = attrs.field(converter=location_id)
    """The location."""
    capacity: int | None = attrs.field(default=None, validator=_optional_count)
    """Units it can still ship today."""
    shipments: int | None = attrs.field(default=None, validator=_optional_count)
    """Shipments it can still start today."""


SupplyChange = StockArrived | PurchaseOrderSlipped | ShortPicked | LocationOffline | LocationOnline
"""One change of supply fed to :func:`replan`."""

_CHANGES = (StockArrived, PurchaseOrderSlipped, ShortPicked, LocationOffline, LocationOnline)


@attrs.frozen
class Reroute:
    """A line whose units now ship from other locations (or fewer of them)."""

    order_id: OrderId
    """The order."""
    line_id: LineId
    """The line."""
    sku: SkuId
    """Its SKU."""
    before: tuple[Allocation, ...]
    """Where it shipped from in the old plan."""
    after: tuple[Allocation, ...]
    """Where it ships from now."""


@attrs.frozen
class LineChange:
    """A quantity change on a line: newly backordered or newly filled units."""

    order_id: OrderId
    """The order."""
    line_id: LineId
    """The line."""
    sku: SkuId
    """Its SKU."""
    quantity: int
    """Units newly backordered, or newly filled."""


@attrs.frozen
class Replan:
    """The difference a supply change makes, before anything is applied: new plans
    (priority order), reroutes, new backorders and newly filled lines, and the new wave
    (to chain further changes)."""

    changes: tuple[SupplyChange, ...]
    """The supply changes replanned for."""
    plans: tuple[AllocationPlan, ...]
    """The new plans, in priority order."""
    reroutes: tuple[Reroute, ...]
    """Lines that lost units at a location they had."""
    new_backorders: tuple[LineChange, ...]
    """Lines with more units backordered than before."""
    newly_filled: tuple[LineChange, ...]
    """Lines with more units allocated than before."""
    wave: WaveResult
    """The new wave (its ``supply`` is the changed pool), to chain further changes."""

    @property
    def changed(self) -> bool:
        """True when any line changes."""
        return bool(self.reroutes or self.new_backorders or self.newly_filled)


def apply_changes(supply: Supply, changes: Iterable[SupplyChange]) -> Supply:
    """The pool after ``changes`` (reductions stop at zero)."""
    atp = {loc: dict(skus) for loc, skus in supply.atp.items()}
    capacity = dict(supply.capacity)
    shipments = dict(supply.shipments)
    changes = tuple(changes)
    for change in changes:
        if not isinstance(change, _CHANGES):
            raise InvalidRoutingRequestError(
                "replan takes StockArrived, PurchaseOrderSlipped, ShortPicked, "
                "LocationOffline or LocationOnline changes",
                value=change,
            )
    for change in changes:
        if isinstance(change, LocationOffline):
            capacity[change.location] = 0
            shipments[change.location] = 0
            continue
        if isinstance(change, LocationOnline):
            capacity[change.location] = change.capacity
            shipments[change.location] = change.shipments
            continue
        skus = atp.setdefault(change.location, {})
        have = skus.get(change.sku, 0)
        if isinstance(change, StockArrived):
            skus[change.sku] = have + change.quantity
        else:
            skus[change.sku] = max(have - change.quantity, 0)
    return Supply(
        atp=_frozen({loc: _frozen(skus) for loc, skus in atp.items()}),
        capacity=_frozen(capacity),
        shipments=_frozen(shipments),
    )


def _merge(kept: Sequence[Allocation], extra: Sequence[Allocation]) -> tuple[Allocation, ...]:
    units: dict[LocationId, int] = {}
    for allocation in (*kept, *extra):
        units[allocation.location] = units.get(allocation.location, 0) + allocation.quantity
    return tuple(Allocation(location=loc, quantity=q) for loc, q in units.items())


def _explain(
    base: Explanation, plan_lines: Sequence[LineAllocation], kept: dict[LocationId, int], note: str
) -> Explanation:
    units: dict[LocationId, int] = {}
    for line in plan_lines:
        for allocation in line.allocations:
            units[allocation.location] = units.get(allocation.location, 0) + allocation.quantity
    entries = []
    for entry in base.locations:
        decision = entry.decision
        excluded_by, reason = entry.excluded_by, entry.exclusion_reason
        if kept.get(entry.location):
            if excluded_by is not None:
                decision = f"re-routing the rest: excluded by {excluded_by}: {reason}"
                excluded_by = reason = None
            decision = f"kept {kept[entry.location]} units from the previous plan" + (
                f"; {decision}" if decision else ""
            )
        entries.append(
            attrs.evolve(
                entry,
                decision=decision,
                excluded_by=excluded_by,
                exclusion_reason=reason,
                allocated=units.get(entry.location, 0),
            )
        )
    listed = {entry.location for entry in entries}
    for loc in sorted(units.keys() - listed):
        entries.append(LocationExplanation(location=loc, allocated=units[loc]))
    return attrs.evolve(base, locations=tuple(entries), notes=(*base.notes, note))


def replan(wave: WaveResult, changes: Iterable[SupplyChange], rule: RoutingRule) -> Replan:
    """Re-plan ``wave`` after ``changes``. Existing allocations are kept where the new pool
    still holds them (higher-priority orders first); then every unit that lost its place or
    was backordered is routed again with ``rule``, in priority order. Units an order still
    holds are never taken from it for another order (this keeps churn low; run
    :func:`allocate_wave` afresh to re-prioritise from scratch). Cancelled units stay
    cancelled. Nothing is applied: the result says what would change."""
    changes = tuple(changes)
    start = apply_changes(wave.supply, changes)
    atp = {loc: dict(skus) for loc, skus in start.atp.items()}
    capacity = dict(start.capacity)
    shipments = dict(start.shipments)
    kept_lines: list[list[tuple[Allocation, ...]]] = []
    for plan in wave.plans:
        per_line = []
        used: set[LocationId] = set()
        for line in plan.lines:
            kept = []
            for allocation in line.allocations:
                loc = allocation.location
                have = atp.get(loc, {}).get(line.sku, 0)
                cap = capacity.get(loc)
                quantity = min(allocation.quantity, have if cap is None else min(have, cap))
                if quantity > 0:
                    kept.append(Allocation(location=loc, quantity=quantity))
                    atp[loc][line.sku] = have - quantity
                    if cap is not None:
                        capacity[loc] = cap - quantity
                    used.add(loc)
            per_line.append(tuple(kept))
        for loc in used:
            left = shipments.get(loc)
            if left is not None:
                shipments[loc] = max(left - 1, 0)
        kept_lines.append(per_line)
    pool = Supply(
        atp=_frozen({loc: _frozen(skus) for loc, skus in atp.items()}),
        capacity=_frozen(capacity),
        shipments=_frozen(shipments),
    )
    new_plans = []
    for request, plan, kept_per_line in zip(wave.requests, wave.plans, kept_lines, strict=True):
        remainder = []
        for line, line_kept in zip(plan.lines, kept_per_line, strict=True):
            left = line.requested - line.cancelled - sum(a.quantity for a in line_kept)
            if left:
                remainder.append(RequestLine(line_id=line.line_id, sku=line.sku, quantity=left))
        kept_units: dict[LocationId, int] = {}
        for held_here in kept_per_line:
            for allocation in held_here:
                kept_units[allocation.location] = (
                    kept_units.get(allocation.location, 0) + allocation.quantity
                )
        extra: dict[LineId, LineAllocation] = {}
        explanation_base = plan.explanation
        held, hold_reason = plan.held, plan.hold_reason
        if remainder:
            sub = pool.apply_to(attrs.evolve(request, lines=tuple(remainder)))
            if plan.explanation is None:
                sub_plan = run_checked(rule, sub)
            else:  # the wave was explained: so is its re-plan
                sub_plan = check_plan(sub, explain_plan(rule, sub))
            extra = {line.line_id: line for line in sub_plan.lines}
            explanation_base = sub_plan.explanation
            held, hold_reason = sub_plan.held, sub_plan.hold_reason
        lines: list[LineAllocation] = []
        for line, line_kept in zip(plan.lines, kept_per_line, strict=True):
            routed = extra.get(line.line_id)
            allocations = _merge(line_kept, routed.allocations if routed else ())
            cancelled = line.cancelled + (routed.cancelled if routed else 0)
            allocated = sum(a.quantity for a in allocations)
            lines.append(
                attrs.evolve(
                    line,
                    allocations=allocations,
                    cancelled=cancelled,
                    backordered=line.requested - cancelled - allocated,
                )
            )
        names = ", ".join(type(change).__name__ for change in changes) or "no change"
        new_plan = AllocationPlan(
            order_id=plan.order_id,
            lines=tuple(lines),
            explanation=None
            if explanation_base is None
            else _explain(explanation_base, lines, kept_units, f"replanned after {names}"),
            held=held,
            hold_reason=hold_reason,
        )
        new_plan = check_plan(start.apply_to(request), new_plan)
        pool = pool.consume(attrs.evolve(new_plan, lines=tuple(extra.values())))
        new_plans.append(new_plan)
    reroutes, backorders, filled = [], [], []
    for old, new in zip(wave.plans, new_plans, strict=True):
        for before, after in zip(old.lines, new.lines, strict=True):
            ids = (old.order_id, before.line_id, before.sku)
            old_map = {a.location: a.quantity for a in before.allocations}
            new_map = {a.location: a.quantity for a in after.allocations}
            if (
                old_map
                and old_map != new_map
                and any(new_map.get(loc, 0) < q for loc, q in old_map.items())
            ):
                reroutes.append(Reroute(*ids, before=before.allocations, after=after.allocations))
            if after.backordered > before.backordered:
                backorders.append(LineChange(*ids, quantity=after.backordered - before.backordered))
            if after.allocated > before.allocated:
                filled.append(LineChange(*ids, quantity=after.allocated - before.allocated))
    final = start
    for plan in new_plans:
        final = final.consume(plan)
    new_wave = WaveResult(
        requests=wave.requests,
        plans=tuple(new_plans),
        supply=start,
        remaining=final,
        quotas=wave.quotas,
    )
    return Replan(
        changes=changes,
        plans=tuple(new_plans),
        reroutes=tuple(reroutes),
        new_backorders=tuple(backorders),
        newly_filled=tuple(filled),
        wave=new_wave,
    )


def moves(replan: Replan, key: str, at: datetime) -> list[MoveAllocation]:
    """The commands that apply ``replan``'s reroutes in the engine: for each order, the
    units a line lost at one location and gained at another, as one
    :class:`~invorder.MoveAllocation` per (order, source, destination), keyed
    ``{key}/1``, ``{key}/2``, ... Units a line lost without gaining them elsewhere are new
    backorders, not moves (the engine backorders them when their stock goes)."""
    grouped: dict[tuple[str, str, str], dict[str, int]] = {}
    for reroute in replan.reroutes:
        before = _units_at(reroute.before)
        after = _units_at(reroute.after)
        lost = {loc: n - after.get(loc, 0) for loc, n in sorted(before.items())
                if n > after.get(loc, 0)}  # fmt: skip
        gained = {loc: n - before.get(loc, 0) for loc, n in sorted(after.items())
                  if n > before.get(loc, 0)}  # fmt: skip
        for source in lost:
            for destination in gained:
                n = min(lost[source], gained[destination])
                if n:
                    lines = grouped.setdefault((reroute.order_id, source, destination), {})
                    lines[reroute.line_id] = lines.get(reroute.line_id, 0) + n
                    lost[source] -= n
                    gained[destination] -= n
    return [
        MoveAllocation(key=f"{key}/{n}", at=at, order=order, source=LocationId(source),
                       destination=LocationId(destination),
                       lines=[LineQuantity(line, units) for line, units in lines.items()])
        for n, ((order, source, destination), lines) in enumerate(sorted(grouped.items()), 1)
    ]  # fmt: skip


def _units_at(allocations: Iterable[Allocation]) -> dict[str, int]:
    found: dict[str, int] = {}
    for a in allocations:
        found[a.location] = found.get(a.location, 0) + a.quantity
    return found
