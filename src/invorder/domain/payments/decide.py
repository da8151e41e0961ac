"""Payment decisions: a provider's fact is recorded once per reference, in the order's
currency, within what may be captured or refunded; an authorisation that covers the order
releases its payment hold."""

from __future__ import annotations

from typing import Protocol

from invorder.domain.errors import (
    CurrencyMismatchError,
    OverCaptureError,
    OverRefundError,
    PaymentConflictError,
)
from invorder.domain.messages import Event
from invorder.domain.money import Money
from invorder.domain.orders.context import Context, known_order
from invorder.domain.orders.decide_order import release_hold
from invorder.domain.orders.values import HoldReason
from invorder.domain.payments.commands import (
    PaymentFact,
    RecordAuthorisation,
    RecordCapture,
    RecordPaymentFailure,
    RecordRefund,
)
from invorder.domain.payments.events import (
    PaymentAuthorised,
    PaymentCaptured,
    PaymentEvent,
    PaymentFailed,
    PaymentRefunded,
)
from invorder.domain.payments.payment import OrderPayments, PaymentKind, shipped_value
from invorder.domain.payments.register import Payments

RECORDED: dict[type[PaymentFact], tuple[PaymentKind, type[PaymentEvent]]] = {
    RecordAuthorisation: (PaymentKind.AUTHORISED, PaymentAuthorised),
    RecordCapture: (PaymentKind.CAPTURED, PaymentCaptured),
    RecordPaymentFailure: (PaymentKind.FAILED, PaymentFailed),
    RecordRefund: (PaymentKind.REFUNDED, PaymentRefunded),
}
"""Each payment command: the kind of fact it reports and the event that records it."""


class _Channel(Protocol):
    @property
    def capture_on_shipment(self) -> bool: ...


class _Channels(Protocol):
    def get(self, channel: str, /) -> _Channel | None: ...


def decide_payment(
    ctx: Context, payments: Payments, channels: _Channels, command: PaymentFact, position: int
) -> tuple[Event, ...]:
    """Record a provider's fact. Rules, in this order: a reference seen before with the
    same content is a no-op and with other content a conflict; the order must exist; the
    amount must be in its currency; a capture stays within what is authorised and not yet
    captured (and shipped, on a channel that captures on shipment), a refund within what is
    captured and not yet refunded. An authorisation that brings the authorised amount to
    the order's total releases a payment hold (and allocates if it was the last hold)."""
    kind, event_type = RECORDED[type(command)]
    seen = payments.by_reference(command.reference)
    if seen is not None:
        for field, first, second in (
            ("kind", seen.kind, kind),
            ("order", seen.order, command.order),
            ("amount", seen.amount, command.amount),  # equal amounts: 20.0 is 20.00
        ):
            if first != second:
                raise PaymentConflictError(command.reference, field, str(first), str(second))
        return ()
    order = known_order(ctx.orders, command.order)
    currency = order.currency
    if command.amount.currency != currency:
        raise CurrencyMismatchError("mix in one order", currency, command.amount.currency)
    paid = payments.get(order.order_id) or OrderPayments.none(order.order_id, currency)
    amount = command.amount
    if kind is PaymentKind.CAPTURED:
        allowed, why = paid.authorised.amount - paid.captured.amount, "authorised, not captured"
        channel = channels.get(order.capture.channel)
        if channel is not None and channel.capture_on_shipment:
            shipped = shipped_value(order).amount - paid.captured.amount
            if shipped < allowed:
                allowed, why = shipped, "shipped, not captured: the channel captures on shipment"
        if amount.amount > allowed:
            raise OverCaptureError(order.order_id, str(amount),
                                   str(Money(max(allowed, 0), currency)), why)  # fmt: skip
    elif kind is PaymentKind.REFUNDED:
        allowed = paid.captured.amount - paid.refunded.amount
        if amount.amount > allowed:
            raise OverRefundError(order.order_id, str(amount), str(Money(allowed, currency)))
    events: list[Event] = [event_type(position=position, command=command)]
    if (
        kind is PaymentKind.AUTHORISED
        and HoldReason.PAYMENT_PENDING in order.holds
        and paid.authorised.amount + amount.amount >= order.total.amount
    ):
        events.extend(release_hold(ctx, order, HoldReason.PAYMENT_PENDING, command, position + 1))
    return tuple(events)
