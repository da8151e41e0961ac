"""Buyer's reports: stock-out risk over a horizon, overstock, slow movers (value tied up)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from invorder.domain.money import Money
from invorder.domain.stock.catalog import SkuId
from invorder.planning.demand import DemandHistory
from invorder.planning.policy import days_of_cover
from invorder.planning.suggestion import PlanningItem


@attrs.frozen
class StockOutLine:
    """A SKU at a location that runs out within the horizon at the expected rate."""

    sku: SkuId
    """The SKU."""
    location: str
    """The location."""
    day: int
    """First day (0 = today) the projected stock is below zero."""
    shortfall: int
    """Units short at the end of the horizon."""
    atp: int
    """ATP now."""
    incoming: int
    """Units arriving within the horizon."""


def stock_out_report(items: Iterable[PlanningItem], horizon_days: int) -> list[StockOutLine]:
    """Items whose ATP plus arrivals by date falls short of expected demand within
    ``horizon_days``, soonest first. Day ``d`` has ``atp + arrivals up to d - demand x (d+1)``."""
    found: list[StockOutLine] = []
    for item in items:
        rate = item.demand.mean
        if rate <= 0:
            continue
        arrivals = [(d, u) for d, u in item.arrivals if d < horizon_days]
        stock = float(item.atp)
        first: int | None = None
        index = 0
        for day in range(horizon_days):
            while index < len(arrivals) and arrivals[index][0] <= day:
                stock += arrivals[index][1]
                index += 1
            stock -= rate
            if stock < 0 and first is None:
                first = day
        if first is not None:
            found.append(
                StockOutLine(
                    item.sku, item.location, first, math.ceil(-stock - 1e-9), item.atp,
                    sum(u for _, u in arrivals),
                )
            )  # fmt: skip
    return sorted(found, key=lambda line: (line.day, line.sku, line.location))


def _value(units: int, cost: Money | None) -> Money | None:
    return None if cost is None else Money(cost.amount * units, cost.currency)


@attrs.frozen
class OverstockLine:
    """A SKU at a location holding more than ``max_cover_days`` of demand."""

    sku: SkuId
    """The SKU."""
    location: str
    """The location."""
    days_of_cover: float
    """How long the position lasts (``inf`` with no demand)."""
    excess: int
    """Units above ``max_cover_days`` of demand."""
    value: Money | None
    """What the excess is worth at its unit cost (cash tied up)."""


def overstock_report(items: Iterable[PlanningItem], max_cover_days: int) -> list[OverstockLine]:
    """Items whose ATP + incoming covers more than ``max_cover_days``, by value then units."""
    found: list[OverstockLine] = []
    for item in items:
        position = item.atp + item.incoming
        cover = days_of_cover(position, item.demand)
        if cover <= max_cover_days or position <= 0:
            continue
        keep = math.ceil(item.demand.mean * max_cover_days - 1e-9)
        excess = position - keep
        if excess > 0:
            found.append(
                OverstockLine(
                    item.sku, item.location, cover, excess, _value(excess, item.unit_cost)
                )
            )
    return sorted(
        found,
        key=lambda x: (-(x.value.amount if x.value else Decimal(0)), -x.excess, x.sku, x.location),
    )


@attrs.frozen
class SlowMover:
    """Stock that has not sold for ``idle_days`` days or more."""

    sku: SkuId
    """The SKU."""
    location: str
    """The location."""
    on_hand: int
    """Units held."""
    idle_days: int
    """Days since the last sale (the whole history if it never sold)."""
    value: Money | None
    """Value tied up at the unit cost."""


def slow_movers(
    history: DemandHistory,
    on_hand: Mapping[tuple[str, str], int],
    days: int,
    unit_costs: Mapping[str, Money] | None = None,
) -> list[SlowMover]:
    """Stock held at ``(sku, location)`` with no sale in the last ``days`` days of
    ``history``, largest value first (then most units)."""
    costs = unit_costs or {}
    found: list[SlowMover] = []
    for (sku, location), units in on_hand.items():
        if units <= 0:
            continue
        last = history.last_sale(sku, location)
        idle = history.days if last is None else history.days - 1 - last
        if idle >= days:
            found.append(
                SlowMover(SkuId(sku), location, units, idle, _value(units, costs.get(sku)))
            )
    return sorted(
        found,
        key=lambda x: (-(x.value.amount if x.value else Decimal(0)), -x.on_hand, x.sku, x.location),
    )
