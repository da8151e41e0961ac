"""Simulation results as pandas DataFrames and matplotlib plots, for notebooks.

Needs the ``notebook`` extra (``pip install 'invorder[notebook]'``): pandas and matplotlib
are imported when a function is called, so importing this module never fails; a call
without them raises an ``ImportError`` naming the extra. Plots draw on the ``ax`` given (a
new figure's axes otherwise), return the axes and never call ``show``. The KPI tables are
here; the histories (the log, stock and backorders over time) are in ``history``; a
sweep's tables and plots (:mod:`invorder.simulate.sweep`) are in ``_sweep_frames``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from invorder.simulate._extra import EXTRA, axes, require, unique
from invorder.simulate._sweep_frames import (
    paired_table,
    plot_paired,
    plot_sweep,
    sweep_summary,
    sweep_table,
)
from invorder.simulate.comparison import Comparison, labels
from invorder.simulate.history import (
    HISTORY_COLUMNS,
    Run,
    backorders_over_time,
    event_history,
    plot_backorders,
    plot_stock,
    stock_over_time,
)
from invorder.simulate.kpi import Report, kpi_rows
from invorder.simulate.table import difference

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = [
    "backorders_over_time",
    "comparison_table",
    "decision_table",
    "event_history",
    "EXTRA",
    "fill_rates",
    "HISTORY_COLUMNS",
    "kpi_table",
    "paired_table",
    "plot_backorders",
    "plot_fill_rate",
    "plot_paired",
    "plot_stock",
    "plot_sweep",
    "Run",
    "stock_over_time",
    "sweep_summary",
    "sweep_table",
]


def _reports(runs: Sequence[Report | Comparison]) -> list[Report]:
    out: list[Report] = []
    for run in runs:
        out.extend((run.a, run.b) if isinstance(run, Comparison) else (run,))
    if not out:
        raise ValueError("give at least one report or comparison")
    return out


# --- KPI tables ----------------------------------------------------------------------------


def kpi_table(report: Report) -> pd.DataFrame:
    """One row per channel (``all`` first), one column per KPI (``Kpis`` field names; an
    amount takes a column per currency, ``invoiced_value USD``: the rows of
    :func:`~invorder.simulate.kpi.kpi_rows`); ``.T`` gives the layout of
    :func:`~invorder.simulate.format_report`."""
    require("pandas")
    import pandas as pd

    columns = {"all": report.overall, **report.by_channel}
    rows = kpi_rows(list(columns.values()))
    return pd.DataFrame(
        [[values[n] for _, values in rows] for n in range(len(columns))],
        index=pd.Index(list(columns), name="channel"),
        columns=[name for name, _ in rows],
    )


def comparison_table(comparison: Comparison, channel: str | None = None) -> pd.DataFrame:
    """The rows of :meth:`Comparison.rows` (the same rows as the text and HTML views): one
    row per KPI, a column per run (named by its rule) and ``difference`` (second minus
    first). Overall figures, plus oversold units, stock-out SKUs, stock units and the stock
    value (per currency, then per warehouse) by default; with ``channel``, that channel's
    KPIs. Counts stay integers, shares and measures floats, amounts ``Decimal``."""
    require("pandas")
    import pandas as pd

    first, second = labels(comparison)
    rows = comparison.rows(channel)
    frame = pd.DataFrame(
        {
            first: [r.a for r in rows],
            second: [r.b for r in rows],
            "difference": [difference(r.name, r.a, r.b) for r in rows],
        },
        index=pd.Index([r.name for r in rows], name="kpi"),
        dtype=object,
    )
    return frame


def decision_table(comparison: Comparison) -> pd.DataFrame:
    """The orders routed differently: one row per (order, warehouse, SKU) either run
    allocated, with units under each run and the difference."""
    require("pandas")
    import pandas as pd

    first, second = labels(comparison)
    rows = []
    for order in comparison.differing:
        units: dict[tuple[str, str], list[int]] = {}
        for side, rep in enumerate((comparison.a, comparison.b)):
            for warehouse, sku, n in rep.decisions.get(order, ()):
                units.setdefault((warehouse, sku), [0, 0])[side] += n
        for (warehouse, sku), (x, y) in sorted(units.items()):
            rows.append((order, warehouse, sku, x, y, y - x))
    frame = pd.DataFrame(
        rows, columns=["order", "warehouse", "sku", first, second, "difference"]
    ).astype({first: "int64", second: "int64", "difference": "int64"})
    return frame.set_index(["order", "warehouse", "sku"])


def fill_rates(*reports: Report | Comparison) -> pd.DataFrame:
    """Fill rate per channel (``all`` first), one column per run (comparisons give two)."""
    require("pandas")
    import pandas as pd

    chosen = _reports(reports)
    channels: dict[str, None] = {"all": None}
    for rep in chosen:
        channels.update(dict.fromkeys(rep.by_channel))
    data = {
        name: [rep.overall.fill_rate if ch == "all" else _fill(rep, ch) for ch in channels]
        for name, rep in zip(unique([r.rule for r in chosen]), chosen, strict=True)
    }
    return pd.DataFrame(data, index=pd.Index(list(channels), name="channel"), dtype=float)


def _fill(rep: Report, channel: str) -> float | None:
    kpis = rep.by_channel.get(channel)
    return None if kpis is None else kpis.fill_rate


def plot_fill_rate(*reports: Report | Comparison, ax: Axes | None = None) -> Axes:
    """Bars of fill rate per channel in percent, one bar per run in each group; the legend
    sits above the bars so that it covers none of them."""
    ax = axes(ax)
    from matplotlib.ticker import PercentFormatter

    frame = fill_rates(*reports)
    width = 0.8 / len(frame.columns)
    positions = list(range(len(frame.index)))
    for n, name in enumerate(frame.columns):
        shifted = [p + (n - (len(frame.columns) - 1) / 2) * width for p in positions]
        ax.bar(shifted, frame[name].fillna(0.0).tolist(), width=width, label=str(name))
    ax.set_xticks(positions, [str(c) for c in frame.index])
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1))
    ax.set_ylabel("fill rate")
    ax.set_title("fill rate by channel", pad=24)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=len(frame.columns),
              frameon=False, fontsize="small")  # fmt: skip
    return ax
