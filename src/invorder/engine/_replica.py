"""The store loop: the engine's projections, loaded from the latest snapshot and the log,
then kept level with the store event by event."""

from __future__ import annotations

from collections.abc import Sequence

from invorder.domain.errors import StoreCorruptError
from invorder.domain.messages import Event
from invorder.domain.model import State
from invorder.engine import _snapshot
from invorder.engine._idempotency import KeyIndex
from invorder.engine.allocation import Policies, install_policies
from invorder.ports import EventStore, SnapshotStore


class Replica:
    """The projections of one engine, the first position of every idempotency key, and how
    many events of the log they hold.

    Only :meth:`load`, :meth:`catch_up` and :meth:`fold` change them, and each keeps
    ``state``, ``keys`` and ``position`` in step, event by event.
    """

    __slots__ = ("keys", "policies", "position", "snapshots", "state", "store")

    def __init__(
        self, store: EventStore, snapshots: SnapshotStore | None, policies: Policies
    ) -> None:
        self.store = store
        """The log."""
        self.snapshots = snapshots
        """Where snapshots are loaded from, if anywhere."""
        # Allocation policies are code, not state: never in the log nor in a snapshot, so
        # they are installed again on every State the engine builds or restores.
        self.policies = policies
        """The host's allocation policies, installed on every state loaded."""
        self.state = State()
        """The projections."""
        self.keys = KeyIndex()
        """The first position of every idempotency key folded in."""
        self.position = 0
        """How many events of the log are folded in."""
        self.load()

    def load(self) -> None:
        """Rebuild the projections: the latest snapshot if it fits the log, then the log
        after it."""
        self.state = State()
        self.keys = KeyIndex()
        self.position = 0
        loaded = self.snapshots.load() if self.snapshots is not None else None
        if loaded is not None:
            restored = _snapshot.restore(self.store, *loaded)
            if restored is not None:
                self.state, self.keys = restored
                self.position = loaded[0]
        install_policies(self.state, *self.policies)
        self.catch_up()

    def catch_up(self) -> None:
        """Fold every event the store holds past :attr:`position`."""
        # Streams: a start-up replay must not hold the whole log in memory at once.
        state = self.state
        keys = self.keys
        last = None  # a command's events are contiguous: index its key once
        for event in self.store.read(self.position):
            if event.position != self.position:
                # Folding it would apply an event twice or skip one, silently.
                raise StoreCorruptError(self.position,
                                        f"the store gave the event of position "
                                        f"{event.position} there")  # fmt: skip
            state.apply(event)
            key = event.key
            if key != last:
                keys.setdefault(key, event.position)
                last = key
            self.position += 1

    def fold(self, events: Sequence[Event]) -> None:
        """Fold ``events``, the next ones of the log (just appended, or about to be)."""
        state = self.state
        keys = self.keys
        last = None
        for event in events:
            state.apply(event)
            key = event.key
            if key != last:
                keys.setdefault(key, event.position)
                last = key
        self.position += len(events)
