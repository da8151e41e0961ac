"""A sweep's result as pandas DataFrames and matplotlib plots, for notebooks (the
``notebook`` extra; :mod:`invorder.simulate.notebook` exports them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from invorder.simulate._extra import axes, require
from invorder.simulate.sweep import SweepResult
from invorder.simulate.table import Kind, format_of

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

_CELL_COLUMNS = ["rule", "day", "seed", "error"]


def sweep_table(result: SweepResult) -> pd.DataFrame:
    """One row per cell (indexed by its position in the grid): rule, day, seed, error
    (``None`` when it ran), then a column per KPI (missing for a failed cell)."""
    require("pandas")
    import pandas as pd

    rows = [
        [r.cell.rule, r.cell.day, r.cell.seed, r.error, *(r.kpis.get(k) for k in result.kpis)]
        for r in result.rows
    ]
    frame = pd.DataFrame(
        rows,
        index=pd.Index([r.cell.index for r in result.rows], name="cell"),
        columns=[*_CELL_COLUMNS, *result.kpis],
    )
    return frame.astype({"seed": "Int64"})


def sweep_summary(result: SweepResult) -> pd.DataFrame:
    """One row per (KPI, rule), rules best first on each KPI: replicates ``n``, ``mean``,
    the 95% interval's ``low`` and ``high``, and ``rank`` (``<NA>`` for a KPI with no better
    direction); ``.loc["fill_rate"]`` is one KPI's ranking."""
    require("pandas")
    import pandas as pd

    keys, rows = [], []
    for kpi in result.kpis:
        for rule, est in result.ranking(kpi):
            keys.append((kpi, rule))
            rows.append([est.n, est.mean, est.low, est.high, est.rank])
    frame = pd.DataFrame(
        rows,
        index=pd.MultiIndex.from_tuples(keys, names=["kpi", "rule"]),
        columns=["n", "mean", "low", "high", "rank"],
    )
    return frame.astype({"n": "int64", "low": "float64", "high": "float64", "rank": "Int64"})


def paired_table(result: SweepResult) -> pd.DataFrame:
    """The paired differences: one row per (KPI, first rule, second rule) with ``n``, the
    ``mean`` of first minus second over the days both ran, its 95% interval and the rule
    the interval says is ``better`` (missing when it does not say)."""
    require("pandas")
    import pandas as pd

    columns = ["kpi", "a", "b", "n", "mean", "low", "high", "better"]
    rows = [[getattr(p, c) for c in columns] for p in result.paired]
    frame = pd.DataFrame(rows, columns=columns).astype({"low": "float64", "high": "float64"})
    return frame.set_index(["kpi", "a", "b"])


def _scale(kpi: str) -> tuple[float, str]:
    if format_of(kpi).kind is Kind.PERCENT:
        return 100.0, f"{kpi} (%)"
    return 1.0, kpi


def plot_sweep(result: SweepResult, kpi: str, ax: Axes | None = None) -> Axes:
    """Each rule's ``kpi`` across the days: a point per day, and the mean with its 95%
    interval as a bar beside them; rules best first, left to right."""
    ax = axes(ax)
    scale, label = _scale(kpi)
    ranked = result.ranking(kpi)
    for x, (rule, est) in enumerate(ranked):
        values = [r.kpis[kpi] * scale for r in result.rows if r.cell.rule == rule and r.ok]
        ax.plot([x - 0.1] * len(values), values, "o", alpha=0.5, color=f"C{x}")
        low = est.mean if est.low is None else est.low
        high = est.mean if est.high is None else est.high
        error = [[(est.mean - low) * scale], [(high - est.mean) * scale]]
        ax.errorbar([x + 0.1], [est.mean * scale], yerr=error, fmt="s", capsize=4, color=f"C{x}")
    ax.set_xticks(range(len(ranked)), [rule for rule, _ in ranked])
    ax.set_ylabel(label)
    ax.set_title(f"{kpi} across days: each day, and the mean with its 95% interval")
    return ax


def plot_paired(result: SweepResult, kpi: str, ax: Axes | None = None) -> Axes:
    """Each rule minus the best rule on ``kpi``, day by day (points) and the mean with its
    95% interval (a bar); a line at zero: a bar that does not cross it is a difference the
    days bear out."""
    ax = axes(ax)
    scale, label = _scale(kpi)
    ranked = result.ranking(kpi)
    best = ranked[0][0]
    by_day = {(r.cell.rule, r.cell.replicate): r.kpis for r in result.rows if r.ok}
    others = [rule for rule, _ in ranked[1:]]
    for y, rule in enumerate(others):
        diffs = [
            (kpis[kpi] - by_day[(best, day)][kpi]) * scale
            for (name, day), kpis in by_day.items()
            if name == rule and (best, day) in by_day
        ]
        ax.plot(diffs, [y - 0.1] * len(diffs), "o", alpha=0.5, color=f"C{y}")
        pair = result.pair(kpi, rule, best)
        low = pair.mean if pair.low is None else pair.low
        high = pair.mean if pair.high is None else pair.high
        error = [[(pair.mean - low) * scale], [(high - pair.mean) * scale]]
        ax.errorbar([pair.mean * scale], [y + 0.1], xerr=error, fmt="s", capsize=4, color=f"C{y}")
    ax.axvline(0.0, color="grey", linewidth=1)
    ax.set_yticks(range(len(others)), [f"{rule} - {best}" for rule in others])
    ax.set_xlabel(f"difference in {label}")
    ax.set_title(f"{kpi}: each rule minus {best}, day by day, with the 95% interval")
    return ax
