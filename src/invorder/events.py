"""Every event invorder appends to the log, and the values inside them.

Events are immutable facts, past tense, each carrying the command that produced it, its log
position and (through the command) its idempotency key and time. Stock movements of every
area are ``StockPosted`` journal entries; the other events record what is not a movement.
``CommandRejected`` records a refusal (the outcome of its key): no projection folds it.
"""

from invorder.domain.availability.events import ChannelDefined
from invorder.domain.invoicing.events import CreditNoteIssued, InvoiceIssued, InvoicingDefined
from invorder.domain.messages import Event
from invorder.domain.orders.events import (
    AlertAcknowledged,
    LineBackorder,
    LineCancellation,
    OrderAllocated,
    OrderCancelled,
    OrderCaptured,
    OrderClosed,
    OrderEvent,
    OrderHeld,
    OrderHoldReleased,
    Pick,
    PickingStarted,
    PicksFoundShort,
    PicksWithdrawn,
    RefundPolicyDefined,
    ReturnOpened,
    ReturnReceived,
    ShipmentEvent,
    ShipmentPacked,
    ShipmentShipped,
)
from invorder.domain.payments.events import (
    PaymentAuthorised,
    PaymentCaptured,
    PaymentFailed,
    PaymentRefunded,
)
from invorder.domain.pricing.events import PriceListDefined
from invorder.domain.purchasing.events import PurchaseDrafted, PurchaseEtaChanged, SupplierDefined
from invorder.domain.rejection import CommandRejected
from invorder.domain.reservations.events import (
    ItemResult,
    ItemsRefused,
    RefusedItem,
    ReservationsExpired,
    batch_results,
    expired_reservations,
)
from invorder.domain.stock.events import LocationDefined, Operation, SkuDefined, StockPosted

__all__ = [
    "AlertAcknowledged",
    "ChannelDefined",
    "CommandRejected",
    "CreditNoteIssued",
    "Event",
    "InvoiceIssued",
    "InvoicingDefined",
    "ItemResult",
    "ItemsRefused",
    "LineBackorder",
    "LineCancellation",
    "LocationDefined",
    "Operation",
    "OrderAllocated",
    "OrderCancelled",
    "OrderCaptured",
    "OrderClosed",
    "OrderEvent",
    "OrderHeld",
    "OrderHoldReleased",
    "PaymentAuthorised",
    "PaymentCaptured",
    "PaymentFailed",
    "PaymentRefunded",
    "Pick",
    "PickingStarted",
    "PicksFoundShort",
    "PicksWithdrawn",
    "PriceListDefined",
    "PurchaseDrafted",
    "PurchaseEtaChanged",
    "RefundPolicyDefined",
    "RefusedItem",
    "ReservationsExpired",
    "ReturnOpened",
    "ReturnReceived",
    "ShipmentEvent",
    "ShipmentPacked",
    "ShipmentShipped",
    "SkuDefined",
    "StockPosted",
    "SupplierDefined",
    "batch_results",
    "expired_reservations",
]
