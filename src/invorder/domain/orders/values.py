"""The values order commands carry: line items and line quantities, wholesale terms, pick
counts, packages, returned units, and the hold, payment and disposition vocabularies."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import ClassVar

import attrs

from invorder.domain import _checks
from invorder.domain.errors import InvalidMoneyError, InvalidQuantityError
from invorder.domain.money import Money
from invorder.domain.orders.ids import LineId, as_line_id
from invorder.domain.stock.catalog import SkuId, sku_id
from invorder.domain.stock.location import SCRAP, LocationId, real_location
from invorder.domain.stock.movement import Account, Bucket


class HoldReason(enum.StrEnum):
    """The standard hold reasons; a host may use any other non-empty reason text."""

    PAYMENT_PENDING = "payment_pending"
    """Payment not yet confirmed (placed automatically when captured unpaid)."""
    MANUAL_APPROVAL = "manual_approval"
    """A wholesale order that a person must approve (placed automatically)."""
    FRAUD_REVIEW = "fraud_review"
    """Fraud screening flagged it."""
    ADDRESS_PROBLEM = "address_problem"
    """The ship-to address needs fixing."""
    ROUTING_REVIEW = "routing_review"
    """The routing rule asked for a person (placed automatically; its plan was still applied)."""
    PRICE_REVIEW = "price_review"
    """Captured at a unit price other than its price list's (placed automatically when the
    list holds other prices): releasing it accepts the captured prices."""


class AlertReason(enum.StrEnum):
    """Why an order needs a person."""

    ON_HOLD = "on_hold"
    """Held (payment, approval, fraud, address, host reason)."""
    BACKORDERED = "backordered"
    """Some units wait for stock."""
    SHIP_BY_AT_RISK = "ship_by_at_risk"
    """Not shipped, and the ship-by time is near (``AT_RISK_WINDOW`` by default)."""
    SHIP_BY_MISSED = "ship_by_missed"
    """Not shipped, and the ship-by time has passed."""
    SHORT_PICKED = "short_picked"
    """Units were found missing while picking (or counting), and the order has not shipped
    in full since."""
    CANNOT_ALLOCATE = "cannot_allocate"
    """Routed, and not a single unit could be allocated."""
    PROMISE_AT_RISK = "promise_at_risk"
    """Units wait for stock and the purchase orders due before the ship-by time (at the
    warehouses that serve the order) cannot cover them: a purchase was late or cut."""


class PaymentStatus(enum.StrEnum):
    """Whether the order is paid; an unpaid capture is held for payment."""

    PAID = "paid"
    """Payment captured or authorised."""
    PENDING = "pending"
    """Waiting for payment."""
    ON_TERMS = "on_terms"
    """Wholesale: invoiced on payment terms (not a reason to hold)."""


def _disposition(value: object) -> Disposition:
    return _DISPOSITION(value)


def _money(instance: object, attribute: attrs.Attribute[Money | None], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, Money):
        raise InvalidMoneyError(
            attribute.name, value, "give a Money, such as Money(Decimal('9.99'), 'USD')"
        )
    if value.amount < 0:
        raise InvalidMoneyError(
            attribute.name, value.amount, "a price is zero or more (a discount is a lower price)"
        )


@attrs.frozen
class LineItem:
    """One line as captured: a SKU, a positive quantity and a unit price (``None``: the
    price the order's price list gives for the quantity)."""

    line_id: LineId = attrs.field(converter=as_line_id)
    """Unique within the order."""
    sku: SkuId = attrs.field(converter=sku_id)
    """The SKU ordered."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """Units ordered (positive)."""
    unit_price: Money | None = attrs.field(default=None, validator=_money)
    """Price of one unit; ``None`` to take it from the order's price list (a line no list
    prices is refused with :class:`~invorder.errors.UnpricedLineError`)."""


def _units_by_sku(field: str, value: object) -> tuple[tuple[SkuId, int], ...]:
    """(SKU, units) pairs of ``field``, given as a mapping or as pairs, each a positive
    number of units; kept sorted by SKU."""
    result = []
    for sku, quantity in _checks.pairs(field, value, "(SKU, units)"):
        if type(quantity) is not int or quantity <= 0:
            raise InvalidQuantityError(f"{field}[{sku!r}]", quantity)
        result.append((sku_id(sku), quantity))
    return tuple(sorted(result))


def _case_packs(
    value: Mapping[str, int] | Iterable[tuple[str, int]],
) -> tuple[tuple[SkuId, int], ...]:
    return _units_by_sku("case_packs", value)


def _minimums(
    value: Mapping[str, int] | Iterable[tuple[str, int]],
) -> tuple[tuple[SkuId, int], ...]:
    return _units_by_sku("minimums", value)


@attrs.frozen(kw_only=True)
class WholesaleTerms:
    """What a wholesale order adds: payment terms, price list, packs and how it ships."""

    payment_terms_days: int = attrs.field(default=30, validator=_checks.non_negative_quantity)
    """Net days (30 for "net 30"): the invoice is due this many days after capture."""
    price_list: str = attrs.field(default="", validator=_checks.text)
    """The customer's price list."""
    case_packs: tuple[tuple[SkuId, int], ...] = attrs.field(default=(), converter=_case_packs)
    """Per SKU, the case size: quantities must be a multiple of it."""
    minimums: tuple[tuple[SkuId, int], ...] = attrs.field(default=(), converter=_minimums)
    """Per SKU, the minimum quantity per line."""
    ship_complete: bool = attrs.field(default=True, validator=_checks.boolean)
    """True: one complete shipment, never split; the order waits until it can."""
    manual_approval: bool = attrs.field(default=False, validator=_checks.boolean)
    """True: captured on hold until a person approves it."""


@attrs.frozen
class LineQuantity:
    """A quantity of one order line."""

    line_id: LineId = attrs.field(converter=as_line_id)
    """The line."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """Units (positive)."""


class Disposition(enum.StrEnum):
    """What happens to a returned unit."""

    RESTOCK = "restock"
    """Back to ``available``: it can be sold (and fill backorders) again."""
    QUALITY_CONTROL = "quality_control"
    """Into ``quality_control`` until inspected."""
    DAMAGED = "damaged"
    """Into ``damaged`` at the location."""
    SCRAP = "scrap"
    """Written off to the scrap location."""

    def account(self, location: str) -> Account:
        """Where units of this disposition go at ``location``."""
        if self is Disposition.SCRAP:
            return Account(SCRAP)
        bucket = {
            Disposition.RESTOCK: Bucket.AVAILABLE,
            Disposition.QUALITY_CONTROL: Bucket.QUALITY_CONTROL,
            Disposition.DAMAGED: Bucket.DAMAGED,
        }[self]
        return Account(location, bucket)


_DISPOSITION = _checks.one_of(Disposition, "disposition")


@attrs.frozen
class ReturnedUnits:
    """Units of one line received back, with their disposition."""

    line_id: LineId = attrs.field(converter=as_line_id)
    """The order line."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """Units received."""
    disposition: Disposition = attrs.field(default=Disposition.RESTOCK, converter=_disposition)
    """What happens to them."""


@attrs.frozen
class Package:
    """One parcel or pallet of a shipment."""

    weight_grams: int | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(_checks.positive_quantity),
    )
    """Its weight, if weighed."""


def _component(value: str) -> SkuId:
    return SkuId(value) if value == "" else sku_id(value)


def _bin(value: str) -> LocationId:
    return LocationId(value) if value == "" else real_location(value, "location")


@attrs.frozen
class PickCount:
    """Units found for one pick (reservation) of a shipment: of the pick's SKU, or of one
    component of a bundle (in one bin, or in all the bins the pick holds it in)."""

    ADDED: ClassVar[tuple[str, ...]] = ("component", "location")
    """Fields added after logs were written: left out of the JSON while at their default."""

    reservation: str = attrs.field(validator=_checks.identifier)
    """The pick's reservation."""
    found: int = attrs.field(validator=_checks.non_negative_quantity)
    """Units found on the shelf (fewer than the pick holds: a short pick): units of the
    pick's SKU, or of ``component`` when one is named."""
    component: SkuId = attrs.field(default=SkuId(""), converter=_component)
    """A stocked SKU the pick's bundle is made of, counted on its own (``""``: the pick's
    own units). A component found short writes off only its missing units; the bundles it
    leaves incomplete go back to allocation and their other components back to the shelf."""
    location: LocationId = attrs.field(default=LocationId(""), converter=_bin)
    """The bin ``component`` was counted in (``""``: every bin the pick holds it in)."""
