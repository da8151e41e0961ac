"""Pricing: price lists with quantity breaks, per channel, customer or customer tier, that
price the lines an order is captured without prices for, and hold those captured at other
prices for a person.

================  ====================================================================
module            what it holds
================  ====================================================================
``price_list``    a price list and its prices (:class:`PriceBreak`)
``commands``      define a price list
``events``        ``PriceListDefined``
``prices``        the projection: every list and whom each serves
``decide``        defining a list; the prices a capture takes from one
================  ====================================================================
"""

from __future__ import annotations

from invorder.domain.messages import Decision
from invorder.domain.pricing import commands as _c
from invorder.domain.pricing import decide as _d
from invorder.domain.pricing import events as _e
from invorder.domain.pricing.prices import PriceLists

PROJECTIONS = {"prices": PriceLists}
"""The projections this area folds, by their name in the domain state."""

DECISIONS = (
    Decision(_c.DefinePriceList, _d.decide_define_price_list, ("ledger", "channels", "prices")),
)
"""Every pricing command, the function that decides it and what it reads."""

EVENTS: tuple[type, ...] = (_e.PriceListDefined,)
"""The events this area writes."""
