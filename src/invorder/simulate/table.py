"""How each figure of the KPI and comparison tables is written (percentages as %, thousands
separators, integers as integers) and which way is better: one formatter for the plain-text
and HTML views, so both write every row the same way."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum

import attrs

Value = int | float | Decimal | None
"""A figure in a table row: a count, a share or measure, an amount, or nothing."""


class Kind(Enum):
    """How a figure is written."""

    COUNT = "count"
    """An integer, with thousands separators: ``12,345``."""
    PERCENT = "percent"
    """A share written as a percentage with one decimal: ``97.3%``."""
    RATIO = "ratio"
    """A ratio with three decimals: ``1.042``."""
    DECIMAL = "decimal"
    """A measure with one decimal and thousands separators: ``1,234.5``."""
    MONEY = "money"
    """An amount with two decimals and thousands separators: ``1,234.50``."""


@attrs.frozen
class Format:
    """How a KPI is written and which way is better."""

    kind: Kind
    """How the figure is written."""
    better: int = 0
    """``1`` when more is better, ``-1`` when less is, ``0`` when neither."""


FORMATS: dict[str, Format] = {
    "orders": Format(Kind.COUNT),
    "lines": Format(Kind.COUNT),
    "units": Format(Kind.COUNT),
    "cancelled_units": Format(Kind.COUNT),
    "fill_rate": Format(Kind.PERCENT, 1),
    "first_time_fill_rate": Format(Kind.PERCENT, 1),
    "shipments": Format(Kind.COUNT),
    "split_rate": Format(Kind.RATIO, -1),
    "backordered_units": Format(Kind.COUNT, -1),
    "mean_backorder_age_h": Format(Kind.DECIMAL, -1),
    "sla_misses": Format(Kind.COUNT, -1),
    "distance_km": Format(Kind.DECIMAL, -1),
    "closed_orders": Format(Kind.COUNT, 1),
    "open_orders": Format(Kind.COUNT),
    "orders_not_closable": Format(Kind.COUNT, -1),
    "oversold_units": Format(Kind.COUNT, -1),
    "stock_out_skus": Format(Kind.COUNT, -1),
    "stock_units": Format(Kind.COUNT),
    "unvalued_units": Format(Kind.COUNT),
}
"""Per row name, how it is written; a ``stock_value ...`` row, and a row of an amount KPI
(``invoiced_value USD``, ...), is money."""

_AMOUNTS = ("stock_value", "invoiced_value", "credited_value", "captured_value", "refunded_value")


def format_of(name: str) -> Format:
    """The format of the row called ``name``."""
    if name.split(" ", 1)[0] in _AMOUNTS:
        return Format(Kind.MONEY)
    return FORMATS[name]


def text(name: str, value: Value) -> str:
    """``value`` of the row ``name`` as the tables write it; ``None`` is ``-``."""
    if value is None:
        return "-"
    kind = format_of(name).kind
    if kind is Kind.PERCENT:
        return f"{float(value):.1%}"
    if kind is Kind.RATIO:
        return f"{float(value):,.3f}"
    if kind is Kind.DECIMAL:
        return f"{float(value):,.1f}"
    if kind is Kind.MONEY:
        return f"{Decimal(value):,.2f}"
    return f"{int(value):,}"


def difference(name: str, a: Value, b: Value) -> Value:
    """``b - a`` for the row ``name`` (``None`` when either is missing); percentages give a
    difference in points of the same scale (0.012 is 1.2 points)."""
    if a is None or b is None:
        return None
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return Decimal(b) - Decimal(a)
    if isinstance(a, float) or isinstance(b, float):
        return round(float(b) - float(a), 4)
    return b - a


def difference_text(name: str, a: Value, b: Value) -> str:
    """The difference as the tables write it: signed, ``pp`` for percentage points."""
    change = difference(name, a, b)
    if change is None:
        return "-"
    if format_of(name).kind is Kind.PERCENT:
        return f"{float(change) * 100:+.1f} pp"
    written = text(name, change)
    return written if written.startswith("-") else "+" + written


def better(name: str, a: Value, b: Value) -> int:
    """``0`` when the first value is better, ``1`` when the second is, ``-1`` when neither
    (equal, missing, or a row without a better direction)."""
    direction = format_of(name).better
    change = difference(name, a, b)
    if not direction or change is None or change == 0:
        return -1
    return 1 if (change > 0) == (direction > 0) else 0
