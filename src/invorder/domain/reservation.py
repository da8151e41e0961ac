"""Two-phase reservations: reserve, then commit, release or expire, each at most once.

On the ledger a reservation is a movement ``available -> reserved`` at one location; a commit
moves ``reserved -> @customer`` and a release or expiry ``reserved -> available``. The
:class:`Reservations` projection keeps each reservation as an immutable value with its own
status. A pre-order is a reservation against the ``incoming`` units of a purchase order: it
has no ledger movement until the units are received (see :mod:`invorder.domain.purchase`).

Invariants, each checked by property and state-machine tests:

* for every stocked SKU and real location, the ``reserved`` balance equals the sum over open
  reservations of their received (backed) units of that SKU there;
* ``committed + released + expired + held == quantity`` for every reservation, and a closed
  reservation (nothing held) never changes again;
* a reservation past its ``expires_at`` is not promised at any time after it, swept or not.

Lazy expiry: queries and decisions at time ``at`` treat a reservation whose ``expires_at``
is at or before ``at`` as expired. When a reservation needs units that such lapsed
reservations still hold at the same location, the same command first expires them (the
outcome then starts with a sweep), so no unit is both promised and sold, and none leaks.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, cast

import attrs

from invorder.domain import _checks
from invorder.domain.catalog import SkuId, sku_id
from invorder.domain.commands import Command, _real_location
from invorder.domain.errors import (
    DuplicateError,
    IllegalTransitionError,
    InsufficientStockError,
    InvalidQuantityError,
    NotFoundError,
    OverCommitError,
    UnknownLocationError,
    UnknownSkuError,
    ValidationError,
)
from invorder.domain.events import Event, FromCommand, Operation, StockPosted
from invorder.domain.location import CUSTOMER, LocationId, ancestors_of
from invorder.domain.stock import Account, Bucket, Movement

if TYPE_CHECKING:
    from invorder.domain.ledger import Ledger
    from invorder.domain.purchase import Purchases

# --- commands --------------------------------------------------------------------------------


def _optional_aware(instance: object, attribute: Any, value: Any) -> None:
    if value is not None:
        _checks.check_aware(attribute.name, value)


def _after_at(instance: ReserveStock, attribute: Any, value: datetime | None) -> None:
    if value is not None and value <= instance.at:
        raise ValidationError(
            f"expires_at {value.isoformat()} is not after at {instance.at.isoformat()}; "
            "a reservation must be held for some time",
            field="expires_at",
            value=value,
        )


def _priority(instance: object, attribute: Any, value: Any) -> None:
    if type(value) is not int:
        raise InvalidQuantityError(attribute.name, value, allow_zero=True)


def _optional_quantity(instance: object, attribute: Any, value: Any) -> None:
    if value is not None:
        _checks.positive_quantity(instance, attribute, value)


@attrs.frozen(kw_only=True)
class ReserveStock(Command):
    """Hold ``quantity`` units of ``sku`` at ``location`` for an order line (phase one).

    A bundle reserves all its components at the location, or none. With
    ``purchase_order`` the units are promised from that order's incoming stock (a
    pre-order); they become ordinary reserved units when received.
    """

    reservation: str = attrs.field(validator=_checks.identifier)
    """The reservation id; it must be new."""
    sku: SkuId = attrs.field(converter=sku_id)
    """The SKU (a stocked SKU or a bundle)."""
    location: LocationId = attrs.field(converter=_real_location)
    """The exact location holding the units (for a pre-order, the purchase order's)."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """Units of ``sku`` to hold."""
    reference: str = attrs.field(default="", validator=_checks.text)
    """The order line (or cart) the units are held for."""
    expires_at: datetime | None = attrs.field(default=None, validator=[_optional_aware, _after_at])
    """When the hold lapses by itself (checkout carts, acceptance windows); ``None``: never."""
    priority: int = attrs.field(default=0, validator=_priority)
    """Pre-orders with a larger priority are served first when stock is received."""
    purchase_order: str = attrs.field(default="", validator=_checks.text)
    """For a pre-order, the purchase order whose incoming units are promised."""


@attrs.frozen(kw_only=True)
class CommitReservation(Command):
    """Phase two: the held units leave (``reserved -> @customer``), all or ``quantity``."""

    reservation: str = attrs.field(validator=_checks.identifier)
    """The reservation id."""
    quantity: int | None = attrs.field(default=None, validator=_optional_quantity)
    """Units to commit; ``None`` commits everything still held."""
    reference: str = attrs.field(default="", validator=_checks.text)
    """The shipment the units leave with."""


@attrs.frozen(kw_only=True)
class ReleaseReservation(Command):
    """Give held units back (``reserved -> available``), all or ``quantity``.

    Units of a pre-order not yet received are released first.
    """

    reservation: str = attrs.field(validator=_checks.identifier)
    """The reservation id."""
    quantity: int | None = attrs.field(default=None, validator=_optional_quantity)
    """Units to release; ``None`` releases everything still held."""
    reason: str = attrs.field(default="released", validator=_checks.text)
    """Why (cancelled line, re-routed, ...)."""


@attrs.frozen(kw_only=True)
class ExpireReservations(Command):
    """Sweep: expire every open reservation whose ``expires_at`` is at or before ``at``.

    The outcome's :class:`ReservationsExpired` event says which reservations expired
    (possibly none).
    """


# --- events ----------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ReservationsExpired(FromCommand):
    """Reservations that lapsed and were expired; their held units went back to available.

    It follows the ``StockPosted`` entry (operation ``expire``) that moved the units.
    """

    SCHEMA_VERSION: ClassVar[int] = 1
    position: int
    """Index of this event in the log."""
    command: Command
    """The command that produced it (a sweep, or a reservation that needed the units)."""
    reservations: tuple[str, ...]
    """The ids expired, in the order they were made."""


def expired_reservations(outcome: Iterable[Event]) -> tuple[str, ...]:
    """The reservation ids an outcome expired (from its :class:`ReservationsExpired`)."""
    ids: list[str] = []
    for event in outcome:
        if type(event) is ReservationsExpired:
            ids.extend(event.reservations)
    return tuple(ids)


# --- the projection --------------------------------------------------------------------------


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
    """Where the units are held."""
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

    def _updated(self, committed: int, released: int, expired: int, incoming: int) -> Reservation:
        # attrs.evolve re-introspects the class on every call; this is the fold's hot path.
        return Reservation(
            reservation=self.reservation, sku=self.sku, location=self.location,
            quantity=self.quantity, leaves=self.leaves, reference=self.reference,
            priority=self.priority, expires_at=self.expires_at,
            purchase_order=self.purchase_order, reserved_at=self.reserved_at,
            position=self.position, committed=committed, released=released, expired=expired,
            incoming=incoming,
        )  # fmt: skip

    def lapsed(self, at: datetime) -> bool:
        """True when the hold has lapsed at ``at`` (it counts as expired from then on)."""
        return self.expires_at is not None and self.expires_at <= at

    @property
    def status(self) -> ReservationStatus:
        """The status derived from the quantities."""
        if self.held:
            if self.committed:
                return ReservationStatus.PARTIALLY_COMMITTED
            if self.released:
                return ReservationStatus.PARTIALLY_RELEASED
            return ReservationStatus.PENDING
        if self.expired:
            return ReservationStatus.EXPIRED
        return ReservationStatus.COMMITTED if self.committed else ReservationStatus.RELEASED


class Reservations:
    """The reservations projection, with the indexes lazy expiry and pre-orders need.

    ``_expiring`` maps (stocked SKU, location or any ancestor) to the open reservations
    with an expiry that hold it there, so ATP at ``at`` adds back lapsed units in one
    lookup when there are none.
    """

    FOLDS: ClassVar[frozenset[type]] = frozenset({StockPosted, ReservationsExpired})
    """The event types :meth:`apply` folds (others leave it unchanged)."""

    __slots__ = (
        "_accounts", "_by_id", "_expiring", "_expiring_skus", "_preorders", "_with_expiry",
    )  # fmt: skip

    def __init__(self) -> None:
        self._by_id: dict[str, Reservation] = {}
        self._expiring: dict[tuple[str, str], dict[str, None]] = {}
        self._with_expiry: dict[str, None] = {}
        self._expiring_skus: dict[str, int] = {}
        self._preorders: dict[tuple[str, str], dict[str, None]] = {}
        self._accounts: dict[tuple[str, Bucket], Account] = {}

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
                for leaf, per in r.leaves:
                    if leaf == sku:
                        total += per * r.backed
        return total

    def may_lapse(self, sku: str) -> bool:
        """True when some open reservation with an expiry holds stocked ``sku`` (anywhere);
        when False, ATP of ``sku`` needs no lapse check."""
        return sku in self._expiring_skus

    def lapsed_at(self, sku: str, location: str, at: datetime) -> list[Reservation]:
        """Open lapsed reservations holding ``sku`` in ``location``'s subtree."""
        ids = self._expiring.get((sku, location), {})
        return [self._by_id[rid] for rid in ids if self._by_id[rid].lapsed(at)]

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
                self._store(r._updated(r.committed, r.released, r.expired + r.held, 0))

    def _reserve(self, event: StockPosted) -> None:
        command = event.command
        assert isinstance(command, ReserveStock)
        quantity = command.quantity
        if event.movements:
            leaves = tuple((m.sku, m.quantity // quantity) for m in event.movements)
            incoming = 0
        else:
            leaves = ((command.sku, 1),)
            incoming = quantity
        reservation = Reservation(
            reservation=command.reservation,
            sku=command.sku,
            location=command.location,
            quantity=quantity,
            leaves=leaves,
            reference=command.reference,
            priority=command.priority,
            expires_at=command.expires_at,
            purchase_order=command.purchase_order,
            reserved_at=command.at,
            position=event.position,
            incoming=incoming,
        )
        self._by_id[reservation.reservation] = reservation
        rid = reservation.reservation
        if reservation.expires_at is not None:
            self._with_expiry[rid] = None
            counts = self._expiring_skus
            for leaf, _per in leaves:
                counts[leaf] = counts.get(leaf, 0) + 1
            for path in (reservation.location, *ancestors_of(reservation.location)):
                for leaf, _per in leaves:
                    self._expiring.setdefault((leaf, path), {})[rid] = None
        if incoming:
            self._preorders.setdefault((command.purchase_order, command.sku), {})[rid] = None

    def _resolve(self, event: StockPosted) -> None:
        command = cast(CommitReservation | ReleaseReservation, event.command)
        r = self._by_id[command.reservation]
        n = command.quantity if command.quantity is not None else r.held
        if type(command) is CommitReservation:
            self._store(r._updated(r.committed + n, r.released, r.expired, r.incoming))
        else:
            incoming = r.incoming - min(n, r.incoming)
            self._store(r._updated(r.committed, r.released + n, r.expired, incoming))

    def _convert(self, event: StockPosted) -> None:
        for movement in event.movements:
            if movement.destination.bucket is Bucket.RESERVED:
                r = self._by_id[movement.reference]
                incoming = r.incoming - movement.quantity
                self._store(r._updated(r.committed, r.released, r.expired, incoming))

    def _store(self, r: Reservation) -> None:
        rid = r.reservation
        self._by_id[rid] = r
        if not r.incoming:
            ids = self._preorders.get((r.purchase_order, r.sku))
            if ids is not None:
                ids.pop(rid, None)
        if not r.held and r.expires_at is not None and rid in self._with_expiry:
            del self._with_expiry[rid]
            counts = self._expiring_skus
            for leaf, _per in r.leaves:
                counts[leaf] -= 1
                if not counts[leaf]:
                    del counts[leaf]
            for path in (r.location, *ancestors_of(r.location)):
                for leaf, _per in r.leaves:
                    ids = self._expiring.get((leaf, path))
                    if ids is not None:
                        ids.pop(rid, None)


# --- decisions -------------------------------------------------------------------------------

_new = object.__new__
_set = object.__setattr__


def _movement(
    sku: SkuId, quantity: int, source: Account, destination: Account, reason: str, reference: str
) -> Movement:
    # Every argument here comes from a command or reservation that was validated when it was
    # built (positive quantities, distinct accounts), so the value is assembled without
    # re-running the validators: this is the hot path of reserve / commit / release.
    movement: Movement = _new(Movement)
    _set(movement, "sku", sku)
    _set(movement, "quantity", quantity)
    _set(movement, "source", source)
    _set(movement, "destination", destination)
    _set(movement, "reason", reason)
    _set(movement, "reference", reference)
    return movement


def expire(
    reservations: Reservations, due: list[Reservation], command: Command, position: int
) -> tuple[Event, ...]:
    """The sweep events expiring ``due``: the ``expire`` entry, then ``ReservationsExpired``."""
    movements: list[Movement] = []
    for r in due:
        backed = r.backed
        if backed:
            reserved = reservations.account(r.location, Bucket.RESERVED)
            available = reservations.account(r.location, Bucket.AVAILABLE)
            for leaf, per in r.leaves:
                movements.append(
                    _movement(leaf, per * backed, reserved, available, "expired", r.reservation)
                )
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
    reserved = reservations.account(r.location, Bucket.RESERVED)
    customer = reservations.account(CUSTOMER, Bucket.AVAILABLE)
    movements = tuple(
        _movement(leaf, per * n, reserved, customer, "commit", r.reservation)
        for leaf, per in r.leaves
    )  # fmt: skip
    return StockPosted(
        position=position,
        command=command,
        operation=Operation.COMMIT,
        movements=movements,
        reference=r.reservation,
    )


def decide_release(
    reservations: Reservations, command: ReleaseReservation, position: int
) -> StockPosted:
    """The ``release`` entry for ``command`` (units go back to available)."""
    r = open_reservation(reservations, command.reservation, "release", command.at)
    n = command.quantity if command.quantity is not None else r.held
    if n > r.held:
        raise OverCommitError(r.reservation, "release", n, r.held)
    on_shelf = n - min(n, r.incoming)
    movements: tuple[Movement, ...] = ()
    if on_shelf:
        reserved = reservations.account(r.location, Bucket.RESERVED)
        available = reservations.account(r.location, Bucket.AVAILABLE)
        movements = tuple(
            _movement(leaf, per * on_shelf, reserved, available, command.reason, r.reservation)
            for leaf, per in r.leaves
        )  # fmt: skip
    return StockPosted(
        position=position,
        command=command,
        operation=Operation.RELEASE,
        movements=movements,
        reference=r.reservation,
    )


def decide_sweep(
    reservations: Reservations, command: ExpireReservations, position: int
) -> tuple[Event, ...]:
    """The sweep events for ``command``: every reservation lapsed at ``command.at``."""
    return expire(reservations, reservations.due(command.at), command, position)


def decide_reserve(
    ledger: Ledger,
    reservations: Reservations,
    purchases: Purchases,
    command: ReserveStock,
    position: int,
) -> tuple[Event, ...]:
    """The events for ``command``: a sweep of lapsed holds it needs (if any), then the
    ``reserve`` entry.

    Precedence: duplicate id, unknown SKU, unknown location, unknown purchase order, then
    insufficient stock for the first component (in sorted order) that is short.
    """
    check_new(reservations, command.reservation)
    sku = ledger.catalog.get(command.sku)
    if sku is None:
        raise UnknownSkuError(command.sku)
    location = command.location
    if not ledger.has_location(location):
        raise UnknownLocationError(location)
    if command.purchase_order:
        return _preorder(reservations, purchases, command, position)
    at = command.at
    leaves = ledger.catalog.leaves(command.sku)
    short = [
        (leaf, per * command.quantity)
        for leaf, per in leaves
        if ledger.balance(leaf, location) < per * command.quantity
    ]
    events: tuple[Event, ...] = ()
    if short:
        # Units held by lapsed reservations here are free: expire those holds first.
        due: dict[str, Reservation] = {}
        for leaf, _need in short:
            for r in reservations.lapsed_at(leaf, location, at):
                if r.location == location:
                    due[r.reservation] = r
        freed: dict[str, int] = {}
        for r in due.values():
            for leaf, per in r.leaves:
                freed[leaf] = freed.get(leaf, 0) + per * r.backed
        for leaf, need in short:
            have = ledger.balance(leaf, location) + freed.get(leaf, 0)
            if need > have:
                raise InsufficientStockError(leaf, location, Bucket.AVAILABLE.value, need, have)
        ordered = sorted(due.values(), key=lambda r: r.position)
        events = expire(reservations, ordered, command, position)
        position += len(events)
    available = reservations.account(location, Bucket.AVAILABLE)
    reserved = reservations.account(location, Bucket.RESERVED)
    movements = tuple(
        _movement(leaf, per * command.quantity, available, reserved, "reserve",
                  command.reservation)
        for leaf, per in leaves
    )  # fmt: skip
    entry = StockPosted(
        position=position,
        command=command,
        operation=Operation.RESERVE,
        movements=movements,
        reference=command.reservation,
    )
    return (*events, entry)


def _preorder(
    reservations: Reservations, purchases: Purchases, command: ReserveStock, position: int
) -> tuple[Event, ...]:
    order = purchases.open_order(command.purchase_order, "pre-order against")
    if order.location != command.location:
        raise IllegalTransitionError(
            "purchase order", order.purchase_order, f"received at {order.location}",
            f"pre-order at {command.location}", f"reserve at {order.location}",
        )  # fmt: skip
    line = order.line(command.sku)
    if line is None:
        raise NotFoundError("purchase order line", f"{order.purchase_order}/{command.sku}")
    at = command.at
    pending = reservations.preorders(order.purchase_order, command.sku)
    due = [r for r in pending if r.lapsed(at)]
    promised = sum(r.incoming for r in pending if not r.lapsed(at))
    free = line.outstanding - promised
    if command.quantity > free:
        raise InsufficientStockError(
            command.sku, command.location, Bucket.INCOMING.value, command.quantity, free
        )
    events: tuple[Event, ...] = ()
    if due:
        events = expire(reservations, due, command, position)
        position += len(events)
    entry = StockPosted(
        position=position,
        command=command,
        operation=Operation.RESERVE,
        movements=(),
        reference=command.reservation,
        memo=f"pre-order on {order.purchase_order}",
    )
    return (*events, entry)
