"""Shipments: each location's share of an order, picked by bin path, packed and shipped.

States: ``open -> picking -> packed -> shipped``, or ``cancelled`` when every unit of it
was cancelled. Shipping commits the reservations of its picks.
"""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from invorder.domain.orders.events import Pick
from invorder.domain.orders.ids import LineId, OrderId
from invorder.domain.orders.values import Package
from invorder.domain.stock.catalog import SkuId
from invorder.domain.stock.location import LocationId


class ShipmentStatus(enum.StrEnum):
    """Where a shipment is in its life."""

    OPEN = "open"
    """Allocated, not started."""
    PICKING = "picking"
    """Being picked."""
    PACKED = "packed"
    """Packed, waiting for the carrier."""
    SHIPPED = "shipped"
    """Left the location; its reservations are committed."""
    CANCELLED = "cancelled"
    """Every unit was cancelled or re-allocated."""


@attrs.frozen(kw_only=True)
class Shipment:
    """A shipment as the log tells it."""

    shipment: str
    """Its id (``ORDER/S1``, ...)."""
    order: OrderId
    """The order."""
    location: LocationId
    """The location (warehouse) it ships from."""
    status: ShipmentStatus = ShipmentStatus.OPEN
    """Where it is."""
    picks: tuple[Pick, ...] = ()
    """Its picks, with their current quantities (cancellations and shortages taken off)."""
    packages: tuple[Package, ...] = ()
    """Packages, once packed."""
    carrier: str = ""
    """Carrier, once shipped."""
    tracking: str = ""
    """Tracking number, once shipped."""
    shipped_at: datetime | None = None
    """When it shipped."""

    @property
    def units(self) -> int:
        """Units still in it."""
        return sum(p.quantity for p in self.picks)

    def pick_list(self) -> tuple[Pick, ...]:
        """The picks to walk, ordered by bin path (then line), empty ones left out."""
        return tuple(
            sorted((p for p in self.picks if p.quantity), key=lambda p: (p.location, p.line_id))
        )


@attrs.frozen(kw_only=True)
class PickRow:
    """One row of a pick list in the units a picker handles: a stocked SKU in one bin (a
    bundle line has one row per component and bin). A short pick of it is recorded with
    ``PickCount(reservation, found, component=component, location=location)``."""

    shipment: str
    """The shipment."""
    line_id: LineId
    """The order line."""
    sku: SkuId
    """The line's SKU (a bundle, or the stocked SKU itself)."""
    reservation: str
    """The reservation holding the units (the pick's)."""
    component: SkuId
    """The stocked SKU to pick (the line's SKU unless it is a bundle)."""
    location: LocationId
    """The bin."""
    quantity: int
    """Units of ``component`` to pick there."""
