"""A reservation as the log tells it (a frozen value, a new one after every change), its
status, and the fold's way of assembling one from values it already holds."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from invorder.domain.reservations._slots import setters
from invorder.domain.reservations.placement import Placed
from invorder.domain.stock.catalog import SkuId
from invorder.domain.stock.location import LocationId


class ReservationStatus(enum.StrEnum):
    """Where a reservation is in its life."""

    PENDING = "pending"
    """Every unit still held."""
    PARTIALLY_COMMITTED = "partially_committed"
    """Some units committed, some still held."""
    PARTIALLY_RELEASED = "partially_released"
    """Some units released (none committed), some still held."""
    COMMITTED = "committed"
    """Closed; at least one unit was committed."""
    RELEASED = "released"
    """Closed; every unit was released."""
    EXPIRED = "expired"
    """Closed by expiry."""


@attrs.frozen(kw_only=True)
class Reservation:
    """A reservation as the log tells it (a new value after every change).

    Invariant: ``committed + released + expired + held == quantity``; ``incoming <= held``.
    """

    reservation: str
    """The reservation id."""
    sku: SkuId
    """The SKU reserved (a bundle or a stocked SKU)."""
    location: LocationId
    """Where the units were asked for: a bin, or a warehouse or zone whose bins hold them
    (``placed`` says which)."""
    quantity: int
    """Units reserved."""
    leaves: tuple[tuple[SkuId, int], ...]
    """The stocked SKUs held per unit of ``sku`` (for a stocked SKU: ``((sku, 1),)``)."""
    reference: str = ""
    """The order line the units are held for."""
    priority: int = 0
    """Pre-order priority (larger first)."""
    expires_at: datetime | None = None
    """When the hold lapses; ``None``: never."""
    purchase_order: str = ""
    """For a pre-order, the purchase order it was made against."""
    reserved_at: datetime
    """When it was made."""
    position: int
    """Log position of the entry that made it (orders ties)."""
    committed: int = 0
    """Units committed so far."""
    released: int = 0
    """Units released so far."""
    expired: int = 0
    """Units expired."""
    incoming: int = 0
    """Held units still waiting on the purchase order (not yet on the ledger)."""
    placed: Placed = ()
    """Where the received held units are: ``(stocked SKU, bin, units)``, sorted by bin path
    then SKU, none empty. Each component of a bundle is placed on its own, so one
    reservation may span several bins of its location."""

    @property
    def held(self) -> int:
        """Units still held (received or not)."""
        return self.quantity - self.committed - self.released - self.expired

    @property
    def backed(self) -> int:
        """Held units that are on the shelf, in the ``reserved`` bucket."""
        return self.held - self.incoming

    @property
    def is_open(self) -> bool:
        """True while some unit is held."""
        return self.held > 0

    def _updated(self, committed: int, released: int, expired: int, incoming: int,
                 placed: Placed) -> Reservation:  # fmt: skip
        # The fold's hot path: assembled slot by slot (see :func:`assemble`).
        return assemble(
            self.reservation, self.sku, self.location, self.quantity, self.leaves,
            self.reference, self.priority, self.expires_at, self.purchase_order,
            self.reserved_at, self.position, committed, released, expired, incoming, placed,
        )  # fmt: skip

    def units_at(self, sku: str, location: str = "", *, exact: bool = False) -> int:
        """Received held units of stocked ``sku`` placed in ``location``'s subtree (at
        exactly ``location`` with ``exact``; anywhere when ``location`` is empty): the one
        reading of :attr:`placed`."""
        if not location:
            return sum(n for leaf, _b, n in self.placed if leaf == sku)
        if exact:
            return sum(n for leaf, b, n in self.placed if leaf == sku and b == location)
        prefix = location + "/"
        return sum(n for leaf, b, n in self.placed
                   if leaf == sku and (b == location or b.startswith(prefix)))  # fmt: skip

    def lapsed(self, at: datetime) -> bool:
        """True when the hold has lapsed at ``at`` (it counts as expired from then on)."""
        return self.expires_at is not None and self.expires_at <= at

    def status_at(self, at: datetime) -> ReservationStatus:
        """The status at ``at`` as ATP sees it: ``expired`` once the hold has lapsed, swept
        or not (a sweep only writes down what already holds); else :attr:`status`."""
        if self.held and self.lapsed(at):
            return ReservationStatus.EXPIRED
        return self.status

    @property
    def status(self) -> ReservationStatus:
        """The status derived from the quantities as the log tells them (a lapsed hold stays
        ``pending`` until a sweep writes its expiry: ask :meth:`status_at` for the status
        ATP uses)."""
        if self.held:
            if self.committed:
                return ReservationStatus.PARTIALLY_COMMITTED
            if self.released:
                return ReservationStatus.PARTIALLY_RELEASED
            return ReservationStatus.PENDING
        if self.expired:
            return ReservationStatus.EXPIRED
        return ReservationStatus.COMMITTED if self.committed else ReservationStatus.RELEASED


(_RESERVATION, _SKU, _LOCATION, _QUANTITY, _LEAVES, _REFERENCE, _PRIORITY, _EXPIRES_AT,
 _PURCHASE_ORDER, _RESERVED_AT, _POSITION, _COMMITTED, _RELEASED, _EXPIRED, _INCOMING,
 _PLACED) = setters(Reservation, (
    "reservation", "sku", "location", "quantity", "leaves", "reference", "priority",
    "expires_at", "purchase_order", "reserved_at", "position", "committed", "released",
    "expired", "incoming", "placed",
))  # fmt: skip
_new = object.__new__


def assemble(
    reservation: str, sku: SkuId, location: LocationId, quantity: int,
    leaves: tuple[tuple[SkuId, int], ...], reference: str, priority: int,
    expires_at: datetime | None, purchase_order: str, reserved_at: datetime, position: int,
    committed: int, released: int, expired: int, incoming: int, placed: Placed,
) -> Reservation:  # fmt: skip
    """The :class:`Reservation` with these fields, in declaration order, set through its
    slots: what the keyword constructor builds, in about half the time (the fold builds
    one per reservation change). The values come from the log, already checked."""
    made: Reservation = _new(Reservation)
    _RESERVATION(made, reservation)
    _SKU(made, sku)
    _LOCATION(made, location)
    _QUANTITY(made, quantity)
    _LEAVES(made, leaves)
    _REFERENCE(made, reference)
    _PRIORITY(made, priority)
    _EXPIRES_AT(made, expires_at)
    _PURCHASE_ORDER(made, purchase_order)
    _RESERVED_AT(made, reserved_at)
    _POSITION(made, position)
    _COMMITTED(made, committed)
    _RELEASED(made, released)
    _EXPIRED(made, expired)
    _INCOMING(made, incoming)
    _PLACED(made, placed)
    return made
