"""Every error invorder raises: the root :class:`InvorderError`, its four branches, and each
specific error with its stable ``code`` and structured facts; :class:`ErrorCode` lists
every code in the order of the documented precedence.

The branches say what to do: :class:`ValidationError` (malformed input; fix the command),
:class:`RejectedError` (refused by the current state), :class:`IdempotencyConflictError` (a key
reused with other content) and :class:`ConcurrencyError` (another writer won; safe to retry).
The root and the branches are also importable from ``invorder``; the precedence between the
rules a command breaks is documented in ``docs/concepts/errors.md``. One warning lives here
too: :class:`SnapshotWarning`, for a snapshot the engine refused (it replays the log).
"""

import warnings
from typing import TYPE_CHECKING

from invorder.domain.errors import (
    BundleStockError,
    CancelShippedError,
    CasePackError,
    CheckpointConflictError,
    CodecError,
    ConcurrencyError,
    ConflictingFieldsError,
    CurrencyMismatchError,
    DuplicateError,
    EmptyOrderError,
    ErrorCode,
    IdempotencyConflictError,
    IllegalTransitionError,
    InconsistentSupplyError,
    InsufficientStockError,
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
    InvoiceRefusedError,
    InvorderError,
    MissingLeadTimeError,
    NaiveDatetimeError,
    NotAKitError,
    NotFoundError,
    OrderClosedError,
    OrderConflictError,
    OrderOnHoldError,
    OverCaptureError,
    OverCommitError,
    OverCreditError,
    OverReceiptError,
    OverRefundError,
    PaymentConflictError,
    RejectedError,
    ReturnQuantityError,
    StoreCorruptError,
    StoreUnavailableError,
    TransferOverReceiptError,
    UnknownChannelError,
    UnknownLocationError,
    UnknownSkuError,
    UnpricedLineError,
    ValidationError,
)
from invorder.engine._snapshot import SnapshotWarning

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
    "SnapshotWarning",
    "StoreCorruptError",
    "StoreUnavailableError",
    "TransferOverReceiptError",
    "UnknownChannelError",
    "UnknownLocationError",
    "UnknownSkuError",
    "UnpricedLineError",
    "ValidationError",
]

_RENAMED = {"KitStockError": "NotAKitError"}
"""Error classes that were renamed (old name -> new name); the old name works until 0.2."""

if not TYPE_CHECKING:  # type checkers should flag the old names; at run time they still work

    def __getattr__(name: str) -> object:
        new = _RENAMED.get(name)
        if new is None:
            raise AttributeError(f"module 'invorder.errors' has no attribute {name!r}")
        warnings.warn(
            f"invorder.errors.{name} is deprecated and will be removed in 0.2: "
            f"it is now invorder.errors.{new} (the same class, code unchanged)",
            DeprecationWarning,
            stacklevel=2,
        )
        return globals()[new]
