"""The payments projection: every fact of the provider by its reference, and each order's
payment amounts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from invorder.domain.messages import Event
from invorder.domain.payments.events import (
    PaymentAuthorised,
    PaymentCaptured,
    PaymentEvent,
    PaymentFailed,
    PaymentRefunded,
)
from invorder.domain.payments.payment import OrderPayments, Payment, PaymentKind

KINDS: dict[type, PaymentKind] = {
    PaymentAuthorised: PaymentKind.AUTHORISED,
    PaymentCaptured: PaymentKind.CAPTURED,
    PaymentFailed: PaymentKind.FAILED,
    PaymentRefunded: PaymentKind.REFUNDED,
}
"""The kind of fact each payment event records."""


class Payments:
    """The payments projection: every fact by the provider's reference (in the order
    recorded), and each order's amounts (:class:`OrderPayments`)."""

    FOLDS: ClassVar[frozenset[type]] = frozenset(KINDS)
    """The event types :meth:`apply` folds (others leave it unchanged)."""

    __slots__ = ("_by_order", "_by_reference", "_facts")

    def __init__(self) -> None:
        self._by_reference: dict[str, Payment] = {}
        self._by_order: dict[str, OrderPayments] = {}
        self._facts: dict[str, list[Payment]] = {}  # order -> its facts, in the order recorded

    def get(self, order: str) -> OrderPayments | None:
        """The order's amounts, or ``None`` if no fact names it."""
        return self._by_order.get(order)

    def of_order(self, order: str) -> list[Payment]:
        """The facts naming ``order``, in the order recorded (a new list)."""
        return list(self._facts.get(order, ()))

    def by_reference(self, reference: str) -> Payment | None:
        """The fact recorded under the provider's ``reference``, or ``None``."""
        return self._by_reference.get(reference)

    def __iter__(self) -> Iterator[Payment]:
        return iter(self._by_reference.values())

    def apply(self, event: Event) -> None:
        """Fold one event (only the payment events matter)."""
        kind = KINDS.get(type(event))
        if kind is not None:
            assert isinstance(event, PaymentEvent)
            c = event.command
            self.put(Payment(c.reference, kind, c.order, c.amount))

    def put(self, payment: Payment) -> None:
        """Record ``payment`` (a new reference) and count it in its order's amounts (the
        projection's own writer: the fold and a snapshot's import call it)."""
        if payment.reference in self._by_reference:
            raise ValueError(f"payment reference {payment.reference!r} is recorded twice")
        self._by_reference[payment.reference] = payment
        self._facts.setdefault(payment.order, []).append(payment)
        before = self._by_order.get(payment.order)
        if before is None:
            before = OrderPayments.none(payment.order, payment.amount.currency)
        self._by_order[payment.order] = before.add(payment)
