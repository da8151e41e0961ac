"""Invoicing decisions: define when orders are invoiced, issue an invoice for what shipped,
credit an invoice."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal
from typing import Protocol

from invorder.domain.errors import (
    CurrencyMismatchError,
    DuplicateError,
    InvoiceRefusedError,
    NotFoundError,
    OverCreditError,
    UnknownChannelError,
)
from invorder.domain.invoicing.commands import DefineInvoicing, IssueCreditNote, IssueInvoice
from invorder.domain.invoicing.events import CreditNoteIssued, InvoiceIssued, InvoicingDefined
from invorder.domain.invoicing.invoices import Invoices
from invorder.domain.invoicing.values import (
    CreditNote,
    Invoice,
    InvoiceLine,
    Invoicing,
    credited_units,
)
from invorder.domain.money import Money
from invorder.domain.orders.book import OrderBook
from invorder.domain.orders.context import known_order
from invorder.domain.orders.ids import LineId
from invorder.domain.orders.order import Order
from invorder.domain.orders.shipment import Shipment, ShipmentStatus
from invorder.domain.orders.standing import open_units
from invorder.domain.stock.catalog import SkuId


class _Channels(Protocol):
    def get(self, channel: str, /) -> object | None: ...


def decide_define_invoicing(
    channels: _Channels, command: DefineInvoicing, position: int
) -> InvoicingDefined:
    """Accept the rule if its channel (when it names one) is defined."""
    if command.channel and channels.get(command.channel) is None:
        raise UnknownChannelError(command.channel)
    return InvoicingDefined(position=position, command=command)


def decide_issue_invoice(
    orders: OrderBook, invoices: Invoices, command: IssueInvoice, position: int
) -> InvoiceIssued:
    """Invoice the shipments named (or every one shipped and not invoiced yet) at the prices
    captured, if the order's policy invoices it now."""
    order = known_order(orders, command.order)
    taken = invoices.get(command.invoice)
    if taken is not None:
        raise DuplicateError("invoice", command.invoice, f"issued for order {taken.order!r}")
    capture = order.capture
    policy = invoices.policy(capture.channel, capture.kind)
    if policy is Invoicing.NONE:
        raise InvoiceRefusedError(
            order.order_id,
            f"{capture.kind.value} orders from {capture.channel!r} are not invoiced (paid at "
            "checkout: their shipped value is the receipt); DefineInvoicing changes that",
        )
    if policy is Invoicing.ON_COMPLETION:
        waiting = open_units(order)
        if waiting:
            raise InvoiceRefusedError(
                order.order_id, f"it is invoiced once complete and {waiting} unit(s) have "
                "not shipped; ship or cancel them first",
            )  # fmt: skip
    chosen = _shipments(orders, invoices, order, command.shipments)
    currency = order.currency
    tax = _in(currency, command.tax, "tax")
    shipping = _in(currency, command.shipping, "shipping")
    units: dict[str, int] = {}
    for shipment in chosen:
        for pick in shipment.picks:
            units[pick.line_id] = units.get(pick.line_id, 0) + pick.quantity
    lines = _lines(order.lines, units)
    subtotal = _sum(currency, (line.amount for line in lines))
    terms = 0 if capture.wholesale is None else capture.wholesale.payment_terms_days
    issued = Invoice(
        invoice=command.invoice, order=order.order_id, issued_at=command.at,
        due_at=command.at + timedelta(days=terms),
        shipments=tuple(s.shipment for s in chosen), lines=lines, subtotal=subtotal, tax=tax,
        shipping=shipping, total=subtotal + tax + shipping,
    )  # fmt: skip
    return InvoiceIssued(position=position, command=command, issued=issued)


def _shipments(
    orders: OrderBook, invoices: Invoices, order: Order, named: tuple[str, ...]
) -> list[Shipment]:
    """The shipments to invoice: those named, each shipped and on no invoice yet; or, none
    named, every such one (at least one)."""
    if not named:
        chosen = [s for s in orders.shipments_of(order) if s.status is ShipmentStatus.SHIPPED
                  and invoices.invoiced_on(s.shipment) is None and s.units]  # fmt: skip
        if not chosen:
            raise InvoiceRefusedError(order.order_id, "nothing shipped is left to invoice")
        return chosen
    own = {s.shipment: s for s in orders.shipments_of(order)}
    chosen = []
    for sid in named:
        shipment = own.get(sid)
        if shipment is None:
            raise InvoiceRefusedError(order.order_id, f"shipment {sid!r} is not one of its own")
        if shipment.status is not ShipmentStatus.SHIPPED:
            raise InvoiceRefusedError(
                order.order_id, f"shipment {sid!r} has not shipped ({shipment.status.value})"
            )
        on = invoices.invoiced_on(sid)
        if on is not None:
            raise InvoiceRefusedError(order.order_id, f"shipment {sid!r} is on invoice {on!r}")
        chosen.append(shipment)
    return chosen


def _in(currency: str, amount: Money | None, name: str) -> Money:
    if amount is None:
        return Money(0, currency)
    if amount.currency != currency:
        raise CurrencyMismatchError(f"put on one invoice ({name})", currency, amount.currency)
    return amount


def _sum(currency: str, amounts: Iterable[Money]) -> Money:
    return Money(sum((m.amount for m in amounts), Decimal(0)), currency)


class _Priced(Protocol):
    @property
    def line_id(self) -> LineId: ...
    @property
    def sku(self) -> SkuId: ...
    @property
    def unit_price(self) -> Money: ...


def _lines(priced: Iterable[_Priced], units: dict[str, int]) -> tuple[InvoiceLine, ...]:
    """Invoice lines for ``units`` per line id, at the prices of ``priced`` (an order's
    lines, or an invoice's), in its order."""
    return tuple(
        InvoiceLine(line_id=line.line_id, sku=line.sku, quantity=units[line.line_id],
                    unit_price=line.unit_price,
                    amount=line.unit_price.times(units[line.line_id]))
        for line in priced if units.get(line.line_id)
    )  # fmt: skip


def decide_issue_credit_note(
    orders: OrderBook, invoices: Invoices, command: IssueCreditNote, position: int
) -> CreditNoteIssued:
    """Credit units of the invoice's lines (at most what it invoiced and was not credited,
    and with an RMA at most what that RMA received and was not credited) and an adjustment,
    never more than the invoice has left."""
    # References (the RMA, the invoice), then the id, then the amounts.
    rma = orders.rma(command.rma) if command.rma else None
    if command.rma and rma is None:
        raise NotFoundError("RMA", command.rma)
    invoice = invoices.get(command.invoice)
    if invoice is None:
        raise NotFoundError("invoice", command.invoice)
    if rma is not None and rma.order != invoice.order:
        raise NotFoundError(f"RMA of order {invoice.order!r}", command.rma)
    taken = invoices.credit_note(command.credit_note)
    if taken is not None:
        raise DuplicateError("credit note", command.credit_note,
                             f"issued against invoice {taken.invoice!r}")  # fmt: skip

    def refuse(problem: str) -> OverCreditError:
        return OverCreditError(command.credit_note, invoice.invoice, problem)

    before = invoices.notes_of(invoice.invoice)
    invoiced: dict[str, InvoiceLine] = {line.line_id: line for line in invoice.lines}
    units: dict[str, int] = {lq.line_id: lq.quantity for lq in command.lines}
    for line_id, n in units.items():
        line = invoiced.get(line_id)
        if line is None:
            raise refuse(f"line {line_id!r} is not on it")
        open_units = line.quantity - credited_units(before, line_id)
        if n > open_units:
            raise refuse(f"{n} unit(s) of line {line_id!r}, of which {open_units} are left to "
                         "credit")  # fmt: skip
        if rma is not None:
            received = rma.received_of(line_id) - credited_units(before, line_id, command.rma)
            if n > received:
                raise refuse(f"{n} unit(s) of line {line_id!r} for RMA {command.rma!r}, which "
                             f"received {received} not yet credited")  # fmt: skip
    currency = invoice.total.currency
    adjustment = _in(currency, command.adjustment, "adjustment")
    lines = _lines(invoice.lines, units)
    total = _sum(currency, (line.amount for line in lines)) + adjustment
    left = Money(invoice.total.amount - invoices.credited(invoice).amount, currency)
    if left < total:
        raise refuse(f"{total} is more than the {left} it has left")
    issued = CreditNote(
        credit_note=command.credit_note, invoice=invoice.invoice, order=invoice.order,
        issued_at=command.at, reason=command.reason, rma=command.rma, lines=lines,
        adjustment=adjustment, total=total,
    )  # fmt: skip
    return CreditNoteIssued(position=position, command=command, issued=issued)
