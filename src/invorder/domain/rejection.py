"""The rejection record: a command's refusal kept in the log, so that its key has one outcome
for ever (across restarts and engines), while no projection folds it."""

from __future__ import annotations

import datetime as dt
import enum
import functools
import json
from decimal import Decimal
from typing import Any, ClassVar, cast

import attrs

from invorder.domain.errors import InvorderError, RejectedError
from invorder.domain.errors._declared import _rebuild
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
        facts = {k: v for k, v in vars(error).items() if k != "message"}
        return cls(
            position=position, command=command, error_type=type(error).__name__,
            code=str(error.code), message=error.message, facts=_dumps(facts),
        )  # fmt: skip

    def error(self) -> InvorderError:
        """The error the command got, built again: same class, code, message and facts.

        A class this version does not know (renamed since the record was written) comes
        back as a :class:`~invorder.errors.RejectedError` with the message kept.
        """
        cls = _error_classes().get(self.error_type)
        if cls is None:
            return _known_as_rejected(self.message)
        error = cast("InvorderError", _rebuild(cls, self.message))
        vars(error).update(json.loads(self.facts, object_hook=_tagged))
        error.message = self.message
        return error


def _known_as_rejected(message: str) -> InvorderError:
    return RejectedError(message)


@functools.cache
def _error_classes() -> dict[str, type[InvorderError]]:
    found: dict[str, type[InvorderError]] = {}
    pending: list[type[InvorderError]] = [InvorderError]
    while pending:
        cls = pending.pop()
        found.setdefault(cls.__name__, cls)
        pending.extend(cls.__subclasses__())
    return found


# JSON has no decimals, times, tuples or sets: such values travel as {"$kind": value}.


def _encode(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return _encode(value.value)  # a StrEnum/IntEnum equals its value
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, tuple):
        return {"$tuple": [_encode(v) for v in value]}
    if isinstance(value, frozenset | set):
        return {"$frozenset": sorted((_encode(v) for v in value), key=repr)}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    return repr(value)  # a value of a host's type: its wording survives, not its type


def _dumps(facts: dict[str, Any]) -> str:
    return json.dumps(_encode(facts), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _tagged(data: dict[str, Any]) -> Any:
    if len(data) == 1:
        ((tag, value),) = data.items()
        if tag == "$decimal":
            return Decimal(value)
        if tag == "$datetime":
            return dt.datetime.fromisoformat(value)
        if tag == "$date":
            return dt.date.fromisoformat(value)
        if tag == "$tuple":
            return tuple(value)
        if tag == "$frozenset":
            return frozenset(value)
    return data


EVENTS = (CommandRejected,)
"""The event kinds of this module (none of them folded by any projection)."""
