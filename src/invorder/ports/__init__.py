"""Storage ports: the Protocols a host implements to keep invorder's log where it likes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import NamedTuple, Protocol, runtime_checkable

from invorder.domain.messages import Event
from invorder.domain.stock.events import Operation
from invorder.domain.stock.movement import Movement


class EventStore(Protocol):
    """An append-only, gap-free log of events, positions counted from 0.

    The whole log is one stream: ``append`` succeeds only if the log holds exactly
    ``expected_position`` events, so two writers that read the same state cannot both win.
    A batch is all or nothing: after a failed append no event of it is readable.
    """

    def head(self) -> int:
        """The number of events in the log (the position the next event will take)."""
        ...

    def append(self, events: Sequence[Event], *, expected_position: int) -> int:
        """Append ``events`` atomically (all or none) and return the new head.

        ``events[i].position`` is ``expected_position + i``. Raises
        :class:`~invorder.ConcurrencyError` if the head is not ``expected_position``.
        """
        ...

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[Event]:
        """The events at positions ``start`` up to (not including) ``stop``, in order."""
        ...


class ReadsPositions(Protocol):
    """An optional extra of an :class:`EventStore`: read scattered positions at once.

    A store that has it answers ``Engine.history()`` (the movements of one SKU, spread over
    the whole log) in a few reads instead of one per movement; a store without it is read
    range by range. The memory and SQL stores have it.
    """

    def read_at(self, positions: Sequence[int]) -> Iterator[Event]:
        """The events at ``positions`` (ascending, each below the head), in that order."""
        ...


class Posting(NamedTuple):
    """One journal entry as :class:`ReadsMovements` gives it: its log position, time,
    idempotency key and operation, and the movements of the SKU asked for, in entry order
    (the fields of :class:`~invorder.events.StockPosted` that history reads)."""

    position: int
    at: datetime
    key: str
    operation: Operation
    movements: tuple[Movement, ...]


class ReadsMovements(Protocol):
    """An optional extra of an :class:`EventStore`: it keeps each journal entry's movements
    beside the log, by SKU, in a form cheap to read back.

    ``Engine.history()`` reads a SKU's movements from it instead of decoding every entry of
    the SKU. What it leaves out (entries written before the store kept movements, say) the
    engine reads from the log, so an index that covers only part of the log gives the same
    history. The SQL store has it; the memory store holds the events themselves.
    """

    def postings(self, sku: str, positions: Sequence[int]) -> Iterator[Posting]:
        """The entries at ``positions`` (ascending, each below the head, each an entry that
        moved ``sku``) that the store keeps, in that order, each with its movements of
        ``sku``; an entry it does not keep is left out."""
        ...


class KeepsChain(Protocol):
    """An optional extra of an :class:`EventStore`: it keeps the log's hash chain.

    Each event's chain hash is SHA-256 over the hash before it (32 zero bytes before the
    first event) and the event's canonical bytes (see :mod:`invorder.chain`, whose helpers
    compute it, so every store keeps the same value). A store that has it lets the engine
    refuse a snapshot that does not fit the log at the hash level: one copied from another
    log with the same set-up, or taken before the log was rolled back and grew again. The
    memory and SQL stores have it; a store without it works as before (the engine reports
    the chain as not kept).
    """

    def chain_at(self, position: int) -> bytes | None:
        """The chain hash of the first ``position`` events: 32 zero bytes at 0, else the hash
        kept with the event at ``position - 1``; ``None`` if that event has none (it was
        written before the store kept hashes) or does not exist."""
        ...


class ReadsChain(KeepsChain, Protocol):
    """An optional extra of a :class:`KeepsChain` store: it reads each event with the bytes
    its hash covers and the hash kept with it, so the engine checks every link it reads
    (the tail at start-up, the whole log in ``verify()``) without encoding events again.
    The SQL store has it; the memory store (objects, not bytes) does not.
    """

    def read_chained(
        self, start: int = 0, stop: int | None = None
    ) -> Iterator[tuple[Event, bytes, bytes | None]]:
        """What ``read(start, stop)`` gives, each event with its canonical bytes as stored
        (the event is decoded from them) and the chain hash kept with it (``None`` for an
        event written before the store kept hashes)."""
        ...


class KeepsHead(Protocol):
    """An optional extra of an :class:`EventStore`: it remembers the head the log reached.

    Written with each append (in its transaction, or at least never lower than before),
    it lets the engine refuse to start on a log that was emptied or cut short (a table
    truncated, an older backup restored over the log but not over this record) instead of
    starting as if the lost events had never been; ``Engine(..., allow_empty=True)`` starts
    anyway. The SQL store has it (a memory log cannot be cut); a store without it works as
    before.
    """

    def last_head(self) -> tuple[int, bytes | None] | None:
        """The head after the last append this store acknowledged and the chain hash there
        (``None`` if not kept); ``None`` if nothing was ever appended."""
        ...


@runtime_checkable
class Closes(Protocol):
    """An optional extra of any store: it holds connections or files, which :meth:`close`
    releases. ``Engine.close()`` (and leaving ``with Engine(...)``) calls it on the engine's
    event store and snapshot store where they have it. The SQL stores have it; the memory
    stores hold nothing to close."""

    def close(self) -> None:
        """Release what the store holds open; calling it twice does no harm."""
        ...


class SnapshotStore(Protocol):
    """Where the engine keeps a copy of its projections so start-up need not replay all.

    A snapshot is bytes taken at a log position, opaque to the store (the engine writes
    them in a versioned JSON format, data and never code); the engine loads the latest one
    and replays only the events after it. Losing snapshots loses nothing but time: the
    log stays the truth, and a snapshot that does not fit it or cannot be read is refused
    (the engine says why in ``Engine.startup``) and the log replayed.
    """

    def save(self, position: int, data: bytes) -> None:
        """Keep ``data``, the projections after the first ``position`` events."""
        ...

    def load(self) -> tuple[int, bytes] | None:
        """The snapshot with the highest position, or ``None`` if there is none."""
        ...


class CheckpointStore(Protocol):
    """Where the consumers of the notification feed (:mod:`invorder.feed`) keep how far
    they have delivered: one log position per consumer name.

    :meth:`advance` is a compare-and-set: of two consumers with the same name that read the
    same checkpoint, only one moves it, so no notification is acknowledged past twice.
    """

    def load(self, consumer: str) -> int:
        """The checkpoint of ``consumer`` (0 if it never advanced)."""
        ...

    def advance(self, consumer: str, expected: int, position: int) -> None:
        """Set the checkpoint of ``consumer`` to ``position`` if it is still ``expected``;
        raise :class:`~invorder.errors.CheckpointConflictError` (changing nothing) if
        another consumer moved it."""
        ...
