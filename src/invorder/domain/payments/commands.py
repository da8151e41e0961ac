"""Payment commands: what the payment provider said about an order (authorised, captured,
failed, refunded), each under the provider's reference."""

from __future__ import annotations

from typing import Any

import attrs

from invorder.domain import _checks
from invorder.domain.errors import InvalidMoneyError
from invorder.domain.messages import Command
from invorder.domain.money import Money


def _positive(instance: object, attribute: Any, value: Any) -> None:
    if not isinstance(value, Money):
        raise InvalidMoneyError(
            attribute.name, value, "give a Money, such as Money(Decimal('9.99'), 'USD')"
        )
    if value.amount <= 0:
        raise InvalidMoneyError(attribute.name, value.amount, "a payment amount is above zero")


@attrs.frozen(kw_only=True)
class PaymentFact(Command):
    """What every payment fact names: the order, the provider's reference and the amount.

    A reference names one fact: reported again with the same order and amount (under any
    key) it changes nothing; with another kind, order or amount it is refused
    (:class:`~invorder.errors.PaymentConflictError`). The amount is in the order's currency.
    """

    order: str = attrs.field(validator=_checks.identifier)
    """The order paid for."""
    reference: str = attrs.field(validator=_checks.identifier)
    """The provider's reference of this fact (its authorisation, capture or refund id)."""
    amount: Money = attrs.field(validator=_positive)
    """The amount, above zero, in the order's currency."""


@attrs.frozen(kw_only=True)
class RecordAuthorisation(PaymentFact):
    """The provider authorised ``amount`` for the order. Once the authorised amounts reach
    the order's total, an order held for payment (``payment_pending``) is released, and
    allocated if that was its last hold."""


@attrs.frozen(kw_only=True)
class RecordCapture(PaymentFact):
    """The provider captured ``amount`` of what it authorised. Refused beyond what is
    authorised and not yet captured, and on a channel that captures on shipment, beyond the
    value shipped (:class:`~invorder.errors.OverCaptureError`)."""


@attrs.frozen(kw_only=True)
class RecordPaymentFailure(PaymentFact):
    """The provider declined or failed a payment of ``amount`` (an authorisation or a
    capture that did not happen): kept for the record; it moves no money."""


@attrs.frozen(kw_only=True)
class RecordRefund(PaymentFact):
    """The provider refunded ``amount``. Refused beyond what is captured and not yet
    refunded (:class:`~invorder.errors.OverRefundError`)."""
