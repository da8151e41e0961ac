"""The engine's checks of the log's hash chain: the hash a store keeps at a position, and
each link of what it reads (at start-up the tail, in ``verify()`` the whole log)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import cast

from invorder.chain import GENESIS, canonical_stream, link
from invorder.domain.errors import StoreCorruptError
from invorder.domain.messages import Event
from invorder.ports import EventStore, KeepsChain, ReadsChain

MISSING = "no chain hash is kept with it, though the events before it have one"
"""Why an unchained event after chained ones is corrupt (its hash was lost)."""
CHAINED_AFTER_UNCHAINED = "it has a chain hash, though the event before it has none"
"""Why a chained event after an unchained one is corrupt (a chain only starts at 0)."""
MISMATCH = ("its chain hash does not match its bytes and the hash before it (the row was "
            "changed, or is not of this log)")  # fmt: skip
"""Why an event whose kept hash is not the one computed is corrupt."""

_sha256 = hashlib.sha256  # invorder.chain.link inlined in the loop every event goes through


def keeper(store: EventStore) -> KeepsChain | None:
    """``store`` if it keeps the chain (has ``chain_at``), else ``None``."""
    return cast("KeepsChain", store) if hasattr(store, "chain_at") else None


def reader(store: EventStore) -> ReadsChain | None:
    """``store`` if it reads hashes with its events (has ``read_chained``), else ``None``."""
    has = hasattr(store, "chain_at") and hasattr(store, "read_chained")
    return cast("ReadsChain", store) if has else None


def kept_chain(store: EventStore, position: int) -> bytes | None:
    """The chain hash ``store`` keeps at ``position`` (``None``: it keeps none there)."""
    keeping = keeper(store)
    return None if keeping is None else keeping.chain_at(position)


class Links:
    """Reads events with their hashes and checks each link; :attr:`previous` is the hash
    after the last event read (``None``: the log is unchained there)."""

    __slots__ = ("previous", "problems", "store")

    def __init__(
        self, store: ReadsChain, previous: bytes | None, problems: list[str] | None = None
    ) -> None:
        self.store = store
        """The store read."""
        self.previous = previous
        """The chain hash at the next position to read."""
        self.problems = problems
        """Where broken links are described (and reading goes on from the kept hash);
        ``None``: the first one is raised."""

    def read(self, start: int, stop: int | None = None) -> Iterator[Event]:
        """The events from ``start`` (whose hash before is :attr:`previous`); a broken link
        raises :class:`~invorder.errors.StoreCorruptError` naming its position (or is added
        to :attr:`problems`).

        A log unchained from position 0 (written before its store kept hashes) is read
        unchecked; a hash missing after chained events, or present after unchained ones,
        is corruption.
        """
        previous = self.previous
        position = start
        for event, data, kept in self.store.read_chained(start, stop):
            if (
                kept is not None
                and previous is not None
                and kept == _sha256(previous + data).digest()
            ):
                yield event  # the common case first: a start-up replay checks every event
                previous = self.previous = kept
                position += 1
                continue
            problem = ""
            if kept is None:
                if previous is not None and position:
                    problem = MISSING
            elif previous is None:
                problem = CHAINED_AFTER_UNCHAINED
            elif kept != link(previous, data):
                problem = MISMATCH
            if problem:
                if self.problems is None:
                    raise StoreCorruptError(position, problem)
                self.problems.append(f"position {position}: {problem}")
                if problem is MISSING and previous is not None:
                    kept = link(previous, data)  # go on from the hash it should have had
            yield event
            # Only once the event is folded: a fold that fails leaves the hash before it.
            previous = self.previous = kept
            position += 1


def recomputed(events: Iterable[Event], previous: bytes = GENESIS) -> bytes:
    """The chain hash after ``events``, computed from them (for a store that keeps a chain
    but reads no hashes with its events)."""
    for data in canonical_stream(events):
        previous = link(previous, data)
    return previous
