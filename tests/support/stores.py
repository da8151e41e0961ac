"""Stores the tests share: a host's store with nothing but the three port methods, and a
plain SQLite connection to a store's file, for the tests that damage it."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

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


@contextmanager
def sqlite_file(path: str | os.PathLike[str]) -> Iterator[sqlite3.Connection]:
    """A plain ``sqlite3`` connection to the file at ``path``: what the block changed is
    committed, and the connection closed, when it ends (``with sqlite3.connect(...)``
    commits but never closes)."""
    connection = sqlite3.connect(path)
    try:
        with connection:
            yield connection
    finally:
        connection.close()
