"""The order book: every order, shipment and return, folded from the log into the book's
own mutable records (:mod:`invorder.domain.orders._book_records`); the frozen values
callers read are built when asked and cached until the record next changes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from operator import attrgetter
from typing import Any, ClassVar

from invorder.domain.messages import Event
from invorder.domain.money import Money
from invorder.domain.orders._book_records import OrderRecord, Records, frozen_part
from invorder.domain.orders._book_shipments import ReturnRecord, ShipmentRecord
from invorder.domain.orders.commands import CaptureOrder, OpenReturn, ReceiveReturn
from invorder.domain.orders.events import (
    AlertAcknowledged,
    OrderAllocated,
    OrderCancelled,
    OrderCaptured,
    OrderClosed,
    OrderHeld,
    OrderHoldReleased,
    Pick,
    PickingStarted,
    PicksFoundShort,
    PicksWithdrawn,
    RefundPolicyDefined,
    ReturnOpened,
    ReturnReceived,
    ShipmentPacked,
    ShipmentShipped,
)
from invorder.domain.orders.ids import LineId
from invorder.domain.orders.order import Order
from invorder.domain.orders.refunds import DefineRefundPolicy, RefundPolicy
from invorder.domain.orders.rma import Return
from invorder.domain.orders.shipment import Shipment, ShipmentStatus
from invorder.domain.orders.standing import AlertMarks, standing
from invorder.domain.stock.location import LocationId


class OrderBook:
    """Every order and shipment, folded from the log."""

    FOLDS: ClassVar[frozenset[type]]
    """The event types :meth:`apply` folds (others leave it unchanged)."""

    __slots__ = (
        "_backordered", "_by_external", "_given", "_marks", "_order_records", "_refunds",
        "_return_records", "_settling", "_shipment_records", "_waiting",
    )  # fmt: skip

    def __init__(self) -> None:
        # Kept in Records, which the engine's copies of a projection copy in one pass.
        self._order_records: Records[OrderRecord] = Records()
        self._by_external: dict[tuple[str, str], str] = {}
        self._shipment_records: Records[ShipmentRecord] = Records()
        self._return_records: Records[ReturnRecord] = Records()
        self._backordered: dict[str, None] = {}
        # Per line SKU (stocked or bundle), the orders with backordered units of it.
        self._waiting: dict[str, dict[str, None]] = {}
        # Per order with an alert standing or acknowledged: since when, and by whom.
        self._marks: dict[str, AlertMarks] = {}
        self._refunds: dict[str, RefundPolicy] = {}
        # Per warehouse, units allocated there per quarter of an hour (UTC), for capacity:
        # every time zone's midnight falls on a quarter hour, so any local day is a range.
        self._given: dict[str, dict[int, int]] = {}
        self._settling: dict[str, None] = {}

    # The snapshot codec reads and writes the frozen values by these names.
    _orders = frozen_part("_order_records", OrderRecord)
    _shipments = frozen_part("_shipment_records", ShipmentRecord)
    _returns = frozen_part("_return_records", ReturnRecord)

    def get(self, order: str) -> Order | None:
        """One order, or ``None``."""
        record = self._order_records.get(order)
        return None if record is None else record.freeze()

    def by_external(self, channel: str, external_id: str) -> Order | None:
        """The order a channel knows by ``external_id``, or ``None``."""
        order = self._by_external.get((channel, external_id))
        return None if order is None else self._order_records[order].freeze()

    def __iter__(self) -> Iterator[Order]:
        return (record.freeze() for record in self._order_records.values())

    def differences(self, other: OrderBook) -> list[str]:
        """How this projection differs from ``other`` (the same: ``[]``), part by part
        (orders, shipments and returns compared as the frozen values callers read)."""
        return [f"{_PARTS.get(name, name.lstrip('_'))} differ from the log"
                for name in self.__slots__
                if getattr(self, name) != getattr(other, name)]  # fmt: skip

    def settling(self) -> list[Order]:
        """Orders whose every unit is shipped or cancelled and that are not closed, in
        capture order (an index: an order done shipping stays so until it is closed)."""
        records = [self._order_records[o] for o in self._settling]
        records.sort(key=attrgetter("position"))
        return [record.freeze() for record in records]

    def index_settling(self) -> None:
        """Rebuild the index :meth:`settling` reads (a snapshot does not store it)."""
        self._settling = {o: None for o, record in self._order_records.items()
                          if record.settling()}  # fmt: skip

    def has_backorders(self) -> bool:
        """True when some order has backordered units (a quick check before re-allocating)."""
        return bool(self._backordered)

    def backordered(self) -> list[Order]:
        """Orders with backordered units (in no promised order; sort them by priority)."""
        return [self._order_records[o].freeze() for o in self._backordered]

    def backordered_skus(self) -> list[str]:
        """The line SKUs (stocked or bundle) some order has backordered units of."""
        return list(self._waiting)

    def waiting_for(self, skus: Iterable[str]) -> list[Order]:
        """Orders with backordered units of any of ``skus`` (line SKUs), each once, in
        capture order (sort them by priority)."""
        found: dict[str, None] = {}
        for sku in skus:
            found.update(self._waiting.get(sku, {}))
        orders = [self._order_records[o].freeze() for o in found]
        orders.sort(key=attrgetter("position"))
        return orders

    def shipment(self, shipment: str) -> Shipment | None:
        """One shipment, or ``None``."""
        record = self._shipment_records.get(shipment)
        return None if record is None else record.freeze()

    def shipments_of(self, order: Order) -> list[Shipment]:
        """The order's shipments, in order made."""
        return [self._shipment_records[s].freeze() for s in order.shipments]

    def units_given(self, warehouse: str, start: datetime, end: datetime) -> int:
        """Units allocated at ``warehouse`` by commands timed from ``start`` up to ``end``
        (both on a quarter hour), for its capacity."""
        buckets = self._given.get(warehouse)
        if not buckets:
            return 0
        first, last = quarter(start), quarter(end)
        if last - first > len(buckets):
            return sum(n for q, n in buckets.items() if first <= q < last)
        return sum(buckets.get(q, 0) for q in range(first, last))

    def refund_policies(self) -> dict[str, RefundPolicy]:
        """The refund policies by channel (``""``: the default), as last defined."""
        return dict(self._refunds)

    def marks(self, order: str) -> AlertMarks | None:
        """Since when the order's alerts stand and which were acknowledged (``None``:
        nothing standing nor acknowledged). The record is the projection's own: read it."""
        return self._marks.get(order)

    def apply(self, event: Event) -> None:
        """Fold one event (others are ignored)."""
        kind = type(event)
        handler = _FOLD.get(kind)
        if handler is None:
            return
        handler(self, event)
        if kind in _SAME_ALERTS:
            return
        # Every other event folded here changes an order's lines or holds: its alerts too.
        order_id = event.order  # type: ignore[attr-defined]  # every folded type has it
        order = self._order_records[order_id]
        if kind is ShipmentShipped and not order.short_picked:
            return  # shipping can only clear a short pick's alert
        reasons = standing(order)
        marks = self._marks.get(order_id)
        if marks is None:
            if not reasons:
                return
            marks = self._marks[order_id] = AlertMarks()
        marks.track(reasons, event.at)
        if not marks:
            del self._marks[order_id]

    def _refund_policy(self, event: RefundPolicyDefined) -> None:
        command = event.command
        assert isinstance(command, DefineRefundPolicy)
        self._refunds[command.channel] = RefundPolicy(
            command.channel, command.refund_percent, command.fee, command.return_window_days
        )

    def _acknowledged(self, event: AlertAcknowledged) -> None:
        marks = self._marks.setdefault(event.order, AlertMarks())
        marks.acknowledged[event.alert] = (event.at, event.note)

    def _waits(self, order: OrderRecord) -> set[str]:
        """The SKUs the order waits for, as the backorder index has them (read before a
        change, for :meth:`_reindex`)."""
        return order.waiting_skus() if order.order_id in self._backordered else set()

    def _reindex(self, order: OrderRecord, before: set[str]) -> None:
        """Bring the backorder indexes level with the order's lines once they changed
        (``before``: :meth:`_waits` read before the change)."""
        order_id = order.order_id
        after = order.waiting_skus()
        # An order is in the backorder index exactly when one of its lines waits.
        if order_id in self._backordered:
            if not after:
                del self._backordered[order_id]
        elif after:
            self._backordered[order_id] = None
        else:
            return
        if before == after:
            return
        waiting = self._waiting
        for sku in before - after:
            orders = waiting[sku]
            del orders[order_id]
            if not orders:
                del waiting[sku]
        for sku in sorted(after - before):  # the same order in every process (snapshots)
            waiting.setdefault(sku, {})[order_id] = None

    def _captured(self, event: OrderCaptured) -> None:
        command = event.command
        assert isinstance(command, CaptureOrder)
        self._order_records.add(command.order, OrderRecord.captured(
            command, event.position, dict(event.prices), event.price_list))  # fmt: skip
        self._by_external[(command.channel, command.external_id)] = command.order

    def _held(self, event: OrderHeld) -> None:
        order = self._order_records.mine(event.order)
        order.holds = (*order.holds, event.reason)
        order.view = None

    def _closed(self, event: OrderClosed) -> None:
        order = self._order_records.mine(event.order)
        order.closed_at = event.at
        order.close_reason = event.reason
        order.view = None
        self._settling.pop(event.order, None)

    def _released(self, event: OrderHoldReleased) -> None:
        order = self._order_records.mine(event.order)
        order.holds = tuple(h for h in order.holds if h != event.reason)
        order.view = None

    def _allocated(self, event: OrderAllocated) -> None:
        order = self._order_records.mine(event.order)
        before = self._waits(order)
        picked: dict[LineId, int] = {}
        by_shipment: dict[str, list[Pick]] = {}
        if event.picks:
            bucket = quarter(event.at)
            for pick in event.picks:
                picked[pick.line_id] = picked.get(pick.line_id, 0) + pick.quantity
                by_shipment.setdefault(pick.shipment, []).append(pick)
                given = self._given.setdefault(pick.location.split("/", 1)[0], {})
                given[bucket] = given.get(bucket, 0) + pick.quantity
                order.reservations.append(pick.reservation)
        order.allocate(picked, {b.line_id: b.backordered for b in event.backorders})
        for sid, picks in by_shipment.items():
            if sid in self._shipment_records:
                found = self._shipment_records.mine(sid)
            else:
                order.shipments.append(sid)
                warehouse = LocationId(picks[0].location.split("/", 1)[0])
                found = self._shipment_records.add(sid, ShipmentRecord(sid, order.order_id,
                                                                       warehouse))  # fmt: skip
            found.add(picks)
        self._reindex(order, before)

    def _take_from_picks(self, taken: Iterable[tuple[str, int]], order: OrderRecord) -> None:
        amounts = dict(taken)
        for sid in order.shipments:
            if any(p.reservation in amounts for p in self._shipment_records[sid].picks):
                self._shipment_records.mine(sid).take(amounts)

    def _cancelled(self, event: OrderCancelled) -> None:
        order = self._order_records.mine(event.order)
        before = self._waits(order)
        by_line = {c.line_id: c for c in event.lines}
        for line in order.lines:
            c = by_line.get(line.line_id)
            if c is not None:
                line.cancel(c.quantity, c.backordered, c.allocated)
        self._take_from_picks(event.released, order)
        order.view = None
        self._reindex(order, before)
        if order.settling():
            self._settling[event.order] = None

    def _picking(self, event: PickingStarted) -> None:
        s = self._shipment_records.mine(event.shipment)
        s.status = ShipmentStatus.PICKING
        s.view = None

    def _short(self, event: PicksFoundShort) -> None:
        self._unallocate(event.order, event.shipment, event.missing, short=True)

    def _withdrawn(self, event: PicksWithdrawn) -> None:
        self._unallocate(event.order, event.shipment, event.withdrawn, short=False)

    def _unallocate(
        self, order_id: str, shipment: str, units: tuple[tuple[str, int], ...], *, short: bool
    ) -> None:
        """Take ``units`` (reservation, units) out of the shipment's picks and their lines'
        allocation (counted as short-picked when ``short``)."""
        order = self._order_records.mine(order_id)
        by_reservation = {p.reservation: p for p in self._shipment_records[shipment].picks}
        lost: dict[LineId, int] = {}
        for rid, n in units:
            line_id = by_reservation[rid].line_id
            lost[line_id] = lost.get(line_id, 0) + n
        self._take_from_picks(units, order)
        order.unallocate(lost, short=short)  # no backordered unit changes: nor the indexes

    def _packed(self, event: ShipmentPacked) -> None:
        s = self._shipment_records.mine(event.shipment)
        s.status = ShipmentStatus.PACKED
        s.packages = event.packages
        s.view = None

    def _shipped(self, event: ShipmentShipped) -> None:
        s = self._shipment_records.mine(event.shipment)
        s.ship(event.carrier, event.tracking, event.at)
        # No backordered unit changes (nor the backorder indexes).
        order = self._order_records.mine(event.order)
        order.count("shipped", s.units_by_line())
        if order.settling():
            self._settling[event.order] = None

    def _return_opened(self, event: ReturnOpened) -> None:
        command = event.command
        assert isinstance(command, OpenReturn)
        order = self._order_records.mine(event.order)
        expected = tuple((lq.line_id, lq.quantity) for lq in command.lines)
        zero = Money(0, order.lines[0].unit_price.currency)
        self._return_records.add(event.rma, ReturnRecord(event.rma, event.order, expected, zero))
        order.returns.append(event.rma)
        order.view = None

    def _return_received(self, event: ReturnReceived) -> None:
        command = event.command
        assert isinstance(command, ReceiveReturn)
        rma = self._return_records.mine(event.rma)
        units: dict[LineId, int] = {}
        for part in command.lines:
            units[part.line_id] = units.get(part.line_id, 0) + part.quantity
        rma.receive(units, event.refund)
        # No backordered unit changes (nor the backorder indexes).
        self._order_records.mine(event.order).count("returned", units)

    def rma(self, rma: str) -> Return | None:
        """One RMA, or ``None``."""
        record = self._return_records.get(rma)
        return None if record is None else record.freeze()

    def expected_back(self, order: Order, line_id: str) -> int:
        """Units of a line expected on the order's RMAs and not received yet."""
        total = 0
        for rid in order.returns:
            r = self._return_records[rid].freeze()
            total += r.expected_of(line_id) - r.received_of(line_id)
        return total


_PARTS = {"_order_records": "orders", "_shipment_records": "shipments",
          "_return_records": "returns"}  # fmt: skip
"""The names :meth:`OrderBook.differences` gives the parts kept as records."""


def quarter(at: datetime) -> int:
    """The quarter of an hour (counted from the Unix epoch) that ``at`` falls in."""
    return int(at.timestamp()) // 900


_FOLD: dict[type[Any], Callable[[OrderBook, Any], None]] = {
    OrderCaptured: OrderBook._captured,
    OrderHeld: OrderBook._held,
    OrderHoldReleased: OrderBook._released,
    OrderClosed: OrderBook._closed,
    OrderAllocated: OrderBook._allocated,
    OrderCancelled: OrderBook._cancelled,
    PickingStarted: OrderBook._picking,
    PicksFoundShort: OrderBook._short,
    PicksWithdrawn: OrderBook._withdrawn,
    ShipmentPacked: OrderBook._packed,
    ShipmentShipped: OrderBook._shipped,
    ReturnOpened: OrderBook._return_opened,
    ReturnReceived: OrderBook._return_received,
    AlertAcknowledged: OrderBook._acknowledged,
    RefundPolicyDefined: OrderBook._refund_policy,
}
OrderBook.FOLDS = frozenset(_FOLD)
_SAME_ALERTS = frozenset({
    PickingStarted, ShipmentPacked, AlertAcknowledged, ReturnOpened, RefundPolicyDefined,
    OrderClosed,
})  # fmt: skip
"""Folded events that change neither an order's lines nor its holds."""
