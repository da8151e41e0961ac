"""Storage ports: the Protocols a host implements to keep invorder's log where it likes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from invorder.domain.messages import Event


class EventStore(Protocol):
    """An append-only, gap-free log of events, positions counted from 0.

    The whole log is one stream: ``append`` succeeds only if the log holds exactly
    ``expected_position`` events, so two writers that read the same state cannot both win.
    A batch is all or nothing: after a failed append no event of it is readable.
    """

    def head(self) -> int:
        """The number of events in the log (the position the next event will take)."""
        ...

    def append(self, events: Sequence[Event], *, expected_position: int) -> int:
        """Append ``events`` atomically (all or none) and return the new head.

        ``events[i].position`` is ``expected_position + i``. Raises
        :class:`~invorder.ConcurrencyError` if the head is not ``expected_position``.
        """
        ...

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[Event]:
        """The events at positions ``start`` up to (not including) ``stop``, in order."""
        ...


class ReadsPositions(Protocol):
    """An optional extra of an :class:`EventStore`: read scattered positions at once.

    A store that has it answers ``Engine.history()`` (the movements of one SKU, spread over
    the whole log) in a few reads instead of one per movement; a store without it is read
    range by range. The memory and SQL stores have it.
    """

    def read_at(self, positions: Sequence[int]) -> Iterator[Event]:
        """The events at ``positions`` (ascending, each below the head), in that order."""
        ...


class SnapshotStore(Protocol):
    """Where the engine keeps a copy of its projections so start-up need not replay all.

    A snapshot is bytes taken at a log position, opaque to the store (the engine writes
    them in a versioned JSON format, data and never code); the engine loads the latest one
    and replays only the events after it. Losing snapshots loses nothing but time: the
    log stays the truth, and a snapshot that does not fit it or cannot be read is refused
    (the engine says why in ``Engine.startup``) and the log replayed.
    """

    def save(self, position: int, data: bytes) -> None:
        """Keep ``data``, the projections after the first ``position`` events."""
        ...

    def load(self) -> tuple[int, bytes] | None:
        """The snapshot with the highest position, or ``None`` if there is none."""
        ...
