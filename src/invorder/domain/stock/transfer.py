"""Transfers between warehouses as the log tells them: per SKU, shipped, received, written off."""

from __future__ import annotations

import attrs

from invorder.domain.stock.catalog import SkuId
from invorder.domain.stock.location import LocationId


@attrs.frozen
class TransferLineStatus:
    """Where the units of one SKU of a transfer are."""

    sku: SkuId
    """The SKU."""
    shipped: int
    """Units that left the origin."""
    received: int = 0
    """Units that arrived at the destination."""
    written_off: int = 0
    """Units written off when the transfer was closed."""

    @property
    def in_transit(self) -> int:
        """Units shipped and neither received nor written off."""
        return self.shipped - self.received - self.written_off


@attrs.frozen
class Transfer:
    """A two-step transfer between warehouses, as the log tells it.

    Invariant: for every line, ``received + written_off <= shipped``.
    """

    transfer: str
    """The transfer id."""
    origin: LocationId
    """The sending location."""
    destination: LocationId
    """The receiving location."""
    lines: tuple[TransferLineStatus, ...]
    """One status per SKU, in the order shipped."""
    closed: bool = False
    """True once closed: nothing more can be received."""

    def line(self, sku: str) -> TransferLineStatus | None:
        """The status of ``sku`` on this transfer, or ``None``."""
        for line in self.lines:
            if line.sku == sku:
                return line
        return None
