"""``verify`` refuses a log that leaves a real location below zero (issue 18): a stale writer
or a broken store can append such an entry; only virtual accounts may be negative."""

from __future__ import annotations

import invorder as iv
from invorder.events import Operation, StockPosted
from tests.support.world import at, stocked


def test_a_negative_bin_on_the_log_is_a_verify_problem() -> None:
    engine = stocked()  # 10 MUG at EAST/A/01
    assert engine.verify() == []
    store = iv.MemoryEventStore(list(engine.events()))
    # An entry decided on stale state: 12 mugs leave a bin that holds 10.
    movement = iv.Movement(sku="MUG", quantity=12, source=iv.Account("EAST/A/01"),
                           destination=iv.Account("@customer"))  # fmt: skip
    post = iv.PostEntry(key="stale", at=at(5), movements=[movement])
    event = StockPosted(position=store.head(), command=post, operation=Operation.POST,
                        movements=(movement,))  # fmt: skip
    store.append([event], expected_position=store.head())
    assert iv.Engine(store).verify() == [
        "'MUG' at EAST/A/01[available]: -2 (a real location cannot hold fewer than 0)"
    ]
