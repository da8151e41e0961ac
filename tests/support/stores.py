"""Stores the tests share: a host's store with nothing but the three port methods."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from invorder.adapters.memory import MemoryEventStore
from invorder.domain.messages import Event


class PlainStore:
    """A host's store without any optional extra (no ``read_at``, no hash chain)."""

    def __init__(self) -> None:
        self.inner = MemoryEventStore()

    def head(self) -> int:
        """The number of events held."""
        return self.inner.head()

    def append(self, events: Sequence[Event], *, expected_position: int) -> int:
        """Append all of ``events`` if the log holds ``expected_position`` events."""
        return self.inner.append(events, expected_position=expected_position)

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[Event]:
        """The events from ``start`` up to ``stop``."""
        return self.inner.read(start, stop)
