"""Money: a ``Decimal`` amount with an ISO 4217 currency code, never a float (prices,
unit costs, inventory value)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import attrs

from invorder.domain.errors import CurrencyMismatchError, InvalidMoneyError

_CURRENCY = re.compile(r"[A-Z]{3}")


def _amount(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise InvalidMoneyError("amount", value, "it must be a Decimal, an int or a numeric string")
    try:
        amount = Decimal(value)
    except ArithmeticError:
        raise InvalidMoneyError("amount", value, "it is not a number") from None
    if not amount.is_finite():
        raise InvalidMoneyError("amount", value, "it must be finite")
    return amount


def currency_code(instance: object, attribute: Any, value: Any) -> None:
    """attrs validator: an ISO 4217 currency code (three capital letters)."""
    if type(value) is not str or not _CURRENCY.fullmatch(value):
        raise InvalidMoneyError(
            "currency", value, "it must be an ISO 4217 code of three capital letters"
        )


@attrs.frozen(order=False)
class Money:
    """An amount of one currency, e.g. ``Money("12.50", "EUR")``.

    Invariants: ``amount`` is a finite ``Decimal`` (floats are refused: they cannot hold
    cents exactly); ``currency`` is three capital letters. Adding or comparing amounts of
    two currencies raises :class:`CurrencyMismatchError`.
    """

    amount: Decimal = attrs.field(converter=_amount)
    """The amount, exactly as given (``Decimal("12.50")``)."""
    currency: str = attrs.field(validator=currency_code)
    """The ISO 4217 currency code, e.g. ``"EUR"``."""

    def _same(self, other: Money, action: str) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatchError(action, self.currency, other.currency)

    def __add__(self, other: Money) -> Money:
        self._same(other, "add")
        return trusted_money(self.amount + other.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other, "compare")
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other, "compare")
        return self.amount <= other.amount

    def times(self, units: int) -> Money:
        """This amount multiplied by a whole number of units."""
        return trusted_money(self.amount * units, self.currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


_new = object.__new__
_set = object.__setattr__


def trusted_money(amount: Decimal, currency: str) -> Money:
    """A :class:`Money` of values already checked, built without checking them again: an
    amount computed from the amounts of valid ``Money`` (a ``Decimal`` operation raises
    rather than give an infinite result) and the currency of one of them. Anything from
    outside goes through ``Money(...)``."""
    money: Money = _new(Money)
    _set(money, "amount", amount)
    _set(money, "currency", currency)
    return money


def non_negative_cost(instance: object, attribute: Any, value: Money | None) -> None:
    """attrs validator: ``None`` or a :class:`Money` of zero or more (a unit cost)."""
    if value is None:
        return
    if not isinstance(value, Money):
        raise InvalidMoneyError(attribute.name, value, "it must be Money")
    if value.amount < 0:
        raise InvalidMoneyError(
            attribute.name, value, "it must not be negative: a unit cost is zero or more"
        )
