"""The embedded default store: the log in a Python list, fast, gone when the process ends."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from invorder.domain.errors import ConcurrencyError, InvalidMovementError
from invorder.domain.events import Event


class MemoryEventStore:
    """An :class:`~invorder.ports.EventStore` holding the events in a list.

    Several engines may share one instance (as they would share a database): the expected
    position check makes their appends safe.
    """

    __slots__ = ("_events",)

    def __init__(self, events: Sequence[Event] = ()) -> None:
        self._events: list[Event] = []
        if events:
            self.append(events, expected_position=0)

    def head(self) -> int:
        """The number of events held."""
        return len(self._events)

    def append(self, events: Sequence[Event], *, expected_position: int) -> int:
        """Append all of ``events`` if the log holds ``expected_position`` events."""
        log = self._events
        if len(log) != expected_position:
            raise ConcurrencyError(expected_position, len(log))
        for offset, event in enumerate(events):
            if event.position != expected_position + offset:
                raise InvalidMovementError(
                    f"event position {event.position} does not follow the log "
                    f"(expected {expected_position + offset})"
                )
        log.extend(events)
        return len(log)

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[Event]:
        """Iterate over the events from ``start`` up to ``stop``."""
        return iter(self._events[start:stop])
