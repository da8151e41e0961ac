"""Closing an engine: its stores release their connections (``Engine.close``, and an engine
used as a context manager)."""

from __future__ import annotations

from typing import Protocol, TypeVar

from invorder.engine._replica import Replica
from invorder.ports import Closes, EventStore


class _Parts(Protocol):
    """What closing reads of an engine (its own parts: the engine is its only user)."""

    _replica: Replica
    _store: EventStore


E = TypeVar("E", bound=_Parts)


def close(self: _Parts) -> None:
    """Close the event store and the snapshot store where they hold something open
    (:class:`~invorder.ports.Closes`: the SQL stores do, the memory stores do not).

    The engine keeps its projections, so queries that read only them still answer; a
    command or a query that reads the log reopens a SQL store's connection. Closing twice
    does no harm. Stores shared with other engines are closed for them too."""
    for store in (self._store, self._replica.snapshots):
        if isinstance(store, Closes):
            store.close()


def enter(self: E) -> E:
    """The engine itself; :meth:`close` is called when the ``with`` block ends."""
    return self


def leave(self: _Parts, *exception: object) -> None:
    """Close the engine (see :meth:`close`), whether or not the block raised."""
    close(self)
