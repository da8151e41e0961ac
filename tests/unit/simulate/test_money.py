"""The money side of generated days: price lists, authorisations, settle steps, the nightly
close-out, and the report's money KPIs, checked against the engine's own queries."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal

import attrs
import pytest

from invorder import Money
from invorder import simulate as sim
from invorder.domain.orders.commands import CaptureOrder
from invorder.domain.orders.ids import OrderKind
from invorder.domain.payments.commands import RecordAuthorisation
from invorder.errors import (
    InvalidFieldError,
    InvalidIdentifierError,
    InvorderError,
    NaiveDatetimeError,
)
from invorder.records import CloseOutReason
from invorder.simulate._money_steps import WHOLESALE_LIST
from invorder.simulate.money import MONEY_KPIS

# Every shipped order comes back, a tenth of the card payments are declined, and stock
# is plentiful, so that invoices, credit notes, captures, declines and refunds all happen.
BUSY = sim.Parameters(orders=120, skus=40, return_percent=100, decline_percent=10, cover=4)


@pytest.fixture(scope="module")
def busy() -> sim.Simulation:
    return sim.simulate(sim.generate(BUSY, random.Random(7)), "nearest")


@pytest.fixture(scope="module")
def busy_report(busy: sim.Simulation) -> sim.Report:
    return sim.report(busy)


@pytest.mark.parametrize("rule", ["nearest", "most_stock"])
def test_the_money_side_changes_no_routing_decision(rule: str) -> None:
    day = sim.SIZES["small"]
    with_money = sim.report(sim.simulate(sim.generate(day, random.Random(3)), rule))
    without = attrs.evolve(day, money=False)
    plain = sim.report(sim.simulate(sim.generate(without, random.Random(3)), rule))
    assert with_money.decisions == plain.decisions
    assert with_money.stock_value == plain.stock_value
    assert with_money.overall.fill_rate == plain.overall.fill_rate
    assert with_money.events > plain.events
    assert plain.overall.captured_value == {"USD": Money(Decimal("0.00"), "USD")}
    assert plain.overall.closed_orders == 0


def test_a_generated_day_shares_its_repeated_values(busy: sim.Simulation) -> None:
    steps = busy.scenario.steps
    retail = [line for step in steps if isinstance(step, CaptureOrder)
              for line in step.lines if line.unit_price is not None]  # fmt: skip
    prices = {line.sku: line.unit_price for line in retail}
    assert all(line.unit_price is prices[line.sku] for line in retail)  # one value per SKU
    numbers = {line.line_id: line.line_id for line in retail}
    assert all(line.line_id is numbers[line.line_id] for line in retail)
    authorised = [s for s in steps if isinstance(s, RecordAuthorisation)]
    amounts = {str(s.amount.amount): s.amount for s in authorised}
    assert len(amounts) < len(authorised)
    assert all(s.amount is amounts[str(s.amount.amount)] and s.reference is s.key
               for s in authorised)  # fmt: skip
    costs = {line.sku: line.unit_cost for line in busy.scenario.header.stock}
    assert all(line.unit_cost is costs[line.sku] for line in busy.scenario.header.stock)


def test_no_money_command_is_refused(busy: sim.Simulation) -> None:
    assert busy.refused == []
    kinds = Counter(type(event).__name__ for event in busy.engine.events())
    made = ("PaymentAuthorised", "PaymentCaptured", "PaymentFailed", "PaymentRefunded",
            "InvoiceIssued", "CreditNoteIssued", "OrderClosed", "PriceListDefined")  # fmt: skip
    for kind in made:
        assert kinds[kind] > 0, kind


def test_wholesale_lines_take_the_list_prices_with_the_break(busy: sim.Simulation) -> None:
    scenario = busy.scenario
    retail: dict[str, Decimal] = {}
    for step in scenario.steps:
        if isinstance(step, CaptureOrder) and step.kind is not OrderKind.WHOLESALE:
            for item in step.lines:
                if item.unit_price is not None:
                    retail[item.sku] = item.unit_price.amount
    wholesale = [o for o in busy.engine.orders() if o.capture.kind is OrderKind.WHOLESALE]
    assert wholesale
    for order in wholesale:
        assert order.price_list == WHOLESALE_LIST
        for line in order.lines:
            if line.sku not in retail:
                continue  # only wholesale orders bought it: no retail price to compare
            share = Decimal("0.55") if line.ordered >= 6 else Decimal("0.60")
            assert line.unit_price.amount == (retail[line.sku] * share).quantize(Decimal("0.01"))


def test_money_kpis_agree_with_the_engine(busy: sim.Simulation, busy_report: sim.Report) -> None:
    engine = busy.engine
    orders = list(engine.orders())
    paid = [p for o in orders if (p := engine.payment(o.order_id)) is not None]
    captured = sum((p.captured.amount for p in paid), Decimal(0))
    refunded = sum((p.refunded.amount for p in paid), Decimal(0))
    invoices = [i for o in orders for i in engine.invoices(o.order_id)]
    notes = [n for i in invoices for n in engine.credit_notes(i.invoice)]
    k = busy_report.overall
    assert k.captured_value["USD"].amount == captured > 0
    assert k.refunded_value["USD"].amount == refunded > 0
    assert k.invoiced_value["USD"].amount == sum(i.total.amount for i in invoices) > 0
    assert k.credited_value["USD"].amount == sum(n.total.amount for n in notes) > 0
    closed = [o for o in orders if o.closed_at is not None]
    assert (k.closed_orders, k.open_orders) == (len(closed), len(orders) - len(closed))
    held = [c for c in engine.close_outs(busy.now) if c.reasons]
    assert k.orders_not_closable == len(held) > 0
    reasons = Counter(str(r) for c in held for r in c.reasons)
    assert busy_report.close_out_reasons == dict(reasons)
    # Channels add up to the whole, figure by figure.
    for name in ("closed_orders", "open_orders", "orders_not_closable"):
        assert sum(getattr(c, name) for c in busy_report.by_channel.values()) == getattr(k, name)
    for name in MONEY_KPIS:
        parts = [getattr(c, name)["USD"].amount for c in busy_report.by_channel.values()]
        assert sum(parts) == getattr(k, name)["USD"].amount, name


def test_what_holds_orders_open_is_what_the_day_made(busy: sim.Simulation) -> None:
    engine = busy.engine
    steps = busy.scenario.steps
    declined = {s.order for s in steps if isinstance(s, sim.SettleOrder) and s.decline}
    for c in engine.close_outs(busy.now):
        kind = engine.order(c.order).capture.kind  # type: ignore[union-attr]  # it is listed
        if kind is OrderKind.WHOLESALE:
            # Net 30: nothing is due within the day, and every return was credited.
            assert set(c.reasons) <= {CloseOutReason.UNPAID}, c
        else:
            # Card orders are captured as they ship and refunded as units come back,
            # unless the provider declines: only those stay open.
            assert c.reasons in ((), (CloseOutReason.NOT_CAPTURED,)), c
            assert (c.reasons != ()) == (c.order in declined and c.owed.amount > 0), c
    for order in engine.orders():
        if order.capture.kind is OrderKind.WHOLESALE:
            standing = engine.invoicing(order.order_id)
            assert standing.uninvoiced.amount == 0
            assert standing.invoiced == standing.shipped  # no tax nor shipping generated


def test_the_report_shows_the_money(busy_report: sim.Report) -> None:
    text = sim.format_report(busy_report)
    for name in MONEY_KPIS:
        assert f"{name} USD" in text
    assert "orders held open (done shipping, not closable): unpaid" in text
    data = busy_report.to_dict()
    assert data["overall"]["captured_value"]["USD"]["amount"] == str(
        busy_report.overall.captured_value["USD"].amount
    )
    assert data["close_out_reasons"] == busy_report.close_out_reasons
    html = busy_report._repr_html_()
    assert "captured_value USD" in html
    assert "orders held open" in html


def test_settle_steps_round_trip_through_a_scenario_file(busy: sim.Simulation) -> None:
    text = sim.dumps(busy.scenario)
    assert '"type":"SettleOrder"' in text.replace(" ", "")
    assert sim.loads(text) == busy.scenario


def test_a_settle_step_for_an_unknown_order_is_refused_and_changes_nothing() -> None:
    scenario = sim.generate(attrs.evolve(BUSY, orders=5), random.Random(1))
    at = scenario.steps[-1].at
    bad = sim.SettleOrder(key="settle/ghost", at=at, order="GHOST")
    run = sim.Simulation(attrs.evolve(scenario, steps=(*scenario.steps, bad))).advance(
        until=scenario.steps[-1].at
    )
    before = run.engine.position
    run.advance()
    assert run.engine.position == before
    assert [(r.key, r.code) for r in run.refused] == [("settle/ghost", "not_found")]


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"decline": "yes"}, InvalidFieldError, "decline must be true or false (got 'yes')"),
        ({"at": datetime(2026, 11, 27, 12)}, NaiveDatetimeError,
         "at must be a timezone-aware datetime"),
        ({"order": ""}, InvalidIdentifierError, "order '' is not valid"),
    ],
)  # fmt: skip
def test_a_bad_settle_step_is_a_typed_error(
    fields: dict[str, object], error: type[InvorderError], message: str
) -> None:
    good: dict[str, object] = {"key": "settle/1", "at": datetime(2026, 11, 27, tzinfo=UTC),
                               "order": "O1"}  # fmt: skip
    with pytest.raises(error) as caught:
        sim.SettleOrder(**(good | fields))  # type: ignore[arg-type]  # bad on purpose
    assert message in str(caught.value)
