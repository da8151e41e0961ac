"""Hypothesis strategies for purchasing and planning values: money, suppliers, reorder
policies and planning items, to property-test a host's own replenishment logic."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from hypothesis import strategies as st

from invorder.domain.money import Money
from invorder.domain.purchasing.supplier import Supplier, SupplierTerms
from invorder.planning import DemandRate, MinMax, PeriodicReview, PlanningItem, Policy, ReorderPoint

__all__ = [
    "demand_rates",
    "money",
    "planning_items",
    "reorder_policies",
    "suppliers",
    "unit_costs",
]


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


def reorder_policies() -> st.SearchStrategy[Policy]:
    """Reorder point, min/max and periodic review policies with sensible parameters."""
    return st.one_of(
        st.builds(ReorderPoint, service_level=st.floats(0.5, 0.999), cover_days=st.integers(0, 30)),
        st.integers(0, 50).flatmap(
            lambda low: st.builds(MinMax, minimum=st.just(low), maximum=st.integers(low, low + 80))
        ),
        st.builds(PeriodicReview, review_days=st.integers(1, 14),
                  service_level=st.floats(0.5, 0.99)),
    )  # fmt: skip


def demand_rates(max_mean: float = 30.0, max_sigma: float = 10.0) -> st.SearchStrategy[DemandRate]:
    """Daily demand rates (mean and deviation, both >= 0)."""
    return st.builds(DemandRate, st.floats(0, max_mean), st.floats(0, max_sigma))


def planning_items(
    skus: Sequence[str], locations: Sequence[str], supplier_codes: Sequence[str], *,
    max_size: int = 12,
) -> st.SearchStrategy[list[PlanningItem]]:  # fmt: skip
    """Lists of planning items, at most one per (SKU, location)."""
    return st.lists(
        st.builds(
            PlanningItem,
            sku=st.sampled_from(tuple(skus)),
            location=st.sampled_from(tuple(locations)),
            atp=st.integers(0, 200),
            incoming=st.integers(0, 100),
            demand=demand_rates(),
            policy=reorder_policies(),
            supplier=st.sampled_from(tuple(supplier_codes)),
        ),
        max_size=max_size,
        unique_by=lambda item: (item.sku, item.location),
    )
