"""The command loop: decide against the projections, append at the position decided from,
fold in; on a conflict with another writer, read what changed and decide again."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType

import attrs

from invorder.domain.errors import (
    ConcurrencyError,
    InvorderError,
    StoreCorruptError,
    StoreUnavailableError,
)
from invorder.domain.messages import Command, Event
from invorder.domain.model import decide
from invorder.domain.rejection import CommandRejected
from invorder.engine._idempotency import RejectionCache, Rejections, prior_outcome
from invorder.engine._replica import Replica
from invorder.ports import EventStore

Outcome = tuple[Event, ...]
"""What an accepted command produced: its events, in log order."""

_NONE_DECIDED: Mapping[str, Outcome] = MappingProxyType({})
"""No command decided yet: what a single command's repeat check looks in first."""

STORE_ERRORS = (ConcurrencyError, StoreCorruptError, StoreUnavailableError)
"""Errors about the store, not the command: raised as they are, never kept as the outcome of
a command's key (a retry once the store is back must be decided afresh)."""


@attrs.frozen
class Rejected:
    """A command of a batch that was refused, with the error it got."""

    command: Command
    """The command."""
    error: InvorderError
    """Why it was refused."""


class Writer:
    """Runs the commands of one engine against its replica and store (see
    :class:`~invorder.Engine` for the rules of retries and idempotency)."""

    __slots__ = ("max_attempts", "rejections", "replica", "retries", "store")

    def __init__(
        self, store: EventStore, replica: Replica, max_attempts: int, rejection_cache: int
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.store = store
        """The log appended to."""
        self.replica = replica
        """The projections decided against."""
        self.max_attempts = max_attempts
        """How many times a command is decided before a conflict is raised."""
        self.rejections = RejectionCache(rejection_cache)
        """The keys this writer rejected or read rejected most recently (the log has all)."""
        self.retries = 0
        """How many times a concurrency conflict made this writer decide again."""

    def execute(self, command: Command) -> Outcome:
        """Decide ``command``, append its events and return them (or, for a refusal, append
        its :class:`CommandRejected` record and raise its error)."""
        replica = self.replica
        store = self.store
        lost: tuple[int, int] | None = None  # the last race lost: (expected, found)
        for attempt in range(self.max_attempts):
            if attempt:
                self.retries += 1
            prior = prior_outcome(command, store, replica.keys, _NONE_DECIDED, self.rejections)
            if prior is not None:
                return prior
            position = replica.position
            refused: InvorderError | None = None
            state = replica.state
            try:
                events: Outcome = decide(state, command, position)
            except InvorderError as error:
                # Kept in the log at the position decided from: if another writer appended
                # first (perhaps this very key, accepted), the append fails and the command
                # is decided again on the log as it now is.
                refused = error
                events = (CommandRejected.of(command, error, position),)
            try:
                store.append(events, expected_position=position)
            except ConcurrencyError as race:
                lost = (race.expected, race.actual)
                replica.catch_up()
                continue
            for event in events:  # Replica.fold, without its call on the hot path
                state.apply(event)
            replica.commit(events)
            if refused is not None:
                self.rejections.remember(command.key, command, refused)
                raise refused
            return events
        assert lost is not None  # every attempt but a returning one lost a race
        raise ConcurrencyError(*lost, self.max_attempts)

    def execute_many(self, commands: Iterable[Command]) -> list[Outcome | Rejected]:
        """Execute ``commands`` in order, one append each: the events of each, or its
        :class:`Rejected` (a store error, see :data:`STORE_ERRORS`, is raised)."""
        results: list[Outcome | Rejected] = []
        for command in commands:
            try:
                results.append(self.execute(command))
            except STORE_ERRORS:
                raise
            except InvorderError as error:
                results.append(Rejected(command, error))
        return results

    def execute_batch(self, commands: Iterable[Command]) -> list[Outcome | Rejected]:
        """Decide ``commands`` in order and append all their events in one store call.

        The events are folded as each command is decided (the next one is decided on the
        state they leave) but counted in only once appended; a lost race takes them out
        again (:meth:`Replica.undo`, from spare copies of the projections they changed) and
        reads the events appended since, so it costs the batch and that tail, never a replay
        of the log."""
        batch = list(commands)
        replica = self.replica
        store = self.store
        lost = (replica.position, replica.position)  # the last race lost: (expected, found)
        for attempt in range(self.max_attempts):
            if attempt:
                self.retries += 1
            position = replica.position
            try:
                results, events, rejected = self._decide_batch(batch)
                if not events:
                    # Only repeats, nothing folded: catching up is enough to decide again.
                    head = store.head()
                    if head == position:
                        self.rejections.update(rejected)
                        return results
                    lost = (position, head)
                    replica.catch_up()
                    continue
                store.append(events, expected_position=position)
            except ConcurrencyError as race:
                lost = (race.expected, race.actual)
                replica.undo()
                replica.catch_up()
                continue
            except BaseException:
                replica.undo()  # drop what the batch folded in before the failure
                raise
            replica.commit(events)
            self.rejections.update(rejected)
            return results
        raise ConcurrencyError(*lost, self.max_attempts)

    def _decide_batch(
        self, batch: Sequence[Command]
    ) -> tuple[list[Outcome | Rejected], list[Event], Rejections]:
        # Folds each command's events (or rejection record) at once, before the append, as
        # pending: the caller commits them once appended, or undoes them.
        replica = self.replica
        position = replica.position
        results: list[Outcome | Rejected] = []
        events: list[Event] = []
        decided: dict[str, Outcome] = {}
        rejected: Rejections = {}
        for command in batch:
            try:
                outcome = prior_outcome(command, self.store, replica.keys, decided, self.rejections)
            except STORE_ERRORS:
                raise
            except InvorderError as error:  # a repeat of a rejection, or a conflict
                results.append(Rejected(command, error))
                continue
            if outcome is not None:
                results.append(outcome)
                continue
            try:
                outcome = decide(replica.state, command, position)
                results.append(outcome)
            except InvorderError as error:
                outcome = (CommandRejected.of(command, error, position),)
                rejected[command.key] = (command, error)
                results.append(Rejected(command, error))
            replica.fold_pending(outcome)
            position += len(outcome)
            decided[command.key] = outcome
            events.extend(outcome)
        return results, events, rejected
