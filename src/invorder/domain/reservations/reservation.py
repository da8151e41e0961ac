"""Reservations as the log tells them, and the projection with the indexes lazy expiry
and pre-orders need.

Invariants, each checked by property and state-machine tests:

* for every stocked SKU and real location, the ``reserved`` balance equals the sum over
  open reservations of the units of that SKU they have placed there (a reservation places
  its received units bin by bin: ``placed``), and each reservation places ``per * backed``
  units of each of its stocked SKUs;
* ``committed + released + expired + held == quantity`` for every reservation, and a
  closed reservation (nothing held) never changes again;
* a reservation past its ``expires_at`` is not promised at any time after it, swept or not.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import ClassVar, TypeVar, cast

from invorder.domain.messages import Event
from invorder.domain.reservations.batch import ReleaseItem, ReleaseMany, ReserveItem, ReserveMany
from invorder.domain.reservations.commands import (
    CommitReservation,
    ReleaseReservation,
    ReserveStock,
)
from invorder.domain.reservations.events import ReservationsExpired
from invorder.domain.reservations.placement import Placed, index_keys, placed_after
from invorder.domain.reservations.record import Reservation, ReservationStatus, assemble
from invorder.domain.stock.catalog import SkuId
from invorder.domain.stock.events import Operation, StockPosted
from invorder.domain.stock.movement import Account, Bucket, Movement

__all__ = ["Reservation", "ReservationStatus", "Reservations"]

_Item = TypeVar("_Item", ReserveItem, ReleaseItem)


class Reservations:
    """The reservations projection, with the indexes lazy expiry and pre-orders need.

    ``_expiring`` maps (stocked SKU, location or any ancestor) to the open reservations
    with an expiry that hold it there, so ATP at ``at`` adds back lapsed units in one
    lookup when there are none.
    """

    FOLDS: ClassVar[frozenset[type]] = frozenset({StockPosted, ReservationsExpired})
    """The event types :meth:`apply` folds (others leave it unchanged)."""

    __slots__ = (
        "_accounts", "_by_id", "_expiring", "_expiring_skus", "_preorders", "_shelves",
        "_with_expiry",
    )  # fmt: skip

    def __init__(self) -> None:
        self._by_id: dict[str, Reservation] = {}
        self._expiring: dict[tuple[str, str], dict[str, None]] = {}
        self._with_expiry: dict[str, None] = {}
        self._expiring_skus: dict[str, int] = {}
        self._preorders: dict[tuple[str, str], dict[str, None]] = {}
        self._accounts: dict[tuple[str, Bucket], Account] = {}
        self._shelves: dict[str, tuple[Account, Account]] = {}

    # --- queries -------------------------------------------------------------------------

    def get(self, reservation: str) -> Reservation | None:
        """The reservation with this id, or ``None``."""
        return self._by_id.get(reservation)

    def __iter__(self) -> Iterator[Reservation]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def open(self) -> Iterator[Reservation]:
        """Open reservations, in the order they were made."""
        return (r for r in self._by_id.values() if r.held)

    def lapsed_units(self, sku: str, location: str, at: datetime) -> int:
        """Received units of stocked ``sku`` in ``location``'s subtree held by lapsed
        reservations (still in ``reserved`` until swept, but no longer promised)."""
        ids = self._expiring.get((sku, location))
        if not ids:
            return 0
        total = 0
        by_id = self._by_id
        for rid in ids:
            r = by_id[rid]
            if r.expires_at is not None and r.expires_at <= at:
                total += r.units_at(sku, location)
        return total

    def may_lapse(self, sku: str) -> bool:
        """True when some open reservation with an expiry holds stocked ``sku`` (anywhere);
        when False, ATP of ``sku`` needs no lapse check."""
        return sku in self._expiring_skus

    def lapsed_at(self, sku: str, location: str, at: datetime) -> list[Reservation]:
        """Open lapsed reservations holding ``sku`` in ``location``'s subtree."""
        ids = self._expiring.get((sku, location), {})
        return [self._by_id[rid] for rid in ids if self._by_id[rid].lapsed(at)]

    def lapsed_holding(
        self, skus: Iterable[str], locations: Iterable[str], at: datetime, *, exact: bool = False
    ) -> list[Reservation]:
        """Open reservations lapsed at ``at`` that hold one of the stocked ``skus`` in the
        subtree of one of ``locations`` (at exactly those locations with ``exact``), in the
        order made: the holds a decision that needs their units expires first (``exact``:
        those with units of one of ``skus`` placed at exactly one of ``locations``)."""
        due: dict[str, Reservation] = {}
        wanted = list(locations)
        for sku in skus:
            if not self.may_lapse(sku):
                continue
            for location in wanted:
                for r in self.lapsed_at(sku, location, at):
                    if not exact or any(leaf == sku and b == location for leaf, b, _ in r.placed):
                        due[r.reservation] = r
        return sorted(due.values(), key=lambda r: r.position)

    def due(self, at: datetime) -> list[Reservation]:
        """Every open reservation lapsed at ``at``, in the order made."""
        found = [self._by_id[rid] for rid in self._with_expiry if self._by_id[rid].lapsed(at)]
        return sorted(found, key=lambda r: r.position)

    def preorders(self, purchase_order: str, sku: str) -> list[Reservation]:
        """Open pre-orders waiting on ``purchase_order`` for ``sku``, in serving order
        (larger priority first, then the order made)."""
        ids = self._preorders.get((purchase_order, sku), {})
        return sorted((self._by_id[rid] for rid in ids), key=lambda r: (-r.priority, r.position))

    def account(self, location: str, bucket: Bucket) -> Account:
        """A shared :class:`Account` value (accounts are immutable; built once)."""
        key = (location, bucket)
        account = self._accounts.get(key)
        if account is None:
            account = self._accounts[key] = Account(location, bucket)
        return account

    def shelf(self, location: str) -> tuple[Account, Account]:
        """The shared ``available`` and ``reserved`` accounts of ``location``, in one
        look-up: what a reservation moves units between."""
        pair = self._shelves.get(location)
        if pair is None:
            pair = (
                self.account(location, Bucket.AVAILABLE),
                self.account(location, Bucket.RESERVED),
            )
            self._shelves[location] = pair
        return pair

    # --- folding -------------------------------------------------------------------------

    def apply(self, event: Event) -> None:
        """Fold one event (events that concern no reservation are ignored)."""
        kind = type(event)
        if kind is StockPosted:
            assert isinstance(event, StockPosted)
            operation = event.operation
            if operation is Operation.RESERVE:
                self._reserve(event)
            elif operation is Operation.COMMIT or operation is Operation.RELEASE:
                self._resolve(event)
            elif operation is Operation.PURCHASE_RECEIVE:
                self._convert(event)
        elif kind is ReservationsExpired:
            assert isinstance(event, ReservationsExpired)
            for rid in event.reservations:
                r = self._by_id[rid]
                self._store(r._updated(r.committed, r.released, r.expired + r.held, 0, ()))

    def _reserve(self, event: StockPosted) -> None:
        command = event.command
        if type(command) is ReserveMany:
            assert isinstance(command, ReserveMany)
            at, position = command.at, event.position
            for item, movements in per_item(command.items, event.movements):
                self._make(item, at, position, movements)
            return
        assert isinstance(command, ReserveStock)
        self._make(command, command.at, event.position, event.movements)

    def _make(
        self, asked: ReserveStock | ReserveItem, at: datetime, position: int,
        movements: Sequence[Movement],
    ) -> None:  # fmt: skip
        quantity = asked.quantity
        placed: Placed = ()
        if len(movements) == 1:
            m = movements[0]
            leaves: tuple[tuple[SkuId, int], ...] = ((m.sku, m.quantity // quantity),)
            placed = ((m.sku, m.destination.location, m.quantity),)
            incoming = 0
        elif movements:
            per_leaf: dict[SkuId, int] = {}
            for m in movements:
                per_leaf[m.sku] = per_leaf.get(m.sku, 0) + m.quantity
            leaves = tuple((leaf, total // quantity) for leaf, total in per_leaf.items())
            placed = placed_after((), movements, 1)
            incoming = 0
        else:
            leaves = ((asked.sku, 1),)
            incoming = quantity
        reservation = assemble(
            asked.reservation, asked.sku, asked.location, quantity, leaves,
            asked.reference, asked.priority, asked.expires_at, asked.purchase_order,
            at, position, 0, 0, 0, incoming, placed,
        )  # fmt: skip
        self._by_id[reservation.reservation] = reservation
        rid = reservation.reservation
        if reservation.expires_at is not None:
            self._with_expiry[rid] = None
            counts = self._expiring_skus
            for leaf, _per in leaves:
                counts[leaf] = counts.get(leaf, 0) + 1
            expiring = self._expiring
            keys = index_keys(reservation.location, leaves, placed)
            for stocked, path in keys:
                expiring.setdefault((stocked, path), {})[rid] = None
        if incoming:
            self._preorders.setdefault((asked.purchase_order, asked.sku), {})[rid] = None

    def _resolve(self, event: StockPosted) -> None:
        command = event.command
        if type(command) is ReleaseMany:
            assert isinstance(command, ReleaseMany)
            for item, movements in per_item(command.items, event.movements):
                r = self._by_id[item.reservation]
                n = item.quantity if item.quantity is not None else r.held
                self._release(r, n, movements)
            return
        command = cast(CommitReservation | ReleaseReservation, command)
        r = self._by_id[command.reservation]
        n = command.quantity if command.quantity is not None else r.held
        if type(command) is CommitReservation:
            placed = placed_after(r.placed, event.movements, -1)
            self._store(r._updated(r.committed + n, r.released, r.expired, r.incoming, placed))
        else:
            self._release(r, n, event.movements)

    def _release(self, r: Reservation, n: int, movements: Sequence[Movement]) -> None:
        placed = placed_after(r.placed, movements, -1)
        incoming = r.incoming
        if incoming:
            # The entry says how many came off the shelf; the rest were still to come
            # (a release takes those first; a short count takes shelf units only).
            leaf, per = r.leaves[0]
            shelf = sum(m.quantity for m in movements if m.sku == leaf) // per
            incoming -= n - shelf
        self._store(r._updated(r.committed, r.released + n, r.expired, incoming, placed))

    def _convert(self, event: StockPosted) -> None:
        for movement in event.movements:
            if movement.destination.bucket is Bucket.RESERVED:
                r = self._by_id[movement.reference]
                incoming = r.incoming - movement.quantity
                placed = placed_after(r.placed, (movement,), 1)
                updated = r._updated(r.committed, r.released, r.expired, incoming, placed)
                if updated.expires_at is not None and r.held:
                    for leaf, path in index_keys(r.location, r.leaves, placed):
                        self._expiring.setdefault((leaf, path), {})[r.reservation] = None
                self._store(updated)

    def _store(self, r: Reservation) -> None:
        rid = r.reservation
        by_id = self._by_id
        before = by_id[rid]
        by_id[rid] = r
        if not r.incoming and r.purchase_order:  # only pre-orders are indexed as such
            ids = self._preorders.get((r.purchase_order, r.sku))
            if ids is not None:
                ids.pop(rid, None)
        if r.expires_at is not None and not r.held and rid in self._with_expiry:
            del self._with_expiry[rid]
            counts = self._expiring_skus
            for leaf, _per in r.leaves:
                counts[leaf] -= 1
                if not counts[leaf]:
                    del counts[leaf]
            for stocked, path in index_keys(before.location, before.leaves, before.placed):
                ids = self._expiring.get((stocked, path))
                if ids is not None:
                    ids.pop(rid, None)


def per_item(
    items: Iterable[_Item], movements: Sequence[Movement]
) -> Iterator[tuple[_Item, Sequence[Movement]]]:
    """Each item of a batch entry's command (every one carried out) with its movements: a
    batch's decision writes each item's movements together, in the order of the items, each
    naming its reservation as ``reference`` (an item may have none: a pre-order, a release
    of units still to come)."""
    start, end = 0, len(movements)
    for item in items:
        rid = item.reservation
        stop = start
        while stop < end and movements[stop].reference == rid:
            stop += 1
        yield item, movements[start:stop]
        start = stop
    assert start == end, "a batch entry has movements for no item of its command"
