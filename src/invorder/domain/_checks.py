"""Validators shared by the domain values: quantities, aware datetimes and identifiers.

Each raises the typed :mod:`invorder.domain.errors` error, so malformed values are refused
while they are being built, before any command reaches an engine.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from invorder.domain.errors import (
    InvalidIdentifierError,
    InvalidQuantityError,
    NaiveDatetimeError,
)


def positive_quantity(instance: object, attribute: Any, value: Any) -> None:
    """attrs validator: a positive ``int`` (``bool`` is refused)."""
    if type(value) is not int or value <= 0:
        raise InvalidQuantityError(attribute.name, value)


def non_negative_quantity(instance: object, attribute: Any, value: Any) -> None:
    """attrs validator: an ``int`` of zero or more (``bool`` is refused)."""
    if type(value) is not int or value < 0:
        raise InvalidQuantityError(attribute.name, value, allow_zero=True)


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


def check_identifier(field: str, value: object) -> None:
    """Raise :class:`InvalidIdentifierError` unless ``value`` is a usable id string."""
    if type(value) is not str or not value:
        raise InvalidIdentifierError(field, value, "it must be a non-empty string")
    if value != value.strip() or "\n" in value:
        raise InvalidIdentifierError(
            field, value, "it must not have surrounding whitespace or line breaks"
        )


def text(instance: object, attribute: Any, value: Any) -> None:
    """attrs validator: any ``str`` (possibly empty)."""
    if type(value) is not str:
        raise InvalidIdentifierError(attribute.name, value, "it must be a string")
