"""Properties of generated scenarios and their runs, over seeds and sizes."""

from __future__ import annotations

import random
from unittest import mock

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from invorder import simulate as sim
from invorder.domain.orders import reallocate
from invorder.domain.orders.book import OrderBook
from invorder.domain.orders.context import needs_of
from invorder.events import ShipmentShipped
from invorder.records import ShipmentStatus

params = st.builds(
    sim.Parameters,
    skus=st.integers(5, 40),
    warehouses=st.integers(1, 4),
    orders=st.integers(1, 30),
    purchase_orders=st.integers(0, 3),
    cancel_percent=st.integers(0, 50),
    return_percent=st.integers(0, 50),
    cover=st.sampled_from([0.2, 1.0, 2.0]),
)


# Each example generates and runs a scenario twice (~0.1 s): fewer examples than the profile.
@settings(max_examples=15, deadline=None)
@given(params, st.integers(0, 2**32), st.sampled_from(sorted(sim.BUILT_IN_RULES)))
def test_any_generated_day_round_trips_and_runs_clean(
    p: sim.Parameters, seed: int, rule: str
) -> None:
    scenario = sim.generate(p, random.Random(seed))
    text = sim.dumps(scenario)
    assert text == sim.dumps(sim.generate(p, random.Random(seed)))
    assert sim.loads(text) == scenario
    run = sim.simulate(scenario, rule)
    assert run.engine.verify() == []
    rep = sim.report(run)
    assert rep.oversold_units == 0
    assert rep.overall.orders == p.orders
    assert sum(k.units for k in rep.by_channel.values()) == rep.overall.units
    assert sum(k.shipments for k in rep.by_channel.values()) == rep.overall.shipments
    assert 0 <= rep.overall.fill_rate <= 1
    assert 0 <= rep.overall.first_time_fill_rate <= 1
    for order in run.engine.orders():
        for line in order.lines:
            assert line.ordered == line.allocated + line.backordered + line.cancelled + (
                line.unallocated
            )
            assert line.returned <= line.shipped <= line.allocated
    # A fork at the end under another rule holds exactly the same state.
    fork = run.fork("first_fit")
    assert fork.engine.orders() == run.engine.orders()
    assert list(fork.engine.events()) == list(run.engine.events())


@settings(max_examples=15, deadline=None)
@given(params, st.integers(0, 2**32), st.sampled_from(sorted(sim.BUILT_IN_RULES)))
def test_a_ship_complete_order_ships_whole_in_one_parcel(
    p: sim.Parameters, seed: int, rule: str
) -> None:
    # Issue 17, item 0: on capture, arrival, short pick, count and hold release alike.
    run = sim.simulate(sim.generate(p, random.Random(seed)), rule)
    book = OrderBook()
    for event in run.engine.events():
        if isinstance(event, ShipmentShipped):
            order = book.get(event.order)
            assert order is not None
            if order.ship_complete:
                assert needs_of(order) == {}, f"{event.order} shipped with units missing"
        book.apply(event)
    for order in run.engine.orders():
        if order.ship_complete:
            shipped = [s for s in run.engine.shipments(order.order_id)
                       if s.status is ShipmentStatus.SHIPPED]  # fmt: skip
            assert len(shipped) <= 1, f"{order.order_id} shipped in {len(shipped)} parcels"
            assert len([s for s in run.engine.shipments(order.order_id) if s.units]) <= 1


@settings(max_examples=10, deadline=None)
@given(params, st.integers(0, 2**32), st.sampled_from(sorted(sim.BUILT_IN_RULES)),
       st.integers(0, 100))  # fmt: skip
def test_the_money_side_changes_no_decision_and_is_never_refused(
    p: sim.Parameters, seed: int, rule: str, decline: int
) -> None:
    # Issue 13, item 6: drawn after everything else, settled from what the run did.
    with_money = attrs.evolve(p, decline_percent=decline)
    run = sim.simulate(sim.generate(with_money, random.Random(seed)), rule)
    plain = sim.simulate(sim.generate(attrs.evolve(p, money=False), random.Random(seed)), rule)
    a, b = sim.report(run), sim.report(plain)
    assert (a.decisions, a.stock_value) == (b.decisions, b.stock_value)
    # The same refusals (on other lines of the file: the money steps come between).
    assert [(r.key, r.code) for r in run.refused] == [(r.key, r.code) for r in plain.refused]
    k = a.overall
    assert k.closed_orders + k.open_orders == k.orders
    assert k.orders_not_closable <= k.open_orders
    # Money never runs ahead of the goods: captures within what shipped, refunds within
    # what was captured, credits within what was invoiced.
    for order in run.engine.orders():
        paid = run.engine.payment(order.order_id)
        assert paid is not None
        assert paid.refunded.amount <= paid.captured.amount <= paid.shipped.amount
        standing = run.engine.invoicing(order.order_id)
        assert standing.credited.amount <= standing.invoiced.amount <= standing.shipped.amount


@settings(max_examples=10, deadline=None)
@given(params, st.integers(0, 2**32), st.sampled_from(sorted(sim.BUILT_IN_RULES)))
def test_reallocation_shortcuts_change_no_event(p: sim.Parameters, seed: int, rule: str) -> None:
    # The re-allocation after an arrival skips ship-complete orders no warehouse can
    # complete and remembers what is left per SKU; without the skip, the log is the same.
    scenario = sim.generate(p, random.Random(seed))
    fast = list(sim.simulate(scenario, rule).engine.events())
    with mock.patch.object(reallocate, "_cannot_complete", return_value=False):
        plain = list(sim.simulate(scenario, rule).engine.events())
    assert fast == plain
