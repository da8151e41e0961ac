"""Decisions on reservations: reserve, commit, release, sweep, each at most once.

On the ledger a reservation is a movement ``available -> reserved`` per component and bin
(a reservation at a warehouse or zone takes from its bins in bin-path order, each component
on its own); a commit moves ``reserved -> @customer`` and a release or expiry
``reserved -> available``, from the bins the units are placed at.
A pre-order is a reservation against the ``incoming`` units of a purchase order: it has no
movement until the units are received.

Lazy expiry: decisions at time ``at`` treat a reservation whose ``expires_at`` is at or
before ``at`` as expired. When a reservation needs units that such lapsed reservations
still hold at the same location, the same command first expires them (the outcome then
starts with a sweep), so no unit is both promised and sold, and none leaks.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from invorder.domain.errors import (
    DuplicateError,
    IllegalTransitionError,
    NotFoundError,
    OverCommitError,
    UnknownLocationError,
)
from invorder.domain.messages import Command, Event
from invorder.domain.reservations.commands import (
    CommitReservation,
    ExpireReservations,
    ReleaseReservation,
    ReserveStock,
)
from invorder.domain.reservations.events import ReservationsExpired
from invorder.domain.reservations.kernel import movement, reserve_on_shelf, stock_entry
from invorder.domain.reservations.reservation import Reservation, Reservations
from invorder.domain.reservations.taking import (
    EarlierItems,
    IncomingStock,
    promise_incoming,
    take_units,
)
from invorder.domain.stock.catalog import SkuId
from invorder.domain.stock.events import Operation, StockPosted
from invorder.domain.stock.ledger import Ledger
from invorder.domain.stock.location import CUSTOMER, LocationId
from invorder.domain.stock.movement import Bucket, Movement


def expire(
    reservations: Reservations, due: list[Reservation], command: Command, position: int
) -> tuple[Event, ...]:
    """The sweep events expiring ``due``: the ``expire`` entry, then ``ReservationsExpired``."""
    movements: list[Movement] = []
    for r in due:
        for leaf, place, units in r.placed:
            reserved = reservations.account(place, Bucket.RESERVED)
            available = reservations.account(place, Bucket.AVAILABLE)
            movements.append(movement(leaf, units, reserved, available, "expired", r.reservation))
    entry = StockPosted(
        position=position,
        command=command,
        operation=Operation.EXPIRE,
        movements=tuple(movements),
        memo=f"expired {len(due)} reservation(s)",
    )
    expired = ReservationsExpired(
        position=position + 1, command=command, reservations=tuple(r.reservation for r in due)
    )
    return (entry, expired)


def taken_from(
    r: Reservation, n: int, first: Mapping[tuple[str, str], int] | None = None
) -> list[tuple[SkuId, LocationId, int]]:
    """Where ``n`` of ``r``'s received units come from: ``per * n`` of each component, from
    its bins in bin-path order (``first``: up to that many units of a (component, bin)
    before the others)."""
    placed = r.placed
    if len(placed) == 1 and not first:  # one stocked SKU in one bin: the hot path
        leaf, place, _units = placed[0]
        return [(leaf, place, r.leaves[0][1] * n)]
    taken: dict[tuple[SkuId, LocationId], int] = {}
    for leaf, per in r.leaves:
        need = per * n
        left = {place: units for s, place, units in r.placed if s == leaf}
        for place in left if first else ():
            take = min(need, left[place], first.get((leaf, place), 0) if first else 0)
            if take:
                taken[(leaf, place)] = take
                left[place] -= take
                need -= take
        for place, units in left.items():
            if not need:
                break
            take = min(need, units)
            if take:
                taken[(leaf, place)] = taken.get((leaf, place), 0) + take
                need -= take
        assert not need, f"{r.reservation} places fewer units of {leaf} than it holds"
    return [(leaf, place, units) for (leaf, place), units in taken.items()]


def _moved(
    reservations: Reservations,
    r: Reservation,
    n: int,
    bucket: Bucket | None,
    reason: str,
    first: Mapping[tuple[str, str], int] | None = None,
) -> tuple[Movement, ...]:
    """Movements taking ``n`` of ``r``'s received units out of ``reserved`` into ``bucket``
    at their bin (``None``: to the customer)."""
    customer = reservations.account(CUSTOMER, Bucket.AVAILABLE)
    placed = r.placed
    if len(placed) == 1 and not first and (bucket is None or bucket is Bucket.AVAILABLE):
        # One stocked SKU in one bin, to the customer or back on the shelf: the hot path.
        leaf, place, _units = placed[0]
        available, reserved = reservations.shelf(place)
        to = customer if bucket is None else available
        return (movement(leaf, r.leaves[0][1] * n, reserved, to, reason, r.reservation),)
    return tuple(
        movement(
            leaf,
            units,
            reservations.account(place, Bucket.RESERVED),
            customer if bucket is None else reservations.account(place, bucket),
            reason,
            r.reservation,
        )
        for leaf, place, units in taken_from(r, n, first)
    )


def open_reservation(
    reservations: Reservations, reservation: str, action: str, at: datetime
) -> Reservation:
    """The open, unlapsed reservation ``reservation``, or the typed error ``action`` gets."""
    r = reservations.get(reservation)
    if r is None:
        raise NotFoundError("reservation", reservation)
    if not r.held:
        raise IllegalTransitionError(
            "reservation", reservation, r.status.value, action,
            "a reservation resolves at most once",
        )  # fmt: skip
    if r.lapsed(at):
        assert r.expires_at is not None
        raise IllegalTransitionError(
            "reservation", reservation, "expired", action,
            f"it lapsed at {r.expires_at.isoformat()}; reserve again if the units are free",
        )  # fmt: skip
    return r


def check_new(reservations: Reservations, reservation: str) -> None:
    """Raise :class:`DuplicateError` if the reservation id is taken."""
    if reservations.get(reservation) is not None:
        raise DuplicateError("reservation", reservation, "a reservation id is used once")


def decide_commit(
    reservations: Reservations, command: CommitReservation, position: int
) -> StockPosted:
    """The ``commit`` entry for ``command`` (units leave to the customer)."""
    r = open_reservation(reservations, command.reservation, "commit", command.at)
    n = command.quantity if command.quantity is not None else r.held
    if n > r.held:
        raise OverCommitError(r.reservation, "commit", n, r.held)
    if n > r.backed:
        raise IllegalTransitionError(
            "reservation", r.reservation, f"holding {r.incoming} unit(s) not yet received",
            f"commit {n}", f"commit at most {r.backed} until purchase order "
            f"{r.purchase_order!r} is received",
        )  # fmt: skip
    movements = _moved(reservations, r, n, None, "commit")
    return stock_entry(position, command, Operation.COMMIT, movements, r.reservation)


def decide_release(
    reservations: Reservations,
    command: ReleaseReservation,
    position: int,
    *,
    from_shelf: bool = False,
    first: Mapping[tuple[str, str], int] | None = None,
) -> StockPosted:
    """The ``release`` entry for ``command`` (units go back to available). A release takes
    the units still to come first (a pre-order's); ``from_shelf`` takes only units on the
    shelf (a count that found fewer than are reserved); ``first``: up to that many shelf
    units of a (component, bin) before the others (where they were found missing)."""
    movements = release_movements(
        reservations, command.reservation, command.quantity, command.reason, command.at,
        from_shelf=from_shelf, first=first,
    )  # fmt: skip
    return stock_entry(position, command, Operation.RELEASE, movements, command.reservation)


def release_movements(
    reservations: Reservations,
    reservation: str,
    quantity: int | None,
    reason: str,
    at: datetime,
    *,
    from_shelf: bool = False,
    first: Mapping[tuple[str, str], int] | None = None,
) -> tuple[Movement, ...]:
    """The movements releasing ``quantity`` units (``None``: all held) of the open
    ``reservation`` at ``at`` (see :func:`decide_release`), or the typed error of the first
    rule the release breaks."""
    r = open_reservation(reservations, reservation, "release", at)
    held = r.held
    n = quantity if quantity is not None else held
    most = r.backed if from_shelf else held
    if n > most:
        raise OverCommitError(r.reservation, "release", n, most)
    on_shelf = n if from_shelf else n - min(n, r.incoming)
    if not on_shelf:
        return ()
    return _moved(reservations, r, on_shelf, Bucket.AVAILABLE, reason, first)


def decide_sweep(
    reservations: Reservations, command: ExpireReservations, position: int
) -> tuple[Event, ...]:
    """The sweep events for ``command``: every reservation lapsed at ``command.at``."""
    return expire(reservations, reservations.due(command.at), command, position)


def decide_reserve(
    ledger: Ledger,
    reservations: Reservations,
    incoming: IncomingStock,
    command: ReserveStock,
    position: int,
) -> tuple[Event, ...]:
    """The events for ``command``: a sweep of lapsed holds it needs (if any), then the
    ``reserve`` entry.

    The units come from ``command.location`` and every location inside it (a warehouse's
    bins): each component from the bins that hold it, in bin-path order; the entry's
    movements say which bins. Precedence: duplicate id, unknown SKU, unknown location,
    unknown purchase order, then insufficient stock for the first component (in sorted
    order) that is short there.
    """
    check_new(reservations, command.reservation)
    leaves = ledger.catalog.leaves(command.sku)  # UnknownSkuError for an unknown SKU
    location = command.location
    if not ledger.has_location(location):
        raise UnknownLocationError(location)
    if command.purchase_order:
        return _preorder(reservations, incoming, command, position)
    entry = reserve_on_shelf(ledger, reservations, command, leaves, position)
    if entry is not None:
        return (entry,)
    earlier = EarlierItems()
    movements = take_units(ledger, reservations, earlier, command.reservation, location,
                           command.quantity, leaves, command.at)  # fmt: skip
    events: tuple[Event, ...] = ()
    if earlier.due:
        events = expire(reservations, earlier.due, command, position)
        position += len(events)
    entry = StockPosted(
        position=position,
        command=command,
        operation=Operation.RESERVE,
        movements=tuple(movements),
        reference=command.reservation,
    )
    return (*events, entry)


def _preorder(
    reservations: Reservations, incoming: IncomingStock, command: ReserveStock, position: int
) -> tuple[Event, ...]:
    earlier = EarlierItems()
    promise_incoming(reservations, incoming, earlier, command.purchase_order, command.sku,
                     command.location, command.quantity, command.at)  # fmt: skip
    events: tuple[Event, ...] = ()
    if earlier.due:
        events = expire(reservations, earlier.due, command, position)
        position += len(events)
    entry = StockPosted(
        position=position,
        command=command,
        operation=Operation.RESERVE,
        movements=(),
        reference=command.reservation,
        memo=f"pre-order on {command.purchase_order}",
    )
    return (*events, entry)
