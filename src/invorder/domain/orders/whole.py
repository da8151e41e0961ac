"""Ship-complete is a promise: such an order is allocated whole from one location or not at
all, on capture, on arrival, after a short pick or count and when its hold is released.
:func:`allocate` is the entry every order decision allocates through."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from invorder.domain.messages import Command, Event
from invorder.domain.orders.context import Context, needs_of
from invorder.domain.orders.decide_allocation import allocate_lines, taken_by
from invorder.domain.orders.events import OrderAllocated, PicksFoundShort, PicksWithdrawn
from invorder.domain.orders.ids import OrderId
from invorder.domain.orders.order import Order
from invorder.domain.orders.shipment import Shipment, ShipmentStatus
from invorder.domain.orders.taken import Taken
from invorder.domain.reservations.commands import ReleaseReservation
from invorder.domain.reservations.decide import decide_release

WITHDRAWN = "ship complete: cannot be completed here"
"""The reason a ship-complete order's units are withdrawn from where they were allocated."""

_UNSHIPPED = (ShipmentStatus.OPEN, ShipmentStatus.PICKING, ShipmentStatus.PACKED)
_JOINABLE = (ShipmentStatus.OPEN, ShipmentStatus.PICKING)
"""A shipment units may still join (not packed)."""


def allocate(
    ctx: Context,
    order: Order,
    needs: Mapping[str, int],
    command: Command,
    position: int,
    taken: Taken,
    *,
    prior: Sequence[Event] = (),
    withdraw: bool = False,
    ship_complete: bool | None = None,
    only_with_supply: bool = False,
    sweep_lapsed: bool = False,
    into_open: bool = False,
    emptied: Collection[str] = (),
    arrived_at: Collection[str] = (),
    limit: Mapping[str, int] | None = None,
) -> tuple[Event, ...]:
    """Allocate ``needs`` of ``order`` (as it reads once ``prior``, this outcome's events so
    far, are folded) like :func:`~invorder.domain.orders.decide_allocation.allocate_lines`.

    A ship-complete order (``ship_complete``: the order's own setting unless given) is
    allocated whole: with nothing allocated, every unit it waits for from one location or
    none; with units in a shipment not yet shipped, the rest only there and into that
    parcel while it is not packed (whatever ``into_open`` says). When that location
    cannot give the rest and ``withdraw`` is set (a short pick, a short count, a released
    hold: the order was cut where it stood), its units are withdrawn from there
    (:class:`PicksWithdrawn` and the releases) and the order is allocated whole again, from
    any location or, if none can give it all, not at all. An order a person split on
    purpose (units live at two locations) is allocated like any other.

    ``arrived_at``: after an arrival, the warehouses where units arrived (a ship-complete
    order waiting whole could not be completed anywhere before, and supply grows only by
    arrivals, so only those can complete it now); empty: any. ``limit``: at most these
    units of a SKU (a wave's fair share). ``taken``: what the outcome's earlier decisions
    took (a new :class:`Taken` for none).
    """
    if ship_complete is None:
        ship_complete = order.ship_complete
    gone = _gone(prior, order.order_id)
    unshipped = [s for s in ctx.orders.shipments_of(order)
                 if s.status in _UNSHIPPED and s.shipment not in emptied]  # fmt: skip
    # A shipment this outcome takes the last unit of is cancelled by the fold: not live.
    emptied = {*emptied, *(s.shipment for s in unshipped if not _left(s, gone))}
    live = [s for s in unshipped if s.shipment not in emptied]
    if len({s.location for s in live}) > 1:
        ship_complete = False  # a person split it on purpose (``AllocateOrder(split=True)``)
    if not ship_complete:
        return allocate_lines(ctx, order, needs, command, position, taken, ship_complete=False,
                              only_with_supply=only_with_supply, sweep_lapsed=sweep_lapsed,
                              into_open=into_open, emptied=emptied, limit=limit)  # fmt: skip
    if not live:
        return allocate_lines(ctx, order, needs_of(order), command, position, taken,
                              ship_complete=True, within=arrived_at, emptied=emptied,
                              only_with_supply=only_with_supply,
                              sweep_lapsed=sweep_lapsed, limit=limit)  # fmt: skip
    if any(s.status in _JOINABLE for s in live):
        # The rest joins its parcel, from the same location, or not at all.
        trial = taken.copy()
        found = allocate_lines(ctx, order, needs, command, position, trial, ship_complete=True,
                               within={s.location for s in live}, into_open=True,
                               emptied=emptied, only_with_supply=only_with_supply,
                               sweep_lapsed=sweep_lapsed, limit=limit)  # fmt: skip
        if not withdraw or _complete(found):
            taken.restore(trial)
            return found
    elif not withdraw:
        return ()  # packed without the rest: it waits (a cut re-allocates it whole)
    events = _withdraw(ctx, live, gone, command, position)
    taken.merge(taken_by(events)[0])
    units: dict[str, int] = {}
    for s in live:
        for pick in s.picks:
            n = pick.quantity - gone.get(pick.reservation, 0)
            if n > 0:
                units[pick.line_id] = units.get(pick.line_id, 0) + n
    order = order.without_allocated(units)
    emptied = {*emptied, *(s.shipment for s in live)}
    rest = allocate_lines(ctx, order, needs_of(order), command, position + len(events), taken,
                          ship_complete=True, within=(), emptied=emptied,
                          sweep_lapsed=sweep_lapsed, limit=limit)  # fmt: skip
    return (*events, *rest)


def _gone(prior: Sequence[Event], order: str) -> dict[str, int]:
    """Units per reservation that ``prior`` already took out of ``order``'s picks."""
    gone: dict[str, int] = {}
    for event in prior:
        if type(event) is PicksFoundShort and event.order == order:
            assert isinstance(event, PicksFoundShort)
            for rid, n in event.missing:
                gone[rid] = gone.get(rid, 0) + n
    return gone


def _left(shipment: Shipment, gone: Mapping[str, int]) -> int:
    """Units still in ``shipment`` once ``gone`` left it."""
    return sum(max(0, p.quantity - gone.get(p.reservation, 0)) for p in shipment.picks)


def _complete(found: Sequence[Event]) -> bool:
    """True when the allocation ``found`` left no unit backordered."""
    for event in found:
        if type(event) is OrderAllocated:
            assert isinstance(event, OrderAllocated)
            return not any(b.backordered for b in event.backorders)
    return False


def _withdraw(
    ctx: Context, live: Sequence[Shipment], gone: Mapping[str, int], command: Command,
    position: int,
) -> list[Event]:  # fmt: skip
    """Take every unit still in ``live`` out of it (see :func:`withdrawal`)."""
    units = {s.shipment: [(p.reservation, p.quantity - gone.get(p.reservation, 0))
                          for p in s.picks if p.quantity > gone.get(p.reservation, 0)]
             for s in live}  # fmt: skip
    order = live[0].order
    return withdrawal(ctx, order, units, WITHDRAWN, command, position)


def withdrawal(
    ctx: Context, order: OrderId, units: Mapping[str, Sequence[tuple[str, int]]], reason: str,
    command: Command, position: int,
) -> list[Event]:  # fmt: skip
    """Take ``units`` (per shipment: reservation, units) out of the order's parcels: one
    :class:`PicksWithdrawn` per shipment, then the release of each pick's units back to
    its bin's shelf, all for ``reason``."""
    events: list[Event] = []
    for shipment, picks in units.items():
        events.append(PicksWithdrawn(position=position + len(events), command=command,
                                     order=order, shipment=shipment, withdrawn=tuple(picks),
                                     reason=reason))  # fmt: skip
        for rid, n in picks:
            release = ReleaseReservation(key=command.key, at=command.at, reservation=rid,
                                         quantity=n, reason=reason)  # fmt: skip
            events.append(decide_release(ctx.reservations, release, position + len(events),
                                         from_shelf=True))  # fmt: skip
    return events
