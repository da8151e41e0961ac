"""Who an order is for and where it came from: ids of orders, lines, channels and customers,
and the kind of order (DTC, marketplace, wholesale)."""

from __future__ import annotations

import enum
from typing import NewType

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
