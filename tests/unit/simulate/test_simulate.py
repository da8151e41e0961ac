"""Scenario files, the generator, runs, forks, KPIs and comparisons."""

from __future__ import annotations

import json
import random
from datetime import timedelta

import attrs
import pytest

import invorder as iv
from invorder import simulate as sim
from invorder.domain.orders.events import OrderAllocated


@pytest.fixture(scope="module")
def small() -> sim.Scenario:
    return sim.generate_size("small", 7)


@pytest.fixture(scope="module")
def tiny() -> sim.Scenario:
    params = sim.Parameters(skus=30, warehouses=3, orders=60, purchase_orders=3)
    return sim.generate(params, random.Random(3), name="tiny")


def test_same_seed_same_bytes_other_seed_other_bytes() -> None:
    a = sim.dumps(sim.generate_size("small", 11))
    assert a == sim.dumps(sim.generate_size("small", 11))
    assert a != sim.dumps(sim.generate_size("small", 12))


def test_round_trip_through_text(small: sim.Scenario) -> None:
    text = sim.dumps(small)
    again = sim.loads(text)
    assert again == small
    assert sim.dumps(again) == text


def test_generated_day_has_what_the_issue_lists(small: sim.Scenario) -> None:
    h = small.header
    assert len(h.warehouses) == 3
    assert all(w.coordinates for w in h.warehouses)
    assert [c.channel for c in h.channels] == ["shopify", "amazon", "walmart", "wholesale"]
    assert any(s.components for s in h.catalog)
    kinds = {type(s).__name__ for s in small.steps}
    assert {
        "CaptureOrder",
        "CancelOrder",
        "ExpectPurchase",
        "ReceivePurchase",
        "FulfilOrder",
        "ReturnOrder",
    } <= kinds
    late = [
        s
        for s in small.steps
        if isinstance(s, iv.ReceivePurchase)
        and s.at > min(line.eta for line in _expected(small, s.purchase_order))
    ]
    assert late
    times = [s.at for s in small.steps]
    assert times == sorted(times)
    # Zipf-like: the most ordered SKU is ordered many times more than the median one.
    counts: dict[str, int] = {}
    for s in small.steps:
        if isinstance(s, iv.CaptureOrder):
            for line in s.lines:
                counts[line.sku] = counts.get(line.sku, 0) + 1
    ranked = sorted(counts.values(), reverse=True)
    assert ranked[0] >= 5 * ranked[len(ranked) // 2]


def _expected(scenario: sim.Scenario, po: str) -> tuple[iv.PurchaseLine, ...]:
    return next(
        s.lines
        for s in scenario.steps
        if isinstance(s, iv.ExpectPurchase) and s.purchase_order == po
    )


def _lines(scenario: sim.Scenario) -> list[str]:
    return sim.dumps(scenario).splitlines()


_STEP = "expected a command or simulation step object with a known 'type': "


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", _STEP + "not JSON (Expecting value)"),
        ("[1, 2]", _STEP + "a JSON list, not an object"),
        (
            '{"type": "Teleport", "key": "x", "at": "2026-11-27T10:00:00+00:00"}',
            "unknown type 'Teleport'",
        ),
        (
            '{"type": "CaptureOrdr", "key": "x", "at": "2026-11-27T10:00:00+00:00"}',
            "unknown type 'CaptureOrdr' (did you mean 'CaptureOrder'?)",
        ),
        (
            '{"type": "FulfilOrder", "key": "f", "at": "2026-11-27T10:00:00", "order": "O1"}',
            "FulfilOrder.at: must be an ISO 8601 time with a zone, such as "
            "2026-11-27T10:00:00+00:00 (got '2026-11-27T10:00:00')",
        ),
        (
            '{"type": "FulfilOrder", "key": "f", "at": "2026-11-27T10:00:00+00:00"}',
            "FulfilOrder.order: missing",
        ),
        (
            '{"type": "ReturnOrder", "key": "r", "at": "2026-11-27T10:00:00+00:00", '
            '"order": "O1", "quantity": 0}',
            "ReturnOrder.quantity: must be >= 1 (got 0)",
        ),
        (
            '{"type": "ReturnOrder", "key": "r", "at": "2026-11-27T10:00:00+00:00", '
            '"order": "O1", "quantity": "2"}',
            "ReturnOrder.quantity: must be an integer (got '2')",
        ),
        (
            '{"type": "FulfilOrder", "key": "f", "at": "2026-11-27T10:00:00+00:00", '
            '"order": "O1", "ordr": "O2"}',
            "FulfilOrder: unknown key 'ordr' (did you mean 'order'?)",
        ),
        (
            '{"type": "FulfilOrder", "key": 7, "at": "2026-11-27T10:00:00+00:00", "order": "O1"}',
            "FulfilOrder.key: must be a string (got 7)",
        ),
        (
            '{"type": "ReturnOrder", "key": "r", "at": "2026-11-27T10:00:00+00:00", '
            '"order": "O1", "quantity": 1, "disposition": "lost"}',
            "ReturnOrder.disposition: must be one of 'restock', 'quality_control', 'damaged', "
            "'scrap' (got 'lost')",
        ),
    ],
)
def test_a_malformed_line_is_refused_with_its_number_and_field_path(
    tiny: sim.Scenario, text: str, message: str
) -> None:
    lines = _lines(tiny)
    lines.insert(2, text)
    with pytest.raises(sim.ScenarioError) as caught:
        sim.loads("\n".join(lines), file="day.jsonl")
    error = caught.value
    assert error.code == "scenario_error"
    assert error.fields["line"] == 3
    assert error.fields["file"] == "day.jsonl"
    assert str(error) == f"day.jsonl:3: {message}"
    with pytest.raises(sim.ScenarioError) as caught:
        sim.loads("\n".join(lines))
    assert str(caught.value) == f"line 3: {message}"


def test_a_command_inside_a_scenario_is_read_strictly(tiny: sim.Scenario) -> None:
    lines = _lines(tiny)
    capture = next(n for n, line in enumerate(lines) if '"CaptureOrder"' in line)
    data = json.loads(lines[capture])
    data["lines"][0]["quantity"] = -1
    negative = [*lines[:capture], json.dumps(data), *lines[capture + 1 :]]
    with pytest.raises(sim.ScenarioError) as caught:
        sim.loads("\n".join(negative), file="day.jsonl")
    assert str(caught.value) == (
        f"day.jsonl:{capture + 1}: CaptureOrder.lines[0].quantity: must be >= 1 (got -1)"
    )
    data["lines"][0]["quantity"] = 1
    data["lines"][0]["colour"] = "red"
    extra = [*lines[:capture], json.dumps(data), *lines[capture + 1 :]]
    with pytest.raises(sim.ScenarioError) as caught:
        sim.loads("\n".join(extra), file="day.jsonl")
    assert str(caught.value) == (
        f"day.jsonl:{capture + 1}: CaptureOrder.lines[0]: unknown key 'colour'"
    )


def test_bad_header_and_empty_file() -> None:
    with pytest.raises(sim.ScenarioError) as caught:
        sim.loads("")
    assert caught.value.fields == {
        "line": 1,
        "expected": "the Scenario header object",
        "problem": "the file is empty",
        "file": "",
    }
    with pytest.raises(sim.ScenarioError) as caught:
        sim.loads('{"type": "Scenario", "schema": 99}')
    assert str(caught.value) == (
        "line 1: expected the Scenario header object: schema 99 (this library reads 1 and 2)"
    )
    with pytest.raises(sim.ScenarioError) as caught:
        sim.loads('{"type": "CaptureOrder"}')
    assert str(caught.value) == (
        "line 1: expected the Scenario header object: 'type' is 'CaptureOrder', not 'Scenario'"
    )


def test_time_going_backwards_is_refused(tiny: sim.Scenario) -> None:
    lines = _lines(tiny)
    early = json.loads(lines[-2])
    early["at"] = "2026-11-26T00:00:00+00:00"
    lines.insert(len(lines) - 1, json.dumps(early))
    with pytest.raises(sim.ScenarioError) as caught:
        sim.loads("\n".join(lines))
    assert caught.value.fields["line"] == len(lines) - 1
    assert "at or after" in caught.value.fields["expected"]


def test_run_keeps_invariants_and_counts(small: sim.Scenario) -> None:
    run = sim.simulate(small)
    assert run.engine.verify() == []
    rep = sim.report(run)
    captures = [s for s in small.steps if isinstance(s, iv.CaptureOrder)]
    assert rep.overall.orders == len(captures)
    assert rep.overall.lines == sum(len(c.lines) for c in captures)
    assert rep.overall.units == sum(li.quantity for c in captures for li in c.lines)
    assert rep.oversold_units == 0
    assert sum(k.orders for k in rep.by_channel.values()) == rep.overall.orders
    assert 0 < rep.overall.fill_rate <= 1
    assert rep.overall.shipments > 0
    assert rep.overall.split_rate >= 1
    assert rep.overall.distance_km > 0
    assert sum(rep.stock_outs.values()) == rep.overall.backordered_units
    assert rep.rule == "nearest"
    # Every step ran, and replay of the log gives the same orders.
    assert run.next_step == len(small.steps)
    replayed = iv.Engine(iv.MemoryEventStore(list(run.engine.events())))
    assert replayed.orders() == run.engine.orders()


def test_runs_are_deterministic(tiny: sim.Scenario) -> None:
    a, b = sim.simulate(tiny), sim.simulate(tiny)
    assert list(a.engine.events()) == list(b.engine.events())


def test_fork_continues_under_another_rule(small: sim.Scenario) -> None:
    middle = small.header.start + timedelta(hours=12)
    base = sim.Simulation(small, "nearest").advance(until=middle)
    at_fork = base.engine.position
    other = base.fork("first_fit")
    assert other.engine.position == at_fork
    assert other.engine.orders() == base.engine.orders()
    base.advance()
    other.advance()
    # The prefix is shared; after the fork the rules decide differently.
    assert list(other.engine.events(0, at_fork)) == list(base.engine.events(0, at_fork))
    c = sim.compare(sim.report(base), sim.report(other))
    assert c.differing
    late = {o.order_id for o in base.engine.orders() if o.capture.at > middle}
    assert set(c.differing) & late
    full = sim.compare(
        sim.report(sim.simulate(small, "nearest")), sim.report(sim.simulate(small, "first_fit"))
    )
    assert len(c.differing) < len(full.differing)


def test_compare_same_rule_differs_nowhere(tiny: sim.Scenario) -> None:
    a = sim.report(sim.simulate(tiny, "most_stock"))
    c = sim.compare(a, sim.report(sim.simulate(tiny, "most_stock")))
    assert c.differing == ()
    assert c.decided > 0
    text = sim.format_comparison(c)
    assert f"alters 0 of the {c.decided} routing decisions" in text


def test_nearest_travels_less_than_first_fit(small: sim.Scenario) -> None:
    near = sim.report(sim.simulate(small, "nearest"))
    first = sim.report(sim.simulate(small, "first_fit"))
    assert near.overall.distance_km < first.overall.distance_km
    table = sim.format_comparison(sim.compare(near, first))
    assert "distance_km" in table
    assert "nearest" in table
    assert "first_fit" in table


def test_rules_by_name_and_by_import_path() -> None:
    assert sim.resolve_rule("first_fit") is None
    found: object = sim.resolve_rule("invorder.routing:has_stock")
    assert found is iv.routing.has_stock
    for bad, problem in [
        ("fastest", "not built in"),
        ("no_such_mod:x", "cannot import"),
        ("invorder:nope", "no attribute"),
        ("invorder:__doc__", "not callable"),
    ]:
        with pytest.raises(sim.UnknownRuleError) as caught:
            sim.resolve_rule(bad)
        assert caught.value.code == "unknown_rule"
        assert problem in caught.value.fields["problem"]


def test_fulfil_and_return_steps_expand_to_commands(tiny: sim.Scenario) -> None:
    order = next(s for s in tiny.steps if isinstance(s, iv.CaptureOrder))
    t = tiny.header.start + timedelta(days=3)
    steps = (
        order,
        sim.FulfilOrder(key="f1", at=t, order=order.order),
        sim.ReturnOrder(
            key="r1", at=t, order=order.order, quantity=1, disposition=iv.Disposition.DAMAGED
        ),
    )
    run = sim.simulate(attrs.evolve(tiny, steps=steps))
    after = run.engine.order(order.order)
    assert after is not None
    shipped = sum(line.shipped for line in after.lines)
    allocated = sum(line.allocated for line in after.lines)
    assert shipped == allocated > 0
    returned = run.engine.rma("r1")
    assert returned is not None
    assert run.rejected == {}


def test_explained_runs_keep_each_rules_reasons(small: sim.Scenario) -> None:
    a = sim.report(sim.Simulation(small, "nearest", explain=True).advance())
    b = sim.report(sim.Simulation(small, "fewest_shipments", explain=True).advance())
    c = sim.compare(a, b)
    order = c.differing[0]
    assert a.explanations[order].rule == "nearest"
    assert b.explanations[order].rule == "fewest_shipments"
    text = sim.format_comparison(c)
    assert "why under nearest: ranked" in text
    assert "split" in text
    plain = sim.report(sim.simulate(small, "nearest"))
    assert plain.explanations == {}
    assert plain == a  # explanations are not part of a report's identity


def test_kpis_of_a_hand_made_day_are_exact() -> None:
    from datetime import UTC, datetime
    from decimal import Decimal

    t = datetime(2026, 11, 27, 8, tzinfo=UTC)
    price = iv.Money(Decimal("5.00"), "USD")
    header = sim.ScenarioHeader(
        start=t,
        warehouses=(
            sim.Warehouse(code="EAST", coordinates=iv.Coordinates(40.0, -74.0)),
            sim.Warehouse(code="WEST", coordinates=iv.Coordinates(34.0, -118.0)),
        ),
        channels=(sim.ChannelSpec(channel="shop"), sim.ChannelSpec(channel="amazon")),
        catalog=(iv.Sku("MUG"),),
        stock=(sim.StockLine("MUG", "EAST/A/01", 2),),
    )
    near_east = iv.ShipTo(coordinates=iv.Coordinates(40.0, -74.0))

    def capture(order: str, channel: str, qty: int, hour: int) -> iv.CaptureOrder:
        return iv.CaptureOrder(
            key=f"c-{order}", at=t + timedelta(hours=hour), order=order, channel=channel,
            external_id=order, kind=iv.OrderKind.DTC, ship_to=near_east,
            ship_by=t + timedelta(hours=hour + 2),
            lines=[iv.LineItem("1", "MUG", qty, price)],
        )  # fmt: skip

    steps = (
        capture("O1", "shop", 3, 1),  # 2 from EAST, 1 waits
        sim.FulfilOrder(key="f1", at=t + timedelta(hours=2), order="O1"),  # on time
        capture("O2", "amazon", 1, 3),  # nothing left: waits
        iv.CancelOrder(key="x2", at=t + timedelta(hours=4), order="O2"),
        iv.ReceiveStock(
            key="r1", at=t + timedelta(hours=5), sku="MUG", location="WEST/A/01", quantity=4
        ),
        sim.FulfilOrder(key="f2", at=t + timedelta(hours=6), order="O1"),  # late: 2nd shipment
        sim.ReturnOrder(key="ret1", at=t + timedelta(hours=7), order="O1", quantity=1),
    )
    rep = sim.report(sim.simulate(sim.Scenario(header, steps), "nearest"))
    o = rep.overall
    assert (o.orders, o.lines, o.units, o.cancelled_units) == (2, 2, 4, 1)
    assert o.fill_rate == 1.0  # 3 allocated of 3 live units
    assert o.first_time_fill_rate == 0.0  # neither order filled at its first allocation
    assert (o.shipments, o.split_rate) == (2, 2.0)
    assert (o.backordered_units, o.sla_misses) == (0, 1)
    assert o.distance_km == pytest.approx(
        iv.Coordinates(34.0, -118.0).distance_km(iv.Coordinates(40.0, -74.0)), abs=0.1
    )
    assert rep.by_channel["amazon"].orders == 1
    assert rep.by_channel["amazon"].cancelled_units == 1
    assert rep.decisions == {"O1": (("EAST", "MUG", 2), ("WEST", "MUG", 1))}
    assert rep.stock_outs == {}
    assert rep.oversold_units == 0
    assert rep.rejected == {}


def test_explained_runs_keep_the_later_plans_of_an_order_too(small: sim.Scenario) -> None:
    run = sim.Simulation(small, "nearest", explain=True).advance()
    rep = sim.report(run)
    assert rep.replans  # arrivals re-allocated some backorders in the small day
    for order, plans in rep.replans.items():
        assert order in rep.explanations  # a later plan follows a first one
        assert all(p.rule == "nearest" for p in plans)
        allocations = [
            e for e in run.engine.events() if isinstance(e, OrderAllocated) and e.order == order
        ]
        assert len(allocations) <= 1 + len(plans)  # a plan that found nothing writes none
    order = next(iter(rep.replans))
    other = sim.report(sim.Simulation(small, "fewest_shipments", explain=True).advance())
    side = sim.compare(rep, other)._example(order)  # the comparison shows every plan
    assert len(side["a"]["why_later"]) == len(rep.replans[order])
    assert "replans" not in rep.to_dict()
