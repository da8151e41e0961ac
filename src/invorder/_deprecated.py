"""Top-level names that moved, were renamed or are no longer public, and where each went:
``invorder.__getattr__`` serves them until 0.2 with a ``DeprecationWarning``."""

from __future__ import annotations

import importlib

__all__ = ["_DROPPED", "_MOVED_TO", "_RENAMED", "_moved"]

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
