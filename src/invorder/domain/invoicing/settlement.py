"""Which orders are done shipping but cannot close yet, and why: shipped units not invoiced
where the order is invoiced, returned units not credited on an invoiced order."""

from __future__ import annotations

import enum

import attrs

from invorder.domain.invoicing.invoices import Invoices
from invorder.domain.invoicing.values import Invoicing
from invorder.domain.invoicing.views import order_invoicing
from invorder.domain.money import Money
from invorder.domain.orders.book import OrderBook
from invorder.domain.orders.ids import OrderId
from invorder.domain.orders.order import Order


class CloseOutReason(enum.StrEnum):
    """Why an order whose units are all shipped, cancelled or returned cannot close yet."""

    NOT_INVOICED = "not_invoiced"
    """Its policy invoices it, and shipped units are on no invoice."""
    CREDIT_OWED = "credit_owed"
    """Units came back on an invoiced order and no credit note credits them."""


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


def done_shipping(order: Order) -> bool:
    """True when every unit of the order is shipped or cancelled (returns come after)."""
    return all(line.live == line.shipped for line in order.lines)


def close_out(orders: OrderBook, invoices: Invoices, order: Order) -> CloseOut:
    """What stands between ``order`` (done shipping) and closing it."""
    standing = order_invoicing(orders, invoices, order)
    reasons = []
    if standing.uninvoiced.amount:
        reasons.append(CloseOutReason.NOT_INVOICED)
    uncredited = 0
    issued = invoices.of_order(order.order_id)
    if issued and standing.policy is not Invoicing.NONE:
        notes = [note for invoice in issued for note in invoices.notes_of(invoice.invoice)]
        credited = sum(line.quantity for note in notes for line in note.lines)
        uncredited = max(0, sum(line.returned for line in order.lines) - credited)
        if uncredited:
            reasons.append(CloseOutReason.CREDIT_OWED)
    return CloseOut(order=order.order_id, channel=order.capture.channel, reasons=tuple(reasons),
                    uninvoiced=standing.uninvoiced, uncredited_units=uncredited)  # fmt: skip


def close_outs(orders: OrderBook, invoices: Invoices) -> list[CloseOut]:
    """Every order done shipping and not closed, in capture order, with what stands in the
    way of closing it."""
    return [close_out(orders, invoices, order) for order in orders
            if order.closed_at is None and done_shipping(order)]  # fmt: skip
