"""Money: an exact ``Decimal`` amount in one currency (unit costs and inventory value)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import attrs

from invorder.domain.errors import InvalidMoneyError

_CURRENCY = re.compile(r"[A-Z]{3}")


def _amount(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        raise InvalidMoneyError(f"amount must be a Decimal, int or str, got {value!r}", value)
    try:
        amount = Decimal(value)
    except ArithmeticError:
        raise InvalidMoneyError(f"amount {value!r} is not a number", value) from None
    if not amount.is_finite():
        raise InvalidMoneyError(f"amount must be finite, got {value!r}", value)
    return amount


def _currency(instance: object, attribute: Any, value: Any) -> None:
    if type(value) is not str or not _CURRENCY.fullmatch(value):
        raise InvalidMoneyError(
            f"currency must be a three-letter ISO 4217 code such as 'EUR', got {value!r}", value
        )


@attrs.frozen
class Money:
    """An amount of money: an exact ``Decimal`` (never a float) and an ISO 4217 currency.

    Invariants: ``amount`` is a finite Decimal (ints and numeric strings are converted;
    floats are refused because they cannot hold cents exactly); ``currency`` is three
    upper-case letters.
    """

    amount: Decimal = attrs.field(converter=_amount)
    """The amount (may be negative for differences; unit costs check for >= 0 themselves)."""
    currency: str = attrs.field(validator=_currency)
    """ISO 4217 code, e.g. ``"EUR"``."""

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def non_negative_cost(instance: object, attribute: Any, value: Money | None) -> None:
    """attrs validator: ``None`` or a :class:`Money` of zero or more."""
    if value is None:
        return
    if not isinstance(value, Money):
        raise InvalidMoneyError(f"{attribute.name} must be Money, got {value!r}", value)
    if value.amount < 0:
        raise InvalidMoneyError(
            f"{attribute.name} must not be negative, got {value}; a unit cost is zero or more",
            value.amount,
        )
