"""``Engine.branch``: a what-if engine on a copy of the log whose projections are copied,
not replayed (issue 19, item 7), equal to a replay and independent of its origin."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

import invorder as iv
from invorder import simulate as sim
from tests.support.feed_logs import boundaries, day_log
from tests.support.world import at, stocked


@pytest.mark.parametrize("share", [0.3, 0.7, 1.0])
def test_a_branch_holds_what_a_replay_of_its_log_would(share: float) -> None:
    events = day_log()
    cuts = boundaries(events)
    stop = cuts[int(share * (len(cuts) - 1))]
    engine = iv.Engine(iv.MemoryEventStore(events[:stop]))
    branch = engine.branch(iv.MemoryEventStore(list(engine.events())))
    replayed = iv.Engine(iv.MemoryEventStore(events[:stop]))
    assert branch.position == replayed.position == stop
    assert branch._state.differences(replayed._state) == []
    assert branch.verify() == []
    for event in events[:stop:97]:  # repeats are answered from the copied key index
        assert branch.outcome_of(event.key) == replayed.outcome_of(event.key)


def test_a_fork_by_branch_decides_what_a_fork_by_replay_decides() -> None:
    scenario = sim.generate(sim.Parameters(skus=60, orders=150, purchase_orders=4),
                            random.Random(5), name="branch")  # fmt: skip
    middle = scenario.header.start + timedelta(hours=12)
    base = sim.Simulation(scenario, "nearest").advance(until=middle)
    forked = base.fork("most_stock")  # a branch
    engine = iv.Engine(iv.MemoryEventStore(list(base.engine.events())),
                       routing_rule=sim.resolve_rule("most_stock"),
                       location_facts=scenario.header.location_facts())  # fmt: skip
    replayed = sim.Simulation(scenario, "most_stock", _engine=engine)
    replayed.next_step = base.next_step
    forked.advance()
    replayed.advance()
    assert list(forked.engine.events()) == list(replayed.engine.events())
    assert sim.report(forked).overall == sim.report(replayed).overall


def test_a_branch_and_its_origin_never_touch() -> None:
    engine = stocked()
    branch = engine.branch(iv.MemoryEventStore(list(engine.events())))
    branch.execute(iv.MarkDamaged(key="scrap", at=at(5), sku="MUG", location="EAST/A/01",
                                  quantity=4))  # fmt: skip
    assert (engine.balance("MUG", "EAST/A/01"), branch.balance("MUG", "EAST/A/01")) == (10, 6)
    engine.execute(iv.ReceiveStock(key="more", at=at(6), sku="MUG", location="EAST/A/01",
                                   quantity=1))  # fmt: skip
    assert (engine.balance("MUG", "EAST/A/01"), branch.balance("MUG", "EAST/A/01")) == (11, 6)
    assert engine.outcome_of("scrap") == ()
    assert engine.verify() == branch.verify() == []


def test_a_branch_keeps_the_policies_it_is_not_given() -> None:
    scenario = sim.generate(sim.Parameters(skus=30, orders=20, purchase_orders=1),
                            random.Random(2), name="policies")  # fmt: skip
    run = sim.Simulation(scenario, "nearest").advance()
    kept = run.engine.branch(iv.MemoryEventStore(list(run.engine.events())))
    assert type(kept._state.allocator) is type(run.engine._state.allocator)
    assert kept._state.allocator is not run.engine._state.allocator
    plain = run.engine.branch(iv.MemoryEventStore(list(run.engine.events())), routing_rule=None)
    assert plain._state.allocator is iv.domain.orders.allocator.first_fit


def test_a_store_that_does_not_hold_the_engines_log_is_refused() -> None:
    engine = stocked()
    events = list(engine.events())
    head = len(events)
    with pytest.raises(ValueError, match=f"holds 2 events, the engine {head}"):
        engine.branch(iv.MemoryEventStore(events[:2]))
    other = iv.Engine(iv.MemoryEventStore())
    for n in range(head):
        other.execute(iv.DefineLocation(key=f"o-{n}", at=at(0), location=f"OTHER/{n}"))
    with pytest.raises(ValueError, match="another log than the engine's"):
        engine.branch(iv.MemoryEventStore(list(other.events())))
    assert engine.position == head
