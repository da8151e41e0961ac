"""Which orders are done shipping but cannot close yet, and why: shipped units not invoiced
where the order is invoiced, returned units not credited, invoices not paid (past due or
not yet), shipped value not captured, refunds owed."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

import attrs

from invorder.domain.invoicing.commands import CloseSettledOrders
from invorder.domain.invoicing.invoices import Invoices
from invorder.domain.invoicing.values import Invoicing
from invorder.domain.invoicing.views import order_invoicing
from invorder.domain.messages import Event
from invorder.domain.money import Money, trusted_money
from invorder.domain.orders.book import OrderBook
from invorder.domain.orders.events import OrderClosed
from invorder.domain.orders.ids import OrderId
from invorder.domain.orders.order import Order
from invorder.domain.orders.standing import open_units
from invorder.domain.payments.payment import shipped_value
from invorder.domain.payments.register import Payments


class CloseOutReason(enum.StrEnum):
    """Why an order whose units are all shipped or cancelled cannot close yet."""

    NOT_INVOICED = "not_invoiced"
    """Its policy invoices it, and shipped units are on no invoice."""
    CREDIT_OWED = "credit_owed"
    """Units came back on an invoiced order and no credit note credits them."""
    UNPAID_PAST_DUE = "unpaid_past_due"
    """An invoice is not paid (nor credited) and its due date has passed."""
    UNPAID = "unpaid"
    """An invoice is not paid (nor credited) yet, and not due yet."""
    NOT_CAPTURED = "not_captured"
    """An order not invoiced whose payments the host reports: less is captured (net of
    refunds for returns) than it shipped."""
    REFUND_OWED = "refund_owed"
    """More was paid than the order owes: its returns' refunds, or a credit, not refunded."""


@attrs.frozen(kw_only=True)
class CloseOut:
    """An order done shipping and not closed: what stands in the way (nothing: it can be
    closed now, :class:`~invorder.CloseOrder`)."""

    order: OrderId
    """The order."""
    channel: str
    """Its channel."""
    reasons: tuple[CloseOutReason, ...]
    """What stands in the way, in the order of :class:`CloseOutReason` (empty: closable)."""
    uninvoiced: Money
    """The value shipped and on no invoice (zero when it is not invoiced)."""
    uncredited_units: int
    """Units returned on an invoiced order and not credited."""
    owed: Money
    """What the customer still owes (positive) or is owed back (negative): invoices not
    paid nor credited, or value shipped not captured, net of what was paid."""


def done_shipping(order: Order) -> bool:
    """True when every unit of the order is shipped or cancelled (returns come after)."""
    return not open_units(order)


def close_out(
    orders: OrderBook, invoices: Invoices, payments: Payments, order: Order, at: datetime
) -> CloseOut:
    """What stands between ``order`` (done shipping) and closing it at ``at``. The money
    side: an invoiced order owes its invoices less their credits, and what it shipped that
    is on no invoice yet; an order not invoiced, whose payments the host reports, owes the
    value it shipped less the refunds its returns owe. What was captured, less what was
    refunded, pays it (the earliest invoices first, then what is not invoiced yet). An
    order not invoiced and without any payment fact is judged by its units alone."""
    capture = order.capture
    policy = invoices.policy(capture.channel, capture.kind)
    if policy is Invoicing.NONE:  # nothing to invoice: the receipt's figure is all it needs
        shipped = shipped_value(order)
        uninvoiced = trusted_money(Decimal(0), shipped.currency)
    else:
        standing = order_invoicing(orders, invoices, order)
        shipped, uninvoiced = standing.shipped, standing.uninvoiced
    currency = shipped.currency
    paid = payments.get(order.order_id)
    net = Decimal(0) if paid is None else paid.captured.amount - paid.refunded.amount
    reasons: list[CloseOutReason] = []
    if uninvoiced.amount:
        reasons.append(CloseOutReason.NOT_INVOICED)
    uncredited = 0
    owed = Decimal(0)
    if policy is not Invoicing.NONE:
        issued = invoices.of_order(order.order_id)
        notes = [note for invoice in issued for note in invoices.notes_of(invoice.invoice)]
        credited = sum(line.quantity for note in notes for line in note.lines)
        uncredited = max(0, sum(line.returned for line in order.lines) - credited) if issued else 0
        if uncredited:
            reasons.append(CloseOutReason.CREDIT_OWED)
        left = net
        for invoice in issued:  # payments settle the earliest invoices first
            due = invoice.total.amount - invoices.credited(invoice).amount
            covered = min(max(left, Decimal(0)), due)
            left -= covered
            owed += due - covered
            if due > covered:
                past = invoice.due_at <= at
                reason = CloseOutReason.UNPAID_PAST_DUE if past else CloseOutReason.UNPAID
                if reason not in reasons:
                    reasons.append(reason)
        # What shipped and is not invoiced yet is owed too (paid ahead, it is no refund).
        covered = min(max(left, Decimal(0)), uninvoiced.amount)
        left -= covered
        owed += uninvoiced.amount - covered
        owed -= max(left, Decimal(0))
    elif paid is not None:
        refunds = sum((rma.refund.amount for r in order.returns
                       if (rma := orders.rma(r)) is not None), Decimal(0))  # fmt: skip
        owed = shipped.amount - refunds - net
        if owed > 0:
            reasons.append(CloseOutReason.NOT_CAPTURED)
    if owed < 0:
        reasons.append(CloseOutReason.REFUND_OWED)
    reasons.sort(key=list(CloseOutReason).index)
    return CloseOut(order=order.order_id, channel=order.capture.channel, reasons=tuple(reasons),
                    uninvoiced=uninvoiced, uncredited_units=uncredited,
                    owed=Money(owed, currency))  # fmt: skip


def close_outs(
    orders: OrderBook, invoices: Invoices, payments: Payments, at: datetime
) -> list[CloseOut]:
    """Every order done shipping and not closed, in capture order, with what stands in the
    way of closing it at ``at``."""
    return [close_out(orders, invoices, payments, order, at) for order in orders.settling()]


def decide_close_settled(
    orders: OrderBook, invoices: Invoices, payments: Payments, command: CloseSettledOrders,
    position: int,
) -> tuple[Event, ...]:  # fmt: skip
    """Close, with the reason ``settled``, every order done shipping that nothing keeps open
    at the command's time (possibly none), in capture order."""
    settled = [c.order for c in close_outs(orders, invoices, payments, command.at)
               if not c.reasons]  # fmt: skip
    return tuple(OrderClosed(position=position + n, command=command, order=order,
                             reason="settled") for n, order in enumerate(settled))  # fmt: skip
