"""Closing an engine: its stores release their connections (``Engine.close``, and an engine
used as a context manager)."""

from __future__ import annotations

from invorder.engine._branch import E, Parts
from invorder.ports import Closes


def close(self: Parts) -> None:
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


def leave(self: Parts, *exception: object) -> None:
    """Close the engine (see :meth:`close`), whether or not the block raised."""
    close(self)
