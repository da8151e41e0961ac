"""Allocation mechanics: ask the allocator which locations give which units, then reserve
them bin by bin in bin-path order (the decisions allocate through :mod:`.whole`).

The events record the reservations made, so replay never runs the allocator again.
Reservation and shipment ids are derived from the order id and counters: ``ORDER/R1``,
``ORDER/S1``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from functools import lru_cache

from invorder.domain.errors import InvalidPlanError
from invorder.domain.messages import Command, Event
from invorder.domain.orders._bins import takes
from invorder.domain.orders.allocator import (
    AllocationRequest,
    AllocatorAnswer,
    CheckedAnswer,
    first_fit,
)
from invorder.domain.orders.context import Context
from invorder.domain.orders.events import (
    LineBackorder,
    LineCancellation,
    OrderAllocated,
    OrderCancelled,
    OrderHeld,
    Pick,
)
from invorder.domain.orders.ids import LineId
from invorder.domain.orders.order import Order
from invorder.domain.orders.policy import allowances
from invorder.domain.orders.shipment import ShipmentStatus
from invorder.domain.orders.taken import Taken
from invorder.domain.orders.values import HoldReason
from invorder.domain.reservations.commands import ReserveStock
from invorder.domain.reservations.decide import expire
from invorder.domain.reservations.kernel import reserve_command, reserve_counted
from invorder.domain.stock.catalog import SkuId
from invorder.domain.stock.events import StockPosted
from invorder.domain.stock.ledger import Ledger
from invorder.domain.stock.location import LocationId, is_virtual
from invorder.domain.stock.movement import Bucket


def warehouse_units(ledger: Ledger, sku: str, warehouse: str, taken: Taken | None) -> int:
    """Units of ``sku`` the bins of ``warehouse`` can give, after ``taken`` (a bundle's
    components may lie in different bins: each is counted over the warehouse)."""
    return _units_in(ledger, ledger.catalog.leaves(sku), warehouse, taken)


def _units_in(
    ledger: Ledger, leaves: tuple[tuple[SkuId, int], ...], location: str, taken: Taken | None
) -> int:
    """Units of the SKU made of ``leaves`` that ``location``'s subtree can give after
    ``taken`` (see :func:`warehouse_units`)."""
    units = None
    for leaf, per in leaves:
        used = taken.under(leaf, location) if taken is not None else 0
        # Taken never exceeds a bin, so the roll-up less what is taken is what the bins give.
        n = max(0, ledger.rollup(leaf, location) - used) // per
        units = n if units is None else min(units, n)
    return units or 0


def _candidates(ctx: Context, order: Order) -> Sequence[str]:
    feeding = ctx.channel_locations(order.capture.channel)
    if feeding is None:
        return all_warehouses(ctx)
    return _warehouses_of(tuple(feeding))


@lru_cache(maxsize=1 << 10)
def _warehouses_of(feeding: tuple[str, ...]) -> tuple[str, ...]:
    """The warehouses of a channel's feeding locations, sorted (once per feeding list)."""
    return tuple(sorted({p.split("/", 1)[0] for p in feeding}))


def allocate_lines(
    ctx: Context,
    order: Order,
    needs: Mapping[str, int],
    command: Command,
    position: int,
    taken: Taken,
    *,
    ship_complete: bool | None = None,
    only_with_supply: bool = False,
    sweep_lapsed: bool = False,
    into_open: bool = False,
    emptied: Collection[str] = (),
    within: Collection[str] | None = None,
    limit: Mapping[str, int] | None = None,
) -> tuple[Event, ...]:
    """Plan ``needs`` with the allocator, then reserve bin by bin (``taken``: units already
    reserved by earlier orders of the same command, per (leaf SKU, bin), and the units they
    gave each warehouse; ``ship_complete``:
    the order's own setting unless given; ``only_with_supply``: return no event, without
    asking the allocator, when the candidates hold nothing it could allocate: no unit of
    what is needed, or for a ship-complete order no location holding all of it: the
    allocator is only offered locations that do, for such an order);
    ``sweep_lapsed``: first expire the lapsed holds of the needed SKUs at the candidate
    locations, in the same outcome, so the order gets what ATP already calls free (for a
    decision that allocates one order: a second sweep of the same holds would free them
    twice); ``into_open``: units placed at a warehouse where the order has a shipment not
    yet packed join it instead of opening another parcel (a short pick's re-allocation),
    unless it is one of ``emptied`` (the outcome takes its last unit: the fold cancels it);
    ``within``: only these warehouses (empty: any; ``None``: for a ship-complete order,
    where its shipments not ``emptied`` hold units, else any); ``limit``: at most these units
    of a SKU (a wave's fair share), besides the channel's policy."""
    if ship_complete is None:
        ship_complete = order.ship_complete
    ledger = ctx.ledger
    skus: dict[str, SkuId] = {line.line_id: line.sku for line in order.lines}
    supply: dict[LocationId, dict[SkuId, int]] = {}
    candidates = _candidates(ctx, order)
    if within is None and ship_complete:
        # Once part of it is allocated somewhere, the rest may only come from there.
        within = {s.location for s in ctx.orders.shipments_of(order)
                  if s.units and s.shipment not in emptied}  # fmt: skip
    if within:
        candidates = [c for c in candidates if c in within]
    needed = sorted({skus[line] for line in needs})
    sweep: tuple[Event, ...] = ()
    if sweep_lapsed:
        stocked = {leaf for sku in needed for leaf, _ in ledger.catalog.leaves(sku)}
        due = ctx.reservations.lapsed_holding(sorted(stocked), candidates, command.at)
        sweep = expire(ctx.reservations, due, command, position) if due else ()
        position += len(sweep)
        taken.merge(taken_by(sweep)[0])
    # A ship-complete order is offered only the locations that can give all of it.
    demand = _demand(needs, skus) if ship_complete else None
    # An order from a channel that holds stock back takes no more than the channel may sell.
    allowed = allowances(ctx, order, needed, taken)
    if limit is not None and any(sku in limit for sku in needed):
        allowed = {sku: min(allowed[sku] if allowed is not None else _NO_LIMIT,
                            max(0, limit.get(sku, _NO_LIMIT))) for sku in needed}  # fmt: skip
    made_of = [(sku, leaves, _simple(leaves))
               for sku in needed for leaves in (ledger.catalog.leaves(sku),)]  # fmt: skip
    rollup, under = ledger.rollup, taken.under
    for warehouse in candidates:
        units: dict[SkuId, int] = {}
        for sku, leaves, simple in made_of:
            if simple is None:
                n = _units_in(ledger, leaves, warehouse, taken)
            else:  # one unit of itself: _units_in without the loop over leaves
                n = rollup(simple, warehouse) - under(simple, warehouse)
                if n < 0:
                    n = 0
            if allowed is not None and n > allowed[sku]:
                n = allowed[sku]
            if demand is not None and n < demand[sku]:
                break
            if n:
                units[sku] = n
        else:
            supply[LocationId(warehouse)] = units
    if only_with_supply and not any(supply.values()):
        return sweep
    at = command.at

    def given(warehouse: str, start: datetime, end: datetime) -> int:
        ours = taken.given(warehouse) if start <= at < end else 0
        return ctx.orders.units_given(warehouse, start, end) + ours

    request = AllocationRequest(
        order=order, needs=tuple((LineId(k), skus[k], n) for k, n in needs.items()),
        supply=supply, at=at, given=given,
    )  # fmt: skip
    allocator = ctx.allocator
    answer = allocator(request)
    if not isinstance(answer, AllocatorAnswer):
        answer = AllocatorAnswer(allocations=answer)
    cancel = {str(k): n for k, n in answer.cancelled.items() if n}
    if allocator is first_fit or type(answer) is CheckedAnswer:
        # Kept within the supply by construction, or checked against it by routing's laws.
        plan: Mapping[str, Sequence[tuple[str, int]]] = answer.allocations
    else:
        plan = _checked(answer, cancel, needs, skus, supply)
    if ship_complete:
        used = {loc for parts in plan.values() for loc, _ in parts}
        complete = all(sum(q for _, q in plan.get(k, ())) == n for k, n in needs.items())
        if len(used) > 1 or not complete:
            plan, cancel = {}, {}
    return _reserve(ctx, order, needs, command, position, taken, plan, cancel, answer.hold,
                    skus=skus, allowed=allowed, ship_complete=ship_complete,
                    into_open=into_open, emptied=emptied, sweep=sweep)  # fmt: skip


def _simple(leaves: tuple[tuple[SkuId, int], ...]) -> SkuId | None:
    """The SKU made of ``leaves`` when it is one unit of one stocked SKU, else ``None``."""
    return leaves[0][0] if len(leaves) == 1 and leaves[0][1] == 1 else None


def _checked(
    answer: AllocatorAnswer,
    cancel: Mapping[str, int],
    needs: Mapping[str, int],
    skus: Mapping[str, SkuId],
    supply: Mapping[LocationId, Mapping[SkuId, int]],
) -> dict[str, list[tuple[str, int]]]:
    """The allocations of an answer nothing checked yet, checked against what the lines
    need and the locations can give; raises :class:`InvalidPlanError` for the first law
    broken."""
    plan = {str(k): list(v) for k, v in answer.allocations.items()}
    for line_id, n in cancel.items():
        done = sum(q for _, q in plan.get(line_id, ()))
        if line_id not in needs or n < 0 or done + n > needs[line_id]:
            raise InvalidPlanError(f"line {line_id!r}: cancels {n} beyond what it needs")
    left = {loc: dict(units) for loc, units in supply.items()}
    for line_id, parts in plan.items():
        if line_id not in needs:
            raise InvalidPlanError(f"the allocator answered for unknown line {line_id!r}")
        if sum(n for _, n in parts) > needs[line_id]:
            raise InvalidPlanError(f"line {line_id!r} allocated above what it needs")
        for loc, n in parts:
            have = left.get(LocationId(loc), {}).get(skus[line_id], 0)
            if n <= 0 or n > have:
                raise InvalidPlanError(f"{n} of {skus[line_id]!r} at {loc} (can give {have})")
            left[LocationId(loc)][skus[line_id]] -= n
    return plan


def _reserve(
    ctx: Context,
    order: Order,
    needs: Mapping[str, int],
    command: Command,
    position: int,
    taken: Taken,
    plan: Mapping[str, Sequence[tuple[str, int]]],
    cancel: Mapping[str, int],
    hold: str | None,
    *,
    skus: Mapping[str, SkuId],
    allowed: dict[str, int] | None,
    ship_complete: bool,
    into_open: bool,
    emptied: Collection[str],
    sweep: tuple[Event, ...],
) -> tuple[Event, ...]:
    """Reserve the checked ``plan`` bin by bin: the order's :class:`OrderAllocated`, the
    reservations, the units cancelled and the hold for review (after ``sweep``)."""
    ledger = ctx.ledger
    at = command.at
    picks: list[Pick] = []
    shipment_of: dict[str, str] = {}
    opened = 0
    reusable: dict[str, str] = {}  # warehouse -> a shipment of the order not yet packed
    if into_open:
        for s in ctx.orders.shipments_of(order):
            not_packed = s.status is ShipmentStatus.OPEN or s.status is ShipmentStatus.PICKING
            if not_packed and s.shipment not in emptied:
                reusable.setdefault(s.location, s.shipment)
    counter = len(order.reservations)
    before = taken.copy() if ship_complete else None
    reserves: list[tuple[ReserveStock, list[tuple[SkuId, str, int]]]] = []
    reference = order.order_id + "/"
    for line_id in needs:
        sku = skus[line_id]
        leaves = ledger.catalog.leaves(sku)
        for loc, n in plan.get(line_id, ()):
            if allowed is not None:
                # Spread over locations, a plan may add up to more than the channel may sell.
                n = min(n, allowed[sku])
                if not n:
                    continue
            shipment = shipment_of.get(loc)
            if shipment is None:
                shipment = reusable.get(loc)
                if shipment is None:
                    opened += 1
                    shipment = f"{order.order_id}/S{len(order.shipments) + opened}"
                shipment_of[loc] = shipment
            for place, take, spread in takes(ledger, leaves, loc, taken, n):
                if allowed is not None:
                    allowed[sku] -= take
                counter += 1
                rid = f"{order.order_id}/R{counter}"
                taken.give(loc, take)  # units this outcome gives the warehouse (capacity)
                picks.append(Pick(shipment, LineId(line_id), sku, rid, LocationId(place), take))
                # Every field comes from the checked command, order and ledger.
                reserve = reserve_command(command.key, at, rid, sku, place, take,
                                          reference + line_id)  # fmt: skip
                reserves.append((reserve, spread))
    got: dict[str, int] = {}
    for p in picks:
        got[p.line_id] = got.get(p.line_id, 0) + p.quantity
    if before is not None and any(got.get(k, 0) < n for k, n in needs.items()):
        # The bins gave less than the plan (lines sharing a component, a bundle's components
        # in different bins): a ship-complete order takes all of it or nothing.
        picks, reserves, got = [], [], {}
        taken.restore(before)
    backorders = tuple(LineBackorder(LineId(k), n - got.get(k, 0)) for k, n in needs.items())
    name = getattr(ctx.allocator, "name", getattr(ctx.allocator, "__name__", "allocator"))
    events: list[Event] = [OrderAllocated(position=position, command=command,
                                          order=order.order_id, picks=tuple(picks),
                                          backorders=backorders, rule=str(name))]  # fmt: skip
    for reserve, spread in reserves:
        events.append(reserve_counted(ctx.reservations, reserve, spread, position + len(events)))
    if cancel:
        lines = tuple(LineCancellation(LineId(k), n, n, 0) for k, n in cancel.items())
        events.append(OrderCancelled(position=position + len(events), command=command,
                                     order=order.order_id, lines=lines, released=(),
                                     reason=f"cancelled by {name}"))  # fmt: skip
    review = HoldReason.ROUTING_REVIEW.value
    if hold is not None and review not in order.holds:
        events.append(OrderHeld(position=position + len(events), command=command,
                                order=order.order_id, reason=review))  # fmt: skip
    return (*sweep, *events)


_NO_LIMIT = 1 << 62
"""More units than any allowance: a SKU without a limit."""


def taken_by(events: tuple[Event, ...] | list[Event]) -> tuple[Taken, set[str]]:
    """Units the ledger entries among ``events`` (not folded yet) took from the available
    bucket of real locations, per (SKU, location), negative where units arrived (and the
    units their allocations gave each warehouse); and the SKUs some of whose units arrived
    in an available bucket."""
    taken = Taken()
    arrived: set[str] = set()
    for event in events:
        if type(event) is OrderAllocated:
            assert isinstance(event, OrderAllocated)
            for pick in event.picks:
                taken.give(pick.location.split("/", 1)[0], pick.quantity)
        if type(event) is not StockPosted:
            continue
        assert isinstance(event, StockPosted)
        for m in event.movements:
            if m.destination.bucket is Bucket.AVAILABLE and not is_virtual(m.destination.location):
                taken.add(m.sku, m.destination.location, -m.quantity)
                arrived.add(m.sku)
            if m.source.bucket is Bucket.AVAILABLE and not is_virtual(m.source.location):
                taken.add(m.sku, m.source.location, m.quantity)
    return taken, arrived


def _demand(needs: Mapping[str, int], skus: Mapping[str, SkuId]) -> dict[SkuId, int]:
    """Units needed per SKU (two lines may need the same one)."""
    demand: dict[SkuId, int] = {}
    for line_id, n in needs.items():
        demand[skus[line_id]] = demand.get(skus[line_id], 0) + n
    return demand


def all_warehouses(ctx: Context) -> list[str]:
    """The real top-level locations (warehouses), sorted."""
    return sorted(p for p in ctx.ledger.locations if "/" not in p and not is_virtual(p))
