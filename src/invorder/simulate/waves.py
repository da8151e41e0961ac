"""Allocation in waves on a schedule: a scenario turned into one whose channels allocate in
waves (their orders wait, unallocated, after capture) and whose steps allocate every
waiting order at fixed intervals (``AllocateWave``), optionally with fair share."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

import attrs

from invorder.domain.availability.commands import DefineChannel
from invorder.domain.orders.wave import AllocateWave
from invorder.simulate.scenario import Scenario, Step


def in_waves(
    scenario: Scenario,
    every: timedelta,
    *,
    fair_share: bool = False,
    weights: Mapping[str, int] | None = None,
    default_weight: int = 1,
) -> Scenario:
    """``scenario`` with allocation in waves: at its start each channel is defined again to
    allocate in waves (its policy otherwise unchanged), and an ``AllocateWave`` of every
    waiting order runs ``every`` interval from the start, after the steps of that instant,
    until the last step (and once after it). Orders fulfilled before a wave allocated them
    wait for the next fulfilment step that names them, as in any scenario.

    Raises ``ValueError`` for an interval that is not positive.
    """
    if every <= timedelta(0):
        raise ValueError(f"the interval between waves must be positive, not {every}")
    start = scenario.header.start
    steps: list[Step] = [
        attrs.evolve(command, key=f"waves/channel/{command.channel}", allocate_in_waves=True)
        for command in scenario.header.setup_commands()
        if isinstance(command, DefineChannel)
    ]
    last = scenario.steps[-1].at if scenario.steps else start
    n = 0

    def wave() -> AllocateWave:
        nonlocal n
        n += 1
        return AllocateWave(key=f"waves/{n}", at=start + n * every, fair_share=fair_share,
                            weights=weights or {}, default_weight=default_weight)  # fmt: skip

    for step in scenario.steps:
        while start + (n + 1) * every < step.at:
            steps.append(wave())
        steps.append(step)
    while start + (n + 1) * every <= last:
        steps.append(wave())
    steps.append(wave())  # once after the last step: nothing captured is left unallocated
    return attrs.evolve(scenario, steps=tuple(steps), step_lines=())
