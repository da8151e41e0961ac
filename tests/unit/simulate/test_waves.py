"""Allocation in waves on a schedule in the simulator (issue 17, item 9)."""

from __future__ import annotations

import io
import random
from datetime import timedelta

import pytest

import invorder as iv
from invorder import simulate as sim
from invorder.cli import main
from invorder.domain.orders.events import OrderAllocated


@pytest.fixture(scope="module")
def tiny() -> sim.Scenario:
    params = sim.Parameters(skus=30, warehouses=3, orders=60, purchase_orders=3)
    return sim.generate(params, random.Random(3), name="tiny")


def test_waves_are_inserted_on_the_schedule_after_the_steps_of_their_instant(
    tiny: sim.Scenario,
) -> None:
    every = timedelta(minutes=30)
    waved = sim.in_waves(tiny, every)
    waves = [s for s in waved.steps if isinstance(s, iv.AllocateWave)]
    start, last = tiny.header.start, tiny.steps[-1].at
    assert [w.at for w in waves] == [start + n * every for n in range(1, len(waves) + 1)]
    assert waves[-2].at <= last < waves[-1].at  # every interval up to the end, once after
    assert [s.at for s in waved.steps] == sorted(s.at for s in waved.steps)
    channels = [s for s in waved.steps if isinstance(s, iv.DefineChannel)]
    assert {c.channel for c in channels} == {c.channel for c in tiny.header.channels}
    assert all(c.allocate_in_waves for c in channels)
    assert [s for s in waved.steps if not isinstance(s, iv.AllocateWave | iv.DefineChannel)] == [
        *tiny.steps
    ]


def test_a_day_in_waves_allocates_only_in_waves_and_oversells_nothing(
    tiny: sim.Scenario,
) -> None:
    run = sim.simulate(sim.in_waves(tiny, timedelta(minutes=60), fair_share=True))
    allocations = [e for e in run.engine.events() if isinstance(e, OrderAllocated)]
    assert allocations
    # A capture never allocates: every allocation is a wave's, an arrival's or a short
    # pick's, never a CaptureOrder's.
    assert not any(isinstance(e.command, iv.CaptureOrder) for e in allocations)
    assert any(isinstance(e.command, iv.AllocateWave) for e in allocations)
    assert run.engine.verify() == []
    waiting = [o for o in run.engine.orders() if any(line.unallocated for line in o.lines)]
    assert [o.order_id for o in waiting if not o.holds] == []  # the last wave took them all
    report = sim.report(run)
    assert (report.oversold_units, report.overall.fill_rate > 0) == (0, True)


def test_a_wave_interval_that_is_not_positive_is_refused(tiny: sim.Scenario) -> None:
    with pytest.raises(ValueError, match="must be positive"):
        sim.in_waves(tiny, timedelta(0))


def test_the_command_line_runs_a_day_in_waves() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["simulate", "--generate", "small", "--waves", "30", "--fair-share", "-q"],
                out, err) == 0  # fmt: skip
    assert "fill_rate" in out.getvalue()
    for argv, message in (
        (["--waves", "0"], "--waves: a number of minutes above 0"),
        (["--fair-share"], "--fair-share is for waves"),
    ):
        out, err = io.StringIO(), io.StringIO()
        assert main(["simulate", "--generate", "small", "-q", *argv], out, err) == 2
        assert message in err.getvalue()
