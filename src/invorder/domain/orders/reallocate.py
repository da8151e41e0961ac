"""Allocating what orders wait for: ``AllocateOrder``, ``AllocateBackorders``, and the
re-allocation after an arrival (units that came in or were freed: a receipt, a return, a
cancellation, a released or swept reservation, a count go to waiting orders in priority
order, in the same outcome, and cost what they fill rather than the whole backlog)."""

from __future__ import annotations

from collections.abc import Set

from invorder.domain.errors import IllegalTransitionError, UnknownSkuError
from invorder.domain.messages import Command, Event
from invorder.domain.orders.commands import AllocateBackorders, AllocateOrder
from invorder.domain.orders.context import Context, known_order, needs_of
from invorder.domain.orders.decide_allocation import all_warehouses, taken_by, warehouse_units
from invorder.domain.orders.events import (
    OrderAllocated,
    OrderCancelled,
    PicksFoundShort,
    PicksWithdrawn,
)
from invorder.domain.orders.order import Order
from invorder.domain.orders.taken import Taken
from invorder.domain.orders.whole import allocate
from invorder.domain.stock.ledger import Ledger


def decide_allocate(ctx: Context, command: AllocateOrder, position: int) -> tuple[Event, ...]:
    """Allocate what the order still needs (a ship-complete order in parts only with
    ``command.split``)."""
    order = known_order(ctx.orders, command.order)
    if order.holds:
        raise IllegalTransitionError("order", order.order_id,
                                     f"on hold ({', '.join(order.holds)})", "allocate",
                                     "release the holds first")  # fmt: skip
    needs = needs_of(order)
    if not needs:
        raise IllegalTransitionError("order", order.order_id, order.status.value, "allocate",
                                     "no unit is waiting for allocation")  # fmt: skip
    complete = order.ship_complete and not command.split
    return allocate(ctx, order, needs, command, position, Taken(), ship_complete=complete,
                    sweep_lapsed=True)  # fmt: skip


def decide_backorders(
    ctx: Context, command: AllocateBackorders, position: int
) -> tuple[Event, ...]:
    """Allocate backordered units of every order not on hold, in priority order (only
    lines of ``command.sku`` when it names one, but a ship-complete order whole: a SKU
    the catalog does not define is refused)."""
    if command.sku and command.sku not in ctx.ledger.catalog:
        raise UnknownSkuError(command.sku)
    waiting = [o for o in ctx.orders if not o.holds and needs_of(o, command.sku)]
    taken = Taken()
    events: list[Event] = []
    for order in sorted(waiting, key=ctx.priority):
        found = allocate(ctx, order, needs_of(order, command.sku), command,
                         position + len(events), taken)  # fmt: skip
        if any(type(e) is not OrderAllocated for e in found):
            events.extend(found)
    return tuple(events)


def reallocate_after(
    ctx: Context, arrivals: tuple[Event, ...], command: Command, position: int
) -> tuple[Event, ...]:
    """After stock arrived or was freed (the ``arrivals`` events of ``command``, not folded
    yet: a receipt, a return, a cancellation, a released or swept reservation), allocate
    backordered units of orders not on hold, in priority order.

    Only orders waiting for an arrived SKU are considered, and an order is routed again
    only if one of its candidate locations still has a unit of what it waits for: once the
    arrival is used up, the orders behind it are not re-routed (their rule would have
    nothing to give them), so an arrival costs what it fills, not the whole backlog.
    """
    taken, arrived = taken_by(arrivals)
    if not arrived:
        return ()
    catalog = ctx.ledger.catalog
    skus: dict[str, None] = {}  # the arrived SKUs and the bundles made with them
    for leaf in sorted(arrived):
        skus[leaf] = None
        skus.update(dict.fromkeys(catalog.bundles_using(leaf)))
    # An order whose allocation this outcome already changed (the order being cancelled, one
    # a short count re-allocated) is not folded yet: routing it again would read it stale.
    touched = {event.order for event in arrivals if isinstance(event, _REALLOCATING)}
    waiting = []
    fed: dict[str, bool] = {}  # per line SKU: whether units of one of its leaves arrived
    for order in ctx.orders.waiting_for(skus):
        if order.holds or order.order_id in touched:
            continue
        needs: dict[str, int] = {}
        for line in order.lines:
            if line.backordered:
                sku = line.sku
                hit = fed.get(sku)
                if hit is None:
                    hit = fed[sku] = any(leaf in arrived for leaf, _ in catalog.leaves(sku))
                if hit:
                    needs[line.line_id] = line.backordered
        if needs:
            waiting.append((order, needs))
    events: list[Event] = []
    ledger = ctx.ledger
    warehouses = all_warehouses(ctx)
    arrived_at = taken.arrived_at()
    gone: set[str] = set()  # SKUs no warehouse can give any more (supply only shrinks here)
    # What is known to be left while ``taken`` stays as it is (forgotten after each
    # allocation): the SKUs some warehouse can still give, and the units per (SKU,
    # warehouse). The orders behind an arrival share their SKUs.
    left: set[str] = set()
    counted: dict[tuple[str, str], int] = {}

    def hopeless(pair: tuple[Order, dict[str, int]]) -> bool:
        order, needs = pair
        for line in order.lines:
            if line.line_id in needs:
                sku = line.sku
                if sku in left:
                    break
                if not _none_left(ledger, sku, warehouses, taken, gone):
                    left.add(sku)
                    break
        else:
            return True
        return _cannot_complete(ctx, order, taken, arrived_at, counted)

    # Orders with nothing to gain are dropped before the (costlier) priority sort.
    waiting = [pair for pair in waiting if not hopeless(pair)]
    for order, needs in sorted(waiting, key=lambda pair: ctx.priority(pair[0])):
        if hopeless((order, needs)):
            continue  # the rule would be routing an order with nothing to give it
        found = allocate(ctx, order, needs, command, position + len(events), taken,
                         only_with_supply=True, arrived_at=arrived_at)  # fmt: skip
        left.clear()  # ``taken`` may have changed
        counted.clear()
        if any(type(e) is not OrderAllocated for e in found):
            events.extend(found)
    return tuple(events)


_REALLOCATING = (OrderAllocated, OrderCancelled, PicksFoundShort, PicksWithdrawn)
"""Events that change an order's allocation."""


def _cannot_complete(
    ctx: Context, order: Order, taken: Taken, arrived_at: Set[str],
    counted: dict[tuple[str, str], int],
) -> bool:  # fmt: skip
    """True for a ship-complete order waiting whole (no unit in a parcel not shipped) that
    no warehouse where units arrived can now give whole, after ``taken``: allocating it
    would give nothing, since :func:`~invorder.domain.orders.whole.allocate` offers such an
    order only those warehouses, and only those that hold all of it. A cheap look, so the
    backlog of such orders costs an arrival a few counts each rather than a routing
    (``counted``: the units per (SKU, warehouse) known so far, after ``taken``)."""
    if not order.ship_complete or not arrived_at:
        return False
    demand: dict[str, int] = {}
    for line in order.lines:
        if line.allocated > line.shipped:
            # A unit in a parcel not shipped (allocated counts shipped units too): the rest
            # may only join its parcel, which whole.allocate decides.
            return False
        n = line.unallocated + line.backordered
        if n:
            demand[line.sku] = demand.get(line.sku, 0) + n
    ledger = ctx.ledger
    for warehouse in arrived_at:
        for sku, n in demand.items():
            units = counted.get((sku, warehouse))
            if units is None:
                units = counted[(sku, warehouse)] = warehouse_units(ledger, sku, warehouse, taken)
            if units < n:
                break
        else:
            return False  # this warehouse can give all of it
    return True


def _none_left(
    ledger: Ledger, sku: str, warehouses: list[str], taken: Taken,
    gone: set[str],
) -> bool:  # fmt: skip
    """True when no warehouse can give a unit of ``sku`` after ``taken`` (remembered in
    ``gone``: within one re-allocation, supply only shrinks)."""
    if sku in gone:
        return True
    if any(warehouse_units(ledger, sku, w, taken) for w in warehouses):
        return False
    gone.add(sku)
    return True
