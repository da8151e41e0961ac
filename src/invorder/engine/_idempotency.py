"""Idempotency: the first log position of every key, what a repeated command is answered,
and how a repeat with other content is refused."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterator, Mapping

import attrs

from invorder.domain.errors import IdempotencyConflictError, InvorderError
from invorder.domain.messages import Command, Event
from invorder.ports import EventStore

Rejections = dict[str, tuple[Command, InvorderError]]
"""Rejected keys with the command and the error they got (a rejection writes nothing, so
these live in memory only)."""

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
    first = keys.get(key)
    if first is None:
        return ()
    # A command's events are contiguous; read in chunks until the key changes, since
    # one arrival may fill many backorders and so write any number of events.
    events: list[Event] = []
    start = first
    while True:
        chunk = list(store.read(start, start + _READ_CHUNK))
        for event in chunk:
            if event.key != key:
                return tuple(events)
            events.append(event)
        if len(chunk) < _READ_CHUNK:
            return tuple(events)
        start += _READ_CHUNK


def prior_outcome(
    command: Command,
    store: EventStore,
    keys: KeyIndex,
    accepted: Mapping[str, tuple[Event, ...]],
    rejected: Rejections,
    remembered: Rejections,
) -> tuple[Event, ...] | None:
    """What a repeat of ``command``'s key is answered: the first outcome (from ``accepted``
    in this batch, else the log), or the first rejection raised again (from ``rejected`` in
    this batch, else ``remembered``); ``None`` for a key never seen.

    Raises :class:`~invorder.IdempotencyConflictError` if the first command differs.
    """
    key = command.key
    events = accepted.get(key)
    if events is None and key in keys:
        events = outcome_of(store, keys, key)
    if events is not None:
        first_command = events[0].command
        if first_command != command:
            raise conflict(first_command, command)
        return events
    prior = rejected.get(key) or remembered.get(key)
    if prior is not None:
        first_command, error = prior
        if first_command != command:
            raise conflict(first_command, command)
        raise error
    return None


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
