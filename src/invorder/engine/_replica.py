"""The store loop: the engine's projections, loaded from the latest snapshot and the log,
then kept level with the store event by event."""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from typing import cast

from invorder.chain import GENESIS
from invorder.domain.errors import StoreCorruptError
from invorder.domain.messages import Event
from invorder.domain.model import State
from invorder.domain.orders.allocator import first_fit
from invorder.engine import _chain, _snapshot
from invorder.engine._idempotency import KeyIndex
from invorder.engine._snapshot import RefusedError, SnapshotWarning, StartupReport
from invorder.engine._spares import Spares, duplicate, projections_folding
from invorder.engine.allocation import Policies, install_policies
from invorder.ports import EventStore, KeepsHead, SnapshotStore


class Replica:
    """The projections of one engine, the first position of every idempotency key, and how
    many events of the log they hold.

    Only :meth:`load`, :meth:`catch_up` and :meth:`fold` change them, and each keeps
    ``state``, ``keys`` and ``position`` in step, event by event; a :meth:`load` that fails
    leaves them as they were. When the store reads hashes with its events
    (:class:`~invorder.ports.ReadsChain`), every event read is checked against the chain
    before it is folded.

    A batch folds events before they are appended (:meth:`fold_pending`), into ``state``
    only; then :meth:`commit` counts them in, or :meth:`undo` takes them out again, from
    the spare copies kept of the projections they changed.
    """

    __slots__ = ("allow_empty", "chain", "chain_known", "keys", "pending", "policies",
                 "position", "snapshots", "spares", "startup", "state", "store")  # fmt: skip

    def __init__(
        self,
        store: EventStore,
        snapshots: SnapshotStore | None,
        policies: Policies,
        *,
        allow_empty: bool = False,
    ) -> None:
        self.store = store
        """The log."""
        self.allow_empty = allow_empty
        """Whether :meth:`load` accepts a log shorter than the store says it once was."""
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
        self.chain: bytes | None = GENESIS
        """The log's chain hash at :attr:`position` as last read (``None``: not kept)."""
        self.chain_known = True
        """Whether :attr:`chain` is that of :attr:`position` (not after :meth:`fold`)."""
        self.startup = StartupReport()
        """What the last :meth:`load` read."""
        self.spares = Spares()
        """Copies of the projections batches fold into, to undo a batch without a replay."""
        self.pending: set[str] = set()
        """The projections changed by events folded but not yet committed."""
        self.load()

    def branch(self, store: EventStore, policies: Policies) -> Replica:
        """A replica of ``store`` (which holds this replica's log up to :attr:`position`)
        with copies of these projections, under ``policies``: what a new replica would
        fold from ``store``, without folding it (see :func:`~invorder.engine._branch.branch`)."""
        if self.pending:
            raise RuntimeError("a branch is taken between commands, not inside a batch")
        other = object.__new__(Replica)
        other.store, other.allow_empty, other.snapshots = store, False, None
        other.policies = policies
        other.state = duplicate(self.state)[0]
        other.state.allocator = first_fit  # unless the policies give a rule (never copied)
        install_policies(other.state, *policies)
        other.keys = duplicate(self.keys)[0]
        other.position, other.chain, other.chain_known = self.position, GENESIS, False
        other.startup = StartupReport(chain="not kept")
        other.spares, other.pending = Spares(), set()
        return other

    def load(self) -> None:
        """Rebuild the projections: the latest snapshot if it fits the log, then the log
        after it; a snapshot refused is reported (in :attr:`startup` and as a
        :class:`SnapshotWarning`), never raised. A log cut short (see :func:`check_not_cut`)
        is refused unless :attr:`allow_empty`. If reading fails (the store raises), the
        projections stay as they were and the error is raised."""
        before = (self.state, self.keys, self.position, self.chain, self.chain_known,
                  self.spares)  # fmt: skip
        self.spares = Spares()  # copies of the old projections fit nothing loaded
        try:
            self._load()
        except BaseException:
            # Never a half-loaded engine: it answers from its last consistent state.
            (self.state, self.keys, self.position, self.chain, self.chain_known,
             self.spares) = before  # fmt: skip
            raise
        self.pending.clear()

    def _load(self) -> None:
        if not self.allow_empty:
            check_not_cut(self.store)
        self.state = State()
        self.keys = KeyIndex()
        self.position = 0
        self.chain, self.chain_known = GENESIS, True
        snapshot, refused = None, ""
        loaded = self.snapshots.load() if self.snapshots is not None else None
        if loaded is not None:
            try:
                self.state, self.keys = _snapshot.restore(self.store, *loaded)
                self.position = snapshot = loaded[0]
                self.chain_known = False  # restore checked it: read it again below
            except RefusedError as refusal:
                refused = str(refusal)
                message = (
                    f"snapshot at position {loaded[0]} not used ({refused}): replaying the log"
                )
                warnings.warn(message, SnapshotWarning, stacklevel=4)  # the host's call
        install_policies(self.state, *self.policies)
        self.catch_up()
        replayed = self.position - (snapshot or 0)
        if _chain.reader(self.store) is not None:
            chain = "checked" if self.chain is not None else "not kept"
        else:
            chain = "kept" if _chain.keeper(self.store) is not None else "not kept"
        self.startup = StartupReport(snapshot=snapshot, refused=refused, replayed=replayed,
                                     chain=chain)  # fmt: skip

    def save_snapshot(self) -> int:
        """Catch up, save the projections to the snapshot store and return their position;
        ``ValueError`` if there is no snapshot store."""
        if self.snapshots is None:
            raise ValueError("this engine has no snapshot store: pass snapshots= to Engine")
        self.catch_up()
        _snapshot.save(self.snapshots, self.store, self.position, self.state, self.keys)
        return self.position

    def catch_up(self) -> None:
        """Fold every event the store holds past :attr:`position` (each link of the chain
        checked first, if the store reads hashes with its events)."""
        chained = _chain.reader(self.store)
        if chained is None:
            self._fold_read(self.store.read(self.position))
            return
        if not self.chain_known:
            self.chain = chained.chain_at(self.position)
        links = _chain.Links(chained, self.chain)
        try:
            self._fold_read(links.read(self.position))
        finally:
            self.chain, self.chain_known = links.previous, True

    def _fold_read(self, events: Iterator[Event]) -> None:
        # Streams: a start-up replay must not hold the whole log in memory at once.
        apply = self.state.apply
        keys = self.keys
        last = None  # a command's events are contiguous (and share it): index its key once
        since = self.spares.since if self.spares.copies else None
        position = self.position
        try:
            for event in events:
                if event.position != position:
                    # Folding it would apply an event twice or skip one, silently.
                    raise StoreCorruptError(position,
                                            f"the store gave the event of position "
                                            f"{event.position} there")  # fmt: skip
                apply(event)
                if since is not None:
                    since.append(event)
                command = event.command
                if command is not last:  # another command (or a copy: indexed again, no harm)
                    keys.setdefault(command.key, event.position)  # the event's int, shared
                    last = command
                position += 1
        finally:
            self.position = position  # the events folded, even when one of them raised
        if since is not None:
            self.spares.record(())

    def fold(self, events: Sequence[Event]) -> None:
        """Fold ``events``, the next ones of the log (just appended)."""
        apply = self.state.apply
        for event in events:
            apply(event)
        self.commit(events)

    def fold_pending(self, events: Sequence[Event]) -> None:
        """Fold ``events`` of a batch not appended yet into :attr:`state` only, keeping a
        spare copy of each projection before its first such event (see :meth:`undo`)."""
        state = self.state
        pending = self.pending
        for event in events:
            for name in projections_folding(type(event), state):
                if name not in pending:
                    self.spares.keep(state, name)
                    pending.add(name)
            state.apply(event)

    def commit(self, events: Sequence[Event]) -> None:
        """Count ``events``, folded into :attr:`state` and now appended, into the key index
        and the position."""
        keys = self.keys
        last = None
        for event in events:
            command = event.command
            if command is not last:
                keys.setdefault(command.key, event.position)
                last = command
        self.position += len(events)
        self.chain_known = False
        self.spares.record(events)
        self.pending.clear()

    def undo(self) -> None:
        """Take the events folded by :meth:`fold_pending` since the last :meth:`commit` out
        of :attr:`state`: the projections they changed are put back from their spares (in
        time proportional to the events since each spare, not to the log)."""
        if not self.pending:
            return
        try:
            self.spares.restore(self.state, self.pending)
        except BaseException:
            self.load()  # a projection whose fold raised: the log rebuilds them all
            raise
        finally:
            self.pending.clear()


def check_not_cut(store: EventStore) -> None:
    """Raise :class:`StoreCorruptError` if ``store`` keeps its head
    (:class:`~invorder.ports.KeepsHead`) and holds fewer events than it last acknowledged:
    the log was emptied or cut short since (a truncated table, a backup restored over it)."""
    if not hasattr(store, "last_head"):
        return
    last = cast("KeepsHead", store).last_head()
    if last is None:
        return
    head = store.head()  # read after last_head: a concurrent append only makes it larger
    if head < last[0]:
        raise StoreCorruptError(
            head,
            f"the store holds {head} events, but its own record says the log reached "
            f"{last[0]}: it was emptied or cut short (restore the lost events; to start on "
            f"the shorter log as it is, open the engine with allow_empty=True)",
        )
