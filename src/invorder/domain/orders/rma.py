"""Returns (RMAs) as the log tells them: units expected and received per line, the refund.

Invariants: per line, units expected on open RMAs plus units returned never exceed units
shipped; an RMA never receives more of a line than it expects.
"""

from __future__ import annotations

import enum

import attrs

from invorder.domain.money import Money
from invorder.domain.orders.ids import LineId, OrderId


class ReturnStatus(enum.StrEnum):
    """Where an RMA is."""

    OPEN = "open"
    """Nothing received yet."""
    PARTIALLY_RECEIVED = "partially_received"
    """Some units received."""
    RECEIVED = "received"
    """Every expected unit received; closed."""


@attrs.frozen(kw_only=True)
class Return:
    """An RMA as the log tells it."""

    rma: str
    """Its id."""
    order: OrderId
    """The order."""
    expected: tuple[tuple[LineId, int], ...]
    """Units expected per line."""
    received: tuple[tuple[LineId, int], ...] = ()
    """Units received per line so far."""
    refund: Money
    """The refund owed so far (line prices times units received)."""

    def expected_of(self, line_id: str) -> int:
        """Units of a line expected."""
        return dict(self.expected).get(LineId(line_id), 0)

    def received_of(self, line_id: str) -> int:
        """Units of a line received."""
        return dict(self.received).get(LineId(line_id), 0)

    @property
    def outstanding(self) -> int:
        """Units still expected."""
        return sum(n for _, n in self.expected) - sum(n for _, n in self.received)

    @property
    def status(self) -> ReturnStatus:
        """Derived from the quantities."""
        if not self.outstanding:
            return ReturnStatus.RECEIVED
        return ReturnStatus.PARTIALLY_RECEIVED if self.received else ReturnStatus.OPEN
