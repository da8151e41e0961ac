"""A sweep's tables and plots for notebooks, on a result built from hand-made rows (no
simulation runs): one row per cell, the summary best first, the paired differences."""

from __future__ import annotations

from collections.abc import Iterator

import matplotlib.pyplot as plt
import numpy as np
import pytest

from invorder.simulate import notebook as nb
from invorder.simulate.sweep import Cell, CellResult, SweepResult

FILL = {("a", 1): 0.90, ("b", 1): 0.80, ("a", 2): 0.92, ("b", 2): 0.83, ("a", 3): 0.91}


def _row(index: int, rule: str, seed: int) -> CellResult:
    cell = Cell(index=index, rule=rule, day="small", seed=seed)
    if (rule, seed) not in FILL:
        return CellResult(cell=cell, kpis={}, error="RuntimeError: boom")
    return CellResult(cell=cell, kpis={"orders": 500, "fill_rate": FILL[(rule, seed)]})


@pytest.fixture
def result() -> SweepResult:
    rows = [_row(n, rule, seed) for n, (seed, rule) in
            enumerate((s, r) for s in (1, 2, 3) for r in ("b", "a"))]  # fmt: skip
    return SweepResult.of(("b", "a"), rows)


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def test_one_row_per_cell_with_its_error(result: SweepResult) -> None:
    cells = nb.sweep_table(result)
    assert list(cells.columns) == ["rule", "day", "seed", "error", "orders", "fill_rate"]
    assert cells.index.name == "cell"
    assert cells.loc[4, "error"] == "RuntimeError: boom"
    assert cells["fill_rate"].isna().loc[4]
    assert cells.loc[5, "fill_rate"] == 0.91
    assert str(cells["seed"].dtype) == "Int64"


def test_the_summary_lists_the_rules_best_first(result: SweepResult) -> None:
    summary = nb.sweep_summary(result)
    fill = summary.loc["fill_rate"]
    assert list(fill.index) == ["a", "b"]
    assert list(fill["rank"]) == [1, 2]
    assert list(fill["n"]) == [3, 2]
    assert fill.loc["a", "mean"] == pytest.approx(0.91)
    assert summary["rank"].isna().loc[("orders", "b")]


def test_paired_differences_use_the_days_both_ran(result: SweepResult) -> None:
    pairs = nb.paired_table(result).to_dict("index")
    row = pairs[("fill_rate", "b", "a")]
    assert row["n"] == 2
    assert row["mean"] == pytest.approx(-0.095)
    assert row["better"] == "a"  # -0.10 and -0.09: the interval stays below zero
    assert not isinstance(pairs[("orders", "b", "a")]["better"], str)  # missing


def test_plots_draw_every_day_and_the_interval(result: SweepResult) -> None:
    ax = nb.plot_sweep(result, "fill_rate")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b"]
    days = np.asarray(ax.get_lines()[0].get_ydata()).tolist()
    assert days == pytest.approx([90.0, 92.0, 91.0])  # percent
    ax = nb.plot_paired(result, "fill_rate")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["b - a"]
    differences = np.asarray(ax.get_lines()[0].get_xdata()).tolist()
    assert sorted(differences) == pytest.approx([-10.0, -9.0])
