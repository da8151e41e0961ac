"""Shipments: each location's share of an order, picked by bin path, packed and shipped.

States: ``open -> picking -> packed -> shipped``, or ``cancelled`` when every unit of it
was cancelled. Shipping commits the reservations of its picks.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import attrs

from invorder.domain import _checks
from invorder.domain.commands import Command
from invorder.domain.errors import ValidationError
from invorder.domain.location import LocationId
from invorder.domain.order_events import (
    OrderEvent,
    Pick,
)
from invorder.domain.party import OrderId


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


@attrs.frozen
class Package:
    """One parcel or pallet of a shipment."""

    weight_grams: int | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(_checks.positive_quantity),
    )
    """Its weight, if weighed."""


@attrs.frozen
class PickCount:
    """Units found for one pick (reservation) of a shipment."""

    reservation: str = attrs.field(validator=_checks.identifier)
    """The pick's reservation."""
    found: int = attrs.field(validator=_checks.non_negative_quantity)
    """Units found on the shelf (fewer than the pick's quantity: a short pick)."""


def _shipment(value: Any) -> str:
    _checks.check_identifier("shipment", value)
    return str(value)


@attrs.frozen(kw_only=True)
class StartPicking(Command):
    """Start picking an open shipment."""

    shipment: str = attrs.field(converter=_shipment)
    """The shipment."""


def _counts(value: Iterable[PickCount]) -> tuple[PickCount, ...]:
    counts = tuple(value)
    if not counts or len({c.reservation for c in counts}) != len(counts):
        raise ValidationError("give each pick's count once, at least one", field="counts")
    return counts


@attrs.frozen(kw_only=True)
class RecordPick(Command):
    """Report picks found short; the missing units are written off at the bin and go back
    to allocation (another location, or backorder)."""

    shipment: str = attrs.field(converter=_shipment)
    """The shipment being picked."""
    counts: tuple[PickCount, ...] = attrs.field(converter=_counts)
    """Units found per pick; picks not named were found in full."""


def _packages(value: Iterable[Package]) -> tuple[Package, ...]:
    packages = tuple(value)
    if not packages or not all(isinstance(p, Package) for p in packages):
        raise ValidationError("a packed shipment has at least one Package", field="packages")
    return packages


@attrs.frozen(kw_only=True)
class PackShipment(Command):
    """Record the packages of a shipment being picked."""

    shipment: str = attrs.field(converter=_shipment)
    """The shipment."""
    packages: tuple[Package, ...] = attrs.field(factory=lambda: (Package(),), converter=_packages)
    """Its packages."""


@attrs.frozen(kw_only=True)
class ShipShipment(Command):
    """The carrier took a packed shipment: its reservations are committed."""

    shipment: str = attrs.field(converter=_shipment)
    """The shipment."""
    carrier: str = attrs.field(validator=_checks.identifier)
    """The carrier."""
    tracking: str = attrs.field(default="", validator=_checks.text)
    """The tracking number."""


@attrs.frozen(kw_only=True)
class ShipmentEvent(OrderEvent):
    """Fields every shipment event has."""

    shipment: str
    """The shipment."""


@attrs.frozen(kw_only=True)
class PickingStarted(ShipmentEvent):
    """Picking began."""


@attrs.frozen(kw_only=True)
class PicksShort(ShipmentEvent):
    """Picks were found short; the missing units left the shipment (adjustment entries and
    any re-allocation follow)."""

    missing: tuple[tuple[str, int], ...]
    """(reservation, units missing)."""


@attrs.frozen(kw_only=True)
class ShipmentPacked(ShipmentEvent):
    """Packed into packages."""

    packages: tuple[Package, ...]
    """The packages."""


@attrs.frozen(kw_only=True)
class ShipmentShipped(ShipmentEvent):
    """Handed to the carrier; the ``commit`` entries follow."""

    carrier: str
    """The carrier."""
    tracking: str
    """The tracking number."""


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
