"""Moving an allocation: a person (or a re-plan) sends some of an order's allocated units to
another warehouse, Shopify's fulfillment-order move. The command and its decision: the
units leave their parcel at the source (their holds released) and are reserved at the
destination, in one outcome, or nothing happens."""

from __future__ import annotations

import attrs

from invorder.domain import _checks
from invorder.domain.errors import (
    IllegalTransitionError,
    InsufficientStockError,
    InvalidFieldError,
    InvalidListError,
    NotFoundError,
    UnknownLocationError,
)
from invorder.domain.messages import Command, Event
from invorder.domain.orders.allocator import AllocationRequest
from invorder.domain.orders.commands import line_quantities
from invorder.domain.orders.context import Context, known_order
from invorder.domain.orders.decide_allocation import allocate_lines, taken_by, warehouse_units
from invorder.domain.orders.events import OrderAllocated, Pick
from invorder.domain.orders.ids import OrderId, as_order_id
from invorder.domain.orders.order import Order
from invorder.domain.orders.shipment import ShipmentStatus
from invorder.domain.orders.values import LineQuantity
from invorder.domain.orders.whole import withdrawal
from invorder.domain.stock.location import LocationId, is_virtual


def _warehouse(field: str, value: str) -> LocationId:
    _checks.check_identifier(field, value)
    if "/" in value:
        raise InvalidFieldError(field, value, "a warehouse (a top-level location)")
    return LocationId(value)


def _source(value: str) -> LocationId:
    return _warehouse("source", value)


def _destination(value: str) -> LocationId:
    return _warehouse("destination", value)


@attrs.frozen(kw_only=True)
class MoveAllocation(Command):
    """Move allocated units of some lines of an order from one warehouse to another.

    Only units in parcels not yet being picked move; they are reserved at ``destination``
    bin by bin (its units now, not the routing rule's choice) in one parcel there. A
    ship-complete order moves whole (every unit it has allocated at ``source``) unless a
    person split it. Refused, changing nothing, when a line has fewer such units at
    ``source``, when ``destination`` does not feed the order's channel or cannot give
    every unit, or when it is ``source``.
    """

    order: OrderId = attrs.field(converter=as_order_id)
    """The order."""
    source: LocationId = attrs.field(converter=_source)
    """The warehouse the units leave."""
    destination: LocationId = attrs.field(converter=_destination)
    """The warehouse that ships them instead."""
    lines: tuple[LineQuantity, ...] = attrs.field(converter=line_quantities)
    """Units to move per line (each line once, at least one)."""

    def __attrs_post_init__(self) -> None:
        if not self.lines:
            raise InvalidListError("lines", "no line given; name at least one line to move")


def decide_move(ctx: Context, command: MoveAllocation, position: int) -> tuple[Event, ...]:
    """Withdraw the units at the source and reserve them at the destination."""
    source, destination = command.source, command.destination
    for where in (source, destination):  # references before state (the errors module)
        if not ctx.ledger.has_location(where) or is_virtual(where):
            raise UnknownLocationError(where)
    order = known_order(ctx.orders, command.order)
    what = f"allocation of order {order.order_id!r}"
    if source == destination:
        raise IllegalTransitionError("order", order.order_id, f"allocated at {source}",
                                     f"move its {what} to {destination}",
                                     "name another warehouse")  # fmt: skip
    feeding = ctx.channel_locations(order.capture.channel) or ()
    if not any(destination == f.split("/", 1)[0] for f in feeding):
        raise IllegalTransitionError("order", order.order_id,
                                     f"from channel {order.capture.channel!r}",
                                     f"move to {destination}",
                                     f"{destination} does not feed that channel")  # fmt: skip
    picks = _movable(ctx, order, source)
    wanted: dict[str, int] = {lq.line_id: lq.quantity for lq in command.lines}
    for line_id, n in wanted.items():
        line = order.line(line_id)
        if line is None:
            raise NotFoundError("order line", f"{order.order_id}/{line_id}")
        have = sum(p.quantity for p in picks if p.line_id == line_id)
        if n > have:
            raise IllegalTransitionError("order line", f"{order.order_id}/{line_id}",
                                         f"allocated {have} at {source} not yet picked",
                                         f"move {n}", "move at most those units")  # fmt: skip
    parcels = {s.location for s in ctx.orders.shipments_of(order) if s.units}
    if order.ship_complete and len(parcels) == 1:
        every: dict[str, int] = {}
        for p in picks:
            every[p.line_id] = every.get(p.line_id, 0) + p.quantity
        if wanted != every:
            raise IllegalTransitionError("order", order.order_id, "ship-complete",
                                         f"move part of it to {destination}",
                                         "move every unit it has at the source")  # fmt: skip
    events = _withdraw(ctx, order, picks, wanted, command, position)
    taken, _arrived = taken_by(events)
    skus: dict[str, str] = {line.line_id: line.sku for line in order.lines}
    demand: dict[str, int] = {}
    for line_id, n in wanted.items():
        demand[skus[line_id]] = demand.get(skus[line_id], 0) + n
    for sku, n in demand.items():
        can = warehouse_units(ctx.ledger, sku, destination, taken)
        if can < n:
            raise InsufficientStockError(sku, destination, "available", n, can)
    moved = order.without_allocated(wanted)
    plan: dict[str, list[tuple[str, int]]] = {k: [(destination, n)] for k, n in wanted.items()}

    def chosen(request: AllocationRequest) -> dict[str, list[tuple[str, int]]]:
        return plan  # the person chose the destination, not the routing rule

    forced = attrs.evolve(ctx, allocator=chosen, channel_limit=lambda channel: None)
    found = allocate_lines(forced, moved, wanted, command, position + len(events), taken,
                           ship_complete=False, within={destination}, into_open=True)  # fmt: skip
    allocated = next(e for e in found if isinstance(e, OrderAllocated))
    if any(b.backordered for b in allocated.backorders):
        short = next(b for b in allocated.backorders if b.backordered)
        raise InsufficientStockError(skus[short.line_id], destination, "available",
                                     wanted[short.line_id],
                                     wanted[short.line_id] - short.backordered)  # fmt: skip
    return (*events, *found)


def _movable(ctx: Context, order: Order, source: str) -> list[Pick]:
    """The order's picks at ``source`` in parcels no picker has started, newest first (a
    move takes the last units reserved first)."""
    found = [pick for s in ctx.orders.shipments_of(order)
             if s.location == source and s.status is ShipmentStatus.OPEN
             for pick in s.picks if pick.quantity]  # fmt: skip
    found.reverse()
    return found


def _withdraw(
    ctx: Context, order: Order, picks: list[Pick], wanted: dict[str, int],
    command: MoveAllocation, position: int,
) -> list[Event]:  # fmt: skip
    """The withdrawals (one per parcel) and releases that take ``wanted`` off ``picks``."""
    left = dict(wanted)
    by_shipment: dict[str, list[tuple[str, int]]] = {}
    for pick in picks:
        take = min(pick.quantity, left.get(pick.line_id, 0))
        if take:
            by_shipment.setdefault(pick.shipment, []).append((pick.reservation, take))
            left[pick.line_id] -= take
    reason = f"moved to {command.destination}"
    return withdrawal(ctx, order.order_id, by_shipment, reason, command, position)
