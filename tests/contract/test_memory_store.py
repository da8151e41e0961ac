"""The shipped contract kit run against the in-memory stores."""

from __future__ import annotations

from invorder.adapters.memory import MemoryEventStore, MemorySnapshotStore
from invorder.ports import EventStore, SnapshotStore
from invorder.testing.contract import EventStoreContract


class TestMemoryStore(EventStoreContract):
    def make_store(self) -> EventStore:
        return MemoryEventStore()

    def make_snapshot_store(self) -> SnapshotStore | None:
        return MemorySnapshotStore()
