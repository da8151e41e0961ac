"""Logs for the feed tests: a generated day, small enough for a unit test, run through the
engine."""

from __future__ import annotations

import functools
import random

from invorder import Event
from invorder import simulate as sim


@functools.cache
def day_log(seed: int = 1, orders: int = 120) -> tuple[Event, ...]:
    """The events of a generated day of ``orders`` orders (60 SKUs, 3 warehouses), run with
    the default rule; cached per arguments."""
    params = sim.Parameters(skus=60, orders=orders, purchase_orders=4)
    run = sim.Simulation(sim.generate(params, random.Random(seed), name=f"feed-{seed}"),
                         sim.DEFAULT_RULE)  # fmt: skip
    run.advance()
    return tuple(run.engine.events())


def boundaries(events: tuple[Event, ...]) -> list[int]:
    """Every position at which a command starts (and the log's end): where a log may be cut
    (a store appends a command's events whole)."""
    cuts = [n for n in range(1, len(events)) if events[n].key != events[n - 1].key]
    return [0, *cuts, len(events)]
