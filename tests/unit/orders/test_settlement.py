"""The money side of closing an order (issue 13, item 4): an order done shipping lists what
keeps it open, from its invoices (not paid, past due or not), its payments (shipped but not
captured) and its returns (refund owed), until it is settled; a closed order still takes
the provider's facts."""

from __future__ import annotations

from datetime import timedelta

import invorder as iv
from invorder import LineItem, LineQuantity, OrderKind
from invorder.domain.payments.commands import PaymentFact
from invorder.records import CloseOutReason as R
from tests.support.order_world import order_world, price, ship
from tests.support.world import at


def pay(engine: iv.Engine, order: str, kind: type[PaymentFact], amount: str, ref: str) -> None:
    """Report a provider's fact of ``amount`` USD."""
    engine.execute(kind(key=f"pay-{ref}", at=at(30), order=order, reference=ref,
                        amount=price(amount)))  # fmt: skip


def reasons(engine: iv.Engine, order: str, when: int = 60) -> tuple[R, ...] | None:
    """What keeps ``order`` open at ``at(when)`` (``None``: not done shipping, or closed)."""
    found = [c for c in engine.close_outs(at(when)) if c.order == order]
    return found[0].reasons if found else None


def dtc(engine: iv.Engine) -> None:
    """D-1: two mugs at 10.00 from the shop, shipped."""
    engine.capture(iv.CaptureOrder(key="dtc", at=at(5), order="D-1", channel="shopify",
                                   external_id="d1", kind=OrderKind.DTC,
                                   lines=[LineItem("1", "MUG", 2, price("10.00"))]))  # fmt: skip
    ship(engine, "D-1/S1")


def test_an_order_paid_at_checkout_owes_what_it_shipped_until_it_is_captured() -> None:
    engine = order_world()
    dtc(engine)
    assert reasons(engine, "D-1") == ()  # no payment reported: judged by its units alone
    pay(engine, "D-1", iv.RecordAuthorisation, "20.00", "a1")
    pay(engine, "D-1", iv.RecordCapture, "15.00", "c1")
    [standing] = engine.close_outs(at(60))
    assert (standing.reasons, standing.owed) == ((R.NOT_CAPTURED,), price("5.00"))
    pay(engine, "D-1", iv.RecordCapture, "5.00", "c2")
    assert reasons(engine, "D-1") == ()


def test_a_return_owes_its_refund_until_the_provider_refunds_it() -> None:
    engine = order_world()
    dtc(engine)
    pay(engine, "D-1", iv.RecordAuthorisation, "20.00", "a1")
    pay(engine, "D-1", iv.RecordCapture, "20.00", "c1")
    engine.execute(iv.OpenReturn(key="rma", at=at(40), rma="RMA-1", order="D-1",
                                 lines=[LineQuantity("1", 1)]))  # fmt: skip
    engine.execute(iv.ReceiveReturn(key="back", at=at(41), rma="RMA-1", location="EAST/A/01",
                                    lines=[iv.ReturnedUnits("1", 1)]))  # fmt: skip
    [standing] = engine.close_outs(at(60))
    assert (standing.reasons, standing.owed) == ((R.REFUND_OWED,), price("-10.00"))
    pay(engine, "D-1", iv.RecordRefund, "10.00", "r1")
    assert reasons(engine, "D-1") == ()


def test_an_invoiced_order_is_unpaid_then_past_due_until_paid() -> None:
    engine = order_world()
    engine.capture(iv.CaptureOrder(
        key="cap", at=at(5), order="W-1", channel="wholesale", external_id="w1",
        kind=OrderKind.WHOLESALE, wholesale=iv.WholesaleTerms(payment_terms_days=30),
        lines=[LineItem("1", "MUG", 3, price("10.00"))],
    ))  # fmt: skip
    ship(engine, "W-1/S1")
    assert reasons(engine, "W-1") == (R.NOT_INVOICED,)
    engine.execute(iv.IssueInvoice(key="inv", at=at(20), invoice="INV-1", order="W-1",
                                   shipping=price("5.00")))  # fmt: skip
    assert reasons(engine, "W-1") == (R.UNPAID,)
    due = at(20) + timedelta(days=30)
    [late] = engine.close_outs(due)
    assert (late.reasons, late.owed) == ((R.UNPAID_PAST_DUE,), price("35.00"))
    pay(engine, "W-1", iv.RecordAuthorisation, "35.00", "wire-1")
    pay(engine, "W-1", iv.RecordCapture, "35.00", "wire-1c")
    assert reasons(engine, "W-1") == ()
    # A price correction credited after the payment is owed back.
    engine.execute(iv.IssueCreditNote(key="cn", at=at(70), credit_note="CN-1", invoice="INV-1",
                                      reason="price_correction",
                                      adjustment=price("3.00")))  # fmt: skip
    [owed] = engine.close_outs(at(80))
    assert (owed.reasons, owed.owed) == ((R.REFUND_OWED,), price("-3.00"))


def test_a_closed_order_still_takes_the_providers_facts() -> None:
    engine = order_world()
    dtc(engine)
    engine.execute(iv.CloseOrder(key="close", at=at(20), order="D-1", reason="written_off"))
    assert reasons(engine, "D-1") is None  # closed: no longer in the queue
    pay(engine, "D-1", iv.RecordAuthorisation, "20.00", "a1")
    pay(engine, "D-1", iv.RecordCapture, "20.00", "c1")
    summary = engine.payment("D-1")
    assert summary is not None
    assert summary.captured == price("20.00")


def test_the_sweep_closes_the_settled_orders_and_no_other() -> None:
    engine = order_world()
    dtc(engine)  # D-1: shipped, paid below
    engine.capture(iv.CaptureOrder(key="dtc2", at=at(5), order="D-2", channel="shopify",
                                   external_id="d2", kind=OrderKind.DTC,
                                   lines=[LineItem("1", "TEE", 1, price("5.00"))]))  # fmt: skip
    ship(engine, "D-2/S1", minute=11)  # D-2: shipped, captured short below
    engine.capture(iv.CaptureOrder(key="dtc3", at=at(5), order="D-3", channel="shopify",
                                   external_id="d3", kind=OrderKind.DTC,
                                   lines=[LineItem("1", "TEE", 1, price("5.00"))]))  # fmt: skip
    # D-3 is not shipped: not done, not closed.
    for order, amount in (("D-1", "20.00"), ("D-2", "4.00")):
        pay(engine, order, iv.RecordAuthorisation, amount, f"a-{order}")
        pay(engine, order, iv.RecordCapture, amount, f"c-{order}")
    outcome = engine.execute(iv.CloseSettledOrders(key="night", at=at(100)))
    assert [(e.order, e.reason) for e in outcome if isinstance(e, iv.events.OrderClosed)] == [
        ("D-1", "settled")]  # fmt: skip
    assert len(outcome) == 1
    closed = engine.order("D-1")
    assert closed is not None
    assert closed.closed_at == at(100)
    assert [c.order for c in engine.close_outs(at(100))] == ["D-2"]
    # Run again: nothing more to close; the outcome is empty.
    assert engine.execute(iv.CloseSettledOrders(key="night-2", at=at(200))) == ()
