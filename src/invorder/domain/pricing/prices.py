"""The price lists projection: the last definition of each list, and which list serves each
channel, customer and customer tier."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from invorder.domain.messages import Event
from invorder.domain.pricing.events import PriceListDefined
from invorder.domain.pricing.price_list import PriceList

SERVED = ("customers", "tiers", "channels")
"""Whom a list serves, in the order a capture looks for its list (after a list its
wholesale terms name)."""


class PriceLists:
    """The price lists projection: the last definition of each list, and which list serves
    each channel, customer and customer tier."""

    FOLDS: ClassVar[frozenset[type]] = frozenset({PriceListDefined})
    """The event types :meth:`apply` folds (others leave it unchanged)."""

    __slots__ = ("_by_id", "_serving")

    def __init__(self) -> None:
        self._by_id: dict[str, PriceList] = {}
        # Per kind (SERVED), the list serving each channel, customer or tier.
        self._serving: dict[str, dict[str, str]] = {kind: {} for kind in SERVED}

    def get(self, price_list: str) -> PriceList | None:
        """The list, or ``None``."""
        return self._by_id.get(price_list)

    def __iter__(self) -> Iterator[PriceList]:
        return iter(self._by_id.values())

    def serving(self, kind: str, who: str) -> str | None:
        """The id of the list that serves ``who``, a channel, customer or tier (``kind``:
        one of :data:`SERVED`), or ``None``."""
        return self._serving[kind].get(who)

    def for_order(self, named: str, customer: str, tier: str, channel: str) -> PriceList | None:
        """The list that prices an order: ``named`` (its wholesale terms' list, ``""``:
        none), else its customer's, else its tier's, else its channel's; ``None`` if none."""
        if named:
            return self._by_id.get(named)
        for kind, who in zip(SERVED, (customer, tier, channel), strict=True):
            found = self._serving[kind].get(who)
            if found is not None:
                return self._by_id[found]
        return None

    def apply(self, event: Event) -> None:
        """Fold one event (only ``PriceListDefined`` matters)."""
        if type(event) is PriceListDefined:
            assert isinstance(event, PriceListDefined)
            self.put(event.command.price_list)

    def put(self, new: PriceList) -> None:
        """Keep ``new`` as the definition of its id, and whom it serves (the projection's
        own writer: the fold and a snapshot's import call it)."""
        old = self._by_id.get(new.price_list)
        if old is not None:
            for kind in SERVED:
                for who in getattr(old, kind):
                    del self._serving[kind][who]
        self._by_id[new.price_list] = new
        for kind in SERVED:
            for who in getattr(new, kind):
                self._serving[kind][who] = new.price_list
