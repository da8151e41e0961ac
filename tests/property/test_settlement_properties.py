"""The money identity of close-out (issue 13): for an order done shipping, at every step of
a random sequence of invoices, credit notes, returns and provider facts, what the close-out
queue says is owed is what the order is charged less what was captured and not refunded,
and the order is closable exactly when nothing is owed, invoiced or credited."""

from __future__ import annotations

import contextlib
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

import invorder as iv
from invorder import LineItem, LineQuantity, OrderKind
from invorder.errors import InvorderError
from invorder.records import CloseOutReason, Invoicing
from tests.support.order_world import order_world, price
from tests.support.world import at

STEP = st.one_of(
    st.tuples(st.just("invoice"), st.integers(0, 400), st.just(0)),
    st.tuples(st.just("credit"), st.integers(0, 3), st.integers(0, 2000)),
    st.tuples(st.just("return"), st.integers(1, 3), st.just(0)),
    st.tuples(st.sampled_from(["authorise", "capture", "refund"]), st.integers(1, 6000),
              st.just(0)),
)  # fmt: skip
"""(what, a figure, another figure): a step of the order's money life."""
FACTS = {"authorise": iv.RecordAuthorisation, "capture": iv.RecordCapture,
         "refund": iv.RecordRefund}  # fmt: skip


def shipped_world(wholesale: bool) -> iv.Engine:
    """One order of 4 mugs at 10.00 (wholesale, invoiced per shipment; or DTC, not
    invoiced), shipped in full from EAST."""
    engine = order_world(east={"EAST/A/01": 4}, west={})
    kind = OrderKind.WHOLESALE if wholesale else OrderKind.DTC
    terms = iv.WholesaleTerms(payment_terms_days=10) if wholesale else None
    engine.capture(iv.CaptureOrder(key="cap", at=at(5), order="O-1", channel="wholesale",
                                   external_id="o1", kind=kind, wholesale=terms,
                                   lines=[LineItem("1", "MUG", 4, price("10.00"))]))  # fmt: skip
    for step in (iv.StartPicking, iv.PackShipment):
        engine.execute(step(key=step.__name__, at=at(6), shipment="O-1/S1"))
    engine.execute(iv.ShipShipment(key="ship", at=at(7), shipment="O-1/S1", carrier="UPS"))
    return engine


def run(engine: iv.Engine, n: int, step: tuple[str, int, int]) -> None:
    """Try one step (a refusal is fine: the property is about what is accepted)."""
    kind, first, second = step
    key, when = f"s{n}", at(10 + n)
    command: iv.Command
    if kind == "invoice":
        command = iv.IssueInvoice(key=key, at=when, invoice=f"INV-{n}", order="O-1",
                                  tax=iv.Money(Decimal(first) / 100, "USD"))  # fmt: skip
    elif kind == "credit":
        invoices = engine.invoices("O-1")
        units, cents = first, second
        if not invoices or not (units or cents):
            return
        command = iv.IssueCreditNote(
            key=key, at=when, credit_note=f"CN-{n}", invoice=invoices[0].invoice,
            reason="return", lines=[LineQuantity("1", units)] if units else [],
            adjustment=iv.Money(Decimal(cents) / 100, "USD") if cents else None,
        )  # fmt: skip
    elif kind == "return":
        engine.execute(iv.DefineRefundPolicy(key=f"{key}-p", at=when, refund_percent={}))
        try:
            engine.execute(iv.OpenReturn(key=key, at=when, rma=f"RMA-{n}", order="O-1",
                                         lines=[LineQuantity("1", first)]))  # fmt: skip
        except InvorderError:
            return
        command = iv.ReceiveReturn(key=f"{key}-in", at=when, rma=f"RMA-{n}",
                                   location="EAST/A/01",
                                   lines=[iv.ReturnedUnits("1", first)])  # fmt: skip
    else:
        command = FACTS[kind](key=key, at=when, order="O-1", reference=f"ref-{n}",
                              amount=iv.Money(Decimal(first) / 100, "USD"))  # fmt: skip
    with contextlib.suppress(InvorderError):
        engine.execute(command)


@settings(max_examples=60, deadline=None)
@given(wholesale=st.booleans(), steps=st.lists(STEP, max_size=10))
def test_what_is_owed_is_what_is_charged_less_what_was_paid(
    wholesale: bool, steps: list[tuple[str, int, int]]
) -> None:
    engine = shipped_world(wholesale)
    for n, step in enumerate(steps):
        run(engine, n, step)
        [standing] = engine.close_outs(at(10 + n))
        paid = engine.payment("O-1")
        assert paid is not None
        net = paid.captured.amount - paid.refunded.amount
        invoicing = engine.invoicing("O-1")
        order = engine.order("O-1")
        assert order is not None
        if invoicing.policy is not Invoicing.NONE:
            charged = invoicing.uninvoiced.amount + invoicing.invoiced.amount
            charged -= invoicing.credited.amount
        elif engine.payment_facts("O-1"):
            refunds = sum(r.refund.amount for r in map(engine.rma, order.returns) if r)
            charged = paid.shipped.amount - refunds
        else:
            charged = net
        assert standing.owed.amount == charged - net
        reasons = set(standing.reasons)
        unpaid = {CloseOutReason.UNPAID, CloseOutReason.UNPAID_PAST_DUE,
                  CloseOutReason.NOT_CAPTURED}  # fmt: skip
        if unpaid & reasons:  # owed money is named; what is owed may be not invoiced yet
            assert standing.owed.amount > 0
        if standing.owed.amount > 0:
            assert (unpaid | {CloseOutReason.NOT_INVOICED}) & reasons
        assert (standing.owed.amount < 0) == (CloseOutReason.REFUND_OWED in standing.reasons)
        assert (invoicing.uninvoiced.amount > 0) == (
            CloseOutReason.NOT_INVOICED in standing.reasons
        )
