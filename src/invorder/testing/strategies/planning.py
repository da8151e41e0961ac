"""Hypothesis strategies for replenishment planning values: demand rates, reorder policies
and planning items, to property-test a host's own replenishment logic."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st

from invorder.planning import DemandRate, MinMax, PeriodicReview, PlanningItem, Policy, ReorderPoint

__all__ = ["demand_rates", "planning_items", "reorder_policies"]


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
