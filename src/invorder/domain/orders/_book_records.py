"""The order book's own mutable records of orders and their lines (shipments and RMAs:
:mod:`~invorder.domain.orders._book_shipments`), and the dicts that hold them: its fold
changes them in place, and each builds its frozen public value when asked, cached until the
record next changes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from invorder.domain._records import Records
from invorder.domain.money import Money
from invorder.domain.orders._book_shipments import ReturnRecord, ShipmentRecord
from invorder.domain.orders.commands import CaptureOrder
from invorder.domain.orders.ids import LineId, OrderId
from invorder.domain.orders.order import Order, OrderLine
from invorder.domain.stock.catalog import SkuId


class LineRecord:
    """One order line's quantities (an :class:`~invorder.domain.orders.order.OrderLine`
    in the making); whoever changes a quantity clears ``view``."""

    __slots__ = (
        "allocated", "backordered", "cancelled", "line_id", "ordered", "returned", "shipped",
        "sku", "unit_price", "view",
    )  # fmt: skip

    def __init__(self, line_id: LineId, sku: SkuId, unit_price: Money, ordered: int) -> None:
        self.line_id = line_id
        self.sku = sku
        self.unit_price = unit_price
        self.ordered = ordered
        self.allocated = 0
        self.backordered = 0
        self.cancelled = 0
        self.shipped = 0
        self.returned = 0
        self.view: OrderLine | None = None

    @classmethod
    def of(cls, line: OrderLine) -> LineRecord:
        """The record of a line read back (from a snapshot), its view cached already."""
        record = cls(line.line_id, line.sku, line.unit_price, line.ordered)
        record.allocated = line.allocated
        record.backordered = line.backordered
        record.cancelled = line.cancelled
        record.shipped = line.shipped
        record.returned = line.returned
        record.view = line
        return record

    def copy(self) -> LineRecord:
        """A copy of the record (its cached view shared)."""
        new = LineRecord(self.line_id, self.sku, self.unit_price, self.ordered)
        new.allocated = self.allocated
        new.backordered = self.backordered
        new.cancelled = self.cancelled
        new.shipped = self.shipped
        new.returned = self.returned
        new.view = self.view
        return new

    def freeze(self) -> OrderLine:
        """The line as a frozen value (built once per change)."""
        view = self.view
        if view is None:
            view = self.view = OrderLine(
                line_id=self.line_id, sku=self.sku, unit_price=self.unit_price,
                ordered=self.ordered, allocated=self.allocated, backordered=self.backordered,
                cancelled=self.cancelled, shipped=self.shipped, returned=self.returned,
            )  # fmt: skip
        return view

    def cancel(self, units: int, backordered: int, allocated: int) -> None:
        """Cancel ``units``: ``backordered`` of them were waiting, ``allocated`` allocated."""
        self.cancelled += units
        self.backordered -= backordered
        self.allocated -= allocated
        self.view = None


class OrderRecord:
    """One order as the fold keeps it; whoever changes it clears ``view`` (and the view of
    each line it changes)."""

    __slots__ = (
        "capture", "close_reason", "closed_at", "epoch", "holds", "lines", "position",
        "price_list", "reservations", "returns", "shipments", "short_picked", "view",
    )  # fmt: skip

    def __init__(
        self, capture: CaptureOrder, lines: list[LineRecord], position: int, price_list: str
    ) -> None:
        self.capture = capture
        self.lines = lines
        self.holds: tuple[str, ...] = capture.initial_holds
        # Tuples: they grow an allocation (or a return) at a time, and are shared as they
        # are by the frozen order, the copies and the record read back.
        self.reservations: tuple[str, ...] = ()
        self.shipments: tuple[str, ...] = ()
        self.returns: tuple[str, ...] = ()
        self.short_picked = 0
        self.closed_at: datetime | None = None
        self.close_reason = ""
        self.price_list = price_list
        self.position = position
        self.view: Order | None = None
        self.epoch = 0  # see Records

    @classmethod
    def captured(
        cls, command: CaptureOrder, position: int, prices: Mapping[LineId, Money],
        price_list: str,
    ) -> OrderRecord:  # fmt: skip
        """The record a capture starts, priced as
        :func:`~invorder.domain.orders.order.new_order` prices it."""
        lines = [
            LineRecord(i.line_id, i.sku, prices[i.line_id] if i.unit_price is None
                       else i.unit_price, i.quantity)
            for i in command.lines
        ]  # fmt: skip
        return cls(command, lines, position, price_list)

    @classmethod
    def of(cls, order: Order) -> OrderRecord:
        """The record of an order read back (from a snapshot), its view cached already."""
        record = cls(order.capture, [LineRecord.of(line) for line in order.lines],
                     order.position, order.price_list)  # fmt: skip
        record.holds = order.holds
        record.reservations = order.reservations
        record.shipments = order.shipments
        record.returns = order.returns
        record.short_picked = order.short_picked
        record.closed_at = order.closed_at
        record.close_reason = order.close_reason
        record.view = order
        return record

    def copy(self) -> OrderRecord:
        """A copy of the record and of its lines (cached views shared)."""
        new = OrderRecord(self.capture, [line.copy() for line in self.lines], self.position,
                          self.price_list)  # fmt: skip
        new.holds = self.holds
        new.reservations = self.reservations
        new.shipments = self.shipments
        new.returns = self.returns
        new.short_picked = self.short_picked
        new.closed_at = self.closed_at
        new.close_reason = self.close_reason
        new.view = self.view
        return new

    @property
    def order_id(self) -> OrderId:
        """The order id."""
        return self.capture.order

    def freeze(self) -> Order:
        """The order as a frozen value (built once per change, unchanged lines reused)."""
        view = self.view
        if view is None:
            view = self.view = Order(
                capture=self.capture, lines=tuple([line.freeze() for line in self.lines]),
                holds=self.holds, reservations=self.reservations,
                shipments=self.shipments, returns=self.returns,
                short_picked=self.short_picked, closed_at=self.closed_at,
                close_reason=self.close_reason, price_list=self.price_list,
                position=self.position,
            )  # fmt: skip
        return view

    def count(self, quantity: str, units: Mapping[LineId, int], sign: int = 1) -> None:
        """Add ``units`` (by line id; times ``sign``) to the lines' ``quantity``
        (``"shipped"``, ``"returned"``, ``"allocated"``)."""
        for line in self.lines:
            n = units.get(line.line_id)
            if n is not None:
                setattr(line, quantity, getattr(line, quantity) + sign * n)
                line.view = None
        self.view = None

    def unallocate(self, lost: Mapping[LineId, int], *, short: bool) -> None:
        """Take ``lost`` units (by line id) out of the lines' allocation, counted as
        short-picked when ``short``."""
        self.count("allocated", lost, -1)
        if short:
            self.short_picked += sum(lost.values())

    def settling(self) -> bool:
        """True when every unit is shipped or cancelled and the order is not closed: what
        the close-out queries look at (returns come after)."""
        if self.closed_at is not None:
            return False
        for line in self.lines:  # noqa: SIM110  # all() of a generator: twice the time
            if line.shipped < line.ordered - line.cancelled:
                return False
        return True

    def waiting_skus(self) -> set[str]:
        """The SKUs of its lines with backordered units."""
        return {line.sku for line in self.lines if line.backordered}

    def __eq__(self, other: object) -> bool:
        # Records are equal when their public values are (a projection checked against a
        # rebuild from the log compares what callers read).
        if not isinstance(other, OrderRecord):
            return NotImplemented
        return self.freeze() == other.freeze()

    __hash__ = None  # type: ignore[assignment]  # mutable: not hashable


def frozen_part(name: str, record: type[OrderRecord | ShipmentRecord | ReturnRecord]) -> Any:
    """A property reading the records in slot ``name`` as their frozen values by id (a new
    dict), and setting them from such a dict (the snapshot codec's access)."""

    def read(book: object) -> dict[str, Any]:
        return {key: r.freeze() for key, r in getattr(book, name).items()}

    def write(book: object, values: dict[str, Any]) -> None:
        setattr(book, name, Records({key: record.of(value) for key, value in values.items()}))

    return property(read, write, doc=f"The frozen values of ``{name}`` by id.")
