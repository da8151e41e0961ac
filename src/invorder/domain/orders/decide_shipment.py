"""Decisions for shipments: start picking, record short picks (written off at the bin, the
missing units allocated again), pack, and ship (committing the reservations)."""

from __future__ import annotations

from invorder.domain.errors import IllegalTransitionError, NotFoundError, OrderOnHoldError
from invorder.domain.messages import Event
from invorder.domain.orders.book import OrderBook
from invorder.domain.orders.commands import PackShipment, RecordPick, ShipShipment, StartPicking
from invorder.domain.orders.context import Context, needs_of
from invorder.domain.orders.decide_allocation import taken_by
from invorder.domain.orders.events import (
    Pick,
    PickingStarted,
    PicksFoundShort,
    ShipmentPacked,
    ShipmentShipped,
)
from invorder.domain.orders.shipment import Shipment, ShipmentStatus
from invorder.domain.orders.values import PickCount
from invorder.domain.orders.whole import allocate
from invorder.domain.reservations.commands import ReleaseReservation
from invorder.domain.reservations.decide import decide_commit, decide_release
from invorder.domain.reservations.kernel import commit_command
from invorder.domain.stock.catalog import SkuId
from invorder.domain.stock.commands import PostEntry
from invorder.domain.stock.events import Operation, StockPosted
from invorder.domain.stock.location import ADJUSTMENT, LocationId
from invorder.domain.stock.movement import Account, Bucket, Movement


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
    """Short picks: release, write off at the bin what was not found, and allocate the
    missing units again. A bundle's component found short writes off only its missing
    units; the bundles it leaves incomplete are released (their other components go back to
    the shelf) and allocated again."""
    s = known_shipment(ctx.orders, command.shipment, "record a pick", ShipmentStatus.PICKING)
    picks = {p.reservation: p for p in s.picks if p.quantity}
    lost: dict[str, int] = {}  # reservation -> units of the pick's SKU that leave the parcel
    gone: dict[str, list[tuple[str, str, int]]] = {}  # reservation -> components not found
    for count in command.counts:
        pick = picks.get(count.reservation)
        if pick is None:
            raise NotFoundError("pick", f"{s.shipment}/{count.reservation}")
        if count.component:
            missing = _component_missing(ctx, pick, count)
            if missing:
                gone.setdefault(pick.reservation, []).append(
                    (count.component, count.location, missing)
                )
            continue
        if count.found > pick.quantity:
            raise IllegalTransitionError("pick", count.reservation, f"for {pick.quantity} unit(s)",
                                         f"record {count.found} found",
                                         "count extra units with CountStock")  # fmt: skip
        if count.found < pick.quantity:
            lost[count.reservation] = pick.quantity - count.found
    for rid, rows in gone.items():
        # Each bundle a missing component leaves incomplete leaves the parcel.
        held = ctx.reservations.get(rid)
        assert held is not None
        per: dict[str, int] = dict(held.leaves)
        total: dict[str, int] = {}
        for component, _bin, missing in rows:
            total[component] = total.get(component, 0) + missing
        lost[rid] = max(-(-n // per[c]) for c, n in total.items())
    missing_units = tuple((rid, n) for rid, n in lost.items())
    events: list[Event] = [PicksFoundShort(position=position, command=command, order=s.order,
                                      shipment=s.shipment, missing=missing_units)]  # fmt: skip
    needs: dict[str, int] = {}
    for rid, n in missing_units:
        pick = picks[rid]
        rows = gone.get(rid, [])
        first = {(c, b): k for c, b, k in rows if b}
        release = ReleaseReservation(key=command.key, at=command.at, reservation=rid,
                                     quantity=n, reason="short pick")  # fmt: skip
        released = decide_release(ctx.reservations, release, position + len(events),
                                  first=first)  # fmt: skip
        events.append(released)
        # What was not found is written off at the bins it was held in; nothing else.
        movements = tuple(
            Movement(sku=SkuId(sku), quantity=k,
                     source=Account(LocationId(place), Bucket.AVAILABLE),
                     destination=Account(ADJUSTMENT), reason="short pick", reference=rid)
            for sku, place, k in _written_off(released.movements, rows)
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
        # for; the good components of an incomplete bundle are back on the shelf (the
        # releases and write-offs above are not folded yet: ``taken`` counts them).
        order = order.without_allocated(needs)
        wanted = {k: n for k, n in needs_of(order).items() if k in needs}
        emptied = () if s.units > sum(n for _, n in missing_units) else (s.shipment,)
        taken, _arrived = taken_by(events)
        events.extend(allocate(ctx, order, wanted, command, position + len(events), taken,
                               prior=events, withdraw=True, sweep_lapsed=True,
                               into_open=True, emptied=emptied))  # fmt: skip
    return tuple(events)


def _component_missing(ctx: Context, pick: Pick, count: PickCount) -> int:
    """Units of ``count.component`` the pick holds (in ``count.location``, or in all its
    bins) that were not found; the typed error if the pick holds none there, or fewer than
    were found."""
    r = ctx.reservations.get(pick.reservation)
    assert r is not None
    held = r.units_at(count.component, count.location, exact=True)
    where = count.location or "its bins"
    if not held:
        raise NotFoundError("pick component", f"{pick.reservation}/{count.component} in {where}")
    if count.found > held:
        raise IllegalTransitionError("pick", pick.reservation,
                                     f"for {held} {count.component} in {where}",
                                     f"record {count.found} found",
                                     "count extra units with CountStock")  # fmt: skip
    return held - count.found


def _written_off(
    released: tuple[Movement, ...], rows: list[tuple[str, str, int]]
) -> list[tuple[str, str, int]]:
    """(SKU, bin, units) to write off after a short pick's release: every released unit for a
    pick counted whole (no ``rows``), else the missing units of each component counted: in
    its bin, or from the bins the release put it back in, in order."""
    back: list[tuple[str, str, int]] = [
        (m.sku, m.destination.location, m.quantity) for m in released
    ]
    if not rows:
        return back
    off: list[tuple[str, str, int]] = []
    for component, place, missing in rows:
        if place:
            off.append((component, place, missing))
            continue
        for sku, where, units in back:
            if sku == component and missing:
                off.append((sku, where, min(units, missing)))
                missing -= min(units, missing)
    return off


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
            commit = commit_command(command.key, command.at, pick.reservation,
                                    pick.quantity, s.shipment)  # fmt: skip
            events.append(decide_commit(ctx.reservations, commit, position + len(events)))
    return tuple(events)
