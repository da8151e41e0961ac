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


def test_a_sku_whose_accounts_do_not_sum_to_zero_is_a_verify_problem() -> None:
    # Double entry: every SKU's accounts sum to zero. A projection that lost one side of a
    # movement (a bug, a tampered snapshot) breaks it, whatever the replay says.
    engine = stocked()
    ledger = engine._state.ledger
    shelf = ledger._ids["EAST/A/01"][iv.Bucket.AVAILABLE]
    ledger._exact["MUG"][shelf] += 3  # one side of a movement, without the other
    problems = engine.verify()
    assert "'MUG': its accounts sum to 3, not 0 (a one-sided entry)" in problems
