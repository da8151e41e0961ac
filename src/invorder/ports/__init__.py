"""Storage ports: the Protocols a host implements to keep invorder's log where it likes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from invorder.domain.events import Event


class EventStore(Protocol):
    """An append-only, gap-free log of events, positions counted from 0.

    The whole log is one stream: ``append`` succeeds only if the log holds exactly
    ``expected_position`` events, so two writers that read the same state cannot both win.
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
