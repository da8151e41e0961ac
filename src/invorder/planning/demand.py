"""Demand history from the ledger and demand rates (moving average, exponential smoothing).

Demand is what went to ``@customer``: per SKU, location (the warehouse by default) and
day. Transfers never touch ``@customer``, so they are not demand; returns (``@customer ->
location``) are netted by default. Rates are statistics, so they are ``float`` units per
day; every quantity the planner suggests is a whole number of units.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Literal

import attrs

from invorder.domain.errors import InvalidReorderPolicyError
from invorder.domain.messages import Event
from invorder.domain.stock.events import StockPosted
from invorder.domain.stock.location import CUSTOMER

Method = Literal["moving_average", "exponential"]
"""How a demand rate is estimated from a daily series."""


@attrs.frozen
class DemandHistory:
    """Daily demand per ``(sku, location)`` from ``start`` for ``days`` days.

    Invariant: every series has exactly ``days`` values (day 0 is ``start``).
    """

    start: date
    """The first day."""
    days: int
    """How many days each series covers."""
    series: Mapping[tuple[str, str], Sequence[int]]
    """Units per day, by ``(sku, location)``; absent pairs had no demand."""

    def of(self, sku: str, location: str) -> Sequence[int]:
        """The daily series of ``sku`` at ``location`` (zeros if it never sold there)."""
        found = self.series.get((sku, location))
        return found if found is not None else (0,) * self.days

    def last_sale(self, sku: str, location: str) -> int | None:
        """Index of the last day with demand, or ``None``."""
        values = self.of(sku, location)
        for index in range(len(values) - 1, -1, -1):
            if values[index] > 0:
                return index
        return None


def _place(location: str, level: int) -> str:
    return "/".join(location.split("/")[:level])


def demand_history(
    events: Iterable[Event],
    start: date,
    days: int,
    *,
    net_returns: bool = True,
    level: int = 1,
) -> DemandHistory:
    """Daily units shipped to ``@customer`` per SKU and location from ``events``.

    ``level`` is how many path segments name the location (1: the warehouse). With
    ``net_returns`` a return subtracts from its day (a day may go negative); without it
    returns are ignored. Events outside ``[start, start + days)`` are skipped.
    """
    if days <= 0 or level <= 0:
        raise InvalidReorderPolicyError("days and level must be positive", days=days, level=level)
    table: dict[tuple[str, str], list[int]] = {}
    for event in events:
        if type(event) is not StockPosted:
            continue
        assert isinstance(event, StockPosted)
        day = (event.at.date() - start).days
        if not 0 <= day < days:
            continue
        for m in event.movements:
            if m.destination.location == CUSTOMER and m.source.location[:1] != "@":
                sign, where = 1, m.source.location
            elif (
                net_returns and m.source.location == CUSTOMER and m.destination.location[:1] != "@"
            ):
                sign, where = -1, m.destination.location
            else:
                continue
            key = (m.sku, _place(where, level))
            row = table.get(key)
            if row is None:
                row = table[key] = [0] * days
            row[day] += sign * m.quantity
    return DemandHistory(start, days, {key: tuple(row) for key, row in sorted(table.items())})


@attrs.frozen
class DemandRate:
    """Expected units per day and the standard deviation of daily demand."""

    mean: float
    """Units per day (never negative)."""
    sigma: float
    """Standard deviation of one day's demand."""


def estimate_demand(
    series: Sequence[int],
    method: Method = "moving_average",
    *,
    window: int = 28,
    alpha: float = 0.3,
) -> DemandRate:
    """The demand rate of a daily ``series`` (oldest first).

    ``moving_average``: mean and population standard deviation of the last ``window`` days.
    ``exponential``: simple exponential smoothing with factor ``alpha`` over the whole
    series; sigma is the root of the smoothed squared one-step forecast error.
    """
    if method == "moving_average":
        if window <= 0:
            raise InvalidReorderPolicyError("window must be positive", window=window)
        tail = series[-window:]
        n = len(tail)
        if not n:
            return DemandRate(0.0, 0.0)
        total = sum(tail)
        squares = sum(x * x for x in tail)
        mean = total / n
        variance = max(0.0, squares / n - mean * mean)
        return DemandRate(max(0.0, mean), math.sqrt(variance))
    if method == "exponential":
        if not 0.0 < alpha <= 1.0:
            raise InvalidReorderPolicyError("alpha must be in (0, 1]", alpha=alpha)
        if not series:
            return DemandRate(0.0, 0.0)
        level = float(series[0])
        error = 0.0
        for x in series[1:]:
            miss = x - level
            error = alpha * miss * miss + (1 - alpha) * error
            level += alpha * miss
        return DemandRate(max(0.0, level), math.sqrt(error))
    raise InvalidReorderPolicyError(f"unknown method {method!r}", method=method)
