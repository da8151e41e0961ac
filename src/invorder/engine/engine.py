"""The engine: decides commands against its projections, appends events, answers queries.

A host creates one :class:`Engine` over an :class:`~invorder.ports.EventStore` and calls
:meth:`Engine.execute` from its request handlers. The engine never reads a clock: every
command carries its time.
"""

from __future__ import annotations

import pickle
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

import attrs

from invorder.domain import _checks
from invorder.domain.catalog import Sku, SkuId
from invorder.domain.commands import Command
from invorder.domain.errors import (
    ConcurrencyError,
    IdempotencyConflictError,
    InvorderError,
)
from invorder.domain.events import Event, StockPosted
from invorder.domain.ledger import HistoryLine, Ledger, Transfer
from invorder.domain.location import Location, LocationId, is_within
from invorder.domain.model import State, decide
from invorder.domain.stock import PHYSICAL_BUCKETS, Account, Bucket
from invorder.ports import EventStore, SnapshotStore

Outcome = tuple[Event, ...]
"""What an accepted command produced: its events, in log order."""

_MAX_EVENTS_PER_COMMAND = 256
_SNAPSHOT_FORMAT = "invorder-engine-snapshot/2"


@attrs.frozen
class Rejected:
    """A command of a batch that was refused, with the error it got."""

    command: Command
    """The command."""
    error: InvorderError
    """Why it was refused."""


class Engine:
    """Runs commands against a store and answers questions about the state.

    Each command is decided against the engine's projections, appended with the log
    position they were built from, then folded in. If another writer appended first, the
    engine reads what changed and decides again, up to ``max_attempts`` times, then raises
    :class:`~invorder.ConcurrencyError`.

    Idempotency: a command whose ``key`` was seen returns the first outcome if it is
    identical (the same events, or the same error for a rejected one) and raises
    :class:`~invorder.IdempotencyConflictError` naming the first differing field if not.
    Accepted keys live in the log and survive restarts; rejected keys are remembered by
    this engine instance only (a rejection writes nothing).

    Start-up: with a ``snapshots`` store, the engine loads the latest snapshot of its
    projections and folds only the events after it; without, it replays the whole log.
    :meth:`snapshot` saves one; :meth:`verify` checks the projections against a replay.
    """

    __slots__ = ("_first_position", "_ledger", "_max_attempts", "_position", "_rejections",
                 "_retries", "_snapshots", "_state", "_store")  # fmt: skip

    def __init__(
        self,
        store: EventStore,
        *,
        snapshots: SnapshotStore | None = None,
        max_attempts: int = 5,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._store = store
        self._snapshots = snapshots
        self._max_attempts = max_attempts
        self._rejections: dict[str, tuple[Command, InvorderError]] = {}
        self._retries = 0
        self._load()

    # --- commands ------------------------------------------------------------------------

    @property
    def position(self) -> int:
        """How many events of the log this engine has folded in."""
        return self._position

    @property
    def retries(self) -> int:
        """How many times a concurrency conflict made this engine decide again."""
        return self._retries

    def execute(self, command: Command) -> Outcome:
        """Decide ``command``, append its events and return them.

        Raises the typed error of the first rule the command breaks; then nothing is
        written and no projection changes.
        """
        for attempt in range(self._max_attempts):
            if attempt:
                self._retries += 1
            prior = self._prior_outcome(command, {}, {})
            if prior is not None:
                return prior
            position = self._position
            try:
                events: Outcome = decide(self._state, command, position)
            except InvorderError as error:
                if self._store.head() != position:
                    self._catch_up()
                    continue
                self._rejections[command.key] = (command, error)
                raise
            try:
                self._store.append(events, expected_position=position)
            except ConcurrencyError:
                self._catch_up()
                continue
            self._fold(events)
            return events
        raise ConcurrencyError(self._position, self._store.head(), self._max_attempts)

    def execute_many(self, commands: Iterable[Command]) -> list[Outcome | Rejected]:
        """Run commands in order, one append each; each is accepted or refused on its own.

        Returns one item per command: its events, or a :class:`Rejected`. Concurrency
        errors are not caught (they concern the store, not the command).
        """
        results: list[Outcome | Rejected] = []
        for command in commands:
            try:
                results.append(self.execute(command))
            except ConcurrencyError:
                raise
            except InvorderError as error:
                results.append(Rejected(command, error))
        return results

    def execute_batch(self, commands: Iterable[Command]) -> list[Outcome | Rejected]:
        """Run commands in order and append all their events in one store call.

        Each command is decided against the state the earlier ones of the batch left, so
        the results are those :meth:`execute_many` would give; but the store sees one
        atomic append, which is what makes a database adapter fast. The batch is all or
        nothing in the log: if another writer appended first, the whole batch is decided
        again (after reloading the projections, from the latest snapshot if there is one),
        up to ``max_attempts`` times, then :class:`~invorder.ConcurrencyError` is raised
        and nothing of the batch is written.
        """
        batch = list(commands)
        for attempt in range(self._max_attempts):
            if attempt:
                self._retries += 1
            position = self._position
            try:
                results, events, rejected = self._decide_batch(batch)
            except BaseException:
                self._load()  # drop what the batch folded in before the failure
                raise
            if not events:
                # Nothing was folded: catching up is enough to decide again.
                if self._store.head() == position:
                    self._rejections.update(rejected)
                    return results
                self._catch_up()
                continue
            try:
                self._store.append(events, expected_position=position)
            except ConcurrencyError:
                self._load()
                continue
            except BaseException:
                self._load()
                raise
            self._rejections.update(rejected)
            return results
        raise ConcurrencyError(self._position, self._store.head(), self._max_attempts)

    def _decide_batch(
        self, batch: Sequence[Command]
    ) -> tuple[list[Outcome | Rejected], list[Event], dict[str, tuple[Command, InvorderError]]]:
        # Folds each accepted command's events at once, before the append: the caller
        # reloads the projections if the append then fails.
        results: list[Outcome | Rejected] = []
        events: list[Event] = []
        accepted: dict[str, Outcome] = {}
        rejected: dict[str, tuple[Command, InvorderError]] = {}
        for command in batch:
            try:
                outcome = self._prior_outcome(command, accepted, rejected)
                if outcome is None:
                    outcome = decide(self._state, command, self._position)
                    self._fold(outcome)
                    accepted[command.key] = outcome
                    events.extend(outcome)
            except ConcurrencyError:
                raise
            except InvorderError as error:
                rejected.setdefault(command.key, (command, error))
                results.append(Rejected(command, error))
                continue
            results.append(outcome)
        return results, events, rejected

    def snapshot(self) -> int:
        """Save the projections to the snapshot store; return the log position they are at.

        Raises ``ValueError`` if the engine was built without a snapshot store.
        """
        if self._snapshots is None:
            raise ValueError("this engine has no snapshot store: pass snapshots= to Engine")
        self._catch_up()
        position = self._position
        last_key = self._last_key(position)
        keys, positions = self._first_position.frozen()
        data = pickle.dumps(
            (_SNAPSHOT_FORMAT, position, last_key, self._state, keys, positions),
            protocol=pickle.HIGHEST_PROTOCOL,
        )
        self._snapshots.save(position, data)
        return position

    def reload(self) -> None:
        """Rebuild the projections from the store (latest snapshot, then the log after it)."""
        self._load()

    def _load(self) -> None:
        self._state = State()
        self._first_position = _KeyIndex()
        self._position = 0
        loaded = self._snapshots.load() if self._snapshots is not None else None
        if loaded is not None:
            self._restore(*loaded)
        self._ledger = self._state.ledger
        self._catch_up()

    def _restore(self, position: int, data: bytes) -> None:
        # A snapshot that does not fit this log (another database, a truncated log, an
        # older library) is ignored: the log is the truth and a replay is always correct.
        if position > self._store.head():
            return
        try:
            fmt, at, last_key, state, keys, positions = pickle.loads(data)
        except Exception:  # unreadable bytes can fail in many ways; all mean "replay"
            return
        if fmt != _SNAPSHOT_FORMAT or at != position or not isinstance(state, State):
            return
        if last_key != self._last_key(position):
            return
        try:
            first_position = _KeyIndex(keys, positions)
        except (AttributeError, TypeError, ValueError):
            return
        self._state = state
        self._first_position = first_position
        self._position = position

    def _last_key(self, position: int) -> str | None:
        if position == 0:
            return None
        for event in self._store.read(position - 1, position):
            return event.key
        return None

    def _prior_outcome(
        self,
        command: Command,
        accepted: dict[str, Outcome],
        rejected: dict[str, tuple[Command, InvorderError]],
    ) -> Outcome | None:
        key = command.key
        events = accepted.get(key)
        if events is None and key in self._first_position:
            events = self.outcome_of(key)
        if events is not None:
            first_command = events[0].command
            if first_command != command:
                raise _conflict(first_command, command)
            return events
        prior = rejected.get(key) or self._rejections.get(key)
        if prior is not None:
            first_command, error = prior
            if first_command != command:
                raise _conflict(first_command, command)
            raise error
        return None

    def _catch_up(self) -> None:
        # Streams: a start-up replay must not hold the whole log in memory at once.
        state = self._state
        first_position = self._first_position
        for event in self._store.read(self._position):
            state.apply(event)
            first_position.setdefault(event.key, event.position)
            self._position += 1

    def _fold(self, events: Sequence[Event]) -> None:
        state = self._state
        first_position = self._first_position
        for event in events:
            state.apply(event)
            first_position.setdefault(event.key, event.position)
        self._position += len(events)

    # --- queries -------------------------------------------------------------------------

    def outcome_of(self, key: str) -> Outcome:
        """The events the command with idempotency ``key`` produced (empty if none)."""
        first = self._first_position.get(key)
        if first is None:
            return ()
        events = []
        for event in self._store.read(first, first + _MAX_EVENTS_PER_COMMAND):
            if event.key != key:
                break
            events.append(event)
        return tuple(events)

    def events(self, start: int = 0, stop: int | None = None) -> Iterator[Event]:
        """The events of the log from ``start`` up to ``stop``."""
        return self._store.read(start, stop)

    def balance(self, sku: str, location: str, bucket: Bucket = Bucket.AVAILABLE) -> int:
        """Units of ``sku`` in exactly the account (``location``, ``bucket``)."""
        return self._ledger.balance(sku, location, bucket)

    def rollup(self, sku: str, location: str, bucket: Bucket = Bucket.AVAILABLE) -> int:
        """Units of ``sku`` in ``bucket`` over ``location`` and every location inside it."""
        return self._ledger.rollup(sku, location, bucket)

    def on_hand(self, sku: str, location: str) -> int:
        """Physical units of ``sku`` over the subtree of ``location``."""
        return self._ledger.on_hand(sku, location)

    def balances(self, sku: str) -> dict[Account, int]:
        """Every non-zero account of ``sku`` (virtual ones included), sorted."""
        return self._ledger.balances(sku)

    def balances_as_of(self, at: datetime) -> Ledger:
        """A fresh ledger projection of the events whose time is at or before ``at``.

        The result belongs to the caller; its query methods (``balance``, ``rollup``,
        ``on_hand``, ``balances``) answer as of that time.
        """
        _checks.check_aware("at", at)
        ledger = Ledger()
        for event in self._store.read(0):
            if event.at <= at:
                ledger.apply(event)
        return ledger

    def history(self, sku: str, location: str, bucket: Bucket | None = None) -> list[HistoryLine]:
        """The movements of ``sku`` in and out of ``location`` (its subtree included).

        With ``bucket``, only that bucket is followed; without, the physical (on-hand)
        buckets are. Each line carries the running balance after it.
        """
        buckets = (bucket,) if bucket is not None else PHYSICAL_BUCKETS
        lines: list[HistoryLine] = []
        balance = 0
        for position in self._ledger.history_positions(sku):
            for event in self._store.read(position, position + 1):
                if not isinstance(event, StockPosted):
                    continue
                for movement in event.movements:
                    if movement.sku != sku:
                        continue
                    change = 0
                    if movement.destination.bucket in buckets and is_within(
                        movement.destination.location, location
                    ):
                        change += movement.quantity
                    if movement.source.bucket in buckets and is_within(
                        movement.source.location, location
                    ):
                        change -= movement.quantity
                    touches = any(
                        account.bucket in buckets and is_within(account.location, location)
                        for account in (movement.source, movement.destination)
                    )
                    if not touches:
                        continue
                    balance += change
                    lines.append(
                        HistoryLine(
                            position=event.position,
                            at=event.at,
                            key=event.key,
                            operation=event.operation,
                            movement=movement,
                            change=change,
                            balance=balance,
                        )
                    )
        return lines

    def sku(self, sku: str) -> Sku | None:
        """The catalog entry of ``sku``, or ``None``."""
        return self._ledger.catalog.get(sku)

    def skus(self) -> list[Sku]:
        """Every SKU in the catalog, in the order defined."""
        return list(self._ledger.catalog)

    def lookup_barcode(self, barcode: str) -> SkuId:
        """The SKU a scanned barcode identifies (raises if invalid or unknown)."""
        return self._ledger.catalog.lookup(barcode)

    def location(self, location: str) -> Location | None:
        """The defined location at ``location``, or ``None``."""
        return self._ledger.locations.get(LocationId(location))

    def locations(self, within: str | None = None) -> list[LocationId]:
        """Defined real locations, sorted; with ``within``, only that subtree."""
        if within is None:
            return sorted(self._ledger.locations)
        return self._ledger.subtree(within)

    def transfer(self, transfer: str) -> Transfer | None:
        """The state of a transfer, or ``None`` if it was never shipped."""
        return self._ledger.transfers.get(transfer)

    def verify(self) -> list[str]:
        """Rebuild every projection from the log and describe any difference (none: ``[]``).

        A host can run it as a health check; a non-empty answer means a projection
        drifted from the log that is the truth, or the log itself has a gap. It reads the
        whole log, so it takes as long as a start-up without snapshot.
        """
        self._catch_up()
        fresh = State()
        first_position: dict[str, int] = {}
        problems: list[str] = []
        count = 0
        for event in self._store.read(0):
            if event.position != count:
                problems.append(f"the log holds position {event.position} at index {count}")
            fresh.apply(event)
            first_position.setdefault(event.key, event.position)
            count += 1
        problems.extend(self._state.differences(fresh))
        if first_position != dict(self._first_position.items()):
            problems.append("the idempotency keys known to the engine differ from the log")
        head = self._store.head()
        if head != count:
            problems.append(f"the store says its head is {head} but {count} events were read")
        if self._position != count:
            problems.append(f"engine folded {self._position} events, the log has {count}")
        return problems


class _KeyIndex:
    """Idempotency key -> position of its first event: what makes repeats answerable.

    A snapshot restores the keys as one sorted list searched by bisection (a million keys
    load in a fraction of the time a dict of them takes to build); keys seen since live in
    a dict. Keys never contain line breaks, so the sorted keys travel as one string.
    """

    __slots__ = ("_keys", "_positions", "_recent")

    def __init__(self, keys: str = "", positions: array[int] | None = None) -> None:
        self._keys: list[str] = keys.split("\n") if keys else []
        self._positions: array[int] = positions if positions is not None else array("q")
        if len(self._keys) != len(self._positions):
            raise ValueError("snapshot keys and positions differ in length")
        self._recent: dict[str, int] = {}

    def get(self, key: str) -> int | None:
        """The first position of ``key``, or ``None``."""
        position = self._recent.get(key)
        if position is not None:
            return position
        keys = self._keys
        index = bisect_left(keys, key)
        if index < len(keys) and keys[index] == key:
            return self._positions[index]
        return None

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def setdefault(self, key: str, position: int) -> None:
        """Record ``position`` for ``key`` unless the key is known."""
        if key not in self._recent and (not self._keys or self.get(key) is None):
            self._recent[key] = position

    def items(self) -> Iterator[tuple[str, int]]:
        """Every (key, first position)."""
        yield from zip(self._keys, self._positions, strict=True)
        yield from self._recent.items()

    def frozen(self) -> tuple[str, array[int]]:
        """The keys sorted and joined by line breaks, and their positions, in that order."""
        pairs = sorted(self.items())
        return "\n".join(k for k, _ in pairs), array("q", (p for _, p in pairs))


def _conflict(first: Command, second: Command) -> IdempotencyConflictError:
    if type(first) is not type(second):
        return IdempotencyConflictError(
            second.key, "type", type(first).__name__, type(second).__name__
        )
    for field in attrs.fields(type(first)):
        a, b = getattr(first, field.name), getattr(second, field.name)
        if a != b:
            return IdempotencyConflictError(second.key, field.name, a, b)
    raise AssertionError("commands differ but no field does")  # pragma: no cover


def fold(events: Iterable[Event]) -> Ledger:
    """A ledger projection built from ``events`` alone (replay from empty)."""
    ledger = Ledger()
    for event in events:
        ledger.apply(event)
    return ledger
