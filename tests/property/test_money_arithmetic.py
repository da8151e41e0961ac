"""Money built by arithmetic (without checking again) is the same value as Money built and
checked from the same amount and currency: equal, with the same hash and text."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from invorder import Money
from invorder.domain.money import trusted_money

amounts = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False)
currencies = st.sampled_from(["USD", "EUR", "JPY"])


@given(amounts, amounts, st.integers(-1000, 1000), currencies)
def test_arithmetic_gives_the_checked_value(
    a: Decimal, b: Decimal, units: int, currency: str
) -> None:
    x, y = Money(a, currency), Money(b, currency)
    for made, checked in (
        (x + y, Money(a + b, currency)),
        (x.times(units), Money(a * units, currency)),
        (trusted_money(a, currency), x),
    ):
        assert type(made) is Money
        assert made == checked
        assert hash(made) == hash(checked)
        assert (str(made), repr(made)) == (str(checked), repr(checked))
