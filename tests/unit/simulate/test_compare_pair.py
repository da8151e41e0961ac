"""``invorder simulate --compare`` with the second rule run in a forked process (``--workers
2``, the default on Linux): the same bytes as the two runs taken in turn, and a child that
fails or dies is reported, not waited for."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

from invorder.simulate import _pair
from invorder.simulate.kpi import Report
from tests.unit.simulate.test_cli import run

pytestmark = pytest.mark.skipif(not _pair.side_by_side(), reason="forks on Linux only")


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pair") / "small.jsonl"
    assert run("generate", "small", "--seed", "3", "-o", str(path))[0] == 0
    return path


@pytest.mark.parametrize("shown", [(), ("--json", "--all"), ("--examples", "2")])
def test_side_by_side_prints_what_the_runs_in_turn_print(
    scenario_file: Path, shown: tuple[str, ...]
) -> None:
    argv = ("simulate", "--scenario", str(scenario_file), "--compare", "most_stock", *shown)
    turns = run(*argv, "--workers", "1")
    pair = run(*argv, "--workers", "2")
    assert turns[0] == pair[0] == 0
    assert pair[1] == turns[1]
    assert "why under most_stock" in pair[1] or '"why"' in pair[1]


def test_a_failing_second_run_is_reported_with_its_traceback(
    scenario_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> NoReturn:
        raise ValueError("the routing rule broke")

    monkeypatch.setattr(_pair, "report", broken)  # the forked child inherits the patch
    with pytest.raises(RuntimeError) as caught:
        run("simulate", "--scenario", str(scenario_file), "--compare", "first_fit")
    text = str(caught.value)
    assert text.startswith("the run under the second rule failed:\nTraceback")
    assert "ValueError: the routing rule broke" in text


def test_a_second_run_that_dies_is_reported_with_its_exit_code(
    scenario_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def dies(*args: object, **kwargs: object) -> Report:
        os._exit(7)

    monkeypatch.setattr(_pair, "report", dies)
    with pytest.raises(RuntimeError, match=r"ended without a report \(its process exited with "
                                           r"code 7\)"):  # fmt: skip
        run("simulate", "--scenario", str(scenario_file), "--compare", "first_fit")


def test_workers_is_one_or_two(scenario_file: Path) -> None:
    with pytest.raises(SystemExit) as caught:
        run("simulate", "--scenario", str(scenario_file), "--compare", "first_fit",
            "--workers", "3")  # fmt: skip
    assert caught.value.code == 2
