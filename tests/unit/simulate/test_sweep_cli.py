"""The sweep command: the ranked tables, JSON equal to the library's, failed cells (exit 1)
and bad usage (exit 2, a message, nothing on standard output)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from invorder.cli import main
from invorder.simulate import Scenario, read_scenario, sweep


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["sweep", *argv], out, err)
    return code, out.getvalue(), err.getvalue()


def test_a_sweep_prints_a_ranked_table_per_kpi() -> None:
    code, out, err = run("--rules", "nearest,fewest_shipments", "--seeds", "1-2", "--backend",
                         "serial")  # fmt: skip
    assert (code, err) == (0, "")
    assert out.startswith("sweep: 2 rules on small x 2 seeds: 4 cells, 0 failed\n")
    split = out.split("\nsplit_rate (lower is better)\n")[1].split("\n\n")[0].splitlines()
    assert split[0].split() == ["rank", "rule", "mean", "±", "95%", "vs", "best"]
    assert split[1].split()[:2] == ["1", "fewest_shipments"]
    assert split[2].split()[:2] == ["2", "nearest"]
    assert split[2].endswith("worse")  # more splits on both days, beyond doubt
    assert "\norders\n" in out  # a KPI with no better direction: listed, not ranked


def test_a_bar_counts_the_cells_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    err = Terminal()
    argv = ["sweep", "--rules", "nearest", "--seeds", "1", "--backend", "serial"]
    assert main(argv, io.StringIO(), err) == 0
    assert "sweeping 1 cells" in err.getvalue()


def test_json_is_the_library_result(tmp_path: Path) -> None:
    path = tmp_path / "day.jsonl"
    assert main(["generate", "small", "--seed", "3", "-o", str(path)], io.StringIO()) == 0
    code, out, _ = run("--rules", "nearest,most_stock", "--scenario", str(path), "--json",
                       "--backend", "serial")  # fmt: skip
    assert code == 0
    grid = sweep.Grid(rules=("nearest", "most_stock"), scenarios={str(path): _read(path)})
    assert json.loads(out) == sweep.run(grid, "serial").to_dict()


def _read(path: Path) -> Scenario:
    return read_scenario(str(path))


def test_failed_cells_are_listed_and_exit_1() -> None:
    code, out, _ = run("--rules", "nearest,invorder.routing:has_stock", "--seeds", "1",
                       "--backend", "serial")  # fmt: skip
    assert code == 1
    assert out.splitlines()[-1] == (
        "failed: cell 1 (invorder.routing:has_stock on small seed 1): TypeError: has_stock() "
        "takes 0 positional arguments but 1 was given"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--rules", "nearest,cheapest"), "unknown routing rule 'cheapest'"),
        (("--rules", "nearest", "--seeds", "5-1"), "seeds must be a seed or a range"),
        (("--rules", ","), "rules must be at least one rule"),
        (("--rules", "nearest,nearest"), "rules must be each rule once"),
        (("--rules", "nearest", "--scheduler", "tcp://h:1"), "--scheduler is for --backend dask"),
        (("--rules", "nearest", "--workers", "0"), "--workers must be at least 1"),
        (("--rules", "nearest", "--scenario", "x.jsonl", "--seeds", "1"), "--seeds is for"),
        (("--rules", "nearest", "--backend", "dask", "--scheduler", "tcp://h:1", "--workers",
          "2"), "a --scheduler has its own workers"),
    ],
)  # fmt: skip
def test_bad_usage_exits_2(argv: tuple[str, ...], message: str) -> None:
    code, out, err = run(*argv)
    assert (code, out) == (2, "")
    assert err.startswith("invorder: ")
    assert message in err


def test_the_dask_backend_without_its_extra_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    code, out, err = run("--rules", "nearest", "--seeds", "1", "--backend", "dask")
    assert (code, out) == (2, "")
    assert "install the 'dask' extra (pip install 'invorder[dask]')" in err
