"""What every order decision reads: the projections, the allocator and the backorder
priority, and the lookups they share."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import attrs

from invorder.domain.errors import NotFoundError
from invorder.domain.orders.allocator import Allocator, backorder_priority, first_fit
from invorder.domain.orders.book import OrderBook
from invorder.domain.orders.order import Order
from invorder.domain.reservations.reservation import Reservations
from invorder.domain.stock.ledger import Ledger


@attrs.frozen
class Context:
    """What the order decisions read: the projections they need, the allocator and the
    backorder priority (frozen: the state keeps one for every decision that reads it)."""

    ledger: Ledger
    """The stock ledger."""
    reservations: Reservations
    """Reservations."""
    orders: OrderBook
    """Orders and shipments."""
    channel_locations: Callable[[str], tuple[str, ...] | None]
    """The locations feeding a channel (``None``: every warehouse)."""
    channel_limit: Callable[[str], Callable[[str, int], int] | None] = attrs.field(
        default=lambda channel: None
    )
    """For a channel whose policy limits allocation, what it may sell of a SKU out of a
    number of shelf units (``None``: no limit)."""
    due: Callable[[Order, str, datetime, datetime], int] = attrs.field(
        default=lambda order, sku, at, by: 0
    )
    """Units of a SKU on open purchase orders due by ``by`` at the locations that serve the
    order (its channel's), not claimed by pre-orders at ``at``: for promises at risk."""
    waves: Callable[[str], bool] = attrs.field(default=lambda channel: False)
    """Whether a channel's orders wait for a wave instead of being allocated at capture."""
    allocator: Allocator = first_fit
    """Chooses locations."""
    priority: Callable[[Order], Any] = backorder_priority
    """Sort key for re-allocating backorders (smaller first)."""


def known_order(orders: OrderBook, order: str) -> Order:
    """The order, or :class:`NotFoundError`."""
    found = orders.get(order)
    if found is None:
        raise NotFoundError("order", order)
    return found


def needs_of(order: Order, sku: str = "") -> dict[str, int]:
    """Per line, the units still to allocate (unallocated or backordered); with ``sku``,
    only the lines of that SKU."""
    return {line.line_id: line.unallocated + line.backordered for line in order.lines
            if line.unallocated + line.backordered and (not sku or line.sku == sku)}  # fmt: skip
