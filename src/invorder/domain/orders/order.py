"""Orders as the log tells them, with statuses derived from line quantities, never stored
apart from them.

Invariants of every :class:`OrderLine` (checked by property and state-machine tests):
``ordered == allocated + backordered + cancelled + unallocated`` with every term >= 0,
``shipped <= allocated`` and ``returned <= shipped``; :attr:`OrderLine.status` is a
function of those quantities alone.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs

from invorder.domain.money import Money, trusted_money
from invorder.domain.orders.commands import CaptureOrder
from invorder.domain.orders.ids import LineId, OrderId
from invorder.domain.stock.catalog import SkuId


class LineStatus(enum.StrEnum):
    """A line's status, derived from its quantities."""

    PENDING = "pending"
    """Nothing allocated or backordered yet (held, or not yet routed)."""
    BACKORDERED = "backordered"
    """Nothing allocated; some units wait for stock."""
    PARTIALLY_ALLOCATED = "partially_allocated"
    """Some live units allocated, some not."""
    ALLOCATED = "allocated"
    """Every live unit allocated."""
    PARTIALLY_SHIPPED = "partially_shipped"
    """Some live units shipped."""
    SHIPPED = "shipped"
    """Every live unit shipped."""
    RETURNED = "returned"
    """Every shipped unit came back."""
    CANCELLED = "cancelled"
    """Every unit cancelled."""


class OrderStatus(enum.StrEnum):
    """An order's status, derived from its holds and its lines' statuses."""

    ON_HOLD = "on_hold"
    """At least one hold and nothing shipped."""
    PENDING = "pending"
    """Not allocated yet."""
    BACKORDERED = "backordered"
    """Nothing allocated, units waiting for stock."""
    PARTIALLY_ALLOCATED = "partially_allocated"
    """Some units allocated, some not."""
    ALLOCATED = "allocated"
    """Every live unit allocated."""
    PARTIALLY_SHIPPED = "partially_shipped"
    """Some units shipped."""
    SHIPPED = "shipped"
    """Every live unit shipped."""
    RETURNED = "returned"
    """Every shipped unit returned."""
    CANCELLED = "cancelled"
    """Every unit cancelled."""


@attrs.frozen(kw_only=True)
class OrderLine:
    """A line's quantities as the log tells them; its status is derived from them."""

    line_id: LineId
    """The line."""
    sku: SkuId
    """The SKU."""
    unit_price: Money
    """Price of one unit."""
    ordered: int
    """Units ordered."""
    allocated: int = 0
    """Units assigned to a location (reserved, and still counted once shipped)."""
    backordered: int = 0
    """Units waiting for stock."""
    cancelled: int = 0
    """Units cancelled."""
    shipped: int = 0
    """Units shipped."""
    returned: int = 0
    """Units returned (received back)."""

    @property
    def unallocated(self) -> int:
        """Units not yet allocated, backordered or cancelled."""
        return self.ordered - self.allocated - self.backordered - self.cancelled

    @property
    def live(self) -> int:
        """Units not cancelled."""
        return self.ordered - self.cancelled

    @property
    def status(self) -> LineStatus:
        """Derived from the quantities alone."""
        return line_status(self)


def line_status(line: OrderLine) -> LineStatus:
    """The status the quantities of ``line`` imply."""
    live = line.live
    if live == 0:
        return LineStatus.CANCELLED
    if line.shipped == live:
        return LineStatus.RETURNED if line.returned == line.shipped else LineStatus.SHIPPED
    if line.shipped:
        return LineStatus.PARTIALLY_SHIPPED
    if line.allocated == live:
        return LineStatus.ALLOCATED
    if line.allocated:
        return LineStatus.PARTIALLY_ALLOCATED
    if line.backordered:
        return LineStatus.BACKORDERED
    return LineStatus.PENDING


@attrs.frozen(kw_only=True)
class Order:
    """An order as the log tells it (a new value after every change)."""

    capture: CaptureOrder
    """The capture command: the order's content as taken in."""
    lines: tuple[OrderLine, ...]
    """Its lines' quantities."""
    holds: tuple[str, ...] = ()
    """Holds in place."""
    reservations: tuple[str, ...] = ()
    """Every reservation made for it, in order."""
    shipments: tuple[str, ...] = ()
    """Every shipment made for it, in order."""
    returns: tuple[str, ...] = ()
    """Every RMA opened for it, in order."""
    short_picked: int = 0
    """Units found missing while picking for it."""
    closed_at: datetime | None = None
    """When it was closed (``None``: open)."""
    close_reason: str = ""
    """Why it was closed."""
    price_list: str = ""
    """The price list that applied at capture: it priced the lines captured without a
    price and checked the others (``""``: none applied)."""
    position: int
    """Log position of its capture."""

    @property
    def order_id(self) -> OrderId:
        """The order id."""
        return self.capture.order

    @property
    def placed_at(self) -> datetime:
        """When it was captured."""
        return self.capture.at

    @property
    def payment_due(self) -> datetime | None:
        """For wholesale, when the invoice is due (capture + payment terms)."""
        terms = self.capture.wholesale
        if terms is None:
            return None
        return self.capture.at + timedelta(days=terms.payment_terms_days)

    @property
    def ship_complete(self) -> bool:
        """True when the order must ship complete from one location."""
        terms = self.capture.wholesale
        return terms is not None and terms.ship_complete

    def line(self, line_id: str) -> OrderLine | None:
        """One line, or ``None``."""
        for line in self.lines:
            if line.line_id == line_id:
                return line
        return None

    @property
    def status(self) -> OrderStatus:
        """Derived from the holds and the lines' quantities."""
        statuses = {line.status for line in self.lines}
        live = statuses - {LineStatus.CANCELLED}
        if not live:
            return OrderStatus.CANCELLED
        shipped = {LineStatus.SHIPPED, LineStatus.RETURNED}
        if live == {LineStatus.RETURNED}:
            return OrderStatus.RETURNED
        if live <= shipped:
            return OrderStatus.SHIPPED
        if live & (shipped | {LineStatus.PARTIALLY_SHIPPED}):
            return OrderStatus.PARTIALLY_SHIPPED
        if self.holds:
            return OrderStatus.ON_HOLD
        if live == {LineStatus.ALLOCATED}:
            return OrderStatus.ALLOCATED
        if live & {LineStatus.ALLOCATED, LineStatus.PARTIALLY_ALLOCATED}:
            return OrderStatus.PARTIALLY_ALLOCATED
        if LineStatus.BACKORDERED in live:
            return OrderStatus.BACKORDERED
        return OrderStatus.PENDING

    @property
    def currency(self) -> str:
        """The currency of every amount of the order (a capture refuses mixed currencies)."""
        return self.lines[0].unit_price.currency

    @property
    def total(self) -> Money:
        """The value of the live units."""
        # A capture refuses mixed currencies, so the amounts add up directly.
        amount = sum((line.unit_price.amount * line.live for line in self.lines), Decimal(0))
        return trusted_money(amount, self.currency)

    def without_allocated(self, units: Mapping[str, int]) -> Order:
        """The order as it reads once ``units`` (per line id) have left their lines'
        allocation (a short pick, a short count): what a decision re-allocates from."""
        return self._with_lines(
            attrs.evolve(line, allocated=line.allocated - units[line.line_id])
            if line.line_id in units else line
            for line in self.lines
        )  # fmt: skip

    def _with_lines(self, lines: Iterable[OrderLine], **changes: Any) -> Order:
        return attrs.evolve(self, lines=tuple(lines), **changes)


def new_order(
    command: CaptureOrder, position: int, prices: Mapping[LineId, Money] | None = None,
    price_list: str = "",
) -> Order:  # fmt: skip
    """The order a capture creates; ``prices`` are those ``price_list`` (the list that
    applied) gave the lines captured without one (by line id: every such line has one, or
    the capture was refused)."""
    given = prices or {}
    lines = tuple(
        OrderLine(line_id=i.line_id, sku=i.sku, ordered=i.quantity,
                  unit_price=given[i.line_id] if i.unit_price is None else i.unit_price)
        for i in command.lines
    )  # fmt: skip
    return Order(capture=command, lines=lines, holds=command.initial_holds,
                 price_list=price_list, position=position)  # fmt: skip


def content_of(command: CaptureOrder) -> dict[str, Any]:
    """The fields of a capture that make its content (all but ``key`` and ``at``)."""
    return {
        field.name: getattr(command, field.name)
        for field in attrs.fields(CaptureOrder)
        if field.name not in ("key", "at")
    }
