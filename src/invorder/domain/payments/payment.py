"""Payment records: one fact of the provider (:class:`Payment`), an order's running totals
(:class:`OrderPayments`), the payment status derived from them (:class:`PaymentState`) and
what the engine answers about an order's payment (:class:`PaymentSummary`)."""

from __future__ import annotations

import enum
from decimal import Decimal

import attrs

from invorder.domain.money import Money, trusted_money
from invorder.domain.orders.order import Order

_ZERO = Decimal(0)


class PaymentKind(enum.StrEnum):
    """What the provider said."""

    AUTHORISED = "authorised"
    """It authorised the amount."""
    CAPTURED = "captured"
    """It captured the amount (of what it authorised)."""
    FAILED = "failed"
    """A payment of the amount was declined or failed."""
    REFUNDED = "refunded"
    """It refunded the amount (of what it captured)."""


class PaymentState(enum.StrEnum):
    """An order's payment status, derived from its amounts alone (see :func:`payment_state`)."""

    UNPAID = "unpaid"
    """Nothing authorised, captured or failed yet."""
    FAILED = "failed"
    """Nothing authorised, and a payment failed."""
    AUTHORISED = "authorised"
    """Authorised, nothing captured yet."""
    PARTLY_CAPTURED = "partly_captured"
    """Captured, less than the order's total; nothing refunded."""
    PAID = "paid"
    """Captured the order's total (or more); nothing refunded."""
    PARTLY_REFUNDED = "partly_refunded"
    """Some of what was captured refunded."""
    REFUNDED = "refunded"
    """Everything captured refunded."""


@attrs.frozen
class Payment:
    """One fact of the provider, as recorded under its reference."""

    reference: str
    """The provider's reference."""
    kind: PaymentKind
    """What the provider said."""
    order: str
    """The order."""
    amount: Money
    """The amount (above zero, in the order's currency)."""


@attrs.frozen
class OrderPayments:
    """An order's payment amounts as the log tells them.

    Invariants (the decisions keep them): every amount in one currency;
    ``refunded <= captured <= authorised``.
    """

    order: str
    """The order."""
    authorised: Money
    """Authorised in all."""
    captured: Money
    """Captured in all."""
    refunded: Money
    """Refunded in all."""
    failures: int = 0
    """Payments declined or failed."""

    @classmethod
    def none(cls, order: str, currency: str) -> OrderPayments:
        """An order with no payment yet, in ``currency``."""
        zero = trusted_money(_ZERO, currency)
        return cls(order, zero, zero, zero)

    def add(self, payment: Payment) -> OrderPayments:
        """These amounts with ``payment`` counted."""
        kind, amount = payment.kind, payment.amount
        authorised, captured, refunded = self.authorised, self.captured, self.refunded
        if kind is PaymentKind.AUTHORISED:
            authorised = authorised + amount
        elif kind is PaymentKind.CAPTURED:
            captured = captured + amount
        elif kind is PaymentKind.REFUNDED:
            refunded = refunded + amount
        else:
            return OrderPayments(self.order, authorised, captured, refunded, self.failures + 1)
        return OrderPayments(self.order, authorised, captured, refunded, self.failures)


def payment_state(paid: OrderPayments, total: Money) -> PaymentState:
    """The status ``paid``'s amounts imply for an order of ``total``: refunds first, then
    captures (paid once they reach the total), then authorisation, then failure."""
    if paid.refunded.amount:
        if paid.refunded.amount >= paid.captured.amount:
            return PaymentState.REFUNDED
        return PaymentState.PARTLY_REFUNDED
    if paid.captured.amount:
        if paid.captured.amount >= total.amount:
            return PaymentState.PAID
        return PaymentState.PARTLY_CAPTURED
    if paid.authorised.amount:
        return PaymentState.AUTHORISED
    return PaymentState.FAILED if paid.failures else PaymentState.UNPAID


def shipped_value(order: Order) -> Money:
    """What ``order`` has shipped, at its line prices."""
    amount = sum((line.unit_price.amount * line.shipped for line in order.lines), Decimal(0))
    return trusted_money(amount, order.currency)


@attrs.frozen(kw_only=True)
class PaymentSummary:
    """An order's payment: its status, its amounts, and what is due for capture."""

    order: str
    """The order."""
    status: PaymentState
    """Derived from the amounts (see :func:`payment_state`)."""
    total: Money
    """The order's value: its units not cancelled, at line prices."""
    shipped: Money
    """The value shipped, at line prices."""
    authorised: Money
    """Authorised in all."""
    captured: Money
    """Captured in all."""
    refunded: Money
    """Refunded in all."""
    failures: int
    """Payments declined or failed."""
    due_for_capture: Money
    """What shipped and is not captured yet (zero when the captures cover it): what a
    host that captures on shipment asks the provider for after a shipment ships."""


def summarise(order: Order, paid: OrderPayments | None) -> PaymentSummary:
    """The payment summary of ``order`` with its amounts ``paid`` (``None``: no payment)."""
    total = order.total
    if paid is None:
        paid = OrderPayments.none(order.order_id, total.currency)
    shipped = shipped_value(order)
    due = max(shipped.amount - paid.captured.amount, Decimal(0))
    return PaymentSummary(
        order=order.order_id, status=payment_state(paid, total), total=total, shipped=shipped,
        authorised=paid.authorised, captured=paid.captured, refunded=paid.refunded,
        failures=paid.failures, due_for_capture=trusted_money(due, total.currency),
    )  # fmt: skip
