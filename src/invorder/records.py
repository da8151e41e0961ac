"""What the engine's queries return: orders, shipments, returns, reservations, purchase
orders, transfers, locations, channels, availability figures, history and valuation,
invoices and credit notes, and what the engine read at start-up (:class:`StartupReport`).

Every record is an immutable value built from the log; statuses are derived from quantities,
never stored apart from them.
"""

from invorder.domain.availability.atp import ChannelAtpExplanation, StockOutRisk, StockPosition
from invorder.domain.availability.channel import Channel, PublishedSet, publish_diff
from invorder.domain.invoicing.settlement import CloseOut, CloseOutReason
from invorder.domain.invoicing.values import CreditNote, Invoice, InvoiceLine, Invoicing
from invorder.domain.invoicing.views import OrderInvoicing
from invorder.domain.orders.alerts import AlertReason, OrderAlert
from invorder.domain.orders.order import LineStatus, Order, OrderLine, OrderStatus
from invorder.domain.orders.promises import PromiseReplan, PromiseShortfall
from invorder.domain.orders.refunds import DispositionRefund, RefundPolicy
from invorder.domain.orders.rma import Return, ReturnStatus
from invorder.domain.orders.shipment import PickRow, Shipment, ShipmentStatus
from invorder.domain.payments.payment import Payment, PaymentKind, PaymentState, PaymentSummary
from invorder.domain.purchasing.purchase import PurchaseLineStatus, PurchaseOrder, PurchaseState
from invorder.domain.purchasing.valuation import SkuValue, Valuation
from invorder.domain.reservations.reservation import Reservation, ReservationStatus
from invorder.domain.stock.ledger import HistoryLine, Ledger
from invorder.domain.stock.location import VIRTUAL_LOCATIONS, Location
from invorder.domain.stock.movement import PHYSICAL_BUCKETS
from invorder.domain.stock.transfer import Transfer, TransferLineStatus
from invorder.engine._snapshot import StartupReport

__all__ = [
    "AlertReason",
    "Channel",
    "ChannelAtpExplanation",
    "CloseOut",
    "CloseOutReason",
    "CreditNote",
    "DispositionRefund",
    "HistoryLine",
    "Invoice",
    "InvoiceLine",
    "Invoicing",
    "Ledger",
    "LineStatus",
    "Location",
    "Order",
    "OrderAlert",
    "OrderInvoicing",
    "OrderLine",
    "OrderStatus",
    "PHYSICAL_BUCKETS",
    "Payment",
    "PaymentKind",
    "PaymentState",
    "PaymentSummary",
    "PickRow",
    "PromiseReplan",
    "PromiseShortfall",
    "PublishedSet",
    "PurchaseLineStatus",
    "PurchaseOrder",
    "PurchaseState",
    "RefundPolicy",
    "Reservation",
    "ReservationStatus",
    "Return",
    "ReturnStatus",
    "Shipment",
    "ShipmentStatus",
    "SkuValue",
    "StartupReport",
    "StockOutRisk",
    "StockPosition",
    "Transfer",
    "TransferLineStatus",
    "VIRTUAL_LOCATIONS",
    "Valuation",
    "publish_diff",
]
