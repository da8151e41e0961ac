"""The stock ledger: decisions over ledger commands and the projection they are made against.

:func:`decide` is pure: given the current :class:`Ledger` projection, a command and the log
position the event will take, it returns the event to append or raises a typed error, and
changes nothing. :meth:`Ledger.apply` folds an event into the projection. The balances after
any sequence of accepted commands are exactly the fold of their events from empty.

Invariants kept here, each checked by property tests:

* per SKU, the balances of all accounts sum to zero (every movement has two sides);
* no account at a real location is ever negative;
* a rejected command returns no event, so it changes neither balances nor log.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, ClassVar

import attrs

from invorder.domain.catalog import Catalog, SkuId
from invorder.domain.commands import (
    CloseTransfer,
    Command,
    CountStock,
    DefineLocation,
    DefineSku,
    MarkDamaged,
    MoveStock,
    PostEntry,
    QuarantineStock,
    ReceiveStock,
    ReceiveTransfer,
    ReleaseQuarantine,
    ScrapStock,
    ShipTransfer,
)
from invorder.domain.errors import (
    BundleStockError,
    DuplicateError,
    IllegalTransitionError,
    InsufficientStockError,
    InvalidMovementError,
    NotFoundError,
    TransferOverReceiptError,
    UnknownLocationError,
    UnknownSkuError,
)
from invorder.domain.events import (
    Event,
    LedgerEvent,
    LocationDefined,
    Operation,
    SkuDefined,
    StockPosted,
)
from invorder.domain.location import (
    ADJUSTMENT,
    SCRAP,
    SUPPLIER,
    VIRTUAL_LOCATIONS,
    Location,
    LocationId,
    ancestors_of,
)
from invorder.domain.stock import PHYSICAL_BUCKETS, Account, Bucket, Movement

_EMPTY: Mapping[int, int] = {}
_NO_IDS = (-1, -1)
_NO_FEEDS: Mapping[Bucket, tuple[int, ...]] = {}
_NO_ID: Mapping[Bucket, int] = {}


@attrs.frozen
class TransferLineStatus:
    """Where the units of one SKU of a transfer are."""

    sku: SkuId
    """The SKU."""
    shipped: int
    """Units that left the origin."""
    received: int = 0
    """Units that arrived at the destination."""
    written_off: int = 0
    """Units written off when the transfer was closed."""

    @property
    def in_transit(self) -> int:
        """Units shipped and neither received nor written off."""
        return self.shipped - self.received - self.written_off


@attrs.frozen
class Transfer:
    """A two-step transfer between warehouses, as the log tells it.

    Invariant: for every line, ``received + written_off <= shipped``.
    """

    transfer: str
    """The transfer id."""
    origin: LocationId
    """The sending location."""
    destination: LocationId
    """The receiving location."""
    lines: tuple[TransferLineStatus, ...]
    """One status per SKU, in the order shipped."""
    closed: bool = False
    """True once closed: nothing more can be received."""

    def line(self, sku: str) -> TransferLineStatus | None:
        """The status of ``sku`` on this transfer, or ``None``."""
        for line in self.lines:
            if line.sku == sku:
                return line
        return None


@attrs.frozen
class HistoryLine:
    """One movement in a SKU's history at one account, with the balance after it."""

    position: int
    """Log position of the entry."""
    at: datetime
    """Time of the entry."""
    key: str
    """Idempotency key of the entry."""
    operation: Operation
    """What the entry did."""
    movement: Movement
    """The movement itself."""
    change: int
    """Signed change to the account followed (+ in, - out)."""
    balance: int
    """The account's balance after the movement."""


class Ledger:
    """The ledger projection: locations, catalog, balances, transfers.

    It is a fold of ledger events (see :meth:`apply`); it keeps balances per exact account
    and, for real locations, rolled up over each subtree, so both a bin's balance and a
    warehouse's total are single lookups.
    """

    FOLDS: ClassVar[frozenset[type]] = frozenset({StockPosted, LocationDefined, SkuDefined})
    """The event types :meth:`apply` folds (others leave it unchanged)."""

    __slots__ = ("_accounts", "_books", "_exact", "_feeds", "_ids", "_lineage", "_rolls",
                 "catalog", "locations", "transfers")  # fmt: skip

    def __init__(self) -> None:
        self.catalog = Catalog()
        """The SKUs defined so far."""
        self.locations: dict[LocationId, Location] = {}
        """The real locations defined so far (ancestors included)."""
        self.transfers: dict[str, Transfer] = {}
        """Every transfer ever shipped, by id."""
        self._lineage: dict[str, tuple[str, ...]] = {v: (v,) for v in VIRTUAL_LOCATIONS}
        # Balances are kept per SKU under small integer ids (cheap to hash): one id per
        # exact account and one per "below" node: the units strictly inside a real location,
        # per bucket, so that a roll-up is the exact balance plus that node. _feeds maps an
        # account to the ids a movement through it changes: its own id first, then the
        # below-nodes of each ancestor (a bin in a zone in a warehouse: three ids). The two
        # maps used by every movement are keyed by location, then bucket: both are strings
        # whose hash is cached, so a look-up builds and hashes no tuple.
        self._feeds: dict[str, dict[Bucket, tuple[int, ...]]] = {}
        self._ids: dict[str, dict[Bucket, int]] = {}  # the first id of each feed
        # For roll-ups: (exact id, below-node id) of a (location, bucket), -1 where none yet.
        self._rolls: dict[tuple[str, Bucket], tuple[int, int]] = {}
        self._accounts: list[tuple[str, Bucket] | None] = []
        # Per SKU, in first-movement order: units by id, and the log positions of its entries.
        self._exact: dict[str, defaultdict[int, int]] = {}
        self._books: dict[str, tuple[defaultdict[int, int], array[int]]] = {}

    # --- queries -------------------------------------------------------------------------

    def has_location(self, location: str) -> bool:
        """True for a defined real location or a virtual one."""
        return location in self._lineage

    def balance(self, sku: str, location: str, bucket: Bucket = Bucket.AVAILABLE) -> int:
        """Units in exactly this account (not counting locations inside ``location``)."""
        # -1 is never an id: an account never used answers 0 without a branch.
        return self._exact.get(sku, _EMPTY).get(self._ids.get(location, _NO_ID).get(bucket, -1), 0)

    def rollup(self, sku: str, location: str, bucket: Bucket = Bucket.AVAILABLE) -> int:
        """Units in ``bucket`` at ``location`` and every location inside it."""
        # A virtual location has no below-node (-1): its roll-up is its balance.
        exact, below = self._rolls.get((location, bucket), _NO_IDS)
        units = self._exact.get(sku, _EMPTY)
        return units.get(exact, 0) + units.get(below, 0)

    def on_hand(self, sku: str, location: str) -> int:
        """Physical units (available, reserved, damaged, quality control) in the subtree."""
        return sum(self.rollup(sku, location, bucket) for bucket in PHYSICAL_BUCKETS)

    def balances(self, sku: str) -> dict[Account, int]:
        """Every account of ``sku`` with a non-zero balance, sorted by location and bucket."""
        accounts = self._accounts
        held = []
        for ident, quantity in self._exact.get(sku, _EMPTY).items():
            account = accounts[ident]
            if quantity and account is not None:
                held.append((account, quantity))
        held.sort()
        return {Account(location, bucket): quantity for (location, bucket), quantity in held}

    def skus_with_stock(self) -> Iterator[SkuId]:
        """SKUs that have ever had a movement, in first-movement order."""
        return (SkuId(sku) for sku in self._exact)

    def history_positions(self, sku: str) -> tuple[int, ...]:
        """Log positions of the entries that moved ``sku``, in log order."""
        book = self._books.get(sku)
        return tuple(book[1]) if book is not None else ()

    def subtree(self, location: str) -> list[LocationId]:
        """Defined locations in the subtree of ``location`` (itself included), sorted."""
        prefix = location + "/"
        return sorted(
            path for path in self.locations if path == location or path.startswith(prefix)
        )

    def holding(self, sku: str, location: str, bucket: Bucket = Bucket.AVAILABLE) -> list[str]:
        """The locations in ``location``'s subtree (itself included) whose own ``bucket``
        of stocked ``sku`` is not zero, sorted: the SKU's accounts are read, not the tree."""
        prefix = location + "/"
        accounts = self._accounts
        found = []
        for ident, quantity in self._exact.get(sku, _EMPTY).items():
            account = accounts[ident]
            if quantity and account is not None and account[1] is bucket:
                path = account[0]
                if path == location or path.startswith(prefix):
                    found.append(path)
        found.sort()
        return found

    def differences(self, other: Ledger) -> list[str]:
        """How this projection differs from ``other`` (the same: ``[]``)."""
        problems: list[str] = []
        skus = sorted(set(self._exact) | set(other._exact))
        my_nodes, their_nodes = self._below_nodes(), other._below_nodes()
        for sku in skus:
            mine, theirs = self.balances(sku), other.balances(sku)
            if mine != theirs:
                problems.append(f"balances of {sku!r} differ: {mine} vs {theirs}")
            if self._inside(sku, my_nodes) != other._inside(sku, their_nodes):
                problems.append(f"rolled-up balances of {sku!r} differ")
        if self.locations != other.locations or self._lineage != other._lineage:
            problems.append("defined locations differ")
        if list(self.catalog) != list(other.catalog):
            problems.append("catalog differs")
        if self.transfers != other.transfers:
            problems.append("transfers differ")
        for sku in skus:
            if self.history_positions(sku) != other.history_positions(sku):
                problems.append(f"movement history of {sku!r} differs")
        return problems

    def _below_nodes(self) -> dict[int, tuple[str, Bucket]]:
        return {below: key for key, (_, below) in self._rolls.items() if below >= 0}

    def _inside(
        self, sku: str, nodes: dict[int, tuple[str, Bucket]]
    ) -> dict[tuple[str, Bucket], int]:
        # The non-zero units strictly inside each real location, by (location, bucket):
        # with the exact balances, they determine every roll-up.
        return {
            nodes[ident]: quantity
            for ident, quantity in self._exact.get(sku, _EMPTY).items()
            if quantity and ident in nodes
        }

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Ledger):
            return NotImplemented
        return not self.differences(other)

    __hash__ = None  # type: ignore[assignment]  # a mutable projection is not hashable

    # --- folding events ------------------------------------------------------------------

    def apply(self, event: Event) -> None:
        """Fold one event into the projection (events of other kinds are ignored)."""
        if type(event) is StockPosted:
            self._post(event)
        elif type(event) is LocationDefined:
            for path in (event.location, *ancestors_of(event.location)):
                if path not in self.locations:
                    name = event.command.name if path == event.location else ""
                    self.locations[path] = Location(path, name)
                    self._lineage[path] = (path, *ancestors_of(path))
                elif path == event.location and event.command.name:
                    # Naming a location defined without a name (e.g. as an ancestor).
                    self.locations[path] = Location(path, event.command.name)
        elif type(event) is SkuDefined:
            self.catalog.add(event.sku)

    def _feed(self, location: str, bucket: Bucket) -> tuple[int, ...]:
        """The ids a movement through (``location``, ``bucket``) changes (made on first use)."""
        accounts = self._accounts
        ids = [len(accounts)]
        accounts.append((location, bucket))
        rolls = self._rolls
        rolls[(location, bucket)] = (ids[0], rolls.get((location, bucket), _NO_IDS)[1])
        if location[:1] != "@":
            for path in self._lineage[location][1:]:
                exact, node = rolls.get((path, bucket), _NO_IDS)
                if node == -1:
                    node = len(accounts)
                    accounts.append(None)
                    rolls[(path, bucket)] = (exact, node)
                ids.append(node)
        self._ids.setdefault(location, {})[bucket] = ids[0]
        feed = self._feeds.setdefault(location, {})[bucket] = tuple(ids)
        return feed

    def _post(self, event: StockPosted) -> None:
        feeds = self._feeds
        books = self._books
        position = event.position
        for movement in event.movements:
            sku = movement.sku
            book = books.get(sku)
            if book is None:
                book = books[sku] = (self._exact.setdefault(sku, defaultdict(int)), array("q"))
            units, positions = book
            quantity = movement.quantity
            account = movement.source
            ids = feeds.get(account.location, _NO_FEEDS).get(account.bucket) or self._feed(
                account.location, account.bucket
            )
            for ident in ids:
                units[ident] -= quantity
            account = movement.destination
            ids = feeds.get(account.location, _NO_FEEDS).get(account.bucket) or self._feed(
                account.location, account.bucket
            )
            for ident in ids:
                units[ident] += quantity
            if not positions or positions[-1] != position:
                positions.append(position)
        if event.operation in _TRANSFER_OPERATIONS:
            self._track_transfer(event)

    def _track_transfer(self, event: StockPosted) -> None:
        transfer_id = event.reference
        if event.operation is Operation.TRANSFER_SHIP:
            first = event.movements[0]
            self.transfers[transfer_id] = Transfer(
                transfer_id,
                first.source.location,
                first.destination.location,
                tuple(TransferLineStatus(m.sku, m.quantity) for m in event.movements),
            )
            return
        transfer = self.transfers[transfer_id]
        moved = {m.sku: m.quantity for m in event.movements}
        if event.operation is Operation.TRANSFER_RECEIVE:
            lines = tuple(
                attrs.evolve(line, received=line.received + moved.get(line.sku, 0))
                for line in transfer.lines
            )
            self.transfers[transfer_id] = attrs.evolve(transfer, lines=lines)
        else:
            lines = tuple(
                attrs.evolve(line, written_off=line.written_off + moved.get(line.sku, 0))
                for line in transfer.lines
            )
            self.transfers[transfer_id] = attrs.evolve(transfer, lines=lines, closed=True)


_TRANSFER_OPERATIONS = frozenset(
    {Operation.TRANSFER_SHIP, Operation.TRANSFER_RECEIVE, Operation.TRANSFER_CLOSE}
)


# --- decisions -------------------------------------------------------------------------------


def decide(ledger: Ledger, command: Command, position: int) -> LedgerEvent:
    """Decide a ledger command against ``ledger``: the event to append at ``position``.

    Pure: raises a typed :class:`~invorder.InvorderError` and changes nothing when the
    command is refused (see :mod:`invorder.domain.errors` for the precedence).
    """
    handler = _HANDLERS.get(type(command))
    if handler is None:
        raise TypeError(f"not a command invorder knows: {command!r}")
    return handler(ledger, command, position)


def check_entry(ledger: Ledger, movements: Iterable[Movement]) -> None:
    """Check that ``movements`` can be posted together; raise the first rule they break.

    References first (every SKU, then every location, in order), then balances: the net
    change of each real account must leave it at zero or more.
    """
    movements = tuple(movements)
    known = ledger.catalog.stocked_codes()
    lineage = ledger._lineage
    outgoing: dict[tuple[str, str, Bucket], int] = {}
    for movement in movements:
        sku = movement.sku
        source = movement.source
        location = source.location
        if (
            sku not in known
            or location not in lineage
            or movement.destination.location not in lineage
        ):
            check_references(ledger, movements)  # raises the first unknown reference
        if location[0] != "@":
            key = (sku, location, source.bucket)
            if key in outgoing:
                outgoing[key] += movement.quantity
            else:
                outgoing[key] = movement.quantity
    if not outgoing:
        return
    ids = ledger._ids
    exact = ledger._exact
    for (code, place, bucket), taken in outgoing.items():
        have = exact.get(code, _EMPTY).get(ids.get(place, _NO_ID).get(bucket, -1), 0)
        if taken > have:
            # Units coming into the same account within the entry count too; summed only
            # when the balance alone is not enough, which keeps the common case one pass.
            for movement in movements:
                destination = movement.destination
                if (
                    movement.sku == code
                    and destination.location == place
                    and destination.bucket is bucket
                ):
                    have += movement.quantity
            if taken > have:
                raise InsufficientStockError(code, place, bucket.value, taken, have)


def check_references(ledger: Ledger, movements: tuple[Movement, ...]) -> None:
    """Raise :class:`UnknownSkuError` for the first unknown SKU of ``movements`` (or
    :class:`BundleStockError` for a bundle, which holds no stock of its own), then
    :class:`UnknownLocationError` for the first unknown location (source before destination).
    """
    catalog = ledger.catalog
    for movement in movements:
        defined = catalog.get(movement.sku)
        if defined is None:
            raise UnknownSkuError(movement.sku)
        if defined.components:
            raise BundleStockError(movement.sku)
    for movement in movements:
        for account in (movement.source, movement.destination):
            if not ledger.has_location(account.location):
                raise UnknownLocationError(account.location)


def _entry(
    ledger: Ledger,
    command: Command,
    position: int,
    operation: Operation,
    movements: tuple[Movement, ...],
    reference: str = "",
    memo: str = "",
) -> StockPosted:
    check_entry(ledger, movements)
    return StockPosted(
        position=position,
        command=command,
        operation=operation,
        movements=movements,
        reference=reference,
        memo=memo,
    )


def _define_location(ledger: Ledger, command: DefineLocation, position: int) -> LocationDefined:
    existing = ledger.locations.get(command.location)
    if existing is not None and command.name and existing.name and existing.name != command.name:
        raise DuplicateError("location", command.location, f"named {existing.name!r}")
    return LocationDefined(position=position, command=command)


def _define_sku(ledger: Ledger, command: DefineSku, position: int) -> SkuDefined:
    ledger.catalog.check_new(command.sku)
    return SkuDefined(position=position, command=command)


def _post_entry(ledger: Ledger, command: PostEntry, position: int) -> StockPosted:
    for movement in command.movements:
        if Bucket.RESERVED in (movement.source.bucket, movement.destination.bucket):
            # The reserved bucket must always equal the open reservations.
            raise InvalidMovementError(
                "the reserved bucket changes only through reservations "
                "(ReserveStock, CommitReservation, ReleaseReservation)",
                sku=movement.sku,
            )
    return _entry(
        ledger, command, position, Operation.POST, command.movements,
        command.reference, command.memo,
    )  # fmt: skip


def _receive(ledger: Ledger, command: ReceiveStock, position: int) -> StockPosted:
    sku = command.sku or ledger.catalog.lookup(command.barcode)
    movement = Movement(
        sku=SkuId(sku),
        quantity=command.quantity,
        source=Account(SUPPLIER, Bucket.AVAILABLE),
        destination=Account(command.location, command.bucket),
        reason="receipt",
        reference=command.reference,
    )
    return _entry(ledger, command, position, Operation.RECEIVE, (movement,), command.reference)


def _count(ledger: Ledger, command: CountStock, position: int) -> StockPosted:
    if command.sku not in ledger.catalog:
        raise UnknownSkuError(command.sku)
    if not ledger.has_location(command.location):
        raise UnknownLocationError(command.location)
    shelf = Account(command.location, Bucket.AVAILABLE)
    adjustment = Account(ADJUSTMENT, Bucket.AVAILABLE)
    reserved = ledger.balance(command.sku, command.location, Bucket.RESERVED)
    expected = ledger.balance(command.sku, command.location) + reserved
    difference = command.counted - expected
    if difference < 0 and command.counted < reserved:
        raise InsufficientStockError(
            command.sku, command.location, Bucket.AVAILABLE.value, -difference, expected - reserved
        )
    movements: tuple[Movement, ...] = ()
    if difference:
        source, destination = (adjustment, shelf) if difference > 0 else (shelf, adjustment)
        movements = (
            Movement(
                sku=command.sku,
                quantity=abs(difference),
                source=source,
                destination=destination,
                reason=command.reason,
            ),
        )
    memo = f"counted {command.counted}, expected {expected}"
    return _entry(ledger, command, position, Operation.COUNT, movements, memo=memo)


def _within_location(
    ledger: Ledger,
    command: MarkDamaged | QuarantineStock | ReleaseQuarantine,
    position: int,
    operation: Operation,
    source: Bucket,
    destination: Bucket,
) -> StockPosted:
    movement = Movement(
        sku=command.sku,
        quantity=command.quantity,
        source=Account(command.location, source),
        destination=Account(command.location, destination),
        reason=command.reason,
    )
    return _entry(ledger, command, position, operation, (movement,))


def _damage(ledger: Ledger, command: MarkDamaged, position: int) -> StockPosted:
    return _within_location(
        ledger, command, position, Operation.DAMAGE, Bucket.AVAILABLE, Bucket.DAMAGED
    )


def _quarantine(ledger: Ledger, command: QuarantineStock, position: int) -> StockPosted:
    return _within_location(
        ledger, command, position, Operation.QUARANTINE, Bucket.AVAILABLE, Bucket.QUALITY_CONTROL
    )


def _release_quarantine(ledger: Ledger, command: ReleaseQuarantine, position: int) -> StockPosted:
    return _within_location(
        ledger, command, position, Operation.RELEASE_QUARANTINE,
        Bucket.QUALITY_CONTROL, command.to,
    )  # fmt: skip


def _scrap(ledger: Ledger, command: ScrapStock, position: int) -> StockPosted:
    movement = Movement(
        sku=command.sku,
        quantity=command.quantity,
        source=Account(command.location, command.bucket),
        destination=Account(SCRAP, Bucket.AVAILABLE),
        reason=command.reason,
    )
    return _entry(ledger, command, position, Operation.SCRAP, (movement,))


def _move(ledger: Ledger, command: MoveStock, position: int) -> StockPosted:
    movement = Movement(
        sku=command.sku,
        quantity=command.quantity,
        source=Account(command.source, command.bucket),
        destination=Account(command.destination, command.bucket),
        reason="move",
    )
    return _entry(ledger, command, position, Operation.MOVE, (movement,))


def _ship_transfer(ledger: Ledger, command: ShipTransfer, position: int) -> StockPosted:
    movements = tuple(
        Movement(
            sku=line.sku,
            quantity=line.quantity,
            source=Account(command.origin, Bucket.AVAILABLE),
            destination=Account(command.destination, Bucket.IN_TRANSIT),
            reason="transfer out",
            reference=command.transfer,
        )
        for line in command.lines
    )
    check_references(ledger, movements)  # references before state rules (see errors.py)
    if command.transfer in ledger.transfers:
        raise DuplicateError("transfer", command.transfer, "a transfer id is used once")
    return _entry(ledger, command, position, Operation.TRANSFER_SHIP, movements, command.transfer)


def _open_transfer(ledger: Ledger, transfer_id: str, action: str) -> Transfer:
    transfer = ledger.transfers.get(transfer_id)
    if transfer is None:
        raise NotFoundError("transfer", transfer_id)
    if transfer.closed:
        raise IllegalTransitionError("transfer", transfer_id, "closed", action)
    return transfer


def _receive_transfer(ledger: Ledger, command: ReceiveTransfer, position: int) -> StockPosted:
    for line in command.lines:
        if line.sku not in ledger.catalog:  # references before state rules (see errors.py)
            raise UnknownSkuError(line.sku)
    transfer = _open_transfer(ledger, command.transfer, "receive")
    movements = []
    for line in command.lines:
        status = transfer.line(line.sku)
        in_transit = status.in_transit if status is not None else 0
        if line.quantity > in_transit:
            raise TransferOverReceiptError(command.transfer, line.sku, line.quantity, in_transit)
        movements.append(
            Movement(
                sku=line.sku,
                quantity=line.quantity,
                source=Account(transfer.destination, Bucket.IN_TRANSIT),
                destination=Account(transfer.destination, Bucket.AVAILABLE),
                reason="transfer in",
                reference=command.transfer,
            )
        )
    return _entry(
        ledger, command, position, Operation.TRANSFER_RECEIVE, tuple(movements), command.transfer
    )


def _close_transfer(ledger: Ledger, command: CloseTransfer, position: int) -> StockPosted:
    transfer = _open_transfer(ledger, command.transfer, "close")
    movements = tuple(
        Movement(
            sku=line.sku,
            quantity=line.in_transit,
            source=Account(transfer.destination, Bucket.IN_TRANSIT),
            destination=Account(ADJUSTMENT, Bucket.AVAILABLE),
            reason=command.reason,
            reference=command.transfer,
        )
        for line in transfer.lines
        if line.in_transit
    )
    return _entry(ledger, command, position, Operation.TRANSFER_CLOSE, movements, command.transfer)


_HANDLERS: dict[type[Command], Callable[[Ledger, Any, int], LedgerEvent]] = {
    DefineLocation: _define_location,
    DefineSku: _define_sku,
    PostEntry: _post_entry,
    ReceiveStock: _receive,
    CountStock: _count,
    MarkDamaged: _damage,
    QuarantineStock: _quarantine,
    ReleaseQuarantine: _release_quarantine,
    ScrapStock: _scrap,
    MoveStock: _move,
    ShipTransfer: _ship_transfer,
    ReceiveTransfer: _receive_transfer,
    CloseTransfer: _close_transfer,
}
