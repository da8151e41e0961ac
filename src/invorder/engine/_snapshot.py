"""Snapshots of the engine's projections: saved with the log position and last key they
fit, restored only when they still fit the log (otherwise the engine replays it)."""

from __future__ import annotations

import pickle

from invorder.domain.model import State
from invorder.engine._idempotency import KeyIndex
from invorder.ports import EventStore, SnapshotStore

FORMAT = "invorder-engine-snapshot/5"
"""The format name stored in every snapshot; one of another format is not restored."""


def save(
    snapshots: SnapshotStore, store: EventStore, position: int, state: State, keys: KeyIndex
) -> None:
    """Save ``state`` and ``keys``, the projections of the first ``position`` events."""
    last = last_key(store, position)
    frozen_keys, positions = keys.frozen()
    data = pickle.dumps(
        (FORMAT, position, last, state, frozen_keys, positions),
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    snapshots.save(position, data)


def restore(store: EventStore, position: int, data: bytes) -> tuple[State, KeyIndex] | None:
    """The state and key index a snapshot saved at ``position`` holds, or ``None`` if it
    does not fit this log."""
    # A snapshot that does not fit this log (another database, a truncated log, an
    # older library) is ignored: the log is the truth and a replay is always correct.
    if position > store.head():
        return None
    try:
        fmt, at, last, state, keys, positions = pickle.loads(data)
    except Exception:  # unreadable bytes can fail in many ways; all mean "replay"
        return None
    if fmt != FORMAT or at != position or not isinstance(state, State):
        return None
    if last != last_key(store, position):
        return None
    try:
        first_position = KeyIndex(keys, positions)
    except (AttributeError, TypeError, ValueError):
        return None
    return state, first_position


def last_key(store: EventStore, position: int) -> str | None:
    """The idempotency key of the event just before ``position`` (``None`` at 0)."""
    if position == 0:
        return None
    for event in store.read(position - 1, position):
        return event.key
    return None
