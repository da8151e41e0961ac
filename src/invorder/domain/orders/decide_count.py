"""A cycle count in the live model. The physical truth is always recordable: a count that
finds fewer units than the bin's reservations hold first cuts the holds the bin can no
longer back (an order's picks as a short pick cuts them, a host's reservation released),
then posts the loss, and the orders it cut go back to allocation, all in one outcome."""

from __future__ import annotations

from invorder.domain.messages import Event
from invorder.domain.orders.context import Context, needs_of
from invorder.domain.orders.decide_allocation import taken_by
from invorder.domain.orders.events import Pick, PicksFoundShort
from invorder.domain.orders.ownership import owning_pick
from invorder.domain.orders.shipment import Shipment, ShipmentStatus
from invorder.domain.orders.whole import allocate
from invorder.domain.reservations.commands import ReleaseReservation
from invorder.domain.reservations.decide import decide_release, expire
from invorder.domain.reservations.reservation import Reservation
from invorder.domain.stock.commands import CountStock
from invorder.domain.stock.decide import count_movements
from invorder.domain.stock.decide import decide as decide_stock
from invorder.domain.stock.events import Operation, StockPosted
from invorder.domain.stock.movement import Bucket

CUT_ORDER = (ShipmentStatus.OPEN, ShipmentStatus.PICKING, ShipmentStatus.PACKED)
"""Which holds a short count cuts first, by the stage of the shipment that picks from them:
holds no picker has touched (a host's own reservations count as ``open``) before those being
picked, and packed ones last; within a stage the newest hold first (the earlier promise is
kept). Lapsed holds are swept before any of these."""


def decide_count(ctx: Context, command: CountStock, position: int) -> tuple[Event, ...]:
    """The events of a count: the entry posting the difference; below the reserved units,
    first the sweep of lapsed holds and the cuts (:data:`CUT_ORDER`), and after the entry
    the re-allocation of the cut orders' lines (not for an order on hold).

    Precedence: unknown SKU, a bundle (it holds no stock), unknown location.
    """
    reserved = ctx.ledger.balance(command.sku, command.location, Bucket.RESERVED)
    if command.counted >= reserved:  # the ledger records it alone (and checks the SKU)
        return (decide_stock(ctx.ledger, command, position),)
    movements, memo = count_movements(ctx.ledger, command)
    events, lost = _cut(ctx, command, position, reserved - command.counted)
    events.append(StockPosted(position=position + len(events), command=command,
                              operation=Operation.COUNT, movements=movements,
                              memo=memo))  # fmt: skip
    taken, _arrived = taken_by(events)
    for order_id, cut in lost.items():
        order = ctx.orders.get(order_id)
        assert order is not None
        if order.holds:
            continue  # served when the hold is released, like any unallocated line
        order = order.without_allocated(cut)
        needs = {k: n for k, n in needs_of(order).items() if k in cut}
        events.extend(allocate(ctx, order, needs, command, position + len(events), taken,
                               prior=events, withdraw=True))  # fmt: skip
    return tuple(events)


def _cut(
    ctx: Context, command: CountStock, position: int, short: int
) -> tuple[list[Event], dict[str, dict[str, int]]]:
    """Sweep the lapsed holds and cut open ones of the counted SKU in the bin until ``short``
    units of it are freed (a bundle hold is cut by whole bundles): the events, and the units
    cut per order and line."""
    sku, where = command.sku, command.location
    lapsed = ctx.reservations.lapsed_holding((sku,), (where,), command.at, exact=True)
    events: list[Event] = []
    if lapsed:
        events.extend(expire(ctx.reservations, lapsed, command, position))
        short -= sum(r.units_at(sku, where, exact=True) for r in lapsed)
    ranked: list[tuple[int, int, Reservation, tuple[Shipment, Pick] | None]] = []
    for r in ctx.reservations.open():
        if not r.units_at(sku, where, exact=True) or r.lapsed(command.at):
            continue
        owner = owning_pick(ctx.orders, r.reservation)
        # An open hold is picked by a shipment not yet shipped (shipping commits it).
        stage = 0 if owner is None else CUT_ORDER.index(owner[0].status)
        ranked.append((stage, -r.position, r, owner))
    ranked.sort(key=lambda row: row[:2])
    lost: dict[str, dict[str, int]] = {}
    for _stage, _newest, r, owner in ranked:
        if short <= 0:
            break
        per = _per(r, sku)
        here = r.units_at(sku, where, exact=True)
        units = min(r.backed, -(-min(short, here) // per))
        short -= min(units * per, here)
        if owner is not None:
            shipment, pick = owner
            events.append(PicksFoundShort(position=position + len(events), command=command,
                                          order=shipment.order, shipment=shipment.shipment,
                                          missing=((r.reservation, units),)))  # fmt: skip
            per_line = lost.setdefault(shipment.order, {})
            per_line[pick.line_id] = per_line.get(pick.line_id, 0) + units
        release = ReleaseReservation(key=command.key, at=command.at, reservation=r.reservation,
                                     quantity=units, reason=command.reason)  # fmt: skip
        events.append(decide_release(ctx.reservations, release, position + len(events),
                                     from_shelf=True,
                                     first={(sku, where): min(here, units * per)}))  # fmt: skip
    assert short <= 0, "the bin's reservations hold every reserved unit"
    return events, lost


def _per(r: Reservation, sku: str) -> int:
    """Units of stocked ``sku`` one unit of the reservation holds (0: none)."""
    return sum(per for leaf, per in r.leaves if leaf == sku)
