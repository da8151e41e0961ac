"""Order events: immutable facts about orders, their shipments and returns (capture, holds,
allocations, cancellations, picking, packing, shipping, returns)."""

from __future__ import annotations

from typing import ClassVar

import attrs

from invorder.domain.messages import Command, FromCommand
from invorder.domain.money import Money
from invorder.domain.orders.ids import LineId, OrderId
from invorder.domain.orders.values import AlertReason, Package
from invorder.domain.stock.catalog import SkuId
from invorder.domain.stock.location import LocationId


@attrs.frozen(kw_only=True)
class OrderEvent(FromCommand):
    """Fields every order or shipment event has."""

    SCHEMA_VERSION: ClassVar[int] = 1
    position: int
    """Index of this event in the log."""
    command: Command
    """The command that produced it."""
    order: OrderId
    """The order concerned."""


@attrs.frozen(kw_only=True)
class OrderCaptured(OrderEvent):
    """An order was taken in; its content is the :class:`CaptureOrder` command, with the
    prices its price list gave the lines captured without one."""

    ADDED: ClassVar[tuple[str, ...]] = ("price_list", "prices")
    """Fields added after logs were written: left out of the JSON while at their default."""

    price_list: str = ""
    """The price list that applied (``""``: none did)."""
    prices: tuple[tuple[LineId, Money], ...] = ()
    """The unit price of each line captured without one, from ``price_list``."""


@attrs.frozen(kw_only=True)
class OrderHeld(OrderEvent):
    """A hold was placed."""

    reason: str
    """The hold."""


@attrs.frozen(kw_only=True)
class OrderClosed(OrderEvent):
    """An order was closed: nothing of it changes any more but a late return (and the money
    it owes)."""

    reason: str
    """Why (the host's reason)."""


@attrs.frozen(kw_only=True)
class OrderHoldReleased(OrderEvent):
    """A hold was lifted."""

    reason: str
    """The hold."""


@attrs.frozen
class Pick:
    """Units of one line reserved for one shipment (a pick list row): at one bin, or for a
    bundle whose components lie in different bins, at the warehouse (its reservation's
    ``placed`` names the bins)."""

    shipment: str
    """The shipment."""
    line_id: LineId
    """The order line."""
    sku: SkuId
    """The SKU."""
    reservation: str
    """The reservation holding the units."""
    location: LocationId
    """The bin they are picked from (the warehouse for a bundle spread over bins)."""
    quantity: int
    """Units."""


@attrs.frozen
class LineBackorder:
    """How many units of a line wait for stock after an allocation."""

    line_id: LineId
    """The line."""
    backordered: int
    """Units backordered now (replaces the line's previous figure)."""


@attrs.frozen(kw_only=True)
class OrderAllocated(OrderEvent):
    """The routing rule's plan turned into reservations (the ``reserve`` entries follow).

    Replay folds this record; it never runs the rule again.
    """

    picks: tuple[Pick, ...]
    """What was reserved where, per new shipment."""
    backorders: tuple[LineBackorder, ...]
    """Per line allocated, the units left waiting."""
    rule: str = ""
    """The rule that planned it."""


@attrs.frozen
class LineCancellation:
    """Units of one line cancelled, and where they were taken from."""

    line_id: LineId
    """The line."""
    quantity: int
    """Units cancelled."""
    backordered: int
    """Of them, units that were backordered."""
    allocated: int
    """Of them, units that were allocated (their reservations are released)."""


@attrs.frozen(kw_only=True)
class OrderCancelled(OrderEvent):
    """Units were cancelled; the ``release`` entries follow for allocated ones."""

    lines: tuple[LineCancellation, ...]
    """Per line."""
    released: tuple[tuple[str, int], ...]
    """(reservation, units) released."""
    reason: str
    """Why."""


@attrs.frozen(kw_only=True)
class ReturnOpened(OrderEvent):
    """An RMA was opened."""

    rma: str
    """The RMA."""


@attrs.frozen(kw_only=True)
class ReturnReceived(OrderEvent):
    """Units of an RMA arrived; the stock entry follows."""

    rma: str
    """The RMA."""
    refund: Money
    """The refund for the units of this receipt."""


@attrs.frozen(kw_only=True)
class ShipmentEvent(OrderEvent):
    """Fields every shipment event has."""

    shipment: str
    """The shipment."""


@attrs.frozen(kw_only=True)
class PickingStarted(ShipmentEvent):
    """Picking began."""


@attrs.frozen(kw_only=True)
class PicksFoundShort(ShipmentEvent):
    """Picks were found short; the missing units left the shipment (adjustment entries and
    any re-allocation follow)."""

    TAG: ClassVar[str] = "PicksShort"
    """The name logs store it under (its class name until 0.2; kept so logs still load)."""
    missing: tuple[tuple[str, int], ...]
    """(reservation, units missing)."""


@attrs.frozen(kw_only=True)
class PicksWithdrawn(ShipmentEvent):
    """Units left a shipment not yet shipped and went back to waiting for allocation (their
    reservations' releases follow): a ship-complete order that can no longer be completed
    where it was allocated is withdrawn from there and allocated again whole."""

    withdrawn: tuple[tuple[str, int], ...]
    """(reservation, units withdrawn)."""
    reason: str
    """Why, in words."""


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
class AlertAcknowledged(OrderEvent):
    """A person acknowledged one of the order's alerts; it leaves the queue until it clears
    and stands again."""

    alert: AlertReason
    """The reason acknowledged."""
    note: str
    """The person's words: why it may wait, what was done."""


@attrs.frozen(kw_only=True)
class RefundPolicyDefined(FromCommand):
    """A refund policy by disposition was defined or replaced (the command holds it)."""

    SCHEMA_VERSION: ClassVar[int] = 1
    position: int
    """Index of this event in the log."""
    command: Command
    """The ``DefineRefundPolicy`` command that produced it."""
