"""The order book's fold, event type by event type: each handler changes the book's own
records in place (:mod:`~invorder.domain.orders._book_records`) and returns the order record
whose alerts may have changed (``None``: the event changed no order's lines nor holds)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Protocol

from invorder.domain._records import Records
from invorder.domain.money import Money
from invorder.domain.orders._book_records import OrderRecord
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
from invorder.domain.orders.refunds import DefineRefundPolicy, RefundPolicy
from invorder.domain.orders.shipment import ShipmentStatus
from invorder.domain.orders.standing import AlertMarks
from invorder.domain.stock.location import LocationId


class Book(Protocol):
    """What the fold changes of :class:`~invorder.domain.orders.book.OrderBook` (its own
    slots: the book imports this module, not the other way round)."""

    _order_records: Records[OrderRecord]
    _by_external: dict[tuple[str, str], str]
    _shipment_records: Records[ShipmentRecord]
    _return_records: Records[ReturnRecord]
    _backordered: dict[str, None]
    _waiting: dict[str, dict[str, None]]
    _marks: dict[str, AlertMarks]
    _refunds: dict[str, RefundPolicy]
    _given: dict[str, dict[int, int]]
    _settling: dict[str, None]


Handler = Callable[[Book, Any], OrderRecord | None]
"""Folds one event of its type into the book; returns the order whose alerts to re-read."""


def quarter(at: datetime) -> int:
    """The quarter of an hour (counted from the Unix epoch) that ``at`` falls in."""
    return int(at.timestamp()) // 900


def _waits(book: Book, order: OrderRecord) -> set[str]:
    """The SKUs the order waits for, as the backorder index has them (read before a change,
    for :func:`_reindex`)."""
    return order.waiting_skus() if order.capture.order in book._backordered else set()


def _reindex(book: Book, order: OrderRecord, before: set[str]) -> None:
    """Bring the backorder indexes level with the order's lines once they changed
    (``before``: :func:`_waits` read before the change)."""
    order_id = order.capture.order
    after = order.waiting_skus()
    # An order is in the backorder index exactly when one of its lines waits.
    if order_id in book._backordered:
        if not after:
            del book._backordered[order_id]
    elif after:
        book._backordered[order_id] = None
    else:
        return
    if before == after:
        return
    waiting = book._waiting
    for sku in before - after:
        orders = waiting[sku]
        del orders[order_id]
        if not orders:
            del waiting[sku]
    for sku in sorted(after - before):  # the same order in every process (snapshots)
        waiting.setdefault(sku, {})[order_id] = None


_NO_PRICES: dict[LineId, Money] = {}  # read only: a capture whose every line has its price


def _captured(book: Book, event: OrderCaptured) -> OrderRecord | None:
    command = event.command
    assert isinstance(command, CaptureOrder)
    prices = dict(event.prices) if event.prices else _NO_PRICES
    order = book._order_records.add(command.order, OrderRecord.captured(
        command, event.position, prices, event.price_list))  # fmt: skip
    book._by_external[(command.channel, command.external_id)] = command.order
    # Nothing allocated, backordered nor shipped yet: only a hold can raise an alert.
    return order if order.holds else None


def _held(book: Book, event: OrderHeld) -> OrderRecord | None:
    order = book._order_records.mine(event.order)
    order.holds = (*order.holds, event.reason)
    order.view = None
    return order


def _closed(book: Book, event: OrderClosed) -> OrderRecord | None:
    order = book._order_records.mine(event.order)
    order.closed_at = event.at
    order.close_reason = event.reason
    order.view = None
    book._settling.pop(event.order, None)
    return None


def _released(book: Book, event: OrderHoldReleased) -> OrderRecord | None:
    order = book._order_records.mine(event.order)
    order.holds = tuple(h for h in order.holds if h != event.reason)
    order.view = None
    return order


def _allocated(book: Book, event: OrderAllocated) -> OrderRecord | None:
    order = book._order_records.mine(event.order)
    before = order.waiting_skus() if event.order in book._backordered else _NONE
    lines = order.lines
    picks = event.picks
    if picks:
        bucket = quarter(event.at)
        given_by = book._given
        shipments = book._shipment_records
        sid = ""
        record: ShipmentRecord | None = None
        for pick in picks:
            line_id, quantity = pick.line_id, pick.quantity
            for line in lines:
                if line.line_id == line_id:
                    line.allocated += quantity
                    line.view = None
                    break
            warehouse = pick.location.partition("/")[0]
            given = given_by.get(warehouse)
            if given is None:
                given = given_by[warehouse] = {}
            given[bucket] = given.get(bucket, 0) + quantity
            if pick.shipment != sid or record is None:
                # A shipment's first pick names its warehouse (a shipment is one warehouse).
                sid = pick.shipment
                if sid in shipments:
                    record = shipments.mine(sid)
                else:
                    order.shipments = (*order.shipments, sid)
                    record = shipments.add(sid, ShipmentRecord(sid, order.capture.order,
                                                               LocationId(warehouse)))  # fmt: skip
            record.picks.append(pick)
            record.units.append(quantity)
            record.view = None
        order.reservations = (*order.reservations, *[p.reservation for p in picks])
    waits = False
    for backorder in event.backorders:
        line_id = backorder.line_id
        for line in lines:
            if line.line_id == line_id:
                line.backordered = backorder.backordered
                line.view = None
                break
    for line in lines:
        if line.backordered:
            waits = True
            break
    order.view = None
    if before or waits:
        _reindex(book, order, before)
    elif not order.holds and not order.short_picked and event.order not in book._marks:
        return None  # nothing waits, held nor short, and no marks: no alert stands or goes
    return order


_NONE: set[str] = set()  # read only: the SKUs an order outside the backorder index waits for


def _take_from_picks(book: Book, taken: Iterable[tuple[str, int]], order: OrderRecord) -> None:
    amounts = dict(taken)
    for sid in order.shipments:
        if any(p.reservation in amounts for p in book._shipment_records[sid].picks):
            book._shipment_records.mine(sid).take(amounts)


def _cancelled(book: Book, event: OrderCancelled) -> OrderRecord | None:
    order = book._order_records.mine(event.order)
    before = _waits(book, order)
    by_line = {c.line_id: c for c in event.lines}
    for line in order.lines:
        c = by_line.get(line.line_id)
        if c is not None:
            line.cancel(c.quantity, c.backordered, c.allocated)
    _take_from_picks(book, event.released, order)
    order.view = None
    _reindex(book, order, before)
    if order.settling():
        book._settling[event.order] = None
    return order


def _picking(book: Book, event: PickingStarted) -> OrderRecord | None:
    s = book._shipment_records.mine(event.shipment)
    s.status = ShipmentStatus.PICKING
    s.view = None
    return None


def _unallocate(
    book: Book, order_id: str, shipment: str, units: tuple[tuple[str, int], ...], *,
    short: bool,
) -> OrderRecord:  # fmt: skip
    """Take ``units`` (reservation, units) out of the shipment's picks and their lines'
    allocation (counted as short-picked when ``short``)."""
    order = book._order_records.mine(order_id)
    by_reservation = {p.reservation: p for p in book._shipment_records[shipment].picks}
    lost: dict[LineId, int] = {}
    for rid, n in units:
        line_id = by_reservation[rid].line_id
        lost[line_id] = lost.get(line_id, 0) + n
    _take_from_picks(book, units, order)
    order.unallocate(lost, short=short)  # no backordered unit changes: nor the indexes
    return order


def _short(book: Book, event: PicksFoundShort) -> OrderRecord | None:
    return _unallocate(book, event.order, event.shipment, event.missing, short=True)


def _withdrawn(book: Book, event: PicksWithdrawn) -> OrderRecord | None:
    return _unallocate(book, event.order, event.shipment, event.withdrawn, short=False)


def _packed(book: Book, event: ShipmentPacked) -> OrderRecord | None:
    s = book._shipment_records.mine(event.shipment)
    s.status = ShipmentStatus.PACKED
    s.packages = event.packages
    s.view = None
    return None


def _shipped(book: Book, event: ShipmentShipped) -> OrderRecord | None:
    s = book._shipment_records.mine(event.shipment)
    s.ship(event.carrier, event.tracking, event.at)
    # No backordered unit changes (nor the backorder indexes).
    order = book._order_records.mine(event.order)
    lines = order.lines
    for pick, n in zip(s.picks, s.units, strict=True):
        line_id = pick.line_id
        for line in lines:
            if line.line_id == line_id:
                line.shipped += n
                line.view = None
                break
    order.view = None
    if order.settling():
        book._settling[event.order] = None
    # Shipping can only clear a short pick's alert.
    return order if order.short_picked else None


def _return_opened(book: Book, event: ReturnOpened) -> OrderRecord | None:
    command = event.command
    assert isinstance(command, OpenReturn)
    order = book._order_records.mine(event.order)
    expected = tuple((lq.line_id, lq.quantity) for lq in command.lines)
    zero = Money(0, order.lines[0].unit_price.currency)
    book._return_records.add(event.rma, ReturnRecord(event.rma, event.order, expected, zero))
    order.returns = (*order.returns, event.rma)
    order.view = None
    return None


def _return_received(book: Book, event: ReturnReceived) -> OrderRecord | None:
    command = event.command
    assert isinstance(command, ReceiveReturn)
    rma = book._return_records.mine(event.rma)
    units: dict[LineId, int] = {}
    for part in command.lines:
        units[part.line_id] = units.get(part.line_id, 0) + part.quantity
    rma.receive(units, event.refund)
    # No backordered unit changes (nor the backorder indexes).
    order = book._order_records.mine(event.order)
    order.count("returned", units)
    return order


def _acknowledged(book: Book, event: AlertAcknowledged) -> OrderRecord | None:
    marks = book._marks.setdefault(event.order, AlertMarks())
    marks.acknowledged[event.alert] = (event.at, event.note)
    return None


def _refund_policy(book: Book, event: RefundPolicyDefined) -> OrderRecord | None:
    command = event.command
    assert isinstance(command, DefineRefundPolicy)
    book._refunds[command.channel] = RefundPolicy(
        command.channel, command.refund_percent, command.fee, command.return_window_days
    )
    return None


FOLD: dict[type[Any], Handler] = {
    OrderCaptured: _captured,
    OrderHeld: _held,
    OrderHoldReleased: _released,
    OrderClosed: _closed,
    OrderAllocated: _allocated,
    OrderCancelled: _cancelled,
    PickingStarted: _picking,
    PicksFoundShort: _short,
    PicksWithdrawn: _withdrawn,
    ShipmentPacked: _packed,
    ShipmentShipped: _shipped,
    ReturnOpened: _return_opened,
    ReturnReceived: _return_received,
    AlertAcknowledged: _acknowledged,
    RefundPolicyDefined: _refund_policy,
}
"""The handler of each event type the order book folds."""
