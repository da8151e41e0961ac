"""An error kept as data in the log: its facts as JSON (with tagged values for what JSON
lacks), and the error built again from its class name, message and facts."""

from __future__ import annotations

import datetime as dt
import enum
import functools
import json
from decimal import Decimal
from typing import Any, cast

from invorder.domain.errors._declared import _rebuild
from invorder.domain.errors.root import InvorderError, RejectedError


def facts_of(error: InvorderError) -> str:
    """``error``'s facts (its attributes, ``fields`` among them, not its message) as JSON,
    with tagged values for what JSON lacks (decimals, times, tuples)."""
    facts = {k: v for k, v in vars(error).items() if k != "message"}
    return json.dumps(_encode(facts), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def rebuilt(error_type: str, message: str, facts: str) -> InvorderError:
    """The error of class ``error_type`` with this ``message`` and ``facts`` (as
    :func:`facts_of` wrote them), built again; a class this version does not know (renamed
    since it was written) comes back as a :class:`RejectedError` with the message kept."""
    cls = _error_classes().get(error_type)
    if cls is None:
        return _known_as_rejected(message)
    error = cast("InvorderError", _rebuild(cls, message))
    vars(error).update(json.loads(facts, object_hook=_tagged))
    error.message = message
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
