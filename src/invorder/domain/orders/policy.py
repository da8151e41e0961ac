"""A channel's availability policy in allocation: an order from a channel that holds stock
back (safety stock, a share, a maximum) is allocated no more of a SKU than the channel may
sell from the shelf at that moment, so it never sells more than it publishes."""

from __future__ import annotations

from collections.abc import Iterable

from invorder.domain.orders.context import Context
from invorder.domain.orders.order import Order
from invorder.domain.orders.taken import Taken


def allowances(
    ctx: Context, order: Order, skus: Iterable[str], taken: Taken
) -> dict[str, int] | None:
    """Per SKU of ``skus``, the units ``order``'s channel lets it be allocated: the policy
    applied to the shelf units of the channel's feeding locations after ``taken`` (the
    earlier allocations and arrivals of the same outcome). ``None``: no limit (the channel
    holds nothing back or opted out)."""
    channel = order.capture.channel
    sellable = ctx.channel_limit(channel)
    if sellable is None:
        return None
    feeding = ctx.channel_locations(channel) or ()
    ledger = ctx.ledger
    found: dict[str, int] = {}
    for sku in skus:
        # A bundle is made up within one feeding location (as channel ATP counts it).
        pool = 0
        for location in feeding:
            units: int | None = None
            for leaf, per in ledger.catalog.leaves(sku):
                n = (ledger.rollup(leaf, location) - taken.under(leaf, location)) // per
                units = n if units is None else min(units, n)
            pool += max(0, units or 0)
        found[sku] = sellable(sku, pool)
    return found
