"""Returns (RMAs): opened for shipped units, received possibly in parts, each unit given a
disposition (restock, quality control, damaged, scrap); the refund follows the line prices.

Invariants: per line, units expected on open RMAs plus units returned never exceed units
shipped; an RMA never receives more of a line than it expects.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any

import attrs

from invorder.domain import _checks
from invorder.domain.commands import Command, _real_location
from invorder.domain.errors import ValidationError
from invorder.domain.location import SCRAP, LocationId
from invorder.domain.money import Money
from invorder.domain.order import (
    LineQuantity,
    _line_id,
    _order_id,
)
from invorder.domain.order_events import (
    OrderEvent,
)
from invorder.domain.party import LineId, OrderId
from invorder.domain.stock import Account, Bucket


class Disposition(enum.StrEnum):
    """What happens to a returned unit."""

    RESTOCK = "restock"
    """Back to ``available``: it can be sold (and fill backorders) again."""
    QUALITY_CONTROL = "quality_control"
    """Into ``quality_control`` until inspected."""
    DAMAGED = "damaged"
    """Into ``damaged`` at the location."""
    SCRAP = "scrap"
    """Written off to the scrap location."""

    def account(self, location: str) -> Account:
        """Where units of this disposition go at ``location``."""
        if self is Disposition.SCRAP:
            return Account(SCRAP)
        bucket = {
            Disposition.RESTOCK: Bucket.AVAILABLE,
            Disposition.QUALITY_CONTROL: Bucket.QUALITY_CONTROL,
            Disposition.DAMAGED: Bucket.DAMAGED,
        }[self]
        return Account(location, bucket)


def _rma(value: Any) -> str:
    _checks.check_identifier("rma", value)
    return str(value)


def _lines(value: Iterable[LineQuantity]) -> tuple[LineQuantity, ...]:
    lines = tuple(value)
    if not lines or len({line.line_id for line in lines}) != len(lines):
        raise ValidationError("name each line once, at least one", field="lines")
    return lines


@attrs.frozen(kw_only=True)
class OpenReturn(Command):
    """Open an RMA for shipped units of an order."""

    rma: str = attrs.field(converter=_rma)
    """The RMA id (new)."""
    order: OrderId = attrs.field(converter=_order_id)
    """The order."""
    lines: tuple[LineQuantity, ...] = attrs.field(converter=_lines)
    """Units expected back per line."""
    reason: str = attrs.field(default="", validator=_checks.text)
    """Why the customer returns them."""


@attrs.frozen
class ReturnedUnits:
    """Units of one line received back, with their disposition."""

    line_id: LineId = attrs.field(converter=_line_id)
    """The order line."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """Units received."""
    disposition: Disposition = attrs.field(default=Disposition.RESTOCK, converter=Disposition)
    """What happens to them."""


def _received(value: Iterable[ReturnedUnits]) -> tuple[ReturnedUnits, ...]:
    units = tuple(value)
    if not units:
        raise ValidationError("a receipt names at least one line", field="lines")
    return units


@attrs.frozen(kw_only=True)
class ReceiveReturn(Command):
    """Units of an RMA arrived at ``location`` (possibly only some of them)."""

    rma: str = attrs.field(converter=_rma)
    """The RMA."""
    location: LocationId = attrs.field(converter=_real_location)
    """Where they arrived (a bin)."""
    lines: tuple[ReturnedUnits, ...] = attrs.field(converter=_received)
    """What arrived, per line and disposition."""


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


@attrs.frozen(kw_only=True)
class ReturnOpened(OrderEvent):
    """An RMA was opened."""

    rma: str
    """The RMA."""


@attrs.frozen(kw_only=True)
class ReturnReceived(OrderEvent):
    """Units of an RMA arrived; the stock entry follows."""

    rma: str
    """The RMA."""
    refund: Money
    """The refund for the units of this receipt."""
