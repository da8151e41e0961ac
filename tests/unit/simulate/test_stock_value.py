"""Value of stock on hand at the end of a run: scenario costs, the report, the command line."""

from __future__ import annotations

import io
import json
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

import invorder as iv
from invorder import SkuId
from invorder import simulate as sim
from invorder.cli import main

T = datetime(2026, 11, 27, 8, tzinfo=UTC)
EAST_TO = iv.ShipTo(coordinates=iv.Coordinates(40.0, -74.0))
WEST_TO = iv.ShipTo(coordinates=iv.Coordinates(34.0, -118.0))


def usd(amount: str) -> iv.Money:
    return iv.Money(Decimal(amount), "USD")


def capture(order: str, sku: str, qty: int, hour: int, ship_to: iv.ShipTo) -> iv.CaptureOrder:
    return iv.CaptureOrder(
        key=f"c-{order}", at=T + timedelta(hours=hour), order=order, channel="shop",
        external_id=order, kind=iv.OrderKind.DTC, ship_to=ship_to,
        lines=[iv.LineItem("1", sku, qty, usd("9.00"))],
    )  # fmt: skip


def hand_day(*, ship_everything: bool = False) -> sim.Scenario:
    """Known receipts at known costs, some shipped, one SKU never costed."""
    header = sim.ScenarioHeader(
        start=T,
        warehouses=(
            sim.Warehouse(code="EAST", coordinates=iv.Coordinates(40.0, -74.0)),
            sim.Warehouse(code="WEST", coordinates=iv.Coordinates(34.0, -118.0)),
        ),
        channels=(sim.ChannelSpec(channel="shop"),),
        catalog=(iv.Sku("MUG"), iv.Sku("BOWL"), iv.Sku("PLATE")),
        stock=(
            sim.StockLine("MUG", "EAST/A/01", 10, usd("2.00")),
            sim.StockLine("MUG", "WEST/A/01", 10, usd("2.00")),
            sim.StockLine("BOWL", "EAST/A/01", 4, usd("5.00")),
            sim.StockLine("PLATE", "WEST/A/01", 3),  # no cost known, ever
        ),
    )
    h = timedelta(hours=1)
    steps: list[sim.Step] = [
        iv.ReceiveStock(key="r-mug", at=T + h, sku="MUG", location="EAST/A/01", quantity=10,
                        unit_cost=usd("3.00")),
        iv.ExpectPurchase(key="po", at=T + h, purchase_order="PO-1", location="WEST/A/01",
                          lines=[iv.PurchaseLine(sku="BOWL", quantity=6, eta=T + 2 * h,
                                                 unit_cost=usd("6.50"))]),
        iv.ReceivePurchase(key="rcv", at=T + 2 * h, purchase_order="PO-1",
                           lines=[iv.ReceiptLine(sku="BOWL", quantity=6)]),
        iv.ReceiveStock(key="r-bowl", at=T + 2 * h, sku="BOWL", location="WEST/A/01",
                        quantity=2),  # no cost: enters at the average of the moment
        capture("O1", "MUG", 6, 3, EAST_TO),
        capture("O2", "BOWL", 2, 3, WEST_TO),
        sim.FulfilOrder(key="f1", at=T + 4 * h, order="O1"),
        sim.FulfilOrder(key="f2", at=T + 4 * h, order="O2"),
        capture("O3", "MUG", 1, 5, EAST_TO),  # allocated, never shipped: still owned
    ]  # fmt: skip
    if ship_everything:
        steps = [
            *steps,
            capture("O4", "MUG", 23, 6, EAST_TO),
            capture("O5", "BOWL", 10, 6, EAST_TO),
            capture("O6", "PLATE", 3, 6, WEST_TO),
            sim.FulfilOrder(key="f3", at=T + 7 * h, order="O3"),
            sim.FulfilOrder(key="f4", at=T + 7 * h, order="O4"),
            sim.FulfilOrder(key="f5", at=T + 7 * h, order="O5"),
            sim.FulfilOrder(key="f6", at=T + 7 * h, order="O6"),
        ]
    return sim.Scenario(header, tuple(steps))


def cents(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"))


def test_stock_value_of_a_hand_made_day_matches_a_calculation_by_hand() -> None:
    # MUG: 20 at 2.00 + 10 at 3.00 = 70 for 30 units, average 7/3; 6 shipped at the
    # average leave 24 units: 14 at EAST (10 + 10 - 6, one of them reserved for O3), 10 WEST.
    mug = Fraction(70, 30)
    # BOWL: 4 at 5.00 + 6 at 6.50 = 59 for 10, average 5.90; 2 uncosted enter at 5.90
    # (average unchanged); 2 shipped from WEST at 5.90: 4 at EAST, 6 at WEST.
    bowl = Fraction(59, 10)
    east = 14 * mug + 4 * bowl
    west = 10 * mug + 6 * bowl
    rep = sim.report(sim.simulate(hand_day(), "nearest"))
    assert rep.decisions == {
        "O1": (("EAST", "MUG", 6),),
        "O2": (("WEST", "BOWL", 2),),
        "O3": (("EAST", "MUG", 1),),
    }
    by = rep.stock_value_by_warehouse
    assert list(by) == ["EAST", "WEST"]
    assert by["EAST"] == sim.StockValue(units=18, value={"USD": usd(str(cents(east)))},
                                        unvalued_units=0)  # fmt: skip
    assert by["WEST"] == sim.StockValue(units=19, value={"USD": usd(str(cents(west)))},
                                        unvalued_units=3)  # fmt: skip
    assert cents(east) == Decimal("56.27")
    assert cents(west) == Decimal("58.73")
    # The three PLATEs have no cost: counted, not valued at zero.
    assert rep.stock_value == sim.StockValue(units=37, value={"USD": usd("115.00")},
                                             unvalued_units=3)  # fmt: skip
    assert rep.uncosted_received_units == 2  # the two BOWLs received without a cost


def test_the_report_agrees_with_the_engines_valuation() -> None:
    run = sim.simulate(hand_day(), "nearest")
    rep = sim.report(run)
    valuation = run.engine.valuation()
    exact = valuation.total()["USD"].amount
    assert abs(rep.stock_value.value["USD"].amount - exact) <= Decimal("0.005") * 2
    assert valuation.sku("PLATE").value is None
    assert rep.stock_value.units == sum(valuation.sku(s).units for s in valuation.skus())


def test_zero_stock_is_worth_zero_in_its_currency() -> None:
    rep = sim.report(sim.simulate(hand_day(ship_everything=True), "nearest"))
    assert rep.overall.backordered_units == 0
    assert rep.stock_value == sim.StockValue(units=0, value={"USD": usd("0.00")},
                                             unvalued_units=0)  # fmt: skip
    assert rep.stock_value_by_warehouse == {}


def test_generated_stock_and_purchases_carry_plausible_costs() -> None:
    params = sim.Parameters(skus=40, warehouses=2, orders=30, purchase_orders=4)
    scenario = sim.generate(params, random.Random(5))
    prices = {
        line.sku: line.unit_price
        for s in scenario.steps
        if isinstance(s, iv.CaptureOrder)
        for line in s.lines
        if line.unit_price is not None  # every generated line has its price
    }
    costs = {s.sku: s.unit_cost for s in scenario.header.stock}
    assert costs
    assert all(c is not None and c.currency == "USD" for c in costs.values())
    for sku, cost in costs.items():
        assert cost is not None
        assert cost.amount == cost.amount.quantize(Decimal("0.01"))
        if sku in prices:  # 35% to 60% of the selling price
            assert (
                prices[SkuId(sku)].amount * Decimal("0.34")
                <= cost.amount
                < prices[SkuId(sku)].amount
            )
    purchase_lines = [
        line for s in scenario.steps if isinstance(s, iv.ExpectPurchase) for line in s.lines
    ]
    assert purchase_lines
    assert all(line.unit_cost is not None for line in purchase_lines)
    rep = sim.report(sim.simulate(scenario))
    assert rep.stock_value.unvalued_units == 0
    assert rep.uncosted_received_units == 0
    assert rep.stock_value.value["USD"].amount > 0


def test_a_stock_line_with_a_negative_cost_is_refused_with_its_line() -> None:
    with pytest.raises(iv.errors.InvalidMoneyError):
        sim.StockLine("MUG", "EAST/A/01", 1, usd("-1.00"))
    lines = sim.dumps(hand_day()).splitlines()
    header = json.loads(lines[0])
    header["stock"][0]["unit_cost"]["amount"] = "-2.00"
    with pytest.raises(sim.ScenarioError) as caught:
        sim.loads("\n".join([json.dumps(header), *lines[1:]]))
    assert caught.value.fields["line"] == 1
    assert "unit_cost" in caught.value.fields["problem"]
    # A header without unit_cost (older files) still reads: the stock is simply uncosted.
    del header["stock"][0]["unit_cost"]
    whole = sim.dumps(sim.Scenario(sim.ScenarioCodec().header_from_dict(header), ()))
    assert sim.loads(whole).header.stock[0].unit_cost is None


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_the_command_line_shows_the_stock_value(tmp_path: Path) -> None:
    path = tmp_path / "hand.jsonl"
    path.write_text(sim.dumps(hand_day()), encoding="utf-8")
    code, out, err = run_cli("simulate", "--scenario", str(path))
    assert (code, err) == (0, "")
    rows = [line.split() for line in out.splitlines()]
    assert ["all", "37", "USD", "115.00", "3"] in rows
    assert ["EAST", "18", "USD", "56.27", "0"] in rows
    assert ["WEST", "19", "USD", "58.73", "3"] in rows
    assert "received without a cost (valued at the average of the moment): 2 units" in out

    code, out, _ = run_cli("simulate", "--scenario", str(path), "--json")
    data = json.loads(out)
    assert data["stock_value"] == {
        "units": 37,
        "value": {"USD": {"amount": "115.00", "currency": "USD"}},
        "unvalued_units": 3,
    }
    assert data["stock_value_by_warehouse"]["WEST"]["value"]["USD"]["amount"] == "58.73"
    assert data["uncosted_received_units"] == 2

    code, out, _ = run_cli("simulate", "--scenario", str(path), "--compare", "first_fit")
    rows = [line.split() for line in out.splitlines()]
    assert code == 0
    assert ["stock_units", "37", "37", "+0"] in rows
    assert ["unvalued_units", "3", "3", "+0"] in rows
    # Same units and cost, other places: first_fit ships O2's two BOWLs (5.90) from EAST.
    assert ["stock_value", "USD", "115.00", "115.00", "+0.00"] in rows
    assert ["stock_value", "EAST", "USD", "56.27", "44.47", "-11.80"] in rows
    assert ["stock_value", "WEST", "USD", "58.73", "70.53", "+11.80"] in rows

    code, out, _ = run_cli("simulate", "--scenario", str(path), "--compare", "first_fit",
                           "--json")  # fmt: skip
    data = json.loads(out)
    assert data["a"]["stock_value"]["value"]["USD"]["amount"] == "115.00"
    assert set(data["b"]["stock_value_by_warehouse"]) <= {"EAST", "WEST"}


def test_a_sku_costed_in_two_currencies_is_refused_with_its_line(tmp_path: Path) -> None:
    lines = sim.dumps(hand_day()).splitlines()
    eur = iv.ReceiveStock(key="r-eur", at=T + timedelta(hours=1), sku="MUG",
                          location="WEST/A/01", quantity=1,
                          unit_cost=iv.Money(Decimal("2.00"), "EUR"))  # fmt: skip
    text = "\n".join([lines[0], json.dumps(sim.ScenarioCodec().step_to_dict(eur)), *lines[1:]])
    with pytest.raises(sim.ScenarioError) as caught:
        sim.loads(text)
    assert caught.value.fields == {
        "line": 2,
        "expected": "unit costs of MUG in USD, as on earlier lines",
        "problem": "a unit_cost in EUR: a SKU is valued in one currency (convert the cost first)",
        "file": "",
    }
    header = json.loads(lines[0])
    header["stock"][1]["unit_cost"]["currency"] = "EUR"  # MUG at WEST
    with pytest.raises(sim.ScenarioError) as caught:
        sim.loads(json.dumps(header))
    assert caught.value.fields["line"] == 1
    path = tmp_path / "mixed.jsonl"
    path.write_text(text, encoding="utf-8")
    code, out, err = run_cli("simulate", "--scenario", str(path))
    assert (code, out) == (3, "")
    assert f"{path}:2: expected unit costs of MUG in USD" in err
    # Built in code, the scenario runs: the engine refuses the receipt in a second currency
    # (a refused step), so valuation and the report go on in USD.
    scenario = hand_day()
    mixed = sim.Scenario(scenario.header, (*scenario.steps[:1], eur, *scenario.steps[1:]))
    run = sim.simulate(mixed, "nearest")
    assert [(r.key, r.code) for r in run.refused] == [("r-eur", "currency_mismatch")]
    assert sim.report(run).stock_value.value.keys() == {"USD"}
