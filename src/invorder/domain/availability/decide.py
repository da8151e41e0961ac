"""Decisions on channels: a policy is accepted when every location it names exists."""

from __future__ import annotations

from invorder.domain.availability.commands import DefineChannel
from invorder.domain.availability.events import ChannelDefined
from invorder.domain.errors import UnknownLocationError, UnknownSkuError
from invorder.domain.stock.ledger import Ledger


def decide_define_channel(ledger: Ledger, command: DefineChannel, position: int) -> ChannelDefined:
    """Accept a channel policy whose locations and SKUs exist (unknown SKU first)."""
    for sku, _quantity in command.safety_stock_by_sku:
        if sku not in ledger.catalog:
            raise UnknownSkuError(sku)
    for location in command.locations:
        if not ledger.has_location(location):
            raise UnknownLocationError(location)
    return ChannelDefined(position=position, command=command)
