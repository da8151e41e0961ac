"""The embedded default stores: the log (and snapshots, feed checkpoints) in Python objects,
gone at exit."""

from __future__ import annotations

import operator
import threading
from collections.abc import Iterator, Sequence

from invorder.chain import GENESIS, canonical_stream, link
from invorder.domain.errors import (
    CheckpointConflictError,
    ConcurrencyError,
    InvalidMovementError,
)
from invorder.domain.messages import Event

_POSITION = operator.attrgetter("position")


class MemoryEventStore:
    """An :class:`~invorder.ports.EventStore` holding the events in a list.

    Several engines may share one instance (as they would share a database), from several
    threads too: the expected position check and the append happen under one lock.

    It keeps the log's hash chain (:class:`~invorder.ports.KeepsChain`), computed from the
    events when first asked for and kept from then on: appends stay as fast as without it,
    and events held as objects cannot rot, so it reads no hashes with its events.
    """

    __slots__ = ("_chain", "_events", "_lock")

    def __init__(self, events: Sequence[Event] = ()) -> None:
        self._events: list[Event] = []
        self._chain: list[bytes] = [GENESIS]  # _chain[p]: the hash of the first p events
        self._lock = threading.Lock()
        if events:
            self.append(events, expected_position=0)

    def head(self) -> int:
        """The number of events held."""
        return len(self._events)

    def append(self, events: Sequence[Event], *, expected_position: int) -> int:
        """Append all of ``events`` if the log holds ``expected_position`` events."""
        check_positions(events, expected_position)
        with self._lock:
            log = self._events
            if len(log) != expected_position:
                raise ConcurrencyError(expected_position, len(log))
            log.extend(events)
            return len(log)

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[Event]:
        """Iterate over the events from ``start`` up to ``stop``."""
        return iter(self._events[start:stop])

    def read_at(self, positions: Sequence[int]) -> Iterator[Event]:
        """The events at ``positions``, in the order given."""
        events = self._events
        return (events[position] for position in positions)

    def chain_at(self, position: int) -> bytes | None:
        """The chain hash of the first ``position`` events (``None`` past the head)."""
        with self._lock:
            events, chain = self._events, self._chain
            if not 0 <= position <= len(events):
                return None
            previous = chain[-1]
            for data in canonical_stream(events[len(chain) - 1 : position]):
                previous = link(previous, data)
                chain.append(previous)
            return chain[position]


class MemorySnapshotStore:
    """A :class:`~invorder.ports.SnapshotStore` keeping the latest snapshot in memory."""

    __slots__ = ("_latest",)

    def __init__(self) -> None:
        self._latest: tuple[int, bytes] | None = None

    def save(self, position: int, data: bytes) -> None:
        """Keep ``data`` unless a snapshot at a later position is already held."""
        if self._latest is None or position >= self._latest[0]:
            self._latest = (position, bytes(data))

    def load(self) -> tuple[int, bytes] | None:
        """The latest snapshot, or ``None``."""
        return self._latest


class MemoryCheckpointStore:
    """A :class:`~invorder.ports.CheckpointStore` keeping the feed checkpoints in a dict;
    threads sharing one instance advance them under one lock."""

    __slots__ = ("_lock", "_positions")

    def __init__(self) -> None:
        self._positions: dict[str, int] = {}
        self._lock = threading.Lock()

    def load(self, consumer: str) -> int:
        """The checkpoint of ``consumer`` (0 if it never advanced)."""
        return self._positions.get(consumer, 0)

    def advance(self, consumer: str, expected: int, position: int) -> None:
        """Set the checkpoint to ``position`` if it is still ``expected``."""
        with self._lock:
            actual = self._positions.get(consumer, 0)
            if actual != expected:
                raise CheckpointConflictError(consumer, expected, actual)
            self._positions[consumer] = position


def check_positions(events: Sequence[Event], expected_position: int) -> None:
    """Raise :class:`~invorder.errors.InvalidMovementError` unless the batch is numbered in turn.

    Adapters call it before writing, so a mis-numbered batch never reaches the log.
    """
    numbered = list(map(_POSITION, events))
    if numbered == list(range(expected_position, expected_position + len(numbered))):
        return  # in one pass in C: a branch's store checks a whole day's log
    for offset, event in enumerate(events):
        if event.position != expected_position + offset:
            raise InvalidMovementError(
                f"event position {event.position} does not follow the log "
                f"(expected {expected_position + offset})"
            )
