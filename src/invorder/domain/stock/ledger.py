"""The ledger projection: locations, catalog, balances per account and rolled up per
subtree, transfers, and the positions of each SKU's entries (for history).

Invariants kept by the fold, each checked by property tests: per SKU, the balances of all
accounts sum to zero; no account at a real location is ever negative.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import ClassVar

import attrs

from invorder.domain._memo import Memo
from invorder.domain.messages import Event
from invorder.domain.stock.catalog import Catalog, SkuId
from invorder.domain.stock.events import LocationDefined, Operation, SkuDefined, StockPosted
from invorder.domain.stock.location import VIRTUAL_LOCATIONS, Location, LocationId, ancestors_of
from invorder.domain.stock.movement import PHYSICAL_BUCKETS, Account, Bucket, Movement
from invorder.domain.stock.transfer import Transfer, TransferLineStatus

TRANSFER_OPERATIONS = frozenset(
    {Operation.TRANSFER_SHIP, Operation.TRANSFER_RECEIVE, Operation.TRANSFER_CLOSE}
)
"""The operations of a transfer's life (shipped, received, closed)."""
_EMPTY: Mapping[int, int] = {}


_NO_IDS = (-1, -1)


_NO_FEEDS: Mapping[Bucket, tuple[int, ...]] = {}


_NO_ID: Mapping[Bucket, int] = {}
_AVAILABLE = Bucket.AVAILABLE


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


_LINE_SLOTS = tuple(
    getattr(HistoryLine, name).__set__
    for name in ("position", "at", "key", "operation", "movement", "change", "balance")
)


def history_line(
    position: int,
    at: datetime,
    key: str,
    operation: Operation,
    movement: Movement,
    change: int,
    balance: int,
) -> HistoryLine:
    """A :class:`HistoryLine` of values taken from a checked entry: nothing is checked again
    (it checks nothing anyway; set through its slots it is built in half the time)."""
    line = object.__new__(HistoryLine)
    set_position, set_at, set_key, set_operation, set_movement, set_change, set_balance = (
        _LINE_SLOTS
    )
    set_position(line, position)
    set_at(line, at)
    set_key(line, key)
    set_operation(line, operation)
    set_movement(line, movement)
    set_change(line, change)
    set_balance(line, balance)
    return line


class Ledger:
    """The ledger projection: locations, catalog, balances, transfers.

    It is a fold of ledger events (see :meth:`apply`); it keeps balances per exact account
    and, for real locations, rolled up over each subtree, so both a bin's balance and a
    warehouse's total are single lookups.
    """

    FOLDS: ClassVar[frozenset[type]] = frozenset({StockPosted, LocationDefined, SkuDefined})
    """The event types :meth:`apply` folds (others leave it unchanged)."""

    __slots__ = ("_accounts", "_books", "_exact", "_feeds", "_ids", "_lineage", "_raised",
                 "_rolls", "catalog", "locations", "memo", "transfers")  # fmt: skip

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
        # Per (SKU, warehouse): the position of the last entry that put units of the SKU
        # into the available bucket somewhere in the warehouse (see raised()).
        self._raised: dict[tuple[str, str], int] = {}
        self.memo = Memo()
        """What decisions derived from these balances, kept while it stays true (see
        :meth:`raised`); never copied, compared or saved."""

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

    def rollup_sum(
        self, sku: str, locations: Iterable[str], bucket: Bucket = Bucket.AVAILABLE
    ) -> int:
        """The sum of :meth:`rollup` over ``locations`` (a channel's feeding locations), in
        one look-up of the SKU."""
        units = self._exact.get(sku, _EMPTY)
        rolls = self._rolls
        total = 0
        for location in locations:
            exact, below = rolls.get((location, bucket), _NO_IDS)
            total += units.get(exact, 0) + units.get(below, 0)
        return total

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

    def raised(self, sku: str, warehouse: str) -> int:
        """The log position of the last entry that put units of ``sku`` into the available
        bucket of ``warehouse`` or a place inside it, as this projection folded it (-1 for
        none; a ledger read from a snapshot starts counting afresh). While it stays the
        same, the available units of ``sku`` in the warehouse can only have gone down."""
        return self._raised.get((sku, warehouse), -1)

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
            if account.bucket is _AVAILABLE and account.location[:1] != "@":
                self._raised[(sku, account.location.partition("/")[0])] = position
            if not positions or positions[-1] != position:
                positions.append(position)
        if event.operation in TRANSFER_OPERATIONS:
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
