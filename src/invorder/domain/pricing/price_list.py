"""Price lists: unit prices per SKU with quantity breaks, in one currency, and whom a list
serves (channels, customers, customer tiers)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from typing import Any

import attrs

from invorder.domain import _checks
from invorder.domain.errors import CurrencyMismatchError, InvalidListError, InvalidMoneyError
from invorder.domain.money import Money, currency_code
from invorder.domain.stock.catalog import SkuId, sku_id


def _price(instance: object, attribute: Any, value: Any) -> None:
    if not isinstance(value, Money):
        raise InvalidMoneyError(
            attribute.name, value, "give a Money, such as Money(Decimal('9.99'), 'USD')"
        )
    if value.amount < 0:
        raise InvalidMoneyError(attribute.name, value.amount, "a list price is zero or more")


@attrs.frozen
class PriceBreak:
    """The unit price of a SKU for a line of ``min_quantity`` units or more (a SKU with one
    break of ``min_quantity=1`` has one price whatever the quantity)."""

    sku: SkuId = attrs.field(converter=sku_id)
    """The SKU priced."""
    unit_price: Money = attrs.field(validator=_price)
    """The price of one unit (zero or more)."""
    min_quantity: int = attrs.field(default=1, validator=_checks.positive_quantity)
    """The smallest line quantity this price applies to."""


def _breaks(value: Iterable[PriceBreak]) -> tuple[PriceBreak, ...]:
    breaks: tuple[PriceBreak, ...] = _checks.items("prices", value, None, "PriceBreak values")
    for n, item in enumerate(breaks):
        if not isinstance(item, PriceBreak):
            raise InvalidListError(f"prices[{n}]", f"{item!r} is not a PriceBreak")
    if not breaks:
        raise InvalidListError("prices", "no price given; a price list prices at least one SKU")
    seen: set[tuple[str, int]] = set()
    for item in breaks:
        point = (item.sku, item.min_quantity)
        if point in seen:
            raise InvalidListError(
                "prices",
                f"SKU {item.sku!r} has two prices from {item.min_quantity} units; breaks "
                "overlap: give one price per SKU and minimum quantity",
            )
        seen.add(point)
    return tuple(sorted(breaks, key=_point))


def _ids(field: str, value: Iterable[str]) -> tuple[str, ...]:
    ids: tuple[str, ...] = _checks.items(field, value, None, "ids")
    for n, item in enumerate(ids):
        _checks.check_identifier(f"{field}[{n}]", item)
    _checks.named_once(field, ids, "", "give it once", required=False)
    return tuple(sorted(ids))


def _channels(value: Iterable[str]) -> tuple[str, ...]:
    return _ids("channels", value)


def _customers(value: Iterable[str]) -> tuple[str, ...]:
    return _ids("customers", value)


def _tiers(value: Iterable[str]) -> tuple[str, ...]:
    return _ids("tiers", value)


@attrs.frozen(kw_only=True)
class PriceList:
    """A price list: unit prices with quantity breaks, in one currency, and whom it serves.

    A capture takes its list from the wholesale terms' ``price_list`` when they name one,
    else the list of its customer, else of its customer tier, else of its channel. A line
    captured without a unit price takes the list's price for its quantity; a line whose
    price differs from the list's holds the order for a person (``price_review``) when
    ``hold_other_prices``.

    Invariants: every price is in ``currency`` and zero or more; a SKU has at most one
    price per minimum quantity; a channel, customer or tier is served by at most one list
    (the engine checks that against the other lists).
    """

    price_list: str = attrs.field(validator=_checks.identifier)
    """The list's id (what :attr:`WholesaleTerms.price_list` names)."""
    currency: str = attrs.field(validator=currency_code)
    """The ISO 4217 code every price is in."""
    prices: tuple[PriceBreak, ...] = attrs.field(converter=_breaks)
    """The prices, kept sorted by SKU and minimum quantity."""
    channels: tuple[str, ...] = attrs.field(default=(), converter=_channels)
    """Channels whose orders it prices (sorted)."""
    customers: tuple[str, ...] = attrs.field(default=(), converter=_customers)
    """Customers whose orders it prices, whatever the channel (sorted)."""
    tiers: tuple[str, ...] = attrs.field(default=(), converter=_tiers)
    """Customer tiers (groups) whose orders it prices (sorted)."""
    hold_other_prices: bool = attrs.field(default=True, validator=_checks.boolean)
    """True: an order captured with a unit price other than the list's is held for a
    person (``price_review``); False: the captured price stands."""
    name: str = attrs.field(default="", validator=_checks.text)
    """A label for people."""

    def __attrs_post_init__(self) -> None:
        for item in self.prices:
            if item.unit_price.currency != self.currency:
                raise CurrencyMismatchError(
                    "mix in one price list", self.currency, item.unit_price.currency
                )

    def unit_price(self, sku: str, quantity: int) -> Money | None:
        """The price of one unit of ``sku`` on a line of ``quantity`` units: the break with
        the largest minimum quantity not above it; ``None`` if the list has none."""
        # The prices are sorted by (SKU, minimum): the one before (sku, quantity) or at it.
        at = bisect_right(self.prices, (sku, quantity), key=_point)
        if at and self.prices[at - 1].sku == sku:
            return self.prices[at - 1].unit_price
        return None


def _point(item: PriceBreak) -> tuple[str, int]:
    return (item.sku, item.min_quantity)
