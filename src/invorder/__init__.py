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

import os
import warnings
from typing import TYPE_CHECKING, Unpack

from invorder import errors, events, records, routing
from invorder._deprecated import _moved
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
from invorder.domain.invoicing.commands import (
    CloseSettledOrders,
    DefineInvoicing,
    IssueCreditNote,
    IssueInvoice,
)
from invorder.domain.messages import Command, Event
from invorder.domain.money import Money
from invorder.domain.orders.acknowledge import AcknowledgeAlert
from invorder.domain.orders.closeout import CloseOrder
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
from invorder.domain.orders.move import MoveAllocation
from invorder.domain.orders.refunds import DefineRefundPolicy
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
from invorder.domain.orders.wave import AllocateWave
from invorder.domain.payments.commands import (
    RecordAuthorisation,
    RecordCapture,
    RecordPaymentFailure,
    RecordRefund,
)
from invorder.domain.pricing.commands import DefinePriceList
from invorder.domain.pricing.price_list import PriceBreak, PriceList
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
from invorder.domain.reservations.batch import ReleaseItem, ReleaseMany, ReserveItem, ReserveMany
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
from invorder.engine import Engine, EngineOptions, Outcome, Rejected
from invorder.ports import EventStore, SnapshotStore


def in_memory(
    *, snapshots: SnapshotStore | None = None, **engine_options: Unpack[EngineOptions]
) -> Engine:
    """An engine on a fresh in-memory store: the embedded default.

    ``snapshots`` and ``engine_options`` (:class:`EngineOptions`: ``routing_rule=...``,
    ``location_facts=...``) go to :class:`Engine`; a type checker checks their names and
    types.
    """
    return Engine(MemoryEventStore(), snapshots=snapshots, **engine_options)


def sqlite(path: str | os.PathLike[str], **engine_options: Unpack[EngineOptions]) -> Engine:
    """An engine on a SQLite file at ``path`` (created with its tables when missing), with
    its snapshots in the same file; needs the ``sql`` extra (``pip install 'invorder[sql]'``).

    ``engine_options`` (:class:`EngineOptions`: ``routing_rule=...``,
    ``location_facts=...``) go to :class:`Engine`.
    Open one engine per process on a file: SQLite lets one writer in at a time. Close it
    when done (``engine.close()``, or ``with invorder.sqlite(path) as engine:``): that
    closes the file's connections.
    """
    from invorder.adapters.sql import SqlEventStore, SqlSnapshotStore, sql_engine

    database = sql_engine(f"sqlite:///{os.fspath(path)}")
    try:
        log, snapshots = SqlEventStore(database), SqlSnapshotStore(database)
        return Engine(log, snapshots=snapshots, **engine_options)
    except BaseException:  # an engine that does not start (a log cut short): close the file
        database.dispose()
        raise


__version__ = installed_version()
"""The installed distribution's version (from the package metadata)."""


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
    "AcknowledgeAlert",
    "AllocateBackorders",
    "AllocateOrder",
    "AllocateWave",
    "AssembleKit",
    "Bucket",
    "CUSTOMER",
    "CancelLines",
    "CancelOrder",
    "CancelPurchase",
    "CaptureOrder",
    "ChangePurchaseEta",
    "ChannelId",
    "CloseOrder",
    "ClosePurchase",
    "CloseSettledOrders",
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
    "DefineInvoicing",
    "DefineLocation",
    "DefinePriceList",
    "DefineRefundPolicy",
    "DefineSku",
    "DefineSupplier",
    "DisassembleKit",
    "Disposition",
    "DraftPurchase",
    "Engine",
    "EngineOptions",
    "Event",
    "EventStore",
    "ExpectPurchase",
    "ExpireReservations",
    "HoldReason",
    "IdempotencyConflictError",
    "InvorderError",
    "IssueCreditNote",
    "IssueInvoice",
    "LineId",
    "LineItem",
    "LineQuantity",
    "LocationId",
    "MarkDamaged",
    "MemoryEventStore",
    "MemorySnapshotStore",
    "Money",
    "MoveAllocation",
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
    "PriceBreak",
    "PriceList",
    "PurchaseLine",
    "QuarantineStock",
    "ReceiptLine",
    "ReceivePurchase",
    "ReceiveReturn",
    "ReceiveStock",
    "ReceiveTransfer",
    "RecordAuthorisation",
    "RecordCapture",
    "RecordPaymentFailure",
    "RecordPick",
    "RecordRefund",
    "Rejected",
    "RejectedError",
    "ReleaseHold",
    "ReleaseItem",
    "ReleaseMany",
    "ReleaseQuarantine",
    "ReleaseReservation",
    "ReserveItem",
    "ReserveMany",
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
