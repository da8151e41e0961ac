"""Reading a scenario with one object per repeated value: the hooks that keep the ids and the
money a reader has read and hand back the same object for an equal one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cattrs

from invorder.domain.money import Money
from invorder.domain.orders.ids import ChannelId, CustomerId, LineId, OrderId
from invorder.domain.stock.catalog import SkuId
from invorder.domain.stock.location import LocationId

SHARED_IDS = (SkuId, LocationId, OrderId, LineId, ChannelId, CustomerId)
"""The id types read as one object per value."""


def sharing(shared: dict[Any, Any]) -> Callable[[cattrs.Converter], None]:
    """What ``make_converter(prepare=...)`` takes to read the :data:`SHARED_IDS` and
    :class:`Money` through ``shared``: a value is checked as before and kept once read, so
    equal ones read later are the same object (money by its text: ``19.98`` and ``19.980``
    are equal but written differently). ``shared`` holds what was read until the reader
    drops it."""

    def prepare(converter: cattrs.Converter) -> None:
        text = converter.get_structure_hook(str)

        def one_id(value: Any, kind: Any) -> str:
            found: str = text(value, str)
            kept: str = shared.setdefault(found, found)
            return kept

        for kind in SHARED_IDS:
            converter.register_structure_hook(kind, one_id)
        money = converter.get_structure_hook(Money)

        def one_money(value: Any, kind: Any) -> Money:
            key = _money_key(value)
            found: Money | None = shared.get(key) if key is not None else None
            if found is None:
                found = money(value, kind)
                if key is not None:
                    shared[key] = found
            return found

        converter.register_structure_hook(Money, one_money)

    return prepare


def _money_key(value: Any) -> tuple[str, str, str] | None:
    """The key a money dict is kept under (``None``: not a dict of two strings, left to
    the checks)."""
    if type(value) is not dict or len(value) != 2:
        return None
    amount, currency = value.get("amount"), value.get("currency")
    if type(amount) is not str or type(currency) is not str:
        return None
    return ("Money", amount, currency)
