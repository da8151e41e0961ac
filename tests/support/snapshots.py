"""Snapshot checks shared by the tests: a snapshot of a log's prefix, restored and caught up,
holds exactly what a replay of the whole log holds, slot by slot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import invorder
from invorder.adapters.memory import MemoryEventStore, MemorySnapshotStore
from invorder.codec import Codec
from invorder.domain.messages import Event
from invorder.domain.model import PROJECTIONS, State
from invorder.engine import Engine, _snapshot

FIXTURES = Path(__file__).parent.parent / "fixtures"

CACHES = {("reservations", "_accounts"), ("ledger", "memo"), ("ledger", "_raised")}
"""Projection slots that cache values built on demand (not facts of the log): a snapshot
leaves them out and they fill again as queries ask. The ledger's raise marks are only ever
compared with what the same ledger's memo holds, so a restored ledger starts both afresh."""


def fixture_events() -> list[Event]:
    """The events of ``tests/fixtures/events-all-v1.jsonl``: every event type there is."""
    codec = Codec()
    lines = (FIXTURES / "events-all-v1.jsonl").read_text().splitlines()
    return [codec.event_from_dict(json.loads(line)) for line in lines]


def store_of(events: list[Event]) -> MemoryEventStore:
    """A memory store holding ``events``."""
    store = MemoryEventStore()
    if events:
        store.append(events, expected_position=0)
    return store


def snapshot_of(store: invorder.EventStore, at: int) -> MemorySnapshotStore:
    """A snapshot store holding the snapshot an engine takes of the first ``at`` events."""
    snapshots = MemorySnapshotStore()
    assert Engine(store_of(list(store.read(0, at))), snapshots=snapshots).snapshot() == at
    return snapshots


def differences(mine: object, theirs: object, path: str) -> list[str]:
    """Where two projections (or parts of them) differ: every slot is compared, with ``==``
    where the value defines it, else slot by slot (a catalog, for one)."""
    if type(mine) is not type(theirs):
        return [f"{path}: {type(mine).__name__} vs {type(theirs).__name__}"]
    slots = getattr(type(mine), "__slots__", None)
    if slots is None or type(mine).__eq__ is not object.__eq__:
        return [] if mine == theirs else [f"{path}: {mine!r} vs {theirs!r}"]
    found: list[str] = []
    for slot in slots:
        found += differences(getattr(mine, slot), getattr(theirs, slot), f"{path}.{slot}")
    return found


def state_differences(mine: State, theirs: State) -> list[str]:
    """Every projection slot (caches aside) where ``mine`` differs from ``theirs``."""
    found: list[str] = []
    for name in PROJECTIONS:
        a, b = getattr(mine, name), getattr(theirs, name)
        for slot in type(a).__slots__:
            if (name, slot) not in CACHES:
                found += differences(getattr(a, slot), getattr(b, slot), f"{name}.{slot}")
    return found


def keys_of(engine: Engine) -> list[tuple[str, int]]:
    """Every idempotency key the engine knows with its first position, sorted."""
    return sorted(engine._replica.keys.items())


def assert_restores(store: invorder.EventStore, at: int) -> Engine:
    """Check that a snapshot of the first ``at`` events, restored on ``store`` and caught up,
    equals a replay of ``store``; return the restored engine."""
    snapshots = snapshot_of(store, at)
    restored = Engine(store, snapshots=snapshots)
    replayed = Engine(store)
    report = invorder.records.StartupReport(snapshot=at, replayed=store.head() - at, chain="kept")
    assert restored.startup == report
    assert state_differences(restored._state, replayed._state) == []
    assert keys_of(restored) == keys_of(replayed)
    return restored


def saved(snapshots: MemorySnapshotStore) -> tuple[int, bytes]:
    """The snapshot a store holds (there must be one)."""
    loaded = snapshots.load()
    assert loaded is not None
    return loaded


def body_of(data: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and the JSON body of snapshot ``data``."""
    header, start = _snapshot.read_header(data)
    body = _snapshot.read_body(data, start, header)
    assert isinstance(body, dict)
    return header, body
