"""Rejected by the current state: unknown references, duplicates, illegal transitions and
short stock, each naming what was asked and what was there."""

from __future__ import annotations

from invorder.domain.errors._declared import fact
from invorder.domain.errors.codes import ErrorCode
from invorder.domain.errors.root import RejectedError


class UnknownSkuError(RejectedError):
    """The command names a SKU (or barcode) the catalog does not define."""

    code = ErrorCode.UNKNOWN_SKU
    sku: str
    barcode: str | None = fact(default=None, kw_only=True)

    def _render(self) -> str:
        if self.barcode is not None:
            return f"no SKU has barcode {self.barcode!r}; define the SKU with that barcode first"
        return f"unknown SKU {self.sku!r}; define it in the catalog before moving stock"


class UnknownLocationError(RejectedError):
    """The command names a location that was never defined."""

    code = ErrorCode.UNKNOWN_LOCATION
    template = "unknown location {location!r}; define it (define_location) before using it"
    location: str


class DuplicateError(RejectedError):
    """Something with this id or barcode already exists with other content."""

    code = ErrorCode.DUPLICATE
    template = "{what} {key!r} already exists: {detail}"
    what: str
    key: str
    detail: str = fact(in_fields=False)


class InsufficientStockError(RejectedError):
    """Posting would take an account of a real location below zero."""

    code = ErrorCode.INSUFFICIENT_STOCK
    template = (
        "cannot take {requested} of {sku!r} from {location} [{bucket}]: only {available} "
        "there; post less, or receive or move stock in first"
    )
    sku: str
    location: str
    bucket: str
    requested: int
    available: int


class NotFoundError(RejectedError):
    """The command refers to a record (transfer, reservation, order, ...) that does not exist."""

    code = ErrorCode.NOT_FOUND
    template = "no {what} with id {key!r}"
    what: str
    key: str


class IllegalTransitionError(RejectedError):
    """The action is not allowed in the record's current state."""

    code = ErrorCode.ILLEGAL_TRANSITION
    what: str
    key: str
    state: str
    action: str
    hint: str = fact(default="", in_fields=False)

    def _render(self) -> str:
        message = f"cannot {self.action} {self.what} {self.key!r}: it is {self.state}"
        return f"{message}; {self.hint}" if self.hint else message


class OverCommitError(RejectedError):
    """Committing or releasing more units of a reservation than it still holds."""

    code = ErrorCode.OVER_COMMIT
    template = (
        "cannot {action} {requested} unit(s) of reservation {reservation!r}: only {held} "
        "still held; {action} at most {held}"
    )
    reservation: str
    action: str
    requested: int
    held: int


class OverReceiptError(RejectedError):
    """A receipt that would take a purchase line past its over-receipt tolerance."""

    code = ErrorCode.OVER_RECEIPT
    template = (
        "cannot receive {requested} of {sku!r} on purchase order {purchase_order!r}: at most "
        "{allowed} more are within the over-receipt tolerance; receive the excess with "
        "ReceiveStock or raise the tolerance"
    )
    purchase_order: str
    sku: str
    requested: int
    allowed: int


class TransferOverReceiptError(RejectedError):
    """A transfer receipt of more units than the transfer has in transit."""

    code = ErrorCode.TRANSFER_OVER_RECEIPT
    template = (
        "transfer {transfer!r} has {in_transit} of {sku!r} in transit, {requested} "
        "cannot be received; receive extra units with ReceiveStock"
    )
    transfer: str
    sku: str
    requested: int
    in_transit: int


class NotAKitError(RejectedError):
    """Assembling or disassembling a SKU that has no bill of materials."""

    code = ErrorCode.NOT_A_KIT
    template = "{sku!r} has no kit_components (bill of materials); define it as a kit first"
    sku: str


class BundleStockError(RejectedError):
    """A movement of a bundle SKU: bundles hold no stock, their components do."""

    code = ErrorCode.BUNDLE_STOCK
    template = (
        "{sku!r} is a bundle and holds no stock of its own; move or receive its components instead"
    )
    sku: str


class CancelShippedError(RejectedError):
    """Cancelling units that have already shipped: that is a return."""

    code = ErrorCode.CANCEL_SHIPPED
    template = (
        "cannot cancel {requested} unit(s) of line {line_id!r} of order {order!r}: only "
        "{cancellable} not shipped or cancelled yet; shipped units come back through a "
        "return (OpenReturn)"
    )
    order: str
    line_id: str
    requested: int
    cancellable: int


class UnknownChannelError(RejectedError):
    """An order captured from a channel that was never defined: which warehouses feed it,
    and what it may sell, are unknown."""

    code = ErrorCode.UNKNOWN_CHANNEL
    template = (
        "unknown channel {channel!r}; define it first (DefineChannel: the warehouses that feed "
        "it and its availability policy)"
    )
    channel: str


class OrderOnHoldError(RejectedError):
    """A fulfilment step (start picking, pack, ship) for an order that is on hold: a hold
    stops every step until it is released."""

    code = ErrorCode.ORDER_ON_HOLD
    template = (
        "cannot {action} shipment {shipment!r}: order {order!r} is on hold ({holds}); "
        "release the hold first (ReleaseHold)"
    )
    order: str
    shipment: str
    action: str
    holds: str


class ReturnQuantityError(RejectedError):
    """A return of more units than shipped minus already returned (or than expected)."""

    code = ErrorCode.RETURN_QUANTITY
    template = (
        "cannot {what} {requested} unit(s) of line {line_id!r}: only {allowed} may be; "
        "a return never exceeds what shipped and was not yet returned"
    )
    what: str
    line_id: str
    requested: int
    allowed: int


class UnpricedLineError(RejectedError):
    """An order line captured without a unit price that the order's price list does not
    price (or the order has no price list)."""

    code = ErrorCode.UNPRICED_LINE
    template = (
        "line {line_id!r} ({quantity} of {sku!r}) has no unit price and {why}; give its "
        "price, or define a price list (DefinePriceList) that prices it for the order"
    )
    line_id: str
    sku: str
    quantity: int
    why: str


class InvoiceRefusedError(RejectedError):
    """An invoice the order's policy does not allow (no invoice, or only once complete) or
    its shipments do not (none shipped and not invoiced, one named not shipped or invoiced)."""

    code = ErrorCode.INVOICE_REFUSED
    template = "cannot invoice order {order!r}: {problem}"
    order: str
    problem: str


class OverCreditError(RejectedError):
    """A credit note for more than its invoice has left to credit (in money, or in units of
    a line, or of an RMA's received units)."""

    code = ErrorCode.OVER_CREDIT
    template = (
        "credit note {credit_note!r} cannot credit invoice {invoice!r}: {problem}; a credit "
        "never exceeds what was invoiced and not yet credited"
    )
    credit_note: str
    invoice: str
    problem: str


class OrderClosedError(RejectedError):
    """A command on an order that is closed: only a return within the return window (and
    credit for it) is taken once an order is closed."""

    code = ErrorCode.ORDER_CLOSED
    template = (
        "order {order!r} was closed ({reason}); it takes no {command} any more, only a "
        "return within its return window"
    )
    order: str
    reason: str
    command: str


class OverCaptureError(RejectedError):
    """A capture of more than the order may still capture: what is authorised and not yet
    captured (on a channel that captures on shipment, no more than the value shipped)."""

    code = ErrorCode.OVER_CAPTURE
    template = (
        "cannot capture {amount} on order {order!r}: only {allowed} may be captured ({why}); "
        "capture at most that, or record a further authorisation first"
    )
    order: str
    amount: str
    allowed: str
    why: str


class OverRefundError(RejectedError):
    """A refund of more than the order's captured payment not yet refunded."""

    code = ErrorCode.OVER_REFUND
    template = (
        "cannot refund {amount} on order {order!r}: only {allowed} is captured and not yet "
        "refunded; a refund never exceeds what was captured"
    )
    order: str
    amount: str
    allowed: str
