"""Purchasing commands: purchase orders (expect, draft, confirm, change ETA, receive, close,
cancel) and supplier terms."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

import attrs

from invorder.domain import _checks
from invorder.domain.errors import InvalidMoneyError, InvalidMovementError
from invorder.domain.messages import Command
from invorder.domain.money import Money, non_negative_cost
from invorder.domain.purchasing.supplier import Supplier
from invorder.domain.stock.catalog import SkuId, sku_id
from invorder.domain.stock.commands import _bucket_in
from invorder.domain.stock.location import LocationId, real_location
from invorder.domain.stock.movement import Bucket, to_bucket


@attrs.frozen(kw_only=True)
class PurchaseLine:
    """An expected line of a purchase order: units of a SKU due by ``eta``."""

    sku: SkuId = attrs.field(converter=sku_id)
    """The SKU ordered."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """Units ordered."""
    eta: datetime = attrs.field(validator=_checks.aware_datetime)
    """When the units are expected to arrive."""
    unit_cost: Money | None = attrs.field(default=None, validator=non_negative_cost)
    """The agreed price of one unit (``None``: not costed; receipts may give it)."""


@attrs.frozen(kw_only=True)
class ReceiptLine:
    """Units of one SKU received against a purchase order."""

    sku: SkuId = attrs.field(converter=sku_id)
    """The SKU received."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """Units received (more than outstanding is an over-receipt)."""
    unit_cost: Money | None = attrs.field(default=None, validator=non_negative_cost)
    """The invoiced price of one unit, overriding the purchase line's (``None``: the line's)."""


_Line = TypeVar("_Line", PurchaseLine, ReceiptLine)


def _lines(values: Iterable[_Line], kind: type[_Line]) -> tuple[_Line, ...]:
    lines = _checks.items("lines", values, kind, f"{kind.__name__} values")
    if not lines:
        raise InvalidMovementError("a purchase order or receipt needs at least one line")
    skus = [line.sku for line in lines]
    if len(set(skus)) != len(skus):
        raise InvalidMovementError("a SKU appears on more than one line; merge the lines")
    return lines


def _purchase_lines(values: Iterable[PurchaseLine]) -> tuple[PurchaseLine, ...]:
    lines = _lines(values, PurchaseLine)
    currencies = {line.unit_cost.currency for line in lines if line.unit_cost is not None}
    if len(currencies) > 1:
        raise InvalidMoneyError(
            "unit_cost", sorted(currencies), "a purchase order is priced in one currency"
        )
    return lines


def _tolerance(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        raise InvalidMoneyError("tolerance", value, "it must be a Decimal fraction")
    try:
        tolerance = Decimal(value)
    except ArithmeticError:  # "5%" or "five": not a number at all
        raise InvalidMoneyError("tolerance", value, "it is not a number") from None
    if not tolerance.is_finite() or tolerance < 0:
        raise InvalidMoneyError("tolerance", value, "it must be a fraction of zero or more")
    return tolerance


def _receipt_lines(values: Iterable[ReceiptLine]) -> tuple[ReceiptLine, ...]:
    return _lines(values, ReceiptLine)


@attrs.frozen(kw_only=True)
class ExpectPurchase(Command):
    """Record a purchase order: its lines become ``incoming`` at ``location``."""

    purchase_order: str = attrs.field(validator=_checks.identifier)
    """The purchase order id; it must be new."""
    location: LocationId = attrs.field(converter=real_location)
    """Where the goods will be received."""
    lines: tuple[PurchaseLine, ...] = attrs.field(converter=_purchase_lines)
    """What is expected, and when."""
    supplier: str = attrs.field(default="", validator=_checks.text)
    """Who ships it."""
    tolerance: Decimal | None = attrs.field(default=None, converter=_tolerance)
    """Over-receipt allowed per line as a fraction of the ordered units (``Decimal("0.05")``
    = 5 %, rounded down to whole units); ``None`` accepts any over-receipt."""


@attrs.frozen(kw_only=True)
class DraftPurchase(ExpectPurchase):
    """Record a draft purchase order: nothing moves until it is confirmed."""


@attrs.frozen(kw_only=True)
class ConfirmPurchase(Command):
    """Confirm a draft: its lines become ``incoming`` at its location."""

    purchase_order: str = attrs.field(validator=_checks.identifier)
    """The draft's id."""


@attrs.frozen(kw_only=True)
class ClosePurchase(Command):
    """Close a purchase order: nothing more is expected; the rest returns to the supplier."""

    purchase_order: str = attrs.field(validator=_checks.identifier)
    """The purchase order id."""
    reason: str = attrs.field(default="closed short", validator=_checks.text)
    """Why."""


@attrs.frozen(kw_only=True)
class ChangePurchaseEta(Command):
    """Record a new ETA for one line of a purchase order (an event re-planning can follow)."""

    purchase_order: str = attrs.field(validator=_checks.identifier)
    """The purchase order id."""
    sku: SkuId = attrs.field(converter=sku_id)
    """The line's SKU."""
    eta: datetime = attrs.field(validator=_checks.aware_datetime)
    """The new ETA."""
    reason: str = attrs.field(default="", validator=_checks.text)
    """What the supplier said."""


@attrs.frozen(kw_only=True)
class ReceivePurchase(Command):
    """Receive units against a purchase order (partial, complete or over-receipt)."""

    purchase_order: str = attrs.field(validator=_checks.identifier)
    """The purchase order id."""
    lines: tuple[ReceiptLine, ...] = attrs.field(converter=_receipt_lines)
    """What arrived."""
    bucket: Bucket = attrs.field(
        default=Bucket.AVAILABLE,
        converter=to_bucket,
        validator=_bucket_in(Bucket.AVAILABLE, Bucket.QUALITY_CONTROL),
    )
    """``available``, or ``quality_control`` to inspect the units first."""


@attrs.frozen(kw_only=True)
class CancelPurchase(Command):
    """Cancel what is still outstanding on a purchase order; it returns to the supplier."""

    purchase_order: str = attrs.field(validator=_checks.identifier)
    """The purchase order id."""
    reason: str = attrs.field(default="cancelled", validator=_checks.text)
    """Why."""


@attrs.frozen(kw_only=True)
class DefineSupplier(Command):
    """Record a supplier's terms (defining it again replaces them)."""

    supplier: Supplier = attrs.field(validator=_checks.instance_of(Supplier))
    """The supplier and its terms."""
