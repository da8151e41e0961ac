"""Pricing decisions: defining a price list, and the prices a capture takes from one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from invorder.domain.errors import DuplicateError, UnknownChannelError, UnknownSkuError
from invorder.domain.money import Money
from invorder.domain.pricing.commands import DefinePriceList
from invorder.domain.pricing.events import PriceListDefined
from invorder.domain.pricing.price_list import PriceList
from invorder.domain.pricing.prices import SERVED, PriceLists
from invorder.domain.stock.ledger import Ledger

_WHO = {"customers": "customer", "tiers": "customer tier", "channels": "channel"}


class _Channels(Protocol):
    def get(self, channel: str, /) -> object | None: ...


def decide_define_price_list(
    ledger: Ledger, channels: _Channels, prices: PriceLists, command: DefinePriceList,
    position: int,
) -> PriceListDefined:  # fmt: skip
    """Accept the list if it names known SKUs and channels and serves no one another list
    serves."""
    new = command.price_list
    for item in new.prices:
        if item.sku not in ledger.catalog:
            raise UnknownSkuError(item.sku)
    for channel in new.channels:
        if channels.get(channel) is None:
            raise UnknownChannelError(channel)
    for kind in SERVED:
        for who in getattr(new, kind):
            other = prices.serving(kind, who)
            if other is not None and other != new.price_list:
                raise DuplicateError(
                    f"price list of {_WHO[kind]}", who,
                    f"list {other!r} serves it; define {other!r} again without it first",
                )  # fmt: skip
    return PriceListDefined(position=position, command=command)


class _Line(Protocol):
    @property
    def line_id(self) -> str: ...
    @property
    def sku(self) -> str: ...
    @property
    def quantity(self) -> int: ...
    @property
    def unit_price(self) -> Money | None: ...


def price_lines(
    price_list: PriceList | None, lines: Iterable[_Line]
) -> tuple[dict[str, Money], list[str], list[str]]:
    """What ``price_list`` says of a capture's ``lines``: the list price of each line given
    without one (by line id), the lines given without a price that it does not price, and
    the lines given with a price other than its own (when it holds other prices)."""
    priced: dict[str, Money] = {}
    unpriced: list[str] = []
    differing: list[str] = []
    for line in lines:
        listed = None if price_list is None else price_list.unit_price(line.sku, line.quantity)
        if line.unit_price is None:
            if listed is None:
                unpriced.append(line.line_id)
            else:
                priced[line.line_id] = listed
        elif listed is not None and line.unit_price != listed:
            assert price_list is not None
            if price_list.hold_other_prices:
                differing.append(line.line_id)
    return priced, unpriced, differing
