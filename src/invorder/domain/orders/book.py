"""The order book: every order, shipment and return, folded from the log (values are
copied with :func:`invorder.domain._fast.replace`: every change comes from a checked event)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from operator import attrgetter
from typing import Any, ClassVar

from invorder.domain._fast import replace
from invorder.domain.messages import Event
from invorder.domain.money import Money
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
from invorder.domain.orders.order import Order, OrderLine, new_order
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
        "_backordered", "_by_external", "_given", "_marks", "_orders", "_refunds", "_returns",
        "_shipments", "_waiting",
    )  # fmt: skip

    def __init__(self) -> None:
        self._orders: dict[str, Order] = {}
        self._by_external: dict[tuple[str, str], str] = {}
        self._shipments: dict[str, Shipment] = {}
        self._returns: dict[str, Return] = {}
        self._backordered: dict[str, None] = {}
        # Per line SKU (stocked or bundle), the orders with backordered units of it.
        self._waiting: dict[str, dict[str, None]] = {}
        # Per order with an alert standing or acknowledged: since when, and by whom.
        self._marks: dict[str, AlertMarks] = {}
        self._refunds: dict[str, RefundPolicy] = {}
        # Per warehouse, units allocated there per quarter of an hour (UTC), for capacity:
        # every time zone's midnight falls on a quarter hour, so any local day is a range.
        self._given: dict[str, dict[int, int]] = {}

    def get(self, order: str) -> Order | None:
        """One order, or ``None``."""
        return self._orders.get(order)

    def by_external(self, channel: str, external_id: str) -> Order | None:
        """The order a channel knows by ``external_id``, or ``None``."""
        order = self._by_external.get((channel, external_id))
        return None if order is None else self._orders[order]

    def __iter__(self) -> Iterator[Order]:
        return iter(self._orders.values())

    def differences(self, other: OrderBook) -> list[str]:
        """How this projection differs from ``other`` (the same: ``[]``), part by part."""
        return [f"{name.lstrip('_')} differ from the log" for name in self.__slots__
                if getattr(self, name) != getattr(other, name)]  # fmt: skip

    def has_backorders(self) -> bool:
        """True when some order has backordered units (a quick check before re-allocating)."""
        return bool(self._backordered)

    def backordered(self) -> list[Order]:
        """Orders with backordered units (in no promised order; sort them by priority)."""
        return [self._orders[o] for o in self._backordered]

    def backordered_skus(self) -> list[str]:
        """The line SKUs (stocked or bundle) some order has backordered units of."""
        return list(self._waiting)

    def waiting_for(self, skus: Iterable[str]) -> list[Order]:
        """Orders with backordered units of any of ``skus`` (line SKUs), each once, in
        capture order (sort them by priority)."""
        found: dict[str, None] = {}
        for sku in skus:
            found.update(self._waiting.get(sku, {}))
        orders = [self._orders[o] for o in found]
        orders.sort(key=attrgetter("position"))
        return orders

    def shipment(self, shipment: str) -> Shipment | None:
        """One shipment, or ``None``."""
        return self._shipments.get(shipment)

    def shipments_of(self, order: Order) -> list[Shipment]:
        """The order's shipments, in order made."""
        return [self._shipments[s] for s in order.shipments]

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
        order = self._orders[order_id]
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

    def _set_lines(self, order: Order, lines: Iterable[OrderLine], **changes: Any) -> None:
        updated = replace(order, lines=tuple(lines), **changes)
        order_id = order.order_id
        self._orders[order_id] = updated
        after = {line.sku for line in updated.lines if line.backordered}
        # An order is in the backorder index exactly when one of its lines waits.
        if order_id in self._backordered:
            before = {line.sku for line in order.lines if line.backordered}
            if not after:
                del self._backordered[order_id]
        elif after:
            before = set()
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
        for sku in after - before:
            waiting.setdefault(sku, {})[order_id] = None

    def _captured(self, event: OrderCaptured) -> None:
        command = event.command
        assert isinstance(command, CaptureOrder)
        prices = dict(event.prices)
        self._orders[command.order] = new_order(command, event.position, prices, event.price_list)
        self._by_external[(command.channel, command.external_id)] = command.order

    def _held(self, event: OrderHeld) -> None:
        order = self._orders[event.order]
        self._orders[event.order] = replace(order, holds=(*order.holds, event.reason))

    def _closed(self, event: OrderClosed) -> None:
        order = self._orders[event.order]
        self._orders[event.order] = replace(order, closed_at=event.at, close_reason=event.reason)

    def _released(self, event: OrderHoldReleased) -> None:
        order = self._orders[event.order]
        holds = tuple(h for h in order.holds if h != event.reason)
        self._orders[event.order] = replace(order, holds=holds)

    def _allocated(self, event: OrderAllocated) -> None:
        order = self._orders[event.order]
        picked: dict[str, int] = {}
        for pick in event.picks:
            picked[pick.line_id] = picked.get(pick.line_id, 0) + pick.quantity
        backorders = {b.line_id: b.backordered for b in event.backorders}
        lines = [
            line if line.line_id not in picked and line.line_id not in backorders
            else replace(line, allocated=line.allocated + picked.get(line.line_id, 0),
                              backordered=backorders.get(line.line_id, line.backordered))
            for line in order.lines
        ]  # fmt: skip
        shipments = list(order.shipments)
        by_shipment: dict[str, list[Pick]] = {}
        for pick in event.picks:
            by_shipment.setdefault(pick.shipment, []).append(pick)
        for sid, picks in by_shipment.items():
            found = self._shipments.get(sid)
            if found is None:
                shipments.append(sid)
                warehouse = LocationId(picks[0].location.split("/", 1)[0])
                self._shipments[sid] = Shipment(shipment=sid, order=order.order_id,
                                                location=warehouse, picks=tuple(picks))  # fmt: skip
            else:
                self._shipments[sid] = replace(found, picks=(*found.picks, *picks))
        if event.picks:
            bucket = quarter(event.at)
            for pick in event.picks:
                given = self._given.setdefault(pick.location.split("/", 1)[0], {})
                given[bucket] = given.get(bucket, 0) + pick.quantity
        reservations = (*order.reservations, *(p.reservation for p in event.picks))
        self._set_lines(order, lines, reservations=reservations, shipments=tuple(shipments))

    def _take_from_picks(self, taken: Iterable[tuple[str, int]], order: Order) -> None:
        amounts = dict(taken)
        for sid in order.shipments:
            s = self._shipments[sid]
            if not any(p.reservation in amounts for p in s.picks):
                continue
            picks = tuple(
                replace(p, quantity=p.quantity - amounts.get(p.reservation, 0)) for p in s.picks
            )
            status = s.status
            if not any(p.quantity for p in picks) and status is not ShipmentStatus.SHIPPED:
                status = ShipmentStatus.CANCELLED
            self._shipments[sid] = replace(s, picks=picks, status=status)

    def _cancelled(self, event: OrderCancelled) -> None:
        order = self._orders[event.order]
        by_line = {c.line_id: c for c in event.lines}
        lines = []
        for line in order.lines:
            c = by_line.get(line.line_id)
            if c is not None:
                line = replace(line, cancelled=line.cancelled + c.quantity,
                               backordered=line.backordered - c.backordered,
                               allocated=line.allocated - c.allocated)  # fmt: skip
            lines.append(line)
        self._take_from_picks(event.released, order)
        self._set_lines(self._orders[event.order], lines)

    def _picking(self, event: PickingStarted) -> None:
        s = self._shipments[event.shipment]
        self._shipments[event.shipment] = replace(s, status=ShipmentStatus.PICKING)

    def _short(self, event: PicksFoundShort) -> None:
        self._unallocate(event.order, event.shipment, event.missing, short=True)

    def _withdrawn(self, event: PicksWithdrawn) -> None:
        self._unallocate(event.order, event.shipment, event.withdrawn, short=False)

    def _unallocate(
        self, order_id: str, shipment: str, units: tuple[tuple[str, int], ...], *, short: bool
    ) -> None:
        """Take ``units`` (reservation, units) out of the shipment's picks and their lines'
        allocation (counted as short-picked when ``short``)."""
        order = self._orders[order_id]
        by_reservation = {p.reservation: p for p in self._shipments[shipment].picks}
        lost: dict[str, int] = {}
        for rid, n in units:
            line_id = by_reservation[rid].line_id
            lost[line_id] = lost.get(line_id, 0) + n
        self._take_from_picks(units, order)
        lines = [replace(line, allocated=line.allocated - lost.get(line.line_id, 0))
                 for line in order.lines]  # fmt: skip
        found_short = order.short_picked + (sum(lost.values()) if short else 0)
        self._set_lines(order, lines, short_picked=found_short)

    def _packed(self, event: ShipmentPacked) -> None:
        s = self._shipments[event.shipment]
        self._shipments[event.shipment] = replace(
            s, status=ShipmentStatus.PACKED, packages=event.packages
        )

    def _shipped(self, event: ShipmentShipped) -> None:
        s = self._shipments[event.shipment]
        self._shipments[event.shipment] = replace(
            s, status=ShipmentStatus.SHIPPED, carrier=event.carrier, tracking=event.tracking,
            shipped_at=event.at,
        )  # fmt: skip
        units: dict[str, int] = {}
        for p in s.picks:
            units[p.line_id] = units.get(p.line_id, 0) + p.quantity
        order = self._orders[event.order]
        lines = [replace(line, shipped=line.shipped + units[line.line_id])
                 if line.line_id in units else line for line in order.lines]  # fmt: skip
        self._set_lines(order, lines)

    def _return_opened(self, event: ReturnOpened) -> None:
        command = event.command
        assert isinstance(command, OpenReturn)
        order = self._orders[event.order]
        expected = tuple((lq.line_id, lq.quantity) for lq in command.lines)
        zero = Money(0, order.lines[0].unit_price.currency)
        self._returns[event.rma] = Return(
            rma=event.rma, order=event.order, expected=expected, refund=zero
        )
        self._orders[event.order] = replace(order, returns=(*order.returns, event.rma))

    def _return_received(self, event: ReturnReceived) -> None:
        command = event.command
        assert isinstance(command, ReceiveReturn)
        rma = self._returns[event.rma]
        units: dict[str, int] = {}
        for part in command.lines:
            units[part.line_id] = units.get(part.line_id, 0) + part.quantity
        received = dict(rma.received)
        for line_id, n in units.items():
            received[LineId(line_id)] = received.get(LineId(line_id), 0) + n
        self._returns[event.rma] = replace(
            rma, received=tuple(sorted(received.items())), refund=rma.refund + event.refund
        )
        order = self._orders[event.order]
        lines = [replace(line, returned=line.returned + units.get(line.line_id, 0))
                 for line in order.lines]  # fmt: skip
        self._set_lines(order, lines)

    def rma(self, rma: str) -> Return | None:
        """One RMA, or ``None``."""
        return self._returns.get(rma)

    def expected_back(self, order: Order, line_id: str) -> int:
        """Units of a line expected on the order's RMAs and not received yet."""
        total = 0
        for rid in order.returns:
            r = self._returns[rid]
            total += r.expected_of(line_id) - r.received_of(line_id)
        return total


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
