"""invorder: inventory and orders in one consistent model.

``import invorder`` gives what a host needs to run it: the :class:`Engine` (and
:func:`in_memory`, the embedded default), every command and the values and ids that build
them, the error root and its four branches, the storage ports with the in-memory adapter, and
the codec. Three namespaces hold the rest: :mod:`invorder.errors` (every specific error and
:class:`~invorder.errors.ErrorCode`), :mod:`invorder.events` (every event) and
:mod:`invorder.records` (what queries return); :mod:`invorder.routing` holds routing.

Names that moved from here keep working until 0.2: reading one emits a ``DeprecationWarning``
naming its new place (the CHANGELOG lists every move).
"""

from __future__ import annotations

import importlib
import os
import warnings
from typing import TYPE_CHECKING, Any

from invorder import errors, events, records, routing
from invorder._version import installed_version
from invorder.adapters.memory import MemoryEventStore, MemorySnapshotStore
from invorder.codec import Codec, make_converter
from invorder.domain.availability.commands import DefineChannel
from invorder.domain.errors import (
    ConcurrencyError,
    IdempotencyConflictError,
    InvorderError,
    RejectedError,
    ValidationError,
)
from invorder.domain.messages import Command, Event
from invorder.domain.money import Money
from invorder.domain.orders.commands import (
    AllocateBackorders,
    AllocateOrder,
    CancelLines,
    CancelOrder,
    CaptureOrder,
    OpenReturn,
    PackShipment,
    PlaceHold,
    ReceiveReturn,
    RecordPick,
    ReleaseHold,
    ShipShipment,
    StartPicking,
)
from invorder.domain.orders.ids import ChannelId, CustomerId, LineId, OrderId, OrderKind
from invorder.domain.orders.ship_to import Coordinates, ShippingMethod, ShipTo
from invorder.domain.orders.values import (
    Disposition,
    HoldReason,
    LineItem,
    LineQuantity,
    Package,
    PaymentStatus,
    PickCount,
    ReturnedUnits,
    WholesaleTerms,
)
from invorder.domain.purchasing.commands import (
    CancelPurchase,
    ChangePurchaseEta,
    ClosePurchase,
    ConfirmPurchase,
    DefineSupplier,
    DraftPurchase,
    ExpectPurchase,
    PurchaseLine,
    ReceiptLine,
    ReceivePurchase,
)
from invorder.domain.purchasing.supplier import Supplier, SupplierTerms
from invorder.domain.reservations.commands import (
    CommitReservation,
    ExpireReservations,
    ReleaseReservation,
    ReserveStock,
)
from invorder.domain.stock.catalog import Component, Sku, SkuId, normalize_barcode
from invorder.domain.stock.commands import (
    AssembleKit,
    CloseTransfer,
    CountStock,
    DefineLocation,
    DefineSku,
    DisassembleKit,
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
from invorder.domain.stock.location import (
    ADJUSTMENT,
    CUSTOMER,
    PRODUCTION,
    SCRAP,
    SUPPLIER,
    LocationId,
)
from invorder.domain.stock.movement import Account, Bucket, Movement
from invorder.engine import Engine, Outcome, Rejected
from invorder.ports import EventStore, SnapshotStore


def in_memory(**engine_options: Any) -> Engine:
    """An engine on a fresh in-memory store: the embedded default.

    ``engine_options`` go to :class:`Engine` (``routing_rule=...``, ``location_facts=...``),
    as for :func:`sqlite`.
    """
    return Engine(MemoryEventStore(), **engine_options)


def sqlite(path: str | os.PathLike[str], **engine_options: Any) -> Engine:
    """An engine on a SQLite file at ``path`` (created with its tables when missing), with
    its snapshots in the same file; needs the ``sql`` extra (``pip install 'invorder[sql]'``).

    ``engine_options`` go to :class:`Engine` (``routing_rule=...``, ``location_facts=...``).
    Open one engine per process on a file: SQLite lets one writer in at a time.
    """
    from invorder.adapters.sql import SqlEventStore, SqlSnapshotStore, sql_engine

    database = sql_engine(f"sqlite:///{os.fspath(path)}")
    return Engine(SqlEventStore(database), snapshots=SqlSnapshotStore(database), **engine_options)


__version__ = installed_version()
"""The installed distribution's version (from the package metadata)."""


_MOVED_TO: dict[str, str] = {
    **dict.fromkeys(
        (
            "BundleStockError",
            "CancelShippedError",
            "CasePackError",
            "CodecError",
            "CurrencyMismatchError",
            "DuplicateError",
            "EmptyOrderError",
            "IllegalTransitionError",
            "InconsistentSupplyError",
            "InsufficientStockError",
            "InvalidBarcodeError",
            "InvalidBundleError",
            "InvalidCoordinatesError",
            "InvalidIdentifierError",
            "InvalidLocationError",
            "InvalidMoneyError",
            "InvalidMovementError",
            "InvalidPlanError",
            "InvalidPolicyError",
            "InvalidQuantityError",
            "InvalidReorderPolicyError",
            "InvalidRoutingRequestError",
            "InvalidRoutingRuleError",
            "MissingLeadTimeError",
            "NaiveDatetimeError",
            "NotFoundError",
            "OrderConflictError",
            "OverCommitError",
            "OverReceiptError",
            "ReturnQuantityError",
            "TransferOverReceiptError",
            "UnknownLocationError",
            "UnknownSkuError",
        ),
        "invorder.errors",
    ),
    **dict.fromkeys(
        (
            "ChannelDefined",
            "LineBackorder",
            "LineCancellation",
            "LocationDefined",
            "Operation",
            "OrderAllocated",
            "OrderCancelled",
            "OrderCaptured",
            "OrderEvent",
            "OrderHeld",
            "OrderHoldReleased",
            "Pick",
            "PickingStarted",
            "PurchaseDrafted",
            "PurchaseEtaChanged",
            "ReservationsExpired",
            "ReturnOpened",
            "ReturnReceived",
            "ShipmentEvent",
            "ShipmentPacked",
            "ShipmentShipped",
            "SkuDefined",
            "StockPosted",
            "SupplierDefined",
            "expired_reservations",
        ),
        "invorder.events",
    ),
    **dict.fromkeys(
        (
            "Channel",
            "ChannelAtpExplanation",
            "HistoryLine",
            "Ledger",
            "LineStatus",
            "Location",
            "Order",
            "OrderLine",
            "OrderStatus",
            "PHYSICAL_BUCKETS",
            "PublishedSet",
            "PurchaseLineStatus",
            "PurchaseOrder",
            "PurchaseState",
            "Reservation",
            "ReservationStatus",
            "Return",
            "ReturnStatus",
            "Shipment",
            "ShipmentStatus",
            "SkuValue",
            "StockOutRisk",
            "StockPosition",
            "Transfer",
            "TransferLineStatus",
            "VIRTUAL_LOCATIONS",
            "Valuation",
            "publish_diff",
        ),
        "invorder.records",
    ),
}
"""Names that moved to a namespace under the same name: old name -> its module."""

_RENAMED: dict[str, tuple[str, str]] = {
    "ExceptionReason": ("invorder.records", "AlertReason"),
    "KitStockError": ("invorder.errors", "NotAKitError"),
    "OrderException": ("invorder.records", "OrderAlert"),
    "PicksShort": ("invorder.events", "PicksFoundShort"),
    "ROUTING_REVIEW": ("invorder.domain.orders.values", "HoldReason.ROUTING_REVIEW"),
}
"""Names that were renamed: old name -> (module, new name)."""

_ROUTING = "the engine takes a routing rule instead: Engine(store, routing_rule=...)"
_DROPPED: dict[str, tuple[str, str]] = {
    "AllocationRequest": ("invorder.domain.orders.allocator", _ROUTING),
    "Allocator": ("invorder.domain.orders.allocator", _ROUTING),
    "AllocatorAnswer": ("invorder.domain.orders.allocator", _ROUTING),
    "first_fit": ("invorder.domain.orders.allocator", _ROUTING),
    "RoutingAllocator": ("invorder.engine.allocation", _ROUTING),
    "LedgerCommand": ("invorder.domain.stock.commands", "annotate with invorder.Command"),
    "value_inventory": ("invorder.domain.purchasing.valuation", "ask Engine.valuation()"),
}
"""Internals that are no longer public: old name -> (internal module, what to use instead)."""


def _moved(name: str) -> tuple[object, str]:
    """The object an old top-level name stands for, and the warning that says where it went."""
    if name in _MOVED_TO:
        module = _MOVED_TO[name]
        found = getattr(importlib.import_module(module), name)
        return found, f"use {module}.{name}"
    if name in _RENAMED:
        module, new = _RENAMED[name]
        found = importlib.import_module(module)
        for part in new.split("."):
            found = getattr(found, part)
        public = module if not module.startswith("invorder.domain") else "invorder"
        return found, f"it is now {public}.{new}"
    if name in _DROPPED:
        module, advice = _DROPPED[name]
        found = getattr(importlib.import_module(module), name)
        return found, f"it is no longer public; {advice}"
    raise AttributeError(f"module 'invorder' has no attribute {name!r}")


if not TYPE_CHECKING:  # type checkers should flag the old names; at run time they still work

    def __getattr__(name: str) -> object:
        found, advice = _moved(name)
        warnings.warn(
            f"invorder.{name} is deprecated and will be removed in 0.2: {advice}",
            DeprecationWarning,
            stacklevel=2,
        )
        return found


__all__ = [
    "ADJUSTMENT",
    "Account",
    "AllocateBackorders",
    "AllocateOrder",
    "AssembleKit",
    "Bucket",
    "CUSTOMER",
    "CancelLines",
    "CancelOrder",
    "CancelPurchase",
    "CaptureOrder",
    "ChangePurchaseEta",
    "ChannelId",
    "ClosePurchase",
    "CloseTransfer",
    "Codec",
    "Command",
    "CommitReservation",
    "Component",
    "ConcurrencyError",
    "ConfirmPurchase",
    "Coordinates",
    "CountStock",
    "CustomerId",
    "DefineChannel",
    "DefineLocation",
    "DefineSku",
    "DefineSupplier",
    "DisassembleKit",
    "Disposition",
    "DraftPurchase",
    "Engine",
    "Event",
    "EventStore",
    "ExpectPurchase",
    "ExpireReservations",
    "HoldReason",
    "IdempotencyConflictError",
    "InvorderError",
    "LineId",
    "LineItem",
    "LineQuantity",
    "LocationId",
    "MarkDamaged",
    "MemoryEventStore",
    "MemorySnapshotStore",
    "Money",
    "MoveStock",
    "Movement",
    "OpenReturn",
    "OrderId",
    "OrderKind",
    "Outcome",
    "PRODUCTION",
    "PackShipment",
    "Package",
    "PaymentStatus",
    "PickCount",
    "PlaceHold",
    "PostEntry",
    "PurchaseLine",
    "QuarantineStock",
    "ReceiptLine",
    "ReceivePurchase",
    "ReceiveReturn",
    "ReceiveStock",
    "ReceiveTransfer",
    "RecordPick",
    "Rejected",
    "RejectedError",
    "ReleaseHold",
    "ReleaseQuarantine",
    "ReleaseReservation",
    "ReserveStock",
    "ReturnedUnits",
    "SCRAP",
    "SUPPLIER",
    "ScrapStock",
    "ShipShipment",
    "ShipTo",
    "ShipTransfer",
    "ShippingMethod",
    "Sku",
    "SkuId",
    "SnapshotStore",
    "StartPicking",
    "Supplier",
    "SupplierTerms",
    "TransferLine",
    "ValidationError",
    "WholesaleTerms",
    "errors",
    "events",
    "in_memory",
    "make_converter",
    "normalize_barcode",
    "records",
    "routing",
    "sqlite",
]
