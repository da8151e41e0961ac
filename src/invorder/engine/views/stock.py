"""Stock queries: balances, roll-ups and history of the ledger, the catalog, locations and
transfers, and the ledger replayed from the log."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from itertools import takewhile

from invorder.domain import _checks
from invorder.domain.errors import InvalidFieldError, StoreCorruptError, UnknownLocationError
from invorder.domain.messages import Event
from invorder.domain.model import State
from invorder.domain.stock.catalog import Sku, SkuId
from invorder.domain.stock.events import StockPosted
from invorder.domain.stock.ledger import HistoryLine, Ledger, history_line
from invorder.domain.stock.location import Location, LocationId, is_within
from invorder.domain.stock.movement import PHYSICAL_BUCKETS, Account, Bucket, Movement
from invorder.domain.stock.transfer import Transfer
from invorder.ports import EventStore, Posting


def fold(events: Iterable[Event]) -> Ledger:
    """A ledger projection built from ``events`` alone (replay from empty)."""
    ledger = Ledger()
    for event in events:
        ledger.apply(event)
    return ledger


_bucket = _checks.one_of(Bucket, "bucket")

# The ledger's look-ups are the hottest queries: their arguments are checked only when the
# answer is 0 or the look-up raised (a list is not hashable), so a balance found costs no
# check. Anything but a string for an id, or a bucket that is not one, raises
# InvalidFieldError (a number is never an id: not "0 units").


def _check_account(sku: object, location: object, bucket: object = Bucket.AVAILABLE) -> None:
    _checks.lookups(sku=sku, location=location)
    if bucket.__class__ is not Bucket:
        _bucket(bucket)


# balance, rollup and on_hand each inline the same try (a shared helper taking the look-up
# halved balance_lookups_per_s: a bound method, varargs and one more call per look-up).


def balance(state: State, sku: str, location: str, bucket: Bucket) -> int:
    """Units of ``sku`` in exactly the account (``location``, ``bucket``)."""
    try:
        units = state.ledger.balance(sku, location, bucket)
    except TypeError:
        _check_account(sku, location, bucket)
        raise
    if not units:
        _check_account(sku, location, bucket)
    return units


def rollup(state: State, sku: str, location: str, bucket: Bucket) -> int:
    """Units of ``sku`` in ``bucket`` over ``location``'s subtree."""
    try:
        units = state.ledger.rollup(sku, location, bucket)
    except TypeError:
        _check_account(sku, location, bucket)
        raise
    if not units:
        _check_account(sku, location, bucket)
    return units


def on_hand(state: State, sku: str, location: str) -> int:
    """Physical units of ``sku`` over ``location``'s subtree."""
    try:
        units = state.ledger.on_hand(sku, location)
    except TypeError:
        _check_account(sku, location)
        raise
    if not units:
        _check_account(sku, location)
    return units


def balances(state: State, sku: str) -> dict[Account, int]:
    """Every non-zero account of ``sku``, sorted."""
    return state.ledger.balances(_checks.lookup("sku", sku))


def events(store: EventStore, start: int, stop: int | None) -> Iterator[Event]:
    """The events of the log from position ``start`` up to ``stop`` (the end without)."""
    for field, value in (("start", start), ("stop", stop)):
        if value is not None and (type(value) is not int or value < 0):
            raise InvalidFieldError(field, value, "a position (a whole number >= 0)")
    return store.read(start, stop)


def balances_as_of(store: EventStore, at: datetime) -> Ledger:
    """A fresh ledger of the log up to the first event later than ``at``."""
    _checks.check_aware("at", at)
    return fold(takewhile(lambda event: event.at <= at, store.read(0)))


def history(
    state: State,
    store: EventStore,
    sku: str,
    location: str,
    bucket: Bucket | None,
    last: int | None = None,
) -> list[HistoryLine]:
    """The movements of ``sku`` in and out of ``location``'s subtree, in ``bucket`` (the
    physical buckets without), each with the running balance after it; with ``last``, only
    the last ``last`` of them, read from the end of the log."""
    _checks.lookups(sku=sku, location=location)
    buckets = (_bucket(bucket),) if bucket is not None else PHYSICAL_BUCKETS
    positions = state.ledger.history_positions(sku)
    if last is None:
        return _lines(_changes(_entries(store, sku, positions), sku, location, buckets), 0)
    if type(last) is not int or last < 1:
        raise InvalidFieldError("last", last, "a positive number of movements")
    # Pages of positions from the end, each twice as long as the one before, until enough
    # lines are found: a SKU's entries need not touch ``location``. The balance before the
    # first line kept is today's, less the changes of the lines kept.
    found: list[tuple[Posting | StockPosted, Movement, int]] = []
    end, page = len(positions), last
    while end > 0 and len(found) < last:
        start = max(0, end - page)
        found[:0] = _changes(_entries(store, sku, positions[start:end]), sku, location, buckets)
        end, page = start, page * 2
    kept = found[-last:]
    now = sum(state.ledger.rollup(sku, location, one) for one in buckets)
    return _lines(kept, now - sum(change for _, _, change in kept))


def _entries(
    store: EventStore, sku: str, positions: Sequence[int]
) -> Iterator[Posting | StockPosted]:
    """The entries at ``positions`` (those that moved ``sku``): from the store's own copy
    of their movements where it keeps one (:class:`~invorder.ports.ReadsMovements`), the
    rest read from the log (with every movement of the entry: :func:`_changes` picks the
    SKU's)."""
    postings = getattr(store, "postings", None)
    if postings is None:
        return _decoded(store, positions)
    kept: list[Posting] = list(postings(sku, positions))
    if len(kept) == len(positions) and [entry.position for entry in kept] == list(positions):
        return iter(kept)
    have: dict[int, Posting | StockPosted] = {entry.position: entry for entry in kept}
    if len(have) != len(kept) or not have.keys() <= set(positions):
        raise StoreCorruptError(None, "its movements index names entries it was not asked for")
    missing = [position for position in positions if position not in have]
    have.update((entry.position, entry) for entry in _decoded(store, missing))
    return (have[position] for position in positions if position in have)


def _decoded(store: EventStore, positions: Sequence[int]) -> Iterator[StockPosted]:
    """The journal entries among the events at ``positions``, read from the log."""
    for event in _events_at(store, positions):
        if isinstance(event, StockPosted):
            yield event


def _changes(
    entries: Iterable[Posting | StockPosted], sku: str, location: str, buckets: tuple[Bucket, ...]
) -> Iterator[tuple[Posting | StockPosted, Movement, int]]:
    """Each movement of ``sku`` in ``entries`` that touches ``location``'s subtree in one of
    ``buckets``, with its entry and the change it makes there."""
    inside = _Inside(location)
    for entry in entries:
        for movement in entry.movements:
            if movement.sku != sku:
                continue
            destination, source = movement.destination, movement.source
            into = destination.bucket in buckets and inside[destination.location]
            out_of = source.bucket in buckets and inside[source.location]
            if into or out_of:
                yield entry, movement, movement.quantity * (into - out_of)


class _Inside(dict[str, bool]):
    """Whether each location lies in ``ancestor``'s subtree, worked out once per location
    (a history repeats a few locations many times)."""

    __slots__ = ("ancestor",)

    def __init__(self, ancestor: str) -> None:
        super().__init__()
        self.ancestor = ancestor

    def __missing__(self, location: str) -> bool:
        answer = self[location] = is_within(location, self.ancestor)
        return answer


def _lines(
    changes: Iterable[tuple[Posting | StockPosted, Movement, int]], balance: int
) -> list[HistoryLine]:
    """History lines of ``changes``, the running balance starting from ``balance``."""
    lines: list[HistoryLine] = []
    append = lines.append
    for entry, movement, change in changes:
        balance += change
        append(
            history_line(
                entry.position, entry.at, entry.key, entry.operation, movement, change, balance
            )
        )
    return lines


def _events_at(store: EventStore, positions: Sequence[int]) -> Iterator[Event]:
    """The events at ``positions`` (ascending): in a few reads when the store can read
    scattered positions (:class:`~invorder.ports.ReadsPositions`), else one read per run
    of consecutive positions."""
    read_at = getattr(store, "read_at", None)
    if read_at is not None:
        yield from read_at(positions)
        return
    run_start = 0
    for i in range(1, len(positions) + 1):
        if i == len(positions) or positions[i] != positions[i - 1] + 1:
            yield from store.read(positions[run_start], positions[i - 1] + 1)
            run_start = i


def sku(state: State, sku: str) -> Sku | None:
    """The catalog entry of ``sku``, or ``None``."""
    return state.ledger.catalog.get(_checks.lookup("sku", sku))


def skus(state: State) -> list[Sku]:
    """Every SKU in the catalog, in the order defined."""
    return list(state.ledger.catalog)


def lookup_barcode(state: State, barcode: str) -> SkuId:
    """The SKU a scanned barcode identifies (raises if invalid or unknown)."""
    return state.ledger.catalog.lookup(barcode)


def location(state: State, location: str) -> Location | None:
    """The defined location at ``location``, or ``None``."""
    return state.ledger.locations.get(LocationId(_checks.lookup("location", location)))


def locations(state: State, within: str | None) -> list[LocationId]:
    """Defined real locations, sorted; with ``within``, only that subtree."""
    if within is None:
        return sorted(state.ledger.locations)
    return state.ledger.subtree(_checks.lookup("within", within))


def transfer(state: State, transfer: str) -> Transfer | None:
    """The state of a transfer, or ``None`` if it was never shipped."""
    return state.ledger.transfers.get(_checks.lookup("transfer", transfer))


def check_location(state: State, location: str | None) -> None:
    """Raise :class:`~invorder.errors.UnknownLocationError` if ``location`` is given and was never
    defined (:class:`~invorder.errors.InvalidFieldError` if it is not a string)."""
    if location is not None and type(location) is not str:
        _checks.lookup("location", location)
    if location is not None and not state.ledger.has_location(location):
        raise UnknownLocationError(location)
