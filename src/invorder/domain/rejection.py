"""The rejection record: a command's refusal kept in the log, so that its key has one outcome
for ever (across restarts and engines), while no projection folds it."""

from __future__ import annotations

from typing import ClassVar

import attrs

from invorder.domain.errors import InvorderError
from invorder.domain.errors._facts import facts_of, rebuilt
from invorder.domain.messages import Command, FromCommand


@attrs.frozen(kw_only=True)
class CommandRejected(FromCommand):
    """A command the state refused, with the error it got: the outcome of its key.

    It changes no state (every projection skips it); it is in the log so that a repeat of
    the key, after a restart or on another engine, raises the same error again instead of
    being decided afresh, and so that the refusal was decided against the log's head (it is
    appended at the position it was decided at, like any outcome). The error is kept as
    data: its class name, code, message and facts (see :meth:`error`).
    """

    SCHEMA_VERSION: ClassVar[int] = 1
    position: int
    """Index of this record in the log (0-based, gap-free)."""
    command: Command
    """The command refused."""
    error_type: str
    """The class name of the error raised (``InsufficientStockError``)."""
    code: str
    """The error's stable code."""
    message: str
    """The error's message, as raised."""
    facts: str
    """The error's facts (its attributes, ``fields`` among them) as JSON, with tagged
    values for what JSON lacks (decimals, times, tuples)."""

    @classmethod
    def of(cls, command: Command, error: InvorderError, position: int) -> CommandRejected:
        """The record of ``command`` refused with ``error``, at log ``position``."""
        return cls(
            position=position, command=command, error_type=type(error).__name__,
            code=str(error.code), message=error.message, facts=facts_of(error),
        )  # fmt: skip

    def error(self) -> InvorderError:
        """The error the command got, built again: same class, code, message and facts.

        A class this version does not know (renamed since the record was written) comes
        back as a :class:`~invorder.errors.RejectedError` with the message kept.
        """
        return rebuilt(self.error_type, self.message, self.facts)


EVENTS = (CommandRejected,)
"""The event kinds of this module (none of them folded by any projection)."""
