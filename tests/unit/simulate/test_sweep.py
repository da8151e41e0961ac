"""Rule tournaments: the grid, its checks, the rows and their statistics, and the same bytes
on every backend; a failing cell, Ctrl-C and the Dask backend's errors."""

from __future__ import annotations

import json
import math
import multiprocessing
import sys

import pytest

from invorder import simulate as sim
from invorder.errors import InvalidFieldError
from invorder.simulate import sweep
from invorder.simulate._sweep_stats import interval

# has_stock is a filter factory: called as a rule, it raises (a cell that fails everywhere).
BROKEN = "invorder.routing:has_stock"
RULES = ("nearest", "most_stock")


@pytest.fixture(scope="module")
def grid() -> sweep.Grid:
    return sweep.Grid(rules=RULES, generate="small", seeds=(1, 2, 3))


@pytest.fixture(scope="module")
def serial(grid: sweep.Grid) -> sweep.SweepResult:
    return sweep.run(grid, "serial")


def test_the_grid_runs_every_rule_on_every_seed_in_a_fixed_order(grid: sweep.Grid) -> None:
    cells = grid.cells()
    assert [(c.index, c.rule, c.day, c.seed) for c in cells[:3]] == [
        (0, "nearest", "small", 1),
        (1, "most_stock", "small", 1),
        (2, "nearest", "small", 2),
    ]
    assert len(cells) == 6
    assert {c.replicate for c in cells} == {("small", 1), ("small", 2), ("small", 3)}


def test_a_row_is_the_single_run_report_of_its_cell(serial: sweep.SweepResult) -> None:
    row = serial.rows[3]
    assert (row.cell.rule, row.cell.seed) == ("most_stock", 2)
    rep = sim.report(sim.simulate(sim.generate_size("small", 2), "most_stock"))
    assert row.kpis["fill_rate"] == rep.overall.fill_rate
    assert row.kpis["sla_misses"] == rep.overall.sla_misses
    assert row.kpis["stock_value USD"] == float(rep.stock_value.value["USD"].amount)
    assert list(serial.kpis[:3]) == ["orders", "lines", "units"]
    assert "oversold_units" in serial.kpis
    assert not any(k.startswith("stock_value ") and k.count(" ") == 2 for k in serial.kpis)


def test_the_summary_is_the_mean_and_t_interval_across_seeds(serial: sweep.SweepResult) -> None:
    fill = [r.kpis["fill_rate"] for r in serial.rows if r.cell.rule == "nearest"]
    estimate = serial.summary["fill_rate"]["nearest"]
    mean = sum(fill) / 3
    sd = math.sqrt(sum((x - mean) ** 2 for x in fill) / 2)
    assert estimate.n == 3
    assert estimate.mean == pytest.approx(mean, abs=1e-6)
    assert estimate.high == pytest.approx(mean + 4.302652730 * sd / math.sqrt(3), abs=1e-6)
    assert estimate.half_width == pytest.approx(4.302652730 * sd / math.sqrt(3), abs=2e-6)
    ranks = {rule: e.rank for rule, e in serial.summary["fill_rate"].items()}
    assert sorted(rank or 0 for rank in ranks.values()) == [1, 2]
    best = serial.ranking("fill_rate")[0]
    assert best[1].rank == 1
    assert serial.summary["orders"]["nearest"].rank is None  # no better direction


def test_paired_differences_are_per_seed_and_say_who_is_better(
    serial: sweep.SweepResult,
) -> None:
    by = {(r.cell.rule, r.cell.seed): r.kpis["distance_km"] for r in serial.rows}
    diffs = [by[("nearest", s)] - by[("most_stock", s)] for s in (1, 2, 3)]
    pair = serial.pair("distance_km", "nearest", "most_stock")
    assert pair.n == 3
    assert pair.mean == pytest.approx(sum(diffs) / 3, abs=1e-6)
    assert pair.high is not None
    assert pair.high < 0  # nearest ships shorter, every day
    assert pair.better == "nearest"
    back = serial.pair("distance_km", "most_stock", "nearest")
    assert (back.mean, back.low, back.better) == (-pair.mean, -pair.high, "nearest")
    with pytest.raises(KeyError, match="no paired difference"):
        serial.pair("distance_km", "nearest", "first_fit")


def test_the_same_grid_gives_the_same_json_on_local_processes(
    grid: sweep.Grid, serial: sweep.SweepResult
) -> None:
    local = sweep.run(grid, sweep.Local(workers=2))
    assert json.dumps(local.to_dict()) == json.dumps(serial.to_dict())
    assert multiprocessing.active_children() == []


def test_the_same_grid_gives_the_same_json_on_a_dask_local_cluster_of_two_workers(
    grid: sweep.Grid, serial: sweep.SweepResult
) -> None:
    pytest.importorskip("distributed")
    seen: list[tuple[int, int]] = []
    on_dask = sweep.run(grid, sweep.Dask(workers=2, processes=False), progress=_record(seen))
    assert json.dumps(on_dask.to_dict()) == json.dumps(serial.to_dict())
    assert seen[-1] == (6, 6)


def _record(seen: list[tuple[int, int]]) -> sweep.Progress:
    def progress(done: int, total: int) -> None:
        seen.append((done, total))

    return progress


def test_a_given_scenario_is_one_replicate_sent_to_the_workers() -> None:
    day = sim.generate_size("small", 4)
    grid = sweep.Grid(rules=RULES, scenarios={"friday": day})
    result = sweep.run(grid, sweep.Local(workers=2))
    assert [(r.cell.day, r.cell.seed) for r in result.rows] == [("friday", None)] * 2
    expected = sim.report(sim.simulate(day, "most_stock")).overall.fill_rate
    assert result.rows[1].kpis["fill_rate"] == expected
    assert result.summary["fill_rate"]["nearest"].low is None  # one replicate: no interval
    assert sweep.Grid(rules=RULES, scenarios=[day]).scenarios[0][0] == day.header.name


@pytest.mark.parametrize("backend", ["serial", "local"])
def test_a_failing_cell_is_a_row_with_its_error_and_the_rest_goes_on(backend: str) -> None:
    grid = sweep.Grid(rules=("nearest", BROKEN), generate="small", seeds=(1, 2))
    result = sweep.run(grid, backend)
    assert [r.ok for r in result.rows] == [True, False, True, False]
    assert result.failed[0].error == (
        "TypeError: has_stock() takes 0 positional arguments but 1 was given"
    )
    assert result.failed[0].to_dict()["error"] == result.failed[0].error
    assert list(result.summary["fill_rate"]) == ["nearest"]
    assert result.paired == ()
    assert "2 failed" in repr(result)


def test_ctrl_c_stops_a_serial_sweep_after_the_running_cell() -> None:
    grid = sweep.Grid(rules=RULES, generate="small", seeds=(1, 2, 3))
    seen: list[tuple[int, int]] = []

    def interrupt(done: int, total: int) -> None:
        seen.append((done, total))
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sweep.run(grid, "serial", progress=interrupt)
    assert seen == [(1, 6)]


def test_ctrl_c_cancels_the_cells_not_started_on_local_processes() -> None:
    grid = sweep.Grid(rules=RULES, generate="small", seeds=(1, 2, 3, 4))
    seen: list[tuple[int, int]] = []

    def interrupt(done: int, total: int) -> None:
        seen.append((done, total))
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sweep.run(grid, sweep.Local(workers=2), progress=interrupt)
    assert seen == [(1, 8)]
    assert multiprocessing.active_children() == []  # the pool is shut down


@pytest.mark.parametrize(
    ("kwargs", "field", "expected"),
    [
        ({"rules": ()}, "rules", "at least one rule"),
        ({"rules": ("nearest", "nearest")}, "rules", "each rule once"),
        ({"rules": ("nearest",), "generate": "small"}, "seeds", "at least one seed"),
        ({"rules": ("nearest",), "seeds": (1,)}, "seeds", "none without a generated day"),
        ({"rules": ("nearest",)}, "days", "at least one generated day"),
        ({"rules": ("nearest",), "generate": "huge", "seeds": (1,)}, "size", "one of small"),
    ],
)
def test_a_bad_grid_is_refused_when_built(
    kwargs: dict[str, object], field: str, expected: str
) -> None:
    with pytest.raises(InvalidFieldError) as caught:
        sweep.Grid(**kwargs)  # type: ignore[arg-type]  # each case leaves out or spoils a field
    assert caught.value.code == "invalid_field"
    assert caught.value.fields["field"] == field
    assert expected in str(caught.value)


def test_an_unknown_rule_is_refused_when_the_grid_is_built() -> None:
    with pytest.raises(sim.UnknownRuleError, match="unknown routing rule 'cheapest'"):
        sweep.Grid(rules=("nearest", "cheapest"), generate="small", seeds=(1,))


def test_two_days_with_one_label_are_refused() -> None:
    day = sim.generate_size("small", 1)
    with pytest.raises(InvalidFieldError, match="a different label for each day"):
        sweep.Grid(rules=RULES, generate="small", seeds=(1,), scenarios={"small": day})


@pytest.mark.parametrize(
    ("text", "seeds"),
    [("1-3", (1, 2, 3)), ("7", (7,)), ("1-2, 9", (1, 2, 9)), ("0-0", (0,))],
)
def test_seeds_from_text(text: str, seeds: tuple[int, ...]) -> None:
    assert sweep.parse_seeds(text) == seeds


@pytest.mark.parametrize("text", ["5-1", "", "a-3", "1-3,2", "-2", "1-", "1,,2"])
def test_bad_seeds_are_refused(text: str) -> None:
    with pytest.raises(InvalidFieldError) as caught:
        sweep.parse_seeds(text)
    assert caught.value.fields == {
        "field": "seeds",
        "value": text,
        "expected": caught.value.fields["expected"],
    }
    assert str(caught.value).startswith("seeds must be a seed or a range FIRST-LAST")


def test_an_unknown_backend_name_is_refused() -> None:
    grid = sweep.Grid(rules=RULES, generate="small", seeds=(1,))
    with pytest.raises(InvalidFieldError, match="backend must be one of serial, local, dask"):
        sweep.run(grid, "threads")


def test_an_unreachable_scheduler_is_an_error_naming_it_within_the_timeout() -> None:
    pytest.importorskip("distributed")
    grid = sweep.Grid(rules=RULES, generate="small", seeds=(1,))
    with pytest.raises(InvalidFieldError) as caught:
        sweep.run(grid, sweep.Dask("tcp://127.0.0.1:9", timeout=0.2))
    assert caught.value.fields["field"] == "scheduler"
    assert "tcp://127.0.0.1:9" in str(caught.value)


def test_without_dask_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    grid = sweep.Grid(rules=RULES, generate="small", seeds=(1,))
    with pytest.raises(ImportError, match=r"pip install 'invorder\[dask\]'"):
        sweep.run(grid, "dask")


def _t_cdf(x: float, df: int, steps: int = 4000) -> float:
    """P(T <= x) for x > 0, by Simpson's rule over the density from 0 to x."""
    log_c = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)

    def density(t: float) -> float:
        return math.exp(log_c - (df + 1) / 2 * math.log1p(t * t / df))

    h = x / steps
    total = density(0) + density(x)
    total += sum((4 if n % 2 else 2) * density(n * h) for n in range(1, steps))
    return 0.5 + total * h / 3


@pytest.mark.parametrize("df", [1, 2, 3, 5, 9, 19, 30, 31, 45, 100, 1000])
def test_the_t_quantile_is_the_975_point(df: int) -> None:
    assert _t_cdf(sweep.t975(df), df) == pytest.approx(0.975, abs=2e-7)


def test_an_interval_of_one_value_has_no_ends_and_of_equal_values_no_width() -> None:
    assert interval([0.5]) == (0.5, None, None)
    assert interval([2.0, 2.0, 2.0]) == (2.0, 2.0, 2.0)
    with pytest.raises(ValueError, match="at least 1"):
        sweep.t975(0)
