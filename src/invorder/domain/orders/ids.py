"""Who an order is for and where it came from: ids of orders, lines, channels and
customers (each checked once, when a command is built), and the kind of order."""

from __future__ import annotations

import enum
from typing import Any, NewType

from invorder.domain import _checks


def as_line_id(value: Any) -> LineId:
    """``value`` as a line id, checked (the converter of every command field holding one)."""
    return LineId(_identifier("line_id", value))


def as_order_id(value: Any) -> OrderId:
    """``value`` as an order id, checked (the converter of every command field holding one)."""
    return OrderId(_identifier("order", value))


def as_channel_id(value: Any) -> ChannelId:
    """``value`` as a channel id, checked (the converter of every command field holding one)."""
    return ChannelId(_identifier("channel", value))


def as_customer_id(value: Any) -> CustomerId:
    """``value`` as a customer id, checked (the converter of every command field holding one)."""
    return CustomerId(_identifier("customer", value))


def _identifier(field: str, value: Any) -> str:
    _checks.check_identifier(field, value)
    return str(value)


OrderId = NewType("OrderId", str)
"""The id of an order, unique per host (e.g. channel + external id)."""


LineId = NewType("LineId", str)
"""The id of an order line, unique within its order."""


ChannelId = NewType("ChannelId", str)
"""A sales channel: ``"shopify"``, ``"amazon"``, ``"wholesale-portal"``."""


CustomerId = NewType("CustomerId", str)
"""The id of the customer who placed an order."""


class OrderKind(enum.Enum):
    """The kind of an order; routing rules and priorities treat them differently."""

    DTC = "dtc"
    """Direct to consumer: the host's own shop."""
    MARKETPLACE = "marketplace"
    """Sold on a marketplace (Amazon, Walmart), usually with strict ship-by promises."""
    WHOLESALE = "wholesale"
    """A business customer; often shipped complete from one place."""
