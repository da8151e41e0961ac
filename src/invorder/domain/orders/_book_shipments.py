"""The order book's records of shipments and RMAs (see
:mod:`invorder.domain.orders._book_records`): its fold changes them in place, and each
builds its frozen public value when asked, cached until the record next changes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import attrs

from invorder.domain.money import Money
from invorder.domain.orders.events import Pick
from invorder.domain.orders.ids import LineId, OrderId
from invorder.domain.orders.rma import Return
from invorder.domain.orders.shipment import Shipment, ShipmentStatus
from invorder.domain.orders.values import Package
from invorder.domain.stock.location import LocationId


class ShipmentRecord:
    """One shipment as the fold keeps it: its picks as allocated, with their current units
    beside them (cancellations and shortages taken off); whoever changes it clears ``view``."""

    __slots__ = (
        "carrier", "epoch", "location", "order", "packages", "picks", "shipment", "shipped_at",
        "status", "tracking", "units", "view",
    )  # fmt: skip

    def __init__(self, shipment: str, order: OrderId, location: LocationId) -> None:
        self.shipment = shipment
        self.order = order
        self.location = location
        self.status = ShipmentStatus.OPEN
        self.picks: list[Pick] = []
        self.units: list[int] = []
        self.packages: tuple[Package, ...] = ()
        self.carrier = ""
        self.tracking = ""
        self.shipped_at: datetime | None = None
        self.view: Shipment | None = None
        self.epoch = 0  # see Records

    @classmethod
    def of(cls, shipment: Shipment) -> ShipmentRecord:
        """The record of a shipment read back (from a snapshot), its view cached already."""
        record = cls(shipment.shipment, shipment.order, shipment.location)
        record.status = shipment.status
        record.picks = list(shipment.picks)
        record.units = [p.quantity for p in shipment.picks]
        record.packages = shipment.packages
        record.carrier = shipment.carrier
        record.tracking = shipment.tracking
        record.shipped_at = shipment.shipped_at
        record.view = shipment
        return record

    def copy(self) -> ShipmentRecord:
        """A copy of the record (its cached view shared)."""
        new = ShipmentRecord(self.shipment, self.order, self.location)
        new.status = self.status
        new.picks = self.picks.copy()
        new.units = self.units.copy()
        new.packages = self.packages
        new.carrier = self.carrier
        new.tracking = self.tracking
        new.shipped_at = self.shipped_at
        new.view = self.view
        return new

    def take(self, amounts: Mapping[str, int]) -> None:
        """Take ``amounts`` (by reservation) off the picks; with no unit left, an unshipped
        shipment is cancelled."""
        self.units = [n - amounts.get(p.reservation, 0)
                      for p, n in zip(self.picks, self.units, strict=True)]  # fmt: skip
        if not any(self.units) and self.status is not ShipmentStatus.SHIPPED:
            self.status = ShipmentStatus.CANCELLED
        self.view = None

    def ship(self, carrier: str, tracking: str, at: datetime) -> None:
        """Mark it shipped."""
        self.status = ShipmentStatus.SHIPPED
        self.carrier = carrier
        self.tracking = tracking
        self.shipped_at = at
        self.view = None

    def freeze(self) -> Shipment:
        """The shipment as a frozen value (built once per change)."""
        view = self.view
        if view is None:
            picks = tuple([
                p if p.quantity == n else attrs.evolve(p, quantity=n)
                for p, n in zip(self.picks, self.units, strict=True)
            ])  # fmt: skip
            view = self.view = Shipment(
                shipment=self.shipment, order=self.order, location=self.location,
                status=self.status, picks=picks, packages=self.packages, carrier=self.carrier,
                tracking=self.tracking, shipped_at=self.shipped_at,
            )  # fmt: skip
        return view

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ShipmentRecord):
            return NotImplemented
        return self.freeze() == other.freeze()

    __hash__ = None  # type: ignore[assignment]  # mutable: not hashable


class ReturnRecord:
    """One RMA as the fold keeps it; whoever changes it clears ``view``."""

    __slots__ = ("epoch", "expected", "order", "received", "refund", "rma", "view")

    def __init__(
        self, rma: str, order: OrderId, expected: tuple[tuple[LineId, int], ...], refund: Money
    ) -> None:
        self.rma = rma
        self.order = order
        self.expected = expected
        self.received: dict[LineId, int] = {}
        self.refund = refund
        self.view: Return | None = None
        self.epoch = 0  # see Records

    @classmethod
    def of(cls, rma: Return) -> ReturnRecord:
        """The record of an RMA read back (from a snapshot), its view cached already."""
        record = cls(rma.rma, rma.order, rma.expected, rma.refund)
        record.received = dict(rma.received)
        record.view = rma
        return record

    def copy(self) -> ReturnRecord:
        """A copy of the record (its cached view shared)."""
        new = ReturnRecord(self.rma, self.order, self.expected, self.refund)
        new.received = self.received.copy()
        new.view = self.view
        return new

    def receive(self, units: Mapping[LineId, int], refund: Money) -> None:
        """Count ``units`` (by line id) as received, with the ``refund`` they owe."""
        for line_id, n in units.items():
            self.received[line_id] = self.received.get(line_id, 0) + n
        self.refund = self.refund + refund
        self.view = None

    def freeze(self) -> Return:
        """The RMA as a frozen value (built once per change)."""
        view = self.view
        if view is None:
            view = self.view = Return(
                rma=self.rma, order=self.order, expected=self.expected,
                received=tuple(sorted(self.received.items())), refund=self.refund,
            )  # fmt: skip
        return view

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ReturnRecord):
            return NotImplemented
        return self.freeze() == other.freeze()

    __hash__ = None  # type: ignore[assignment]  # mutable: not hashable
