"""The converter's hooks for single values: ISO times, decimals as strings, enums by value,
the strict reader's exact JSON types, and fast readers of optional values and tuples."""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import cattrs
from cattrs.cols import homogenous_tuple_structure_factory

from invorder.domain import _checks
from invorder.domain.errors import CodecError, NaiveDatetimeError


def unstructure_datetime(value: datetime) -> str:
    """A time as ISO 8601 text."""
    return value.isoformat()


def structure_datetime(value: object, _: type) -> datetime:
    """A time from ISO 8601 text (or as it is), refused without a zone (the lenient reader)."""
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, str):
        result = datetime.fromisoformat(value)
    else:
        raise CodecError(f"a datetime from {value!r}", value)
    _checks.check_aware("datetime", result)
    return result


def exactly(kind: type, wording: str) -> Callable[[object, type], Any]:
    """A hook that takes a value of exactly ``kind`` (no bool for an int, no "2" for an int)."""

    def hook(value: object, _: type) -> Any:
        if type(value) is not kind:
            raise TypeError(f"must be {wording} (got {value!r})")
        return value

    return hook


def strict_float(value: object, _: type) -> float:
    """A float from a JSON number (an int or a float, not a bool or a string)."""
    if type(value) not in (int, float):
        raise TypeError(f"must be a number (got {value!r})")
    return float(value)  # type: ignore[arg-type]  # an int or a float, checked above


def strict_decimal(value: object, _: type) -> Decimal:
    """A decimal from a string or an integer; a JSON float has already lost digits (9.99 is
    9.9900000000000002131...), so it is refused."""
    if type(value) is int:
        return Decimal(value)
    if type(value) is str:
        try:
            return Decimal(value)
        except InvalidOperation:
            pass
    raise TypeError(f'must be a decimal string such as "9.99" (got {value!r})')


def strict_enum(value: object, kind: type[enum.Enum]) -> enum.Enum:
    """The member of ``kind`` whose value is ``value``, of the value's exact type."""
    if type(value) is kind:  # a dict unstructured in memory keeps a StrEnum's members
        return value
    member = _checks.member_of(kind, value)
    if member is not None:
        return member
    raise ValueError(f"must be {_checks.choices(kind)} (got {value!r})")


def strict_datetime(value: object, _: type) -> datetime:
    """A time from ISO 8601 text with a zone (the strict reader)."""
    if type(value) is not str:
        raise TypeError(f"must be an ISO 8601 time string (got {value!r})")
    try:
        result = datetime.fromisoformat(value)
    except ValueError:
        raise TypeError(NEEDS_ZONE.format(value=value)) from None
    if result.tzinfo is None:  # well-typed but naive: the same typed error as in code
        raise NaiveDatetimeError("datetime", value)
    return result


NEEDS_ZONE = (
    "must be an ISO 8601 time with a zone, such as 2026-11-27T10:00:00+00:00 (got {value!r})"
)
"""What a time that cannot be read is told (formatted with the value)."""


def is_optional(kind: Any) -> bool:
    """Whether ``kind`` is ``X | None`` (or ``Optional[X]``): a union of one type and ``None``."""
    union = typing.get_origin(kind) in (typing.Union, types.UnionType)
    arguments = typing.get_args(kind)
    return union and len(arguments) == 2 and type(None) in arguments


def optional_hook(converter: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    """A hook factory for ``X | None`` that looks ``X``'s hook up on first use (every hook is
    registered by then) and keeps it: cattrs' default takes the union apart for every value."""

    def factory(kind: Any) -> Callable[[Any, Any], Any]:
        inner = next(argument for argument in typing.get_args(kind) if argument is not type(None))
        hook: Callable[[Any, Any], Any] | None = None

        def structure(value: Any, _: Any) -> Any:
            nonlocal hook
            if value is None:
                return None
            if hook is None:
                hook = converter.get_structure_hook(inner)
            return hook(value, inner)

        return structure

    return factory


def is_tuple(kind: Any) -> bool:
    """Whether ``kind`` is a tuple type naming its items (``tuple[X, ...]``, ``tuple[X, Y]``)."""
    return typing.get_origin(kind) is tuple and bool(typing.get_args(kind))


def array_hook(converter: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    """A hook factory for the strict reader's tuples: a tuple only from a JSON array (or a
    tuple, in a dict made in memory), where cattrs alone reads any iterable (the string
    ``"L1"`` became ``("L", "1")``, a dict its keys).

    The items are read by cattrs' function for the tuple type, made on first use (every hook
    is registered by then) and kept: cattrs' default takes the type apart for every value.
    With field paths wanted, that function collects every item's problem.
    """

    def factory(kind: Any) -> Callable[[Any, Any], Any]:
        homogeneous = typing.get_args(kind)[-1] is Ellipsis
        read: Callable[[Any, Any], Any] | None = None

        def structure(value: Any, _: Any) -> Any:
            nonlocal read
            if type(value) is not list and type(value) is not tuple:
                raise TypeError(f"must be an array (got {value!r})")
            if read is None:
                read = (
                    homogenous_tuple_structure_factory(kind, converter)
                    if homogeneous
                    else converter.gen_structure_hetero_tuple(kind)
                )
            return read(value, kind)

        return structure

    return factory
