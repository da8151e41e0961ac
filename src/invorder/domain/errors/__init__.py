"""The typed errors invorder raises, one root and four branches.

Branches: :class:`ValidationError` (malformed input; the state does not matter),
:class:`RejectedError` (refused by the current state), :class:`IdempotencyConflictError`
(a key reused with other content) and :class:`ConcurrencyError` (safe to retry).

When one command breaks several rules, the error reported follows this precedence:

1. malformed input (raised while the command value is built, before any engine sees it);
2. idempotency: a key seen before returns the first outcome if the command is identical,
   else :class:`IdempotencyConflictError` naming the first field that differs;
3. references: unknown SKU (or barcode), then unknown location, each in the order the
   command names them, then an unknown record (:class:`NotFoundError`, e.g. a transfer id);
4. state rules: a duplicate id, an illegal transition, receiving more than is in transit,
   then insufficient stock for the first account (in the order the command names them)
   that would go negative.

Every error carries a stable ``code`` and structured ``fields``; the message says what was
asked, what was there, and what to do.

Each error class is data: its facts are typed attributes, declared in the order its
constructor takes them, and its message is a ``template`` over them (or a ``_render`` method);
``fields`` holds the facts by name. :mod:`invorder.domain.errors._declared` has the machinery.
"""

from invorder.domain.errors.codes import ErrorCode
from invorder.domain.errors.input import (
    CasePackError,
    CodecError,
    ConflictingFieldsError,
    CurrencyMismatchError,
    EmptyOrderError,
    InconsistentSupplyError,
    InvalidBarcodeError,
    InvalidBundleError,
    InvalidCheckpointError,
    InvalidCoordinatesError,
    InvalidFieldError,
    InvalidIdentifierError,
    InvalidListError,
    InvalidLocationError,
    InvalidMoneyError,
    InvalidMovementError,
    InvalidPlanError,
    InvalidPolicyError,
    InvalidQuantityError,
    InvalidReorderPolicyError,
    InvalidRoutingRequestError,
    InvalidRoutingRuleError,
    MissingLeadTimeError,
    NaiveDatetimeError,
)
from invorder.domain.errors.root import (
    CheckpointConflictError,
    ConcurrencyError,
    IdempotencyConflictError,
    InvorderError,
    OrderConflictError,
    PaymentConflictError,
    RejectedError,
    StoreCorruptError,
    StoreUnavailableError,
    ValidationError,
)
from invorder.domain.errors.state import (
    BundleStockError,
    CancelShippedError,
    DuplicateError,
    IllegalTransitionError,
    InsufficientStockError,
    InvoiceRefusedError,
    NotAKitError,
    NotFoundError,
    OrderClosedError,
    OrderOnHoldError,
    OverCaptureError,
    OverCommitError,
    OverCreditError,
    OverReceiptError,
    OverRefundError,
    ReturnQuantityError,
    TransferOverReceiptError,
    UnknownChannelError,
    UnknownLocationError,
    UnknownSkuError,
    UnpricedLineError,
)

__all__ = [
    "BundleStockError",
    "CancelShippedError",
    "CasePackError",
    "CheckpointConflictError",
    "CodecError",
    "ConcurrencyError",
    "ConflictingFieldsError",
    "CurrencyMismatchError",
    "DuplicateError",
    "EmptyOrderError",
    "ErrorCode",
    "IdempotencyConflictError",
    "IllegalTransitionError",
    "InconsistentSupplyError",
    "InsufficientStockError",
    "InvalidBarcodeError",
    "InvalidBundleError",
    "InvalidCheckpointError",
    "InvalidCoordinatesError",
    "InvalidFieldError",
    "InvalidIdentifierError",
    "InvalidListError",
    "InvalidLocationError",
    "InvalidMoneyError",
    "InvalidMovementError",
    "InvalidPlanError",
    "InvalidPolicyError",
    "InvalidQuantityError",
    "InvalidReorderPolicyError",
    "InvalidRoutingRequestError",
    "InvalidRoutingRuleError",
    "InvoiceRefusedError",
    "InvorderError",
    "MissingLeadTimeError",
    "NaiveDatetimeError",
    "NotAKitError",
    "NotFoundError",
    "OrderClosedError",
    "OrderConflictError",
    "OrderOnHoldError",
    "OverCaptureError",
    "OverCommitError",
    "OverCreditError",
    "OverReceiptError",
    "OverRefundError",
    "PaymentConflictError",
    "RejectedError",
    "ReturnQuantityError",
    "StoreCorruptError",
    "StoreUnavailableError",
    "TransferOverReceiptError",
    "UnknownChannelError",
    "UnknownLocationError",
    "UnknownSkuError",
    "UnpricedLineError",
    "ValidationError",
]
