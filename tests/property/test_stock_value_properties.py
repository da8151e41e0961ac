"""Properties of the stock value in a run's report."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

import invorder as iv
from invorder import simulate as sim

T = datetime(2026, 11, 27, 8, tzinfo=UTC)
HALF_CENT = Decimal("0.005")

# ("in", units, cost in cents) or ("out", units): receipts at a cost, sales shipped at once.
moves = st.lists(
    st.one_of(
        st.tuples(st.just("in"), st.integers(1, 50), st.integers(0, 10_000)),
        st.tuples(st.just("out"), st.integers(1, 50), st.just(0)),
    ),
    max_size=12,
)


@given(st.integers(1, 50), st.integers(1, 10_000), moves)
def test_one_sku_matches_a_weighted_average_kept_in_fractions(
    first: int, first_cents: int, steps: list[tuple[str, int, int]]
) -> None:
    header = sim.ScenarioHeader(
        start=T,
        warehouses=(sim.Warehouse(code="W"),),
        channels=(sim.ChannelSpec(channel="shop"),),
        catalog=(iv.Sku("MUG"),),
        stock=(sim.StockLine("MUG", "W/A/01", first, iv.Money(Decimal(first_cents) / 100, "USD")),),
    )
    units, value = first, Fraction(first * first_cents, 100)
    scenario_steps: list[sim.Step] = []
    for n, (kind, quantity, cost) in enumerate(steps):
        at = T + timedelta(minutes=n + 1)
        if kind == "in":
            scenario_steps.append(
                iv.ReceiveStock(key=f"r{n}", at=at, sku="MUG", location="W/A/01",
                                quantity=quantity, unit_cost=iv.Money(Decimal(cost) / 100, "USD"))
            )  # fmt: skip
            units, value = units + quantity, value + Fraction(quantity * cost, 100)
        elif quantity <= units:
            scenario_steps += [
                iv.CaptureOrder(key=f"c{n}", at=at, order=f"O{n}", channel="shop",
                                external_id=f"O{n}", kind=iv.OrderKind.DTC,
                                lines=[iv.LineItem("1", "MUG", quantity,
                                                   iv.Money(Decimal("9.99"), "USD"))]),
                sim.FulfilOrder(key=f"f{n}", at=at, order=f"O{n}"),
            ]  # fmt: skip
            units, value = units - quantity, value - value * quantity / units
    rep = sim.report(sim.simulate(sim.Scenario(header, tuple(scenario_steps)), "first_fit"))
    assert rep.overall.backordered_units == 0
    expected = Decimal(value.numerator) / Decimal(value.denominator)
    got = rep.stock_value.value["USD"].amount
    assert rep.stock_value.units == units
    assert abs(got - expected) <= HALF_CENT + Decimal("1e-20")
    assert got >= 0
    if units == 0:
        assert got == 0
        assert rep.stock_value_by_warehouse == {}
    else:
        assert rep.stock_value_by_warehouse["W"].value["USD"].amount == got


params = st.builds(
    sim.Parameters,
    skus=st.integers(5, 30),
    warehouses=st.integers(1, 4),
    orders=st.integers(1, 25),
    purchase_orders=st.integers(0, 3),
    return_percent=st.integers(0, 50),
    cover=st.sampled_from([0.2, 1.0]),
)


# Each example generates and runs a scenario (~0.05 s): fewer examples than the profile.
@settings(max_examples=10, deadline=None)
@given(params, st.integers(0, 2**32), st.sampled_from(sorted(sim.BUILT_IN_RULES)))
def test_warehouses_add_up_to_the_total_and_to_the_engines_valuation(
    p: sim.Parameters, seed: int, rule: str
) -> None:
    run = sim.simulate(sim.generate(p, random.Random(seed)), rule)
    rep = sim.report(run)
    total = rep.stock_value
    parts = rep.stock_value_by_warehouse.values()
    assert total.units == sum(part.units for part in parts)
    assert total.unvalued_units == sum(part.unvalued_units for part in parts) == 0
    assert rep.uncosted_received_units == 0  # the generator costs every receipt
    valuation = run.engine.valuation()
    assert total.units == sum(valuation.sku(s).units for s in valuation.skus())
    if not valuation.skus():  # nothing was ever stocked
        assert total.value == {}
        assert total.units == 0
        return
    assert set(total.value) == {"USD"}
    assert total.value["USD"].amount == sum(
        (part.value["USD"].amount for part in parts if part.value), Decimal(0)
    )
    assert all(part.units >= 0 and part.value["USD"].amount >= 0 for part in parts if part.value)
    exact = valuation.total()["USD"].amount
    assert abs(total.value["USD"].amount - exact) <= HALF_CENT * max(1, len(parts))
