"""Pricing queries: the price lists and the unit price a list gives (``Engine`` has them as
methods)."""

from __future__ import annotations

from typing import Protocol

from invorder.domain.model import State
from invorder.domain.pricing.price_list import PriceList


class _HasState(Protocol):
    @property
    def _state(self) -> State: ...


def price_list(engine: _HasState, price_list: str) -> PriceList | None:
    """The price list with this id as last defined, or ``None``. (``Engine`` has it as a
    method.)"""
    return engine._state.prices.get(price_list)


def price_lists(engine: _HasState) -> list[PriceList]:
    """Every price list as last defined, in the order first defined. (``Engine`` has it as
    a method.)"""
    return list(engine._state.prices)
