"""Planning items from an engine: ATP, incoming by date and unit costs at one moment."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

from invorder.domain.stock.location import is_within
from invorder.domain.stock.movement import Bucket
from invorder.engine import Engine
from invorder.planning.demand import DemandHistory, Method, estimate_demand
from invorder.planning.policy import Policy
from invorder.planning.suggestion import PlanningItem


def planning_items(
    engine: Engine,
    history: DemandHistory,
    at: datetime,
    policy: Callable[[str, str], Policy],
    *,
    locations: Iterable[str] | None = None,
    supplier_of: Mapping[str, str] | None = None,
    method: Method = "moving_average",
    window: int = 28,
    alpha: float = 0.3,
) -> list[PlanningItem]:
    """One :class:`PlanningItem` per stocked SKU (bundles excluded) and location
    (default: every warehouse, i.e. top-level location): ATP at ``at``, units incoming on
    confirmed purchase orders and in transit (with their arrival day), the demand rate from
    ``history`` and the average cost from the engine's valuation."""
    places = sorted(locations) if locations is not None else sorted(
        {path.split("/", 1)[0] for path in engine.locations()}
    )  # fmt: skip
    suppliers = supplier_of or {}
    valuation = engine.valuation(until=at)
    orders = [o for o in engine.purchase_orders() if o.confirmed and not o.closed]
    items: list[PlanningItem] = []
    for sku in engine.skus():
        if sku.components:
            continue
        cost = valuation.sku(sku.code).average_cost
        for place in places:
            arrivals: list[tuple[int, int]] = []
            for order in orders:
                if not is_within(order.location, place):
                    continue
                line = order.line(sku.code)
                if line is not None and line.outstanding:
                    arrivals.append((max(0, (line.eta - at).days), line.outstanding))
            in_transit = engine.rollup(sku.code, place, Bucket.IN_TRANSIT)
            if in_transit:
                arrivals.append((0, in_transit))
            items.append(
                PlanningItem(
                    sku=sku.code, location=place, atp=engine.atp(sku.code, place, at),
                    incoming=sum(units for _, units in arrivals),
                    demand=estimate_demand(
                        history.of(sku.code, place), method, window=window, alpha=alpha
                    ),
                    policy=policy(sku.code, place), supplier=suppliers.get(sku.code, ""),
                    unit_cost=cost, arrivals=arrivals,
                )
            )  # fmt: skip
    return items
