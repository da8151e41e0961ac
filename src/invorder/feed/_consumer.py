"""A named consumer of the channel feed: reads what is after its checkpoint, and moves the
checkpoint (kept through the :class:`~invorder.ports.CheckpointStore` port) once delivered."""

from __future__ import annotations

from collections import deque

from invorder.domain import _checks
from invorder.domain.errors import InvalidCheckpointError, InvalidFieldError
from invorder.domain.messages import Event
from invorder.feed._notification import Notification
from invorder.feed._project import FeedProjection
from invorder.ports import CheckpointStore, EventStore

PAGE = 10_000
"""Events a consumer reads from the store at a time when it is asked for a limited batch."""


class Feed:
    """The notifications ``consumer`` has not acknowledged yet, for one channel or all.

    Delivery is at least once: :meth:`pending` gives the notifications of the events at or
    after the stored checkpoint, the host delivers them (deduping on
    :attr:`Notification.id`), then calls :meth:`acknowledge`. A crash in between delivers
    them again. Two processes consuming under one name may both deliver, but only one moves
    the checkpoint (:class:`~invorder.errors.CheckpointConflictError` for the other).

    The feed folds the log from position 0 as it is read (as an engine without a snapshot
    starts; with a ``limit``, a page of :data:`PAGE` events at a time, only as far as the
    batch needs), and never folds an event twice.
    """

    __slots__ = ("_buffer", "_carry", "_channel", "_checkpoints", "_consumer", "_expected",
                 "_projection", "_store", "_upto")  # fmt: skip

    def __init__(
        self,
        store: EventStore,
        checkpoints: CheckpointStore,
        consumer: str,
        *,
        channel: str | None = None,
    ) -> None:
        _checks.check_identifier("consumer", consumer)
        if channel is not None:
            _checks.check_identifier("channel", channel)
        self._store, self._checkpoints = store, checkpoints
        self._consumer, self._channel = consumer, channel
        self._projection = FeedProjection()
        self._buffer: deque[Notification] = deque()  # not acknowledged, in log order
        self._expected: int | None = None  # the checkpoint the last pending() read
        self._upto = 0  # where acknowledge() moves it
        self._carry: list[Event] = []  # read, not folded: a command a page cut

    @property
    def checkpoint(self) -> int:
        """The stored checkpoint: every notification of the events before it was delivered."""
        return self._checkpoints.load(self._consumer)

    @property
    def read_from(self) -> int | None:
        """The checkpoint the last :meth:`pending` read (where :meth:`acknowledge` moves it
        from), ``None`` before the first."""
        return self._expected

    def pending(self, limit: int | None = None) -> list[Notification]:
        """The notifications of the events at or after the checkpoint, up to the log's head
        (with ``limit``, about that many: the notifications of one event are never cut).

        Raises :class:`~invorder.errors.InvalidCheckpointError` when the stored checkpoint
        is past the log's head (another log, or one rolled back)."""
        if limit is not None and (type(limit) is not int or limit < 1):
            raise InvalidFieldError("limit", limit, "a whole number of notifications, 1 or more")
        head = self._store.head()
        checkpoint = self._checkpoints.load(self._consumer)
        if checkpoint > head:
            raise InvalidCheckpointError(self._consumer, checkpoint, f"past the log's head {head}")
        self._drop_before(checkpoint)
        if self._expected is not None and checkpoint < self._expected:
            # Moved back (a host reset it): read again from the start.
            self._projection, self._buffer, self._carry = FeedProjection(), deque(), []
        self._fold(head, checkpoint, limit)
        self._expected = checkpoint
        found: list[Notification] = []
        self._upto = self._projection.position  # every notification up to it is buffered
        for n in self._buffer:
            if limit is not None and len(found) >= limit and n.position != found[-1].position:
                self._upto = n.position  # whole events: the cut falls between two
                break
            found.append(n)
        return found

    def _fold(self, head: int, checkpoint: int, limit: int | None) -> None:
        """Fold the log up to ``head``, or (with ``limit``) page by page until more than
        ``limit`` notifications wait: the feed is given whole commands, so the events of a
        command a page cuts wait for the next page (read once, kept meanwhile)."""
        projection, buffer, channel = self._projection, self._buffer, self._channel
        carry = self._carry
        while projection.position < head and (limit is None or len(buffer) < limit):
            start = projection.position + len(carry)
            stop = head if limit is None else min(head, start + PAGE)
            events = [*carry, *self._store.read(start, stop)]
            carry = []
            if stop < head:
                cut, last = len(events), events[-1].key
                while cut and events[cut - 1].key == last:
                    cut -= 1  # the last command may go on past the page
                carry = events[cut:]
                del events[cut:]
            buffer.extend(n for n in projection.stream(events) if n.position >= checkpoint
                          and (channel is None or n.channel == channel))  # fmt: skip
        self._carry = carry

    def acknowledge(self, through: int | None = None) -> int:
        """Record that every notification of the events before ``through`` (default: all
        that the last :meth:`pending` returned) was delivered; return the new checkpoint.

        Raises :class:`~invorder.errors.InvalidCheckpointError` for a position past the
        log's head or behind the checkpoint, and
        :class:`~invorder.errors.CheckpointConflictError` when another consumer of the
        same name moved it since :meth:`pending` read it (nothing changes)."""
        if through is not None and (type(through) is not int or through < 0):
            raise InvalidFieldError("through", through, "a log position, 0 or more")
        expected = self._expected
        if expected is None:
            expected = self._checkpoints.load(self._consumer)
            self._upto = expected
        position = self._upto if through is None else through
        head = self._store.head()
        if position > head:
            raise InvalidCheckpointError(self._consumer, position, f"past the log's head {head}")
        if position < expected:
            raise InvalidCheckpointError(
                self._consumer, position, f"behind the stored checkpoint {expected}"
            )
        self._checkpoints.advance(self._consumer, expected, position)
        self._expected = position
        self._drop_before(position)
        return position

    def _drop_before(self, position: int) -> None:
        buffer = self._buffer
        while buffer and buffer[0].position < position:
            buffer.popleft()
