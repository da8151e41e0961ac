"""Hypothesis strategies for purchasing values: money, unit costs and suppliers with their
terms, to property-test a host's own purchasing or replenishment logic."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from hypothesis import strategies as st

from invorder.domain.money import Money
from invorder.domain.purchasing.supplier import Supplier, SupplierTerms

__all__ = ["money", "suppliers", "unit_costs"]


def money(
    currency: str = "EUR", min_value: str = "-1000", max_value: str = "1000"
) -> st.SearchStrategy[Money]:
    """Amounts with two decimals in one currency."""
    return st.builds(
        Money,
        st.decimals(Decimal(min_value), Decimal(max_value), places=2, allow_nan=False),
        st.just(currency),
    )


def unit_costs(currency: str = "EUR", max_value: str = "500") -> st.SearchStrategy[Money]:
    """Unit costs: zero or more, two decimals."""
    return money(currency, "0", max_value)


def suppliers(
    code: str = "S1", skus: Sequence[str] = (), *, lead_time: bool = True
) -> st.SearchStrategy[Supplier]:
    """A supplier with a lead time (unless ``lead_time`` is false), a minimum, a case pack and
    optional per-SKU terms for some of ``skus``."""
    terms = st.lists(
        st.builds(
            SupplierTerms,
            sku=st.sampled_from(tuple(skus)),
            lead_time_days=st.one_of(st.none(), st.integers(0, 30)),
            min_order_quantity=st.one_of(st.none(), st.integers(0, 100)),
            case_pack=st.one_of(st.none(), st.integers(1, 48)),
        ),
        max_size=len(skus),
        unique_by=lambda t: t.sku,
    ) if skus else st.just([])  # fmt: skip
    return st.builds(
        Supplier,
        supplier=st.just(code),
        lead_time_days=st.integers(0, 30) if lead_time else st.none(),
        min_order_quantity=st.integers(0, 100),
        case_pack=st.integers(1, 48),
        terms=terms,
    )
