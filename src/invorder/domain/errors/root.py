"""The root of invorder's errors and its four branches: malformed input, rejected by the
state, idempotency conflict (with the order capture's own case) and concurrency conflict;
and the two errors of a store that fails the engine (corrupt, unavailable); a feed
checkpoint moved by another consumer."""

from __future__ import annotations

from typing import ClassVar

from invorder.domain.errors._declared import DeclaredError
from invorder.domain.errors.codes import ErrorCode


class InvorderError(DeclaredError):
    """Root of every error invorder raises on purpose.

    ``code`` is stable across releases (use it in logs and APIs); ``fields`` holds the
    structured facts the message was built from. The root and the branches take a message
    and fields; every other class declares its facts and words its message from them.
    """

    code: ClassVar[ErrorCode] = ErrorCode.INVORDER_ERROR


class ValidationError(InvorderError, ValueError):
    """Malformed input: the command is wrong whatever the state is."""

    code = ErrorCode.VALIDATION_ERROR


class RejectedError(InvorderError):
    """A well-formed command that the current state refuses; retrying as-is will not help."""

    code = ErrorCode.REJECTED


class IdempotencyConflictError(InvorderError):
    """An idempotency key reused for a command whose content differs from the first one."""

    code = ErrorCode.IDEMPOTENCY_CONFLICT
    template = (
        "idempotency key {key!r} was first used with {field}={first!r}, now {second!r}; "
        "a key names one command: use a new key for a different command"
    )
    key: str
    field: str
    first: object
    second: object


class ConcurrencyError(InvorderError):
    """Another writer appended first; reload and retry (the engine does so a few times)."""

    code = ErrorCode.CONCURRENCY_CONFLICT
    template = (
        "the log moved on (expected position {expected}, found {actual}) "
        "after {attempts} attempt(s); it is safe to retry the command"
    )
    expected: int
    actual: int
    attempts: int = 1


class StoreCorruptError(InvorderError):
    """The store gave back a log that breaks the port's promise (an append-only, gap-free
    sequence of positions, each event linked to the one before by its chain hash): an event
    missing, one out of place, one whose bytes or hash changed, a row that cannot be
    decoded, or a log shorter than the store once held. Retrying will not help; the log
    needs a person (restore the missing rows from a backup)."""

    code = ErrorCode.STORE_CORRUPT
    position: int | None
    """The first position found wrong; ``None`` when the store cannot tell (a database
    file that is not one, or whose pages are damaged)."""
    problem: str

    def _render(self) -> str:
        at = "" if self.position is None else f" at position {self.position}"
        return (
            f"the event store is corrupt{at}: {self.problem}; the log must be a gap-free "
            "sequence from 0 (restore it from a backup)"
        )


class StoreUnavailableError(InvorderError):
    """The store could not be reached, read or written: a database locked past its timeout,
    a full disk, a read-only file, a connection refused or lost. Nothing was written (an
    append is all or nothing), so it is safe to retry once the store is back; ``operation``
    says what the engine asked of the store, ``problem`` what the store answered."""

    code = ErrorCode.STORE_UNAVAILABLE
    template = (
        "the store could not {operation}: {problem}; nothing was written (an append is all "
        "or nothing): it is safe to retry once the store is reachable and writable"
    )
    operation: str
    problem: str


class CheckpointConflictError(InvorderError):
    """Another consumer of the same name moved a feed checkpoint first (the checkpoint port
    advances by compare-and-set). Nothing was written: read the notifications again from the
    stored checkpoint; those already delivered are told apart by their ids."""

    code = ErrorCode.CHECKPOINT_CONFLICT
    template = (
        "the checkpoint of consumer {consumer!r} is no longer {expected} (another consumer "
        "of that name moved it to {actual}); read again from the stored checkpoint"
    )
    consumer: str
    expected: int
    actual: int


class OrderConflictError(IdempotencyConflictError):
    """A capture for a (channel, external id) already taken in with other content.

    ``key`` is ``channel/external_id``.
    """

    code = ErrorCode.ORDER_CONFLICT
    template = (
        "order {external_id!r} of channel {channel!r} was captured with {field}={first!r}, "
        "now {second!r}; an order is captured once: change it with holds, cancellations or "
        "returns"
    )
    channel: str
    external_id: str

    # Written out: a capture names the order first, where a dataclass would put the
    # inherited facts (key, field, first, second) first.
    def __init__(
        self, channel: str, external_id: str, field: str, first: object, second: object
    ) -> None:
        self.key = f"{channel}/{external_id}"
        self.channel, self.external_id = channel, external_id
        self.field, self.first, self.second = field, first, second
        self._settle()


class PaymentConflictError(IdempotencyConflictError):
    """A payment provider reference reported again with other content (another kind, order
    or amount): a reference names one fact of the provider.

    ``key`` is the reference.
    """

    code = ErrorCode.PAYMENT_CONFLICT
    template = (
        "payment reference {key!r} was first reported with {field}={first!r}, now "
        "{second!r}; a provider reference names one payment fact: report another fact under "
        "its own reference"
    )
