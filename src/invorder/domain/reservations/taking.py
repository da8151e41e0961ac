"""Where a reservation's units come from: the bins of its location (and the lapsed holds it
expires there), counted against the ledger and what the earlier items of the same decision
took, freed or promised (a batch's items are decided in one go, none folded yet)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from invorder.domain.errors import InsufficientStockError
from invorder.domain.reservations.kernel import movement
from invorder.domain.reservations.reservation import Reservation, Reservations
from invorder.domain.stock.catalog import SkuId
from invorder.domain.stock.ledger import Ledger
from invorder.domain.stock.movement import Bucket, Movement


class IncomingStock(Protocol):
    """What a pre-order is decided against: the units a purchase order still brings
    (the purchasing area's projection provides it; reservations do not depend on it)."""

    def outstanding_for(self, purchase_order: str, sku: str, location: str) -> int:
        """Units of ``sku`` still outstanding on the open ``purchase_order`` received at
        ``location``; the typed error of the first rule a pre-order there breaks if none
        can be promised (unknown or closed order, another location, no such line)."""
        ...


class EarlierItems:
    """What the earlier items of one decision did to the state they are all decided
    against: units taken from (or, by expiry, given back to) ``available`` per stocked SKU
    and bin, reservations expired, pre-order units promised."""

    __slots__ = ("due", "expired", "moved", "promised")

    def __init__(self) -> None:
        self.moved: dict[str, dict[str, int]] = {}
        """Per stocked SKU and bin, units added to ``available`` (negative: taken)."""
        self.expired: dict[str, None] = {}
        """Ids of the reservations expired, in the order expired."""
        self.due: list[Reservation] = []
        """The reservations expired, in the order expired (what the sweep writes)."""
        self.promised: dict[tuple[str, str], int] = {}
        """Per (purchase order, SKU), incoming units promised to pre-orders."""

    def balance(self, ledger: Ledger, sku: str, place: str) -> int:
        """``available`` units of ``sku`` at exactly ``place``, after the earlier items."""
        units = ledger.balance(sku, place)
        changes = self.moved.get(sku)
        return units + changes.get(place, 0) if changes else units

    def rollup(self, ledger: Ledger, sku: str, location: str) -> int:
        """``available`` units of ``sku`` in ``location``'s subtree, after the earlier items."""
        units = ledger.rollup(sku, location)
        changes = self.moved.get(sku)
        if changes:
            prefix = location + "/"
            units += sum(n for place, n in changes.items()
                         if place == location or place.startswith(prefix))  # fmt: skip
        return units

    def places(self, ledger: Ledger, sku: str, location: str) -> list[str]:
        """The bins of ``location``'s subtree that may hold ``sku`` after the earlier items,
        in bin-path order (some may hold none: their balance says)."""
        places = ledger.holding(sku, location)
        changes = self.moved.get(sku)
        if not changes:
            return places
        prefix = location + "/"
        given = (p for p, n in changes.items() if n > 0 and (p == location or p.startswith(prefix)))
        return sorted({*places, *given})

    def move(self, sku: str, place: str, units: int) -> None:
        """Count ``units`` of ``sku`` added to (negative: taken from) ``place``'s available."""
        changes = self.moved.setdefault(sku, {})
        changes[place] = changes.get(place, 0) + units

    def expire(self, due: Iterable[Reservation]) -> None:
        """Count ``due`` expired: their placed units are available again."""
        for r in due:
            if r.reservation in self.expired:
                continue
            self.expired[r.reservation] = None
            self.due.append(r)
            for leaf, place, units in r.placed:
                self.move(leaf, place, units)


def take_units(
    ledger: Ledger, reservations: Reservations, earlier: EarlierItems, reservation: str,
    location: str, quantity: int, leaves: tuple[tuple[SkuId, int], ...], at: datetime,
) -> list[Movement]:  # fmt: skip
    """The ``reserve`` movements of ``quantity`` units of ``leaves`` at ``location`` (known)
    for ``reservation``, counted into ``earlier``: each component from the bins that hold it
    in bin-path order (the location itself first), after expiring the lapsed holds there if
    the shelves are short. Raises :class:`InsufficientStockError` for the first component
    still short (changing nothing)."""
    if all(earlier.balance(ledger, leaf, location) >= per * quantity for leaf, per in leaves):
        # The location itself holds every component (most reservations): no bin to choose.
        available, reserved = reservations.shelf(location)
        for leaf, per in leaves:
            earlier.move(leaf, location, -per * quantity)
        return [movement(leaf, per * quantity, available, reserved, "reserve", reservation)
                for leaf, per in leaves]  # fmt: skip
    short = [(leaf, per * quantity) for leaf, per in leaves
             if earlier.rollup(ledger, leaf, location) < per * quantity]  # fmt: skip
    if short:
        # Units held by lapsed reservations here are free: expire those holds first.
        due = [r for r in reservations.lapsed_holding((leaf for leaf, _ in short), (location,), at)
               if r.reservation not in earlier.expired]  # fmt: skip
        prefix = location + "/"
        freed: dict[str, int] = {}
        for r in due:
            for stocked, where, units in r.placed:
                if where == location or where.startswith(prefix):
                    freed[stocked] = freed.get(stocked, 0) + units
        for leaf, need in short:
            have = earlier.rollup(ledger, leaf, location) + freed.get(leaf, 0)
            if need > have:
                raise InsufficientStockError(leaf, location, Bucket.AVAILABLE.value, need, have)
        earlier.expire(due)
    movements: list[Movement] = []
    for leaf, per in leaves:
        need = per * quantity
        if earlier.balance(ledger, leaf, location) >= need:
            available, reserved = reservations.shelf(location)
            movements.append(movement(leaf, need, available, reserved, "reserve", reservation))
            earlier.move(leaf, location, -need)
            continue
        for place in earlier.places(ledger, leaf, location):
            take = min(need, earlier.balance(ledger, leaf, place))
            if take <= 0:
                continue
            available, reserved = reservations.shelf(place)
            movements.append(movement(leaf, take, available, reserved, "reserve", reservation))
            earlier.move(leaf, place, -take)
            need -= take
            if not need:
                break
    return movements


def promise_incoming(
    reservations: Reservations, incoming: IncomingStock, earlier: EarlierItems,
    purchase_order: str, sku: str, location: str, quantity: int, at: datetime,
) -> None:  # fmt: skip
    """Count a pre-order of ``quantity`` units of ``sku`` on ``purchase_order`` into
    ``earlier`` (expiring the lapsed pre-orders on it), or raise the typed error of the
    first rule it breaks (changing nothing): an unknown or closed order, another location,
    no such line, then :class:`InsufficientStockError` for fewer units still to come than
    the open pre-orders and this one need."""
    outstanding = incoming.outstanding_for(purchase_order, sku, location)
    pending = [r for r in reservations.preorders(purchase_order, sku)
               if r.reservation not in earlier.expired]  # fmt: skip
    due = [r for r in pending if r.lapsed(at)]
    promised = sum(r.incoming for r in pending if not r.lapsed(at))
    promised += earlier.promised.get((purchase_order, sku), 0)
    free = outstanding - promised
    if quantity > free:
        raise InsufficientStockError(sku, location, Bucket.INCOMING.value, quantity, free)
    earlier.expire(due)
    key = (purchase_order, sku)
    earlier.promised[key] = earlier.promised.get(key, 0) + quantity
