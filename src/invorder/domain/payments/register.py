"""The payments projection: every fact of the provider by its reference, and each order's
payment amounts."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import ClassVar

from invorder.domain._records import FrozenValues, Records
from invorder.domain.errors import CurrencyMismatchError
from invorder.domain.messages import Event
from invorder.domain.money import trusted_money
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


class _Totals:
    """One order's running amounts as the fold keeps them (mutable; only the fold changes
    them): the frozen :class:`OrderPayments` is built when asked, cached until they change.
    Kept in :class:`~invorder.domain._records.Records`, so the engine's copies of the
    register share them until one side changes them."""

    __slots__ = (
        "authorised", "captured", "currency", "epoch", "failures", "order", "refunded", "view",
    )  # fmt: skip

    def __init__(self, order: str, currency: str) -> None:
        self.order = order
        self.currency = currency
        self.authorised = self.captured = self.refunded = _ZERO
        self.failures = 0
        self.view: OrderPayments | None = None
        self.epoch = 0  # see Records

    def copy(self) -> _Totals:
        """A copy of the amounts (the cached frozen value shared)."""
        new = _Totals(self.order, self.currency)
        new.authorised, new.captured, new.refunded = self.authorised, self.captured, self.refunded
        new.failures = self.failures
        new.view = self.view
        return new

    def add(self, payment: Payment) -> None:
        """Count ``payment`` in (as :meth:`OrderPayments.add` counts it)."""
        kind, amount = payment.kind, payment.amount
        if kind is PaymentKind.FAILED:
            self.failures += 1
        else:
            if amount.currency != self.currency:
                raise CurrencyMismatchError("add", self.currency, amount.currency)
            if kind is PaymentKind.AUTHORISED:
                self.authorised += amount.amount
            elif kind is PaymentKind.CAPTURED:
                self.captured += amount.amount
            else:
                self.refunded += amount.amount
        self.view = None

    def freeze(self) -> OrderPayments:
        """The amounts as a frozen value."""
        view = self.view
        if view is None:
            c = self.currency
            view = self.view = OrderPayments(
                self.order, trusted_money(self.authorised, c), trusted_money(self.captured, c),
                trusted_money(self.refunded, c), self.failures,
            )  # fmt: skip
        return view

    def __eq__(self, other: object) -> bool:
        # Equal when the amounts callers read are (a projection against a rebuild).
        if not isinstance(other, _Totals):
            return NotImplemented
        return self.freeze() == other.freeze()

    __hash__ = None  # type: ignore[assignment]  # mutable: not hashable


_ZERO = Decimal(0)


class Payments:
    """The payments projection: every fact by the provider's reference (in the order
    recorded), and each order's amounts (:class:`OrderPayments`)."""

    FOLDS: ClassVar[frozenset[type]] = frozenset(KINDS)
    """The event types :meth:`apply` folds (others leave it unchanged)."""

    __slots__ = ("_by_order", "_by_reference", "_facts")

    def __init__(self) -> None:
        self._by_reference: dict[str, Payment] = {}
        # Shared copy-on-write with the engine's copies (forks, batches): one dict copy.
        self._by_order: Records[_Totals] = Records()
        # order -> its facts, in the order recorded; a tuple replaced at each fact, so that
        # copies share the dict's values (a fork of a day copies ~50,000 of them).
        self._facts: FrozenValues[str, tuple[Payment, ...]] = FrozenValues()

    def get(self, order: str) -> OrderPayments | None:
        """The order's amounts, or ``None`` if no fact names it."""
        totals = self._by_order.get(order)
        return None if totals is None else totals.freeze()

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
        self._facts[payment.order] = (*self._facts.get(payment.order, ()), payment)
        by_order = self._by_order
        if payment.order in by_order:
            totals = by_order.mine(payment.order)
        else:
            totals = by_order.add(payment.order, _Totals(payment.order, payment.amount.currency))
        totals.add(payment)
