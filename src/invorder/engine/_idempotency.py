"""Idempotency: the first log position of every key, what a repeated command is answered
(the first events, or the first rejection raised again), how a repeat with other content is
refused, and the bounded cache of rejections recently decided or read."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterator, Mapping

import attrs

from invorder.domain import _checks
from invorder.domain.errors import IdempotencyConflictError, InvorderError
from invorder.domain.messages import Command, Event
from invorder.domain.rejection import CommandRejected
from invorder.ports import EventStore

Rejections = dict[str, tuple[Command, InvorderError]]
"""Rejected keys with the command and the error they got."""

REJECTION_CACHE = 4096
"""How many rejected keys an engine keeps decoded in memory by default."""


class RejectionCache:
    """The rejections an engine decided or read most recently, at most ``size`` keys.

    Only a speed-up: every rejection is in the log (a :class:`CommandRejected` record), so
    a key that fell out of the cache is answered from there, with the same error. Entries
    never go stale: a key's first outcome in the log is its outcome for ever.
    """

    __slots__ = ("_entries", "size")

    def __init__(self, size: int) -> None:
        if size < 0:
            raise ValueError("rejection_cache must be 0 or more")
        self.size = size
        """How many keys are kept at most (0: none, every repeat reads the log)."""
        self._entries: OrderedDict[str, tuple[Command, InvorderError]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> tuple[Command, InvorderError] | None:
        """The command and error of rejected ``key`` if cached (then it becomes the newest)."""
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def remember(self, key: str, command: Command, error: InvorderError) -> None:
        """Keep the rejection of ``key``, dropping the oldest key past :attr:`size`."""
        entries = self._entries
        entries[key] = (command, error)
        entries.move_to_end(key)
        while len(entries) > self.size:
            entries.popitem(last=False)

    def update(self, rejections: Rejections) -> None:
        """Remember each of ``rejections`` in turn."""
        for key, (command, error) in rejections.items():
            self.remember(key, command, error)


_FIRST_CHUNK = 4
_READ_CHUNK = 256


class KeyIndex:
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


def outcome_of(store: EventStore, keys: KeyIndex, key: str) -> tuple[Event, ...]:
    """The events the command with idempotency ``key`` produced (empty if none)."""
    first = keys.get(_checks.lookup("key", key))
    if first is None:
        return ()
    # A command's events are contiguous; read in chunks until the key changes, since
    # one arrival may fill many backorders and so write any number of events. Most
    # outcomes are short (a rejection is one record): the first chunk is small.
    events: list[Event] = []
    start, size = first, _FIRST_CHUNK
    while True:
        chunk = list(store.read(start, start + size))
        for event in chunk:
            if event.key != key:
                return tuple(events)
            events.append(event)
            if isinstance(event, CommandRejected):
                return tuple(events)  # a refusal is its one record
        if len(chunk) < size:
            return tuple(events)
        start += size
        size = _READ_CHUNK


def prior_outcome(
    command: Command,
    store: EventStore,
    keys: KeyIndex,
    decided: Mapping[str, tuple[Event, ...]],
    cache: RejectionCache,
) -> tuple[Event, ...] | None:
    """What a repeat of ``command``'s key is answered: the first outcome (from ``decided``
    in this batch, else the rejection cache, else the log), its events returned or, for a
    rejection, its error raised again; ``None`` for a key never seen.

    Raises :class:`~invorder.IdempotencyConflictError` if the first command differs.
    """
    key = command.key
    events = decided.get(key) if decided else None
    if events is None:
        cached = cache.get(key)
        if cached is not None:
            first_command, error = cached
            if first_command != command:
                raise conflict(first_command, command)
            # Raised again as a fresh raise: a traceback would otherwise grow on each repeat.
            raise error.with_traceback(None)
        if keys.get(key) is not None:
            events = outcome_of(store, keys, key)
    if not events:
        return None
    first = events[0]
    if first.command != command:
        raise conflict(first.command, command)
    if isinstance(first, CommandRejected):
        error = first.error()
        cache.remember(key, command, error)
        raise error
    return events


def conflict(first: Command, second: Command) -> IdempotencyConflictError:
    """The error for ``second`` reusing the key of ``first``: the type if they differ, else
    the first field (in declaration order) that does."""
    if type(first) is not type(second):
        return IdempotencyConflictError(
            second.key, "type", type(first).__name__, type(second).__name__
        )
    for field in attrs.fields(type(first)):
        a, b = getattr(first, field.name), getattr(second, field.name)
        if a != b:
            return IdempotencyConflictError(second.key, field.name, a, b)
    raise AssertionError("commands differ but no field does")  # pragma: no cover
