"""Decisions for shipments: start picking, record short picks (written off at the bin, the
missing units allocated again), pack, and ship (committing the reservations)."""

from __future__ import annotations

from invorder.domain import _fast
from invorder.domain.errors import IllegalTransitionError, NotFoundError, OrderOnHoldError
from invorder.domain.messages import Event
from invorder.domain.orders.book import OrderBook
from invorder.domain.orders.commands import PackShipment, RecordPick, ShipShipment, StartPicking
from invorder.domain.orders.context import Context, needs_of
from invorder.domain.orders.events import (
    PickingStarted,
    PicksFoundShort,
    ShipmentPacked,
    ShipmentShipped,
)
from invorder.domain.orders.shipment import Shipment, ShipmentStatus
from invorder.domain.orders.whole import allocate
from invorder.domain.reservations.commands import CommitReservation, ReleaseReservation
from invorder.domain.reservations.decide import decide_commit, decide_release
from invorder.domain.stock.commands import PostEntry
from invorder.domain.stock.events import Operation, StockPosted
from invorder.domain.stock.location import ADJUSTMENT
from invorder.domain.stock.movement import Account, Movement


def known_shipment(
    orders: OrderBook, shipment: str, action: str, *allowed: ShipmentStatus
) -> Shipment:
    """The shipment, if its state allows ``action``; else the typed error."""
    found = orders.shipment(shipment)
    if found is None:
        raise NotFoundError("shipment", shipment)
    if found.status not in allowed:
        need = " or ".join(s.value for s in allowed)
        raise IllegalTransitionError("shipment", shipment, found.status.value, action,
                                     f"a shipment must be {need} to {action}")  # fmt: skip
    return found


def not_held(orders: OrderBook, shipment: Shipment, action: str) -> None:
    """Raise :class:`OrderOnHoldError` if the shipment's order is on hold."""
    order = orders.get(shipment.order)
    if order is not None and order.holds:
        raise OrderOnHoldError(shipment.order, shipment.shipment, action, ", ".join(order.holds))


def decide_start_picking(ctx: Context, command: StartPicking, position: int) -> tuple[Event, ...]:
    """open -> picking (not while the order is on hold)."""
    s = known_shipment(ctx.orders, command.shipment, "start picking", ShipmentStatus.OPEN)
    not_held(ctx.orders, s, "start picking")
    return (PickingStarted(position=position, command=command, order=s.order,
                           shipment=s.shipment),)  # fmt: skip


def decide_record_pick(ctx: Context, command: RecordPick, position: int) -> tuple[Event, ...]:
    """Short picks: release, write off at the bin, and allocate the missing units again."""
    s = known_shipment(ctx.orders, command.shipment, "record a pick", ShipmentStatus.PICKING)
    picks = {p.reservation: p for p in s.picks if p.quantity}
    missing: list[tuple[str, int]] = []
    for count in command.counts:
        pick = picks.get(count.reservation)
        if pick is None:
            raise NotFoundError("pick", f"{s.shipment}/{count.reservation}")
        if count.found > pick.quantity:
            raise IllegalTransitionError("pick", count.reservation, f"for {pick.quantity} unit(s)",
                                         f"record {count.found} found",
                                         "count extra units with CountStock")  # fmt: skip
        if count.found < pick.quantity:
            missing.append((count.reservation, pick.quantity - count.found))
    events: list[Event] = [PicksFoundShort(position=position, command=command, order=s.order,
                                      shipment=s.shipment, missing=tuple(missing))]  # fmt: skip
    needs: dict[str, int] = {}
    for rid, n in missing:
        pick = picks[rid]
        release = ReleaseReservation(key=command.key, at=command.at, reservation=rid,
                                     quantity=n, reason="short pick")  # fmt: skip
        released = decide_release(ctx.reservations, release, position + len(events))
        events.append(released)
        # What was not found is written off at the bins the release put it back in.
        movements = tuple(
            Movement(sku=m.sku, quantity=m.quantity, source=m.destination,
                     destination=Account(ADJUSTMENT), reason="short pick", reference=rid)
            for m in released.movements
        )  # fmt: skip
        post = PostEntry(key=command.key, at=command.at, movements=movements,
                         reference=s.shipment, memo="short pick")  # fmt: skip
        events.append(StockPosted(position=position + len(events), command=post,
                                  operation=Operation.POST, movements=movements,
                                  reference=s.shipment, memo="short pick"))  # fmt: skip
        needs[pick.line_id] = needs.get(pick.line_id, 0) + n
    order = ctx.orders.get(s.order)
    assert order is not None
    if needs and not order.holds:
        # The missing units leave the line's allocation and join what the line still waits
        # for; the bins' available balances are unchanged by release + write-off, so the
        # current ledger is the right supply.
        order = order.without_allocated(needs)
        wanted = {k: n for k, n in needs_of(order).items() if k in needs}
        emptied = () if s.units > sum(n for _, n in missing) else (s.shipment,)
        events.extend(allocate(ctx, order, wanted, command, position + len(events), {},
                               prior=events, withdraw=True, sweep_lapsed=True,
                               into_open=True, emptied=emptied))  # fmt: skip
    return tuple(events)


def decide_pack(ctx: Context, command: PackShipment, position: int) -> tuple[Event, ...]:
    """picking -> packed (not while the order is on hold)."""
    s = known_shipment(ctx.orders, command.shipment, "pack", ShipmentStatus.PICKING)
    not_held(ctx.orders, s, "pack")
    return (ShipmentPacked(position=position, command=command, order=s.order,
                           shipment=s.shipment, packages=command.packages),)  # fmt: skip


def decide_ship(ctx: Context, command: ShipShipment, position: int) -> tuple[Event, ...]:
    """packed -> shipped: commit every pick's units (not while the order is on hold)."""
    s = known_shipment(ctx.orders, command.shipment, "ship", ShipmentStatus.PACKED)
    not_held(ctx.orders, s, "ship")
    events: list[Event] = [ShipmentShipped(position=position, command=command, order=s.order,
                                           shipment=s.shipment, carrier=command.carrier,
                                           tracking=command.tracking)]  # fmt: skip
    for pick in s.picks:
        if pick.quantity:
            # Every field comes from the checked command and shipment.
            commit = _fast.build(CommitReservation, key=command.key, at=command.at,
                                 reservation=pick.reservation, quantity=pick.quantity,
                                 reference=s.shipment)  # fmt: skip
            events.append(decide_commit(ctx.reservations, commit, position + len(events)))
    return tuple(events)
