"""Reservations an order owns: made by its allocation, changed only through the order's own
commands (cancel, ship, short pick), never by a bare reservation command."""

from __future__ import annotations

from invorder.domain.errors import IllegalTransitionError
from invorder.domain.orders.book import OrderBook
from invorder.domain.orders.events import Pick
from invorder.domain.orders.shipment import Shipment


def named_order(reservation: str) -> str | None:
    """The order an allocation's reservation id names (``{order}/R{n}``), or ``None`` for an
    id not of that form. A host may use such an id too: see :func:`owning_order`."""
    candidate, sep, counter = reservation.rpartition("/R")
    return candidate if sep and counter.isdigit() else None


def owning_pick(orders: OrderBook, reservation: str) -> tuple[Shipment, Pick] | None:
    """The shipment and pick holding ``reservation`` if an order's allocation made it (its id
    is ``{order}/R{n}`` and one of the order's shipments picks from it), else ``None``."""
    candidate = named_order(reservation)
    order = orders.get(candidate) if candidate is not None else None
    if order is None:
        return None
    for shipment in orders.shipments_of(order):
        for pick in shipment.picks:
            if pick.reservation == reservation:
                return shipment, pick
    return None


def owning_order(orders: OrderBook, reservation: str) -> str | None:
    """The order whose allocation made ``reservation``, or ``None`` for a host's own
    reservation."""
    found = owning_pick(orders, reservation)
    return None if found is None else found[0].order


def refuse_if_owned(orders: OrderBook, reservation: str, action: str) -> None:
    """Raise :class:`IllegalTransitionError` naming the order if an order owns
    ``reservation``: its units are freed, sent or written off through the order."""
    order = owning_order(orders, reservation)
    if order is not None:
        raise IllegalTransitionError(
            "reservation",
            reservation,
            f"held for order {order!r}",
            action,
            hint="change it through the order: CancelLines or CancelOrder frees the units, "
            "ShipShipment sends them, RecordPick writes off what a picker did not find",
        )
