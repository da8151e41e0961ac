"""Payments: what the payment provider said about an order (authorised, captured, failed,
refunded), kept once per provider reference, and the payment status derived from the
amounts.

================  ====================================================================
module            what it holds
================  ====================================================================
``commands``      the four facts a host reports (:class:`PaymentFact` and its kinds)
``events``        ``PaymentAuthorised``, ``PaymentCaptured``, ``PaymentFailed``,
                  ``PaymentRefunded``
``payment``       one fact, an order's amounts, the derived status, the summary
``register``      the projection: every fact by reference, every order's amounts
``decide``        recording a fact (bounds, currency, idempotency, the payment hold)
================  ====================================================================
"""

from __future__ import annotations

from invorder.domain.messages import Decision
from invorder.domain.payments import commands as _c
from invorder.domain.payments import decide as _d
from invorder.domain.payments import events as _e
from invorder.domain.payments.register import Payments

PROJECTIONS = {"payments": Payments}
"""The projections this area folds, by their name in the domain state."""

_READS = ("context", "payments", "channels")

DECISIONS = (
    Decision(_c.RecordAuthorisation, _d.decide_payment, _READS),
    Decision(_c.RecordCapture, _d.decide_payment, _READS),
    Decision(_c.RecordPaymentFailure, _d.decide_payment, _READS),
    Decision(_c.RecordRefund, _d.decide_payment, _READS),
)
"""Every payment command, the function that decides it and what it reads."""

EVENTS: tuple[type, ...] = (
    _e.PaymentAuthorised, _e.PaymentCaptured, _e.PaymentFailed, _e.PaymentRefunded,
)  # fmt: skip
"""The events this area writes."""
