"""What a :class:`~invorder.simulate.scenario.SettleOrder` step expands to: the invoices,
credit notes, captures and refunds a host would issue or report for an order, worked out
from the engine's state when the step runs (amounts depend on what the rule shipped)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from invorder.domain.invoicing.commands import IssueCreditNote, IssueInvoice
from invorder.domain.invoicing.settlement import done_shipping
from invorder.domain.invoicing.values import Invoice, Invoicing, credited_units
from invorder.domain.messages import Command
from invorder.domain.money import Money
from invorder.domain.orders.order import Order
from invorder.domain.orders.values import LineQuantity
from invorder.domain.payments.commands import RecordCapture, RecordPaymentFailure, RecordRefund
from invorder.engine import Engine
from invorder.simulate.scenario import SettleOrder


def settle_commands(engine: Engine, step: SettleOrder) -> Iterator[Command]:
    """The commands ``step`` stands for, in the order a host issues them: the invoice of
    what shipped and is on no invoice, credit notes for returned units not credited, the
    capture (or its decline) of what shipped and is not captured, the refund the returns
    owe. Nothing for an order the engine does not know (the runner reports the step)."""
    order = engine.order(step.order)
    if order is None:
        return
    standing = engine.invoicing(step.order)
    at = step.at
    if standing.policy is not Invoicing.NONE:
        if standing.uninvoiced.amount and (
            standing.policy is Invoicing.EACH_SHIPMENT or done_shipping(order)
        ):
            invoice = f"INV-{order.order_id}-{len(standing.invoices) + 1}"
            yield IssueInvoice(key=f"{step.key}/invoice", at=at, invoice=invoice,
                               order=order.order_id)  # fmt: skip
        yield from _credits(engine, step, order)
        return
    paid = engine.payment(step.order)
    if paid is None or not engine.payment_facts(step.order):
        return  # the host reports no payments for it: a receipt is all it gets
    currency = paid.total.currency
    captured = paid.captured.amount
    due = min(paid.due_for_capture.amount, paid.authorised.amount - captured)
    if due > 0:
        fact = RecordPaymentFailure if step.decline else RecordCapture
        key = f"{step.key}/capture"  # the key is the provider's reference too
        yield fact(key=key, at=at, order=order.order_id, reference=key,
                   amount=Money(due, currency))  # fmt: skip
        if not step.decline:
            captured += due
    refunds = sum((rma.refund.amount for r in order.returns
                   if (rma := engine.rma(r)) is not None), Decimal(0))  # fmt: skip
    owed = min(refunds, captured) - paid.refunded.amount
    if owed > 0:
        key = f"{step.key}/refund"
        yield RecordRefund(key=key, at=at, order=order.order_id, reference=key,
                           amount=Money(owed, currency))  # fmt: skip


def _credits(engine: Engine, step: SettleOrder, order: Order) -> Iterator[Command]:
    """A credit note per RMA and invoice for the units the RMA received that no note
    credits yet, each line on the first invoice that charged it and has units left."""
    invoices = engine.invoices(order.order_id)
    notes_of = {invoice.invoice: engine.credit_notes(invoice.invoice) for invoice in invoices}
    notes = [note for found in notes_of.values() for note in found]
    left = {  # (invoice, line) -> units not credited
        (invoice.invoice, line.line_id):
            line.quantity - credited_units(notes_of[invoice.invoice], line.line_id)
        for invoice in invoices for line in invoice.lines
    }  # fmt: skip
    count = len(notes)
    for rma_id in order.returns:
        rma = engine.rma(rma_id)
        if rma is None:
            continue
        per_invoice: dict[str, list[LineQuantity]] = {}
        for line_id, received in rma.received:
            units = received - credited_units(notes, line_id, rma_id)
            for invoice in _charging(invoices, line_id):
                take = min(units, left[(invoice.invoice, line_id)])
                if take > 0:
                    per_invoice.setdefault(invoice.invoice, []).append(LineQuantity(line_id, take))
                    left[(invoice.invoice, line_id)] -= take
                    units -= take
        for invoice_id, lines in per_invoice.items():
            count += 1
            yield IssueCreditNote(key=f"{step.key}/credit/{count}", at=step.at,
                                  credit_note=f"CN-{order.order_id}-{count}", invoice=invoice_id,
                                  reason="return", lines=lines, rma=rma_id)  # fmt: skip


def _charging(invoices: list[Invoice], line_id: str) -> Iterator[Invoice]:
    return (invoice for invoice in invoices if any(ln.line_id == line_id for ln in invoice.lines))
