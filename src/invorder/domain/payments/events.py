"""Payment events: the provider's facts as recorded (authorised, captured, failed,
refunded); each holds the command that reported it."""

from __future__ import annotations

from typing import ClassVar

import attrs

from invorder.domain.messages import FromCommand
from invorder.domain.payments.commands import (
    PaymentFact,
    RecordAuthorisation,
    RecordCapture,
    RecordPaymentFailure,
    RecordRefund,
)


@attrs.frozen(kw_only=True)
class PaymentEvent(FromCommand):
    """Fields every payment event has (its order, reference and amount are the command's)."""

    SCHEMA_VERSION: ClassVar[int] = 1
    position: int
    """Index of this event in the log."""
    command: PaymentFact
    """The command that reported the fact."""


@attrs.frozen(kw_only=True)
class PaymentAuthorised(PaymentEvent):
    """The provider authorised an amount."""

    command: RecordAuthorisation
    """The command that reported it."""


@attrs.frozen(kw_only=True)
class PaymentCaptured(PaymentEvent):
    """The provider captured an amount."""

    command: RecordCapture
    """The command that reported it."""


@attrs.frozen(kw_only=True)
class PaymentFailed(PaymentEvent):
    """The provider declined or failed a payment."""

    command: RecordPaymentFailure
    """The command that reported it."""


@attrs.frozen(kw_only=True)
class PaymentRefunded(PaymentEvent):
    """The provider refunded an amount."""

    command: RecordRefund
    """The command that reported it."""
