"""Invoices and credit notes "if needed" (issue 13, item 3): a policy says when an order is
invoiced; an invoice lists what shipped at the prices captured, with the host's tax and
shipping, due after the payment terms; credit notes refer to it and never exceed it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import invorder as iv
from invorder import LineItem, LineQuantity, OrderKind
from invorder.errors import (
    CurrencyMismatchError,
    DuplicateError,
    InvalidListError,
    InvalidMoneyError,
    InvoiceRefusedError,
    NotFoundError,
    OverCreditError,
    UnknownChannelError,
)
from invorder.records import Invoicing
from tests.support.order_world import clean, order_world, price, ship, state_of
from tests.support.world import at, refused_once


def wholesale_order(engine: iv.Engine, order: str = "W-1", units: int = 6) -> iv.records.Order:
    """A wholesale order of ``units`` mugs at 10.00 and 2 T-shirts at 5.00, net 30, that
    may ship in parts (EAST holds 5 mugs, WEST 4 and the T-shirts)."""
    return engine.capture(iv.CaptureOrder(
        key=f"cap-{order}", at=at(5), order=order, channel="wholesale", external_id=order,
        kind=OrderKind.WHOLESALE,
        wholesale=iv.WholesaleTerms(payment_terms_days=30, ship_complete=False),
        lines=[LineItem("1", "MUG", units, price("10.00")), LineItem("2", "TEE", 2, price("5.00"))],
    ))  # fmt: skip


def invoice(
    engine: iv.Engine, invoice_id: str, order: str = "W-1", try_: int = 1, **fields: Any
) -> None:
    """Issue ``invoice_id`` for ``order`` (``try_``: a new key for another try after a
    refusal, whose key keeps its outcome)."""
    engine.execute(iv.IssueInvoice(key=f"inv-{invoice_id}-{try_}", at=at(20),
                                   invoice=invoice_id, order=order, **fields))  # fmt: skip


def credit(engine: iv.Engine, note: str, invoice_id: str = "INV-1", **fields: Any) -> None:
    """Issue credit note ``note`` against ``invoice_id``."""
    fields.setdefault("reason", "return")
    engine.execute(iv.IssueCreditNote(key=f"cn-{note}", at=at(30), credit_note=note,
                                      invoice=invoice_id, **fields))  # fmt: skip


def invoiced_world() -> iv.Engine:
    """The order world with W-1's first shipment (5 mugs) shipped and on INV-1."""
    engine = order_world()
    wholesale_order(engine)
    ship(engine, "W-1/S1")
    invoice(engine, "INV-1")
    return engine


def assert_refused(
    engine: iv.Engine, command: iv.Command, error: type[Exception], message: str
) -> None:
    """``command`` raises ``error`` matching ``message``, changes no state and leaves only
    its refusal in the log."""
    before, position = state_of(engine), engine.position
    with pytest.raises(error, match=message):
        engine.execute(command)
    assert state_of(engine) == before
    assert refused_once(engine, position, command)


def test_a_wholesale_order_shipped_in_two_parts_is_invoiced_twice_with_its_terms() -> None:
    engine = order_world()
    order = wholesale_order(engine)
    assert [s.location for s in engine.shipments("W-1")] == ["EAST", "WEST"]
    ship(engine, "W-1/S1")
    standing = engine.invoicing("W-1")
    assert (standing.policy, standing.shipped, standing.uninvoiced) == (
        Invoicing.EACH_SHIPMENT, price("50.00"), price("50.00"))  # fmt: skip
    invoice(engine, "INV-1", tax=price("4.00"), shipping=price("12.00"))
    first = engine.invoice("INV-1")
    assert first is not None
    assert first.shipments == ("W-1/S1",)
    assert [(line.line_id, line.quantity, line.amount) for line in first.lines] == [
        ("1", 5, price("50.00"))]  # fmt: skip
    assert (first.subtotal, first.tax, first.shipping, first.total) == (
        price("50.00"), price("4.00"), price("12.00"), price("66.00"))  # fmt: skip
    assert first.due_at == at(20) + timedelta(days=30)
    # Nothing else has shipped: a second invoice now has nothing to list.
    with pytest.raises(InvoiceRefusedError, match="nothing shipped is left to invoice"):
        invoice(engine, "INV-2")
    ship(engine, "W-1/S2", minute=40)
    invoice(engine, "INV-2", try_=2)
    second = engine.invoice("INV-2")
    assert second is not None
    assert [(line.line_id, line.quantity) for line in second.lines] == [("1", 1), ("2", 2)]
    assert second.total == price("20.00")
    assert [i.invoice for i in engine.invoices("W-1")] == ["INV-1", "INV-2"]
    standing = engine.invoicing("W-1")
    assert (standing.shipped, standing.invoiced, standing.uninvoiced) == (
        order.total, price("86.00"), price("0"))  # fmt: skip
    clean(engine)


def test_a_return_is_credited_against_its_invoice_at_the_price_it_charged() -> None:
    engine = order_world()
    wholesale_order(engine)
    ship(engine, "W-1/S1")
    invoice(engine, "INV-1")
    engine.execute(iv.OpenReturn(key="rma", at=at(21), rma="RMA-1", order="W-1",
                                 lines=[LineQuantity("1", 2)]))  # fmt: skip
    engine.execute(iv.ReceiveReturn(key="back", at=at(22), rma="RMA-1", location="EAST/A/01",
                                    lines=[iv.ReturnedUnits("1", 2)]))  # fmt: skip
    credit(engine, "CN-1", rma="RMA-1", lines=[LineQuantity("1", 2)])
    [note] = engine.credit_notes("INV-1")
    assert (note.rma, note.total, note.lines[0].quantity) == ("RMA-1", price("20.00"), 2)
    # The RMA received 2 units and both are credited: a third is refused.
    with pytest.raises(OverCreditError, match="for RMA 'RMA-1', which received 0 not yet"):
        credit(engine, "CN-2", rma="RMA-1", lines=[LineQuantity("1", 1)])
    # A price correction on what is left (30.00 of the 50.00 invoiced).
    credit(engine, "CN-3", reason="price_correction", adjustment=price("30.00"))
    assert engine.invoicing("W-1").credited == price("50.00")
    with pytest.raises(OverCreditError, match=r"0.01 USD is more than the 0.00 USD it has left"):
        credit(engine, "CN-4", reason="price_correction", adjustment=price("0.01"))
    clean(engine)


def test_an_order_paid_at_checkout_is_not_invoiced_and_its_shipped_value_is_the_receipt() -> None:
    engine = order_world()
    engine.capture(iv.CaptureOrder(key="dtc", at=at(5), order="D-1", channel="shopify",
                                   external_id="d1", kind=OrderKind.DTC,
                                   lines=[LineItem("1", "MUG", 2, price("12.50"))]))  # fmt: skip
    ship(engine, "D-1/S1")
    standing = engine.invoicing("D-1")
    assert (standing.policy, standing.shipped, standing.uninvoiced, standing.invoices) == (
        Invoicing.NONE, price("25.00"), price("0"), ())  # fmt: skip
    command = iv.IssueInvoice(key="no", at=at(20), invoice="INV-9", order="D-1")
    assert_refused(engine, command, InvoiceRefusedError,
                   "dtc orders from 'shopify' are not invoiced")  # fmt: skip
    # A channel may say otherwise.
    engine.execute(iv.DefineInvoicing(key="inv-shop", at=at(21), channel="shopify",
                                      kind="dtc", invoicing="each_shipment"))  # fmt: skip
    invoice(engine, "INV-9", order="D-1")
    assert engine.invoicing("D-1").invoiced == price("25.00")


def test_an_order_invoiced_on_completion_waits_for_every_unit_to_ship_or_be_cancelled() -> None:
    engine = order_world()
    engine.execute(iv.DefineInvoicing(key="policy", at=at(1), kind="wholesale",
                                      invoicing=Invoicing.ON_COMPLETION))  # fmt: skip
    wholesale_order(engine)
    ship(engine, "W-1/S1")
    with pytest.raises(InvoiceRefusedError, match="once complete and 3 unit"):
        invoice(engine, "INV-1")
    engine.execute(iv.CancelOrder(key="rest", at=at(15), order="W-1"))
    invoice(engine, "INV-1", try_=2)
    issued = engine.invoice("INV-1")
    assert issued is not None
    assert issued.total == price("50.00")


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"order": "W-9"}, NotFoundError, "no order with id 'W-9'"),
        ({"invoice": "INV-1"}, DuplicateError, "invoice 'INV-1' already exists"),
        ({"shipments": ["W-1/S2"]}, InvoiceRefusedError, "'W-1/S2' has not shipped \\(open\\)"),
        ({"shipments": ["W-1/S1"]}, InvoiceRefusedError, "'W-1/S1' is on invoice 'INV-1'"),
        ({"shipments": ["X-1/S1"]}, InvoiceRefusedError, "'X-1/S1' is not one of its own"),
        ({}, InvoiceRefusedError, "nothing shipped is left to invoice"),
        ({"tax": price("1.00", "EUR"), "shipments": ["W-1/S3"]}, InvoiceRefusedError, "S3"),
    ],
)  # fmt: skip
def test_an_invoice_that_cannot_be_is_refused_and_changes_nothing(
    fields: dict[str, Any], error: type[Exception], message: str
) -> None:
    engine = invoiced_world()
    values = {"key": "bad", "at": at(25), "invoice": "INV-2", "order": "W-1", **fields}
    assert_refused(engine, iv.IssueInvoice(**values), error, message)


def test_tax_in_another_currency_is_refused() -> None:
    engine = order_world()
    wholesale_order(engine)
    ship(engine, "W-1/S1")
    with pytest.raises(CurrencyMismatchError, match=r"put on one invoice \(tax\) USD and EUR"):
        invoice(engine, "INV-1", tax=price("1.00", "EUR"))
    assert engine.invoices("W-1") == []


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"invoice": "INV-7", "adjustment": price("1.00")}, NotFoundError,
         "no invoice with id 'INV-7'"),
        ({"credit_note": "CN-1", "adjustment": price("1.00")}, DuplicateError,
         "credit note 'CN-1' already exists"),
        ({"rma": "RMA-7", "lines": [LineQuantity("1", 1)]}, NotFoundError,
         "no RMA with id 'RMA-7'"),
        ({"lines": [LineQuantity("2", 1)]}, OverCreditError, "line '2' is not on it"),
        ({"lines": [LineQuantity("1", 5)]}, OverCreditError,
         "5 unit\\(s\\) of line '1', of which 4 are left to credit"),
        ({"adjustment": price("45.00")}, OverCreditError, "more than the 40.00 USD it has left"),
        ({"adjustment": price("1.00", "EUR")}, CurrencyMismatchError, "adjustment"),
    ],
)  # fmt: skip
def test_a_credit_note_that_cannot_be_is_refused_and_changes_nothing(
    fields: dict[str, Any], error: type[Exception], message: str
) -> None:
    engine = invoiced_world()
    credit(engine, "CN-1", lines=[LineQuantity("1", 1)])
    values = {"key": "bad", "at": at(31), "credit_note": "CN-2", "invoice": "INV-1",
              "reason": "return", **fields}  # fmt: skip
    assert_refused(engine, iv.IssueCreditNote(**values), error, message)


def test_an_rma_of_another_order_is_not_credited_on_this_invoice() -> None:
    engine = order_world()
    wholesale_order(engine)
    wholesale_order(engine, "W-2", units=1)
    for shipment in ("W-1/S1", "W-2/S1"):
        ship(engine, shipment)
    invoice(engine, "INV-1")
    engine.execute(iv.OpenReturn(key="rma", at=at(21), rma="RMA-2", order="W-2",
                                 lines=[LineQuantity("1", 1)]))  # fmt: skip
    with pytest.raises(NotFoundError, match="no RMA of order 'W-1' with id 'RMA-2'"):
        credit(engine, "CN-1", rma="RMA-2", lines=[LineQuantity("1", 1)])


def test_values_refuse_bad_input_when_built() -> None:
    with pytest.raises(InvalidMoneyError, match="an amount charged is zero or more"):
        iv.IssueInvoice(key="k", at=at(1), invoice="I", order="O", tax=price("-1.00"))
    with pytest.raises(InvalidListError, match="nothing to credit"):
        iv.IssueCreditNote(key="k", at=at(1), credit_note="C", invoice="I", reason="return")
    with pytest.raises(InvalidListError, match="shipment 'S1' appears twice"):
        iv.IssueInvoice(key="k", at=at(1), invoice="I", order="O", shipments=["S1", "S1"])
    with pytest.raises(iv.ValidationError, match="invoicing"):
        iv.DefineInvoicing(key="k", at=at(1), kind="dtc", invoicing="weekly")


def test_a_rule_for_a_channel_never_defined_is_refused() -> None:
    engine = order_world()
    command = iv.DefineInvoicing(key="k", at=at(1), channel="etsy", kind="dtc",
                                 invoicing="each_shipment")  # fmt: skip
    position = engine.position
    with pytest.raises(UnknownChannelError, match="'etsy'"):
        engine.execute(command)
    assert refused_once(engine, position, command)


def test_invoices_and_credit_notes_survive_a_snapshot() -> None:
    store = iv.MemoryEventStore()
    snapshots = iv.MemorySnapshotStore()
    engine = order_world()
    wholesale_order(engine)
    ship(engine, "W-1/S1")
    engine.execute(iv.DefineInvoicing(key="policy", at=at(15), channel="shopify", kind="dtc",
                                      invoicing="on_completion"))  # fmt: skip
    invoice(engine, "INV-1", shipping=price("9.00"))
    credit(engine, "CN-1", lines=[LineQuantity("1", 1)])
    store.append(list(engine.events()), expected_position=0)
    saved = iv.Engine(store, snapshots=snapshots)
    saved.snapshot()
    again = iv.Engine(store, snapshots=snapshots)
    assert again.startup.snapshot == engine.position
    assert again.invoices("W-1") == engine.invoices("W-1")
    assert again.credit_notes("INV-1") == engine.credit_notes("INV-1")
    assert again.invoicing("W-1") == engine.invoicing("W-1")
    assert again._state.invoices.policies() == engine._state.invoices.policies()
    assert again.verify() == []


@settings(max_examples=40, deadline=None)
@given(notes=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6000)), max_size=6))
def test_credits_never_exceed_what_the_invoice_charged(notes: list[tuple[int, int]]) -> None:
    engine = order_world(east={"EAST/A/01": 6}, west={})
    engine.capture(iv.CaptureOrder(
        key="cap", at=at(5), order="W-1", channel="wholesale", external_id="W-1",
        kind=OrderKind.WHOLESALE, wholesale=iv.WholesaleTerms(ship_complete=False),
        lines=[LineItem("1", "MUG", 6, price("10.00"))],
    ))  # fmt: skip
    ship(engine, "W-1/S1")
    invoice(engine, "INV-1", tax=price("6.00"))
    units_left, money_left = 6, Decimal(66)  # what a plain model says may still be credited
    for n, (units, cents) in enumerate(notes):
        lines = [LineQuantity("1", units)] if units else []
        adjustment = iv.Money(Decimal(cents) / 100, "USD") if cents else None
        if not lines and adjustment is None:
            continue
        total = units * 10 + Decimal(cents) / 100
        fits = units <= units_left and total <= money_left
        try:
            credit(engine, f"CN-{n}", lines=lines, adjustment=adjustment)
        except OverCreditError:
            assert not fits
        else:
            assert fits
            units_left, money_left = units_left - units, money_left - total
        issued = engine.credit_notes("INV-1")
        assert sum(line.quantity for note in issued for line in note.lines) == 6 - units_left
        assert sum(note.total.amount for note in issued) == 66 - money_left


def test_orders_done_shipping_list_what_keeps_them_from_closing() -> None:
    engine = order_world()
    wholesale_order(engine)  # shipped in two parts below
    engine.capture(iv.CaptureOrder(key="dtc", at=at(5), order="D-1", channel="shopify",
                                   external_id="d1", kind=OrderKind.DTC,
                                   lines=[LineItem("1", "TEE", 1, price("5.00"))]))  # fmt: skip
    ship(engine, "W-1/S1")
    assert [c.order for c in engine.close_outs(at(60))] == []  # W-1 still waits for S2, D-1 too
    ship(engine, "W-1/S2", minute=11)
    ship(engine, "D-1/S1", minute=12)
    blocked, free = engine.close_outs(at(60))
    assert (blocked.order, blocked.reasons, blocked.uninvoiced) == (
        "W-1", (iv.records.CloseOutReason.NOT_INVOICED,), price("70.00"))  # fmt: skip
    assert (free.order, free.reasons) == ("D-1", ())  # not invoiced, nothing owed: closable
    invoice(engine, "INV-1")
    engine.execute(iv.OpenReturn(key="rma", at=at(21), rma="RMA-1", order="W-1",
                                 lines=[LineQuantity("1", 2)]))  # fmt: skip
    engine.execute(iv.ReceiveReturn(key="back", at=at(22), rma="RMA-1", location="EAST/A/01",
                                    lines=[iv.ReturnedUnits("1", 2)]))  # fmt: skip
    [blocked, _] = engine.close_outs(at(60))
    assert (blocked.reasons, blocked.uncredited_units) == (
        (iv.records.CloseOutReason.CREDIT_OWED, iv.records.CloseOutReason.UNPAID), 2)  # fmt: skip
    credit(engine, "CN-1", rma="RMA-1", lines=[LineQuantity("1", 2)])
    engine.execute(iv.CloseOrder(key="close", at=at(40), order="W-1", reason="settled"))
    assert [(c.order, c.reasons) for c in engine.close_outs(at(60))] == [("D-1", ())]


def test_credited_units_counts_a_line_over_notes_and_one_rma() -> None:
    """The one count of credited units the decisions and a settling host share: a line's
    units over every note, or over the notes of one RMA."""
    from invorder.domain.invoicing.values import CreditNote, InvoiceLine, credited_units
    from invorder.domain.orders.ids import LineId, OrderId
    from invorder.domain.stock.catalog import SkuId

    def note(name: str, rma: str, *lines: tuple[str, int]) -> CreditNote:
        rows = tuple(InvoiceLine(line_id=LineId(lid), sku=SkuId("MUG"), quantity=n,
                                 unit_price=price("10.00"), amount=price("10.00").times(n))
                     for lid, n in lines)  # fmt: skip
        total = price("10.00").times(sum(n for _, n in lines))
        return CreditNote(credit_note=name, invoice="INV-1", order=OrderId("W-1"),
                          issued_at=at(9), reason="return", rma=rma, lines=rows,
                          adjustment=price("0.00"), total=total)  # fmt: skip

    notes = [note("CN-1", "RMA-1", ("1", 2), ("2", 1)), note("CN-2", "", ("1", 1)),
             note("CN-3", "RMA-2", ("1", 3))]  # fmt: skip
    assert credited_units(notes, "1") == 6
    assert credited_units(notes, "1", "RMA-1") == 2
    assert credited_units(notes, "2", "RMA-2") == 0
    assert credited_units([], "1") == 0
