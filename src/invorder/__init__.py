"""invorder: inventory and orders in one consistent model.

``import invorder`` is the one import path: every public name is listed in ``__all__``.
"""

from invorder.adapters.memory import MemoryEventStore, MemorySnapshotStore
from invorder.codec import Codec, CodecError, make_converter
from invorder.domain.catalog import Sku, SkuId, normalize_barcode
from invorder.domain.commands import (
    CloseTransfer,
    Command,
    CountStock,
    DefineLocation,
    DefineSku,
    LedgerCommand,
    MarkDamaged,
    MoveStock,
    PostEntry,
    QuarantineStock,
    ReceiveStock,
    ReceiveTransfer,
    ReleaseQuarantine,
    ScrapStock,
    ShipTransfer,
    TransferLine,
)
from invorder.domain.errors import (
    ConcurrencyError,
    DuplicateError,
    IdempotencyConflictError,
    IllegalTransitionError,
    InsufficientStockError,
    InvalidBarcodeError,
    InvalidIdentifierError,
    InvalidLocationError,
    InvalidMovementError,
    InvalidQuantityError,
    InvorderError,
    NaiveDatetimeError,
    NotFoundError,
    RejectedError,
    UnknownLocationError,
    UnknownSkuError,
    ValidationError,
)
from invorder.domain.events import Event, LocationDefined, Operation, SkuDefined, StockPosted
from invorder.domain.ledger import HistoryLine, Ledger, Transfer, TransferLineStatus
from invorder.domain.location import (
    ADJUSTMENT,
    CUSTOMER,
    PRODUCTION,
    SCRAP,
    SUPPLIER,
    VIRTUAL_LOCATIONS,
    Location,
    LocationId,
)
from invorder.domain.stock import PHYSICAL_BUCKETS, Account, Bucket, Movement
from invorder.engine import Engine, Outcome, Rejected
from invorder.ports import EventStore, SnapshotStore


def in_memory() -> Engine:
    """An engine on a fresh in-memory store: the embedded default."""
    return Engine(MemoryEventStore())


__all__ = [
    "ADJUSTMENT",
    "Account",
    "Bucket",
    "CUSTOMER",
    "CloseTransfer",
    "Codec",
    "CodecError",
    "Command",
    "ConcurrencyError",
    "CountStock",
    "DefineLocation",
    "DefineSku",
    "DuplicateError",
    "Engine",
    "Event",
    "EventStore",
    "HistoryLine",
    "IdempotencyConflictError",
    "IllegalTransitionError",
    "InsufficientStockError",
    "InvalidBarcodeError",
    "InvalidIdentifierError",
    "InvalidLocationError",
    "InvalidMovementError",
    "InvalidQuantityError",
    "InvorderError",
    "Ledger",
    "LedgerCommand",
    "Location",
    "LocationDefined",
    "LocationId",
    "MarkDamaged",
    "MemoryEventStore",
    "MemorySnapshotStore",
    "Movement",
    "MoveStock",
    "NaiveDatetimeError",
    "NotFoundError",
    "Operation",
    "Outcome",
    "PHYSICAL_BUCKETS",
    "PRODUCTION",
    "PostEntry",
    "QuarantineStock",
    "ReceiveStock",
    "ReceiveTransfer",
    "Rejected",
    "RejectedError",
    "ReleaseQuarantine",
    "SCRAP",
    "SUPPLIER",
    "ScrapStock",
    "ShipTransfer",
    "Sku",
    "SkuDefined",
    "SkuId",
    "SnapshotStore",
    "StockPosted",
    "Transfer",
    "TransferLine",
    "TransferLineStatus",
    "UnknownLocationError",
    "UnknownSkuError",
    "VIRTUAL_LOCATIONS",
    "ValidationError",
    "in_memory",
    "make_converter",
    "normalize_barcode",
]
