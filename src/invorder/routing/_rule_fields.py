"""Checks for the fields of the built-in routing blocks, so that a block built from its
class (``AtMost(limit=2, then=spill_over())``) is refused as its factory function
refuses it: :class:`~invorder.errors.InvalidRoutingRuleError` when it is built, never a
bare Python error when an order is routed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from invorder.domain.errors import InvalidRoutingRuleError
from invorder.domain.stock.location import LocationId, location_id
from invorder.routing.rule import Criterion

Check = Callable[[object, Any, Any], None]
"""An attrs validator: (instance, attribute, value)."""


def _where(instance: object, attribute: Any) -> str:
    return f"{type(instance).__name__}.{attribute.name}"


def text(instance: object, attribute: Any, value: Any) -> None:
    """A string (a block's name, a reason shown in explanations)."""
    if type(value) is not str:
        raise InvalidRoutingRuleError(f"{_where(instance, attribute)} must be a string",
                                      value=value)  # fmt: skip


def name(instance: object, attribute: Any, value: Any) -> None:
    """A non-empty string: a name explanations and allocation records show."""
    if type(value) is not str or not value:
        raise InvalidRoutingRuleError(f"{_where(instance, attribute)} must be a non-empty "
                                      "string", value=value)  # fmt: skip


def flag(instance: object, attribute: Any, value: Any) -> None:
    """``True`` or ``False``."""
    if type(value) is not bool:
        raise InvalidRoutingRuleError(f"{_where(instance, attribute)} must be True or False",
                                      value=value)  # fmt: skip


def whole(least: int, message: str = "") -> Check:
    """A whole number (not a bool) of at least ``least``; ``message`` says what the
    factory function says of it, when it has one."""

    def check(instance: object, attribute: Any, value: Any) -> None:
        if type(value) is not int or value < least:
            said = message or f"{_where(instance, attribute)} must be a whole number >= {least}"
            raise InvalidRoutingRuleError(said, **{attribute.name: value})

    return check


def function(instance: object, attribute: Any, value: Any) -> None:
    """A callable (a host's function, a rule)."""
    if not callable(value):
        raise InvalidRoutingRuleError(f"{_where(instance, attribute)} must be callable",
                                      value=value)  # fmt: skip


def block(*methods: str) -> Check:
    """A block with a string ``name`` and each of ``methods`` callable (a ranker's
    ``rank``, a split policy's ``split``, a backorder policy's ``settle``)."""

    def check(instance: object, attribute: Any, value: Any) -> None:
        if not has(value, *methods):
            wanted = " and ".join(f"a {m}() method" for m in methods)
            raise InvalidRoutingRuleError(
                f"{_where(instance, attribute)} must have a string name and {wanted}",
                value=value,
            )

    return check


def has(value: Any, *methods: str) -> bool:
    """Whether ``value`` has a string ``name`` and every one of ``methods`` callable."""
    return isinstance(getattr(value, "name", None), str) and all(
        callable(getattr(value, method, None)) for method in methods
    )


def listed(value: Any, what: str, **facts: Any) -> tuple[Any, ...]:
    """The items of a list setting as a tuple; a string, bytes, a mapping (whose items
    would be characters or keys) or a value that is not iterable raises
    :class:`~invorder.errors.InvalidRoutingRuleError` saying ``what`` it takes."""
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise InvalidRoutingRuleError(f"{what} (got {value!r})", **facts)
    return tuple(value)


def locations(value: Iterable[str]) -> tuple[LocationId, ...]:
    """A priority list's locations: each a location path, none twice."""
    order = tuple(
        location_id(path, "priority_list")
        for path in listed(value, "priority_list takes a list of locations", order=value)
    )
    if len(set(order)) != len(order):
        raise InvalidRoutingRuleError("priority_list names a location twice", order=order)
    return order


def criterion(value: Any) -> Criterion:
    """``value`` if it is a criterion: callable, with a string ``name`` and a bool
    ``higher_is_better``."""
    if has(value, "__call__") and isinstance(getattr(value, "higher_is_better", None), bool):
        return value  # type: ignore[no-any-return]  # duck-typed Criterion checked above
    raise InvalidRoutingRuleError(
        "rank by Criterion values (priority_list(), nearest(), ... or criterion(fn))",
        value=value,
    )


def criteria(value: Iterable[Criterion]) -> tuple[Criterion, ...]:
    """The criteria of a ranker that ranks by each in turn."""
    return tuple(criterion(c) for c in listed(value, "by takes criteria", criteria=value))


def weights(
    value: Iterable[tuple[Criterion, int | str | Decimal]],
) -> tuple[tuple[Criterion, Decimal], ...]:
    """A weighted ranker's (criterion, weight) pairs: at least one, each weight positive."""
    pairs = listed(value, "weighted takes (criterion, weight) pairs", pairs=value)
    if not pairs:
        raise InvalidRoutingRuleError("weighted needs at least one (criterion, weight) pair")
    checked = []
    for pair in pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise InvalidRoutingRuleError("weighted takes (criterion, weight) pairs", pair=pair)
        crit, weight = pair
        if isinstance(weight, bool | float) or not isinstance(weight, int | str | Decimal):
            raise InvalidRoutingRuleError(
                "a weight is an int, a numeric string or a Decimal", weight=weight
            )
        try:
            amount = Decimal(weight)
        except ArithmeticError:
            raise InvalidRoutingRuleError("a weight must be a number", weight=weight) from None
        if not amount.is_finite() or amount <= 0:
            raise InvalidRoutingRuleError("a weight must be positive", weight=weight)
        checked.append((criterion(crit), amount))
    return tuple(checked)


def zones(value: Mapping[tuple[str, str], int] | None) -> dict[tuple[str, str], int]:
    """A zone table: ``(location zone, ship-to zone)`` pairs of strings to a distance (a
    non-negative number), sorted by key."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidRoutingRuleError("nearest's zone_table must be a mapping", zone_table=value)
    for key, distance in value.items():
        if not (isinstance(key, tuple) and len(key) == 2 and all(type(z) is str for z in key)):
            raise InvalidRoutingRuleError("a zone_table key is a (zone, zone) pair", key=key)
        if (
            isinstance(distance, bool)
            or not isinstance(distance, int | float | Decimal)
            or not (distance >= 0)
        ):
            raise InvalidRoutingRuleError("a zone distance is a non-negative number",
                                          key=key, distance=distance)  # fmt: skip
    return dict(sorted(value.items()))
