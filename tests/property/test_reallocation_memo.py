"""The re-allocation's memo of ship-complete orders found short at a warehouse changes no
decision: over generated days with shortages, cancellations and returns, the log is the
same with it as without it (each look counted again)."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from invorder import simulate as sim
from invorder.domain.orders import reallocate

short_days = st.builds(
    sim.Parameters,
    skus=st.integers(30, 80),
    warehouses=st.integers(2, 4),
    orders=st.integers(150, 300),
    purchase_orders=st.integers(2, 6),
    cancel_percent=st.integers(5, 20),
    return_percent=st.integers(5, 15),
    cover=st.sampled_from([0.4, 0.6, 1.0]),
)


def _forgetting(ledger: Any) -> dict[str, Any]:
    return {}  # a new table each time: nothing found short is remembered


# Each example generates a day and runs it twice (~0.2 s).
@settings(max_examples=8, deadline=None)
@given(short_days, st.integers(0, 2**32), st.sampled_from(sorted(sim.BUILT_IN_RULES)))
def test_the_memo_changes_no_event(p: sim.Parameters, seed: int, rule: str) -> None:
    scenario = sim.generate(p, random.Random(seed))
    remembered = list(sim.simulate(scenario, rule).engine.events())
    with mock.patch.object(reallocate, "_short_whole", _forgetting):
        counted = list(sim.simulate(scenario, rule).engine.events())
    assert remembered == counted


def test_the_memo_is_used_and_a_fork_starts_without_it() -> None:
    p = sim.Parameters(skus=40, warehouses=2, orders=300, purchase_orders=4, cover=0.5,
                       cancel_percent=20, return_percent=10)  # fmt: skip
    scenario = sim.generate(p, random.Random(1))
    left_out: Counter[str] = Counter()
    not_known_short = reallocate._not_known_short

    def counting(
        ledger: Any, book: Any, short: Any, ids: Any, taken: Any, at: Any, now: Any
    ) -> list[str]:
        ids = list(ids)
        kept = not_known_short(ledger, book, short, ids, taken, at, now)
        left_out["looked"] += len(ids)
        left_out["left out"] += len(ids) - len(kept)
        return kept

    with mock.patch.object(reallocate, "_not_known_short", counting):
        run = sim.simulate(scenario, "nearest")
    # Orders left out without counting their units again.
    assert left_out["left out"] > 10, left_out
    with mock.patch.object(reallocate, "_short_whole", _forgetting):
        assert list(sim.simulate(scenario, "nearest").engine.events()) == list(run.engine.events())
    memo = run.engine._state.ledger.memo
    assert memo  # kept by the run's ledger
    fork = run.fork("most_stock")
    assert fork.engine._state.ledger.memo == {}
