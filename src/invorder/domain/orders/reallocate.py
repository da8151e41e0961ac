"""Allocating what orders wait for: ``AllocateOrder``, ``AllocateBackorders``, and the
re-allocation after an arrival (units that came in or were freed: a receipt, a return, a
cancellation, a released or swept reservation, a count go to waiting orders in priority
order, in the same outcome, and cost what they fill rather than the whole backlog)."""

from __future__ import annotations

from collections.abc import Iterable, Set

from invorder.domain.errors import IllegalTransitionError, UnknownSkuError
from invorder.domain.messages import Command, Event
from invorder.domain.orders.book import OrderBook
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
from invorder.domain.stock.catalog import SkuId
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
    arrived_at = taken.arrived_at()
    ledger = ctx.ledger
    book = ctx.orders
    short = _short_whole(ledger)
    # Per (SKU, warehouse): its mark (see _mark), or None where units of one of its parts
    # arrived in this outcome (read once while ``taken`` stays as it is; see _still_short).
    now: dict[tuple[str, str], _Mark | None] = {}
    ids: Iterable[str] = book.waiting_ids(skus)
    if short and arrived_at:
        # Ship-complete orders found short where the units arrived, and still short there,
        # are left out before anything is built for them (hopeless() would drop them).
        ids = _not_known_short(ledger, book, short, ids, taken, tuple(arrived_at), now)
    waiting = []
    fed: dict[str, bool] = {}  # per line SKU: whether units of one of its leaves arrived
    for order in book.in_capture_order(ids):
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
    warehouses = all_warehouses(ctx)
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
        return _cannot_complete(ctx, order, taken, arrived_at, counted, now)

    # Orders with nothing to gain are dropped before the (costlier) priority sort.
    waiting = [pair for pair in waiting if not hopeless(pair)]
    for order, needs in sorted(waiting, key=lambda pair: ctx.priority(pair[0])):
        if hopeless((order, needs)):
            continue  # the rule would be routing an order with nothing to give it
        found = allocate(ctx, order, needs, command, position + len(events), taken,
                         only_with_supply=True, arrived_at=arrived_at)  # fmt: skip
        left.clear()  # ``taken`` may have changed
        counted.clear()
        now.clear()
        if any(type(e) is not OrderAllocated for e in found):
            events.extend(found)
    return tuple(events)


_REALLOCATING = (OrderAllocated, OrderCancelled, PicksFoundShort, PicksWithdrawn)
"""Events that change an order's allocation."""


def _cannot_complete(
    ctx: Context, order: Order, taken: Taken, arrived_at: Set[str],
    counted: dict[tuple[str, str], int], now: dict[tuple[str, str], _Mark | None],
) -> bool:  # fmt: skip
    """True for a ship-complete order waiting whole (no unit in a parcel not shipped) that
    no warehouse where units arrived can now give whole, after ``taken``: allocating it
    would give nothing, since :func:`~invorder.domain.orders.whole.allocate` offers such an
    order only those warehouses, and only those that hold all of it. A cheap look, so the
    backlog of such orders costs an arrival a few counts each rather than a routing
    (``counted``: the units per (SKU, warehouse) known so far, after ``taken``).

    A warehouse found short of one of the order's SKUs by its balances alone (without
    ``taken``) is remembered in the ledger's memo until units of that SKU are put into
    the warehouse's available bucket or the order changes (see :func:`_not_known_short`)."""
    if not order.ship_complete or not arrived_at:
        return False
    ledger = ctx.ledger
    short = _short_whole(ledger)
    entry = short.get(order.order_id)
    known = entry[1] if entry is not None and entry[0] is order else None
    demand: dict[str, int] | None = None
    for warehouse in arrived_at:
        if known is not None:
            found = known.get(warehouse)
            if found is not None and _still_short(ledger, taken, now, warehouse, *found):
                continue
        if demand is None:
            demand = _whole_demand(order)
            if demand is None:
                # A unit in a parcel not shipped: the rest may only join its parcel, which
                # whole.allocate decides.
                return False
        lacking = None
        for sku, n in demand.items():
            units = counted.get((sku, warehouse))
            if units is None:
                units = counted[(sku, warehouse)] = warehouse_units(ledger, sku, warehouse, taken)
            if units < n:
                lacking = sku
                break
        if lacking is None:
            return False  # this warehouse can give all of it
        if warehouse_units(ledger, lacking, warehouse, None) < demand[lacking]:
            if known is None:
                known = {}
                short[order.order_id] = (order, known)
            known[warehouse] = (lacking, _mark(ledger, warehouse, lacking))
    return True


_Mark = int
"""The largest raise mark at a warehouse of a SKU's stocked parts (see :func:`_mark`)."""

_Short = dict[str, tuple[Order, dict[str, tuple[str, _Mark]]]]

_SHORT_WHOLE = "orders.short_whole"
"""The key of :func:`_short_whole`'s table in the ledger's memo."""


def _short_whole(ledger: Ledger) -> _Short:
    """Per ship-complete order found short: the order as it was then (the very value), and
    per warehouse a SKU the warehouse's balances lacked for it, with that SKU's mark there
    (:func:`_mark`). Kept in the ledger's memo, so it lives and dies with the balances it
    was read from (a copy of the ledger starts it empty)."""
    found: _Short | None = ledger.memo.get(_SHORT_WHOLE)
    if found is None:
        found = ledger.memo[_SHORT_WHOLE] = {}
    return found


def _not_known_short(
    ledger: Ledger, book: OrderBook, short: _Short, ids: Iterable[str], taken: Taken,
    arrived_at: tuple[str, ...], now: dict[tuple[str, str], _Mark | None],
) -> list[str]:  # fmt: skip
    """The ids of ``ids`` less the orders unchanged since they were found short at every
    warehouse of ``arrived_at`` and still short at each: :func:`_cannot_complete` would say
    so without counting. A finding about an order that changed since is dropped.

    One pass with its lookups bound once: it runs for every waiting order of an arrived
    SKU, the backlog a cancellation or a return meets."""
    kept: list[str] = []
    keep = kept.append
    found_for = short.get
    unchanged = book.unchanged
    for o in ids:
        entry = found_for(o)
        if entry is None:
            keep(o)
            continue
        if not unchanged(entry[0]):
            del short[o]
            keep(o)
            continue
        known = entry[1]
        for warehouse in arrived_at:
            found = known.get(warehouse)
            if found is None:
                keep(o)
                break
            if not _still_short(ledger, taken, now, warehouse, *found):
                keep(o)
                break
    return kept


def _still_short(
    ledger: Ledger, taken: Taken, now: dict[tuple[str, str], _Mark | None], warehouse: str,
    sku: str, mark: _Mark,
) -> bool:  # fmt: skip
    """True while no unit of ``sku``'s stocked parts was put into ``warehouse``'s available
    bucket since ``mark`` was read, nor arrives there in this outcome: the units there can
    only have gone down, so the warehouse still lacks them. ``now`` keeps the marks read
    per (SKU, warehouse), ``None`` where units arrive (its caller clears it when ``taken``
    changes)."""
    key = (sku, warehouse)
    current = now.get(key, _UNREAD)
    if current is _UNREAD:
        current = now[key] = _mark_now(ledger, taken, warehouse, sku)
    return current == mark


_UNREAD = -2
"""A mark no SKU has (a mark is -1 or a log position): ``now`` has not read this one yet."""


def _mark_now(ledger: Ledger, taken: Taken, warehouse: str, sku: str) -> _Mark | None:
    """:func:`_mark` of ``sku`` at ``warehouse``, or ``None`` when units of one of its
    stocked parts arrive there in this outcome (``taken`` gives them back)."""
    leaves = ledger.catalog.leaves(sku)
    under = taken.under
    for leaf, _ in leaves:
        if under(leaf, warehouse) < 0:
            return None
    return _largest_mark(ledger, warehouse, leaves)


def _mark(ledger: Ledger, warehouse: str, sku: str) -> _Mark:
    """The largest raise mark (:meth:`~invorder.domain.stock.ledger.Ledger.raised`) of
    ``sku``'s stocked parts at ``warehouse``. A raise takes the position of its entry, later
    than every mark before it, so this one number changes exactly when the mark of one of
    the parts does (the leaves of a SKU never change: a SKU is defined once)."""
    return _largest_mark(ledger, warehouse, ledger.catalog.leaves(sku))


def _largest_mark(ledger: Ledger, warehouse: str, leaves: tuple[tuple[SkuId, int], ...]) -> _Mark:
    """:func:`_mark` of the SKU made of ``leaves``."""
    raised = ledger.raised
    if len(leaves) == 1:
        return raised(leaves[0][0], warehouse)
    return max([raised(leaf, warehouse) for leaf, _ in leaves])


def _whole_demand(order: Order) -> dict[str, int] | None:
    """Units a ship-complete order still waits for, per line SKU; ``None`` if a unit is in
    a parcel not shipped (allocated counts shipped units too)."""
    demand: dict[str, int] = {}
    for line in order.lines:
        if line.allocated > line.shipped:
            return None
        n = line.unallocated + line.backordered
        if n:
            demand[line.sku] = demand.get(line.sku, 0) + n
    return demand


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
