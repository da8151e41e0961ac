"""Validators shared by the domain values: quantities, aware datetimes, identifiers, choices
and field kinds.

Each raises the typed :mod:`invorder.domain.errors` error, so malformed values are refused
while they are being built, before any command reaches an engine.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from invorder.domain.errors import (
    InvalidFieldError,
    InvalidIdentifierError,
    InvalidListError,
    InvalidQuantityError,
    NaiveDatetimeError,
)

E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")


def items(field: str, value: object, kind: type[T] | None, what: str) -> tuple[T, ...]:
    """The items of the list ``field`` as a tuple: ``value`` must be a list, a tuple or
    another iterable (not a string, bytes or a mapping, whose items are characters or keys)
    and, when ``kind`` is given, each item a ``kind``. Raises :class:`InvalidFieldError`
    (``holds must be a list of hold names (got 'fraud')``, ``lines[2] must be a
    LineQuantity (got 'L1')``)."""
    found: tuple[Any, ...]
    if isinstance(value, tuple):  # the common cases first: no abstract class to ask
        found = value
    elif isinstance(value, list | frozenset | set):
        found = tuple(value)
    elif isinstance(value, str | bytes | bytearray | Mapping) or not isinstance(value, Iterable):
        raise InvalidFieldError(field, value, f"a list of {what}")
    else:
        found = tuple(value)
    if kind is not None:
        for n, item in enumerate(found):
            if not isinstance(item, kind):
                article = "an" if kind.__name__[:1] in "AEIOU" else "a"
                raise InvalidFieldError(f"{field}[{n}]", item, f"{article} {kind.__name__}")
    return found


def pairs(field: str, value: object, what: str) -> list[tuple[Any, Any]]:
    """The (key, value) pairs of ``field``, given as a mapping or as a list of pairs (each a
    tuple or a list of two); anything else raises :class:`InvalidFieldError` (``weights must
    be a mapping or a list of (channel, weight) pairs (got 7)``)."""
    if isinstance(value, dict) or isinstance(value, Mapping):  # noqa: SIM101  # dict first: fast
        return list(value.items())
    wanted = f"a mapping or a list of {what} pairs"
    if isinstance(value, str | bytes | bytearray) or not isinstance(value, Iterable):
        raise InvalidFieldError(field, value, wanted)
    found = list(value)
    for n, pair in enumerate(found):
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise InvalidFieldError(f"{field}[{n}]", pair, f"a {what} pair")
    return [(key, item) for key, item in found]


def lookup(field: str, value: object) -> str:
    """``value``, the id a query looks up, if it is a string; a number, ``None``, a list or
    anything else raises :class:`InvalidFieldError` naming ``field`` (a list is not
    hashable, and a number is never an id: neither is "not found")."""
    if isinstance(value, str):
        return value
    raise InvalidFieldError(field, value, "a string")


def lookups(**ids: object) -> None:
    """Each of ``ids`` (field name to value) checked as :func:`lookup` checks it."""
    for field, value in ids.items():
        lookup(field, value)


def choices(kind: type[enum.Enum]) -> str:
    """The allowed values of ``kind`` for a message: ``one of 'dtc', 'marketplace'``."""
    return "one of " + ", ".join(repr(member.value) for member in kind)


def one_of(kind: type[E], field: str) -> Callable[[object], E]:
    """attrs converter: a member of ``kind``, or its documented value (``"dtc"`` for
    ``OrderKind.DTC``); anything else raises :class:`InvalidFieldError` listing the values."""

    def convert(value: object) -> E:
        if isinstance(value, kind):
            return value
        found = member_of(kind, value)
        if found is None:
            raise InvalidFieldError(field, value, choices(kind))
        return found

    return convert


def member_of(kind: type[E], value: object) -> E | None:
    """The member of ``kind`` whose value is ``value`` and of its exact type (``True`` is not
    the ``IntEnum`` member 1), found by one dict look-up; ``None`` if there is none."""
    try:
        found = _by_value(kind).get(value)
    except TypeError:  # unhashable: no member's value
        return None
    return found if found is not None and type(found._value_) is type(value) else None


@functools.cache
def _by_value(kind: type[E]) -> dict[object, E]:
    # Values equal across types (1 and 1.0) are one member to Enum (an alias), so a dict by
    # value finds every member.
    return {member.value: member for member in kind}


def boolean(instance: object, attribute: Any, value: Any) -> None:
    """attrs validator: ``True`` or ``False`` (not ``1``, not ``"yes"``)."""
    if type(value) is not bool:
        raise InvalidFieldError(attribute.name, value, "true or false")


def integer(instance: object, attribute: Any, value: Any) -> None:
    """attrs validator: an ``int`` (``bool`` is refused)."""
    if type(value) is not int:
        raise InvalidFieldError(attribute.name, value, "an integer")


def instance_of(kind: type[Any]) -> Callable[[object, Any, Any], None]:
    """attrs validator: an instance of ``kind``, or :class:`InvalidFieldError` naming it."""

    def check(instance: object, attribute: Any, value: Any) -> None:
        if not isinstance(value, kind):
            raise InvalidFieldError(attribute.name, value, f"a {kind.__name__}")

    return check


MAX_QUANTITY = 10**12
"""The most units one quantity may name (a trillion): anything above is a typo or a unit
mix-up, and would not fit every store's integer columns."""


def positive_quantity(instance: object, attribute: Any, value: Any) -> None:
    """attrs validator: a positive ``int`` up to :data:`MAX_QUANTITY` (``bool`` refused)."""
    if type(value) is not int or value <= 0:
        raise InvalidQuantityError(attribute.name, value)
    if value > MAX_QUANTITY:
        raise InvalidQuantityError(attribute.name, value, most=MAX_QUANTITY)


def non_negative_quantity(instance: object, attribute: Any, value: Any) -> None:
    """attrs validator: an ``int`` from zero up to :data:`MAX_QUANTITY` (``bool`` refused)."""
    if type(value) is not int or value < 0:
        raise InvalidQuantityError(attribute.name, value, allow_zero=True)
    if value > MAX_QUANTITY:
        raise InvalidQuantityError(attribute.name, value, allow_zero=True, most=MAX_QUANTITY)


def aware_datetime(instance: object, attribute: Any, value: Any) -> None:
    """attrs validator: a ``datetime`` carrying a timezone."""
    check_aware(attribute.name, value)


def check_aware(field: str, value: object) -> None:
    """Raise :class:`NaiveDatetimeError` unless ``value`` is a timezone-aware datetime."""
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise NaiveDatetimeError(field, value)


def identifier(instance: object, attribute: Any, value: Any) -> None:
    """attrs validator: a non-empty string without surrounding whitespace."""
    check_identifier(attribute.name, value)


MAX_IDENTIFIER_LENGTH = 200
"""The longest id, key, SKU code or reference, in characters (every store keeps them whole)."""


def is_identifier(value: object) -> bool:
    """True if ``value`` passes :func:`check_identifier` (the rule in one expression, for
    converters on the hot path that check before they explain)."""
    return (
        type(value) is str
        and 0 < len(value) <= MAX_IDENTIFIER_LENGTH
        and value.isprintable()
        and value == value.strip()
    )


def check_identifier(field: str, value: object) -> None:
    """Raise :class:`InvalidIdentifierError` unless ``value`` is a usable id string: not
    empty, at most :data:`MAX_IDENTIFIER_LENGTH` characters, printable (no control, format
    or zero-width characters, no tabs or line breaks, no separators but the ASCII space),
    and without surrounding spaces. The same rule holds on every store."""
    if is_identifier(value):
        return
    if type(value) is not str or not value:
        raise InvalidIdentifierError(field, value, "it must be a non-empty string")
    if len(value) > MAX_IDENTIFIER_LENGTH:
        raise InvalidIdentifierError(
            field,
            value[:40] + "...",
            f"it must be at most {MAX_IDENTIFIER_LENGTH} characters (got {len(value):,})",
        )
    if not value.isprintable():
        bad = next(c for c in value if not c.isprintable())
        raise InvalidIdentifierError(
            field,
            value,
            f"it must be printable: no control, format or zero-width characters, tabs or "
            f"line breaks (found U+{ord(bad):04X} at {value.index(bad)})",
        )
    if value != value.strip():
        raise InvalidIdentifierError(field, value, "it must not have surrounding whitespace")


def optional_identifier(instance: object, attribute: Any, value: Any) -> None:
    """attrs validator: ``""`` (not given) or an identifier (see :func:`check_identifier`)."""
    if value != "":
        check_identifier(attribute.name, value)


def named_once(
    field: str, names: Iterable[str], what: str, hint: str, *, required: bool = True
) -> None:
    """Raise :class:`InvalidListError` for the list ``field`` if it names an item twice
    (``{what} {name!r} appears twice; {hint}``) or, when ``required``, names none."""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            label = f"{what} {name!r}" if what else repr(name)
            raise InvalidListError(field, f"{label} appears twice; {hint}")
        seen.add(name)
    if required and not seen:
        raise InvalidListError(field, f"no {what} given; {hint}")


def text(instance: object, attribute: Any, value: Any) -> None:
    """attrs validator: any ``str`` (possibly empty)."""
    if type(value) is not str:
        raise InvalidIdentifierError(attribute.name, value, "it must be a string")
