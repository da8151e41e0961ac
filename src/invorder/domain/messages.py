"""The bases every command and event share (a command's idempotency key and time, an
event's link to the command behind it, the :class:`Event` protocol), and the row type of
the areas' decision tables."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

import attrs

from invorder.domain import _checks


@attrs.frozen(kw_only=True)
class Command:
    """Fields every command has: its idempotency key and the time it was given."""

    key: str = attrs.field(validator=_checks.identifier)
    """Idempotency key and command id: a repeat with the same key is answered, not redone."""
    at: datetime = attrs.field(validator=_checks.aware_datetime)
    """When the command was given (timezone-aware)."""


class _HasCommand(Protocol):
    @property
    def command(self) -> Command: ...


class FromCommand:
    """Base of every event: its ``key`` and ``at`` are those of the command behind it."""

    __slots__ = ()

    @property
    def key(self: _HasCommand) -> str:
        """Idempotency key of the command that produced the event."""
        return self.command.key

    @property
    def at(self: _HasCommand) -> datetime:
        """When the command said it happened."""
        return self.command.at


class Event(Protocol):
    """What every event offers: its position, the command behind it, its key and time."""

    @property
    def command(self) -> Command:
        """The command that produced the event."""

    @property
    def position(self) -> int:
        """Index of the event in the log."""

    @property
    def key(self) -> str:
        """Idempotency key of the command that produced it."""

    @property
    def at(self) -> datetime:
        """When the command said it happened."""


@attrs.frozen
class Decision:
    """One row of an area's table of who decides what: the command type, the pure function
    that decides it, and the state it reads.

    ``decide`` is called as ``decide(*reads, command, position)`` and returns the events to
    append (one, or a tuple) or raises the typed error of the first rule the command breaks.
    """

    command: type[Command]
    """The command type (exact: a subclass needs a row of its own)."""
    decide: Callable[..., Any]
    """The decision function."""
    reads: tuple[str, ...]
    """What it is given, in order: projection names of the domain state, or ``context``
    (the order decisions' view of every projection and the allocation policies)."""
    arrival: bool = False
    """True when stock may arrive through it: waiting backorders are served after it."""
