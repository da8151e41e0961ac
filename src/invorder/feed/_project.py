"""The channel feed as a fold of the log: the projections are folded event by event, and
each event (each command, for inventory levels) yields the notifications it causes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from invorder.domain.availability.atp import channel_pool
from invorder.domain.availability.channel import Channel, Channels
from invorder.domain.availability.touched import lapsed_between, touch, with_bundles
from invorder.domain.invoicing.events import CreditNoteIssued, InvoiceIssued
from invorder.domain.messages import Event
from invorder.domain.orders.commands import CaptureOrder, ReceiveReturn
from invorder.domain.orders.events import (
    OrderAllocated,
    OrderCancelled,
    OrderCaptured,
    OrderClosed,
    OrderEvent,
    OrderHeld,
    OrderHoldReleased,
    PicksFoundShort,
    PicksWithdrawn,
    ReturnReceived,
    ShipmentShipped,
)
from invorder.domain.payments.events import (
    PaymentAuthorised,
    PaymentCaptured,
    PaymentEvent,
    PaymentFailed,
    PaymentRefunded,
)
from invorder.domain.purchasing.purchase import Purchases
from invorder.domain.rejection import CommandRejected
from invorder.domain.reservations.reservation import Reservations
from invorder.domain.stock.ledger import Ledger
from invorder.feed._notification import Notification, NotificationKind

Details = tuple[tuple[str, Any], ...]


class _Parcels:
    """What each shipment holds, per order line and SKU: the little of the order book the
    feed needs (a shipped parcel's lines), folded from the same events."""

    __slots__ = ("orders", "picks", "shipments")

    def __init__(self) -> None:
        self.orders: dict[str, tuple[str, str]] = {}  # order -> (channel, external id)
        self.picks: dict[str, list[Any]] = {}  # reservation -> [line, SKU, units]
        self.shipments: dict[str, list[str]] = {}  # shipment -> its reservations

    def apply(self, event: OrderEvent) -> None:
        kind = type(event)
        if kind is OrderCaptured:
            capture = event.command
            assert isinstance(capture, CaptureOrder)
            self.orders[event.order] = (capture.channel, capture.external_id)
        elif kind is OrderAllocated:
            assert isinstance(event, OrderAllocated)
            for pick in event.picks:
                self.picks[pick.reservation] = [pick.line_id, pick.sku, pick.quantity]
                self.shipments.setdefault(pick.shipment, []).append(pick.reservation)
        elif kind is OrderCancelled:
            assert isinstance(event, OrderCancelled)
            self._take(event.released)
        elif kind is PicksFoundShort:
            assert isinstance(event, PicksFoundShort)
            self._take(event.missing)
        elif kind is PicksWithdrawn:
            assert isinstance(event, PicksWithdrawn)
            self._take(event.withdrawn)

    def _take(self, units: Iterable[tuple[str, int]]) -> None:
        for rid, n in units:
            self.picks[rid][2] -= n

    def shipped(self, shipment: str) -> tuple[tuple[str, str, int], ...]:
        """The (line, SKU, units) of ``shipment``, now that it left (then forgotten)."""
        units: dict[tuple[str, str], int] = {}
        for rid in self.shipments.pop(shipment, ()):
            line, sku, n = self.picks.pop(rid)
            units[(line, sku)] = units.get((line, sku), 0) + n
        return tuple((line, sku, n) for (line, sku), n in units.items() if n)


class FeedProjection:
    """Turns events, in log order from position 0, into :class:`Notification`\\ s.

    It folds its own copy of the projections availability needs (ledger, reservations,
    purchases, channels) and, of the orders, what a notification names. Order
    notifications come with the event that causes them; inventory levels are compared once
    per command that touches stock (after its last event), for the SKUs it touched and
    those whose holds lapsed since the last such command, against the figure last told each
    channel (0 for a SKU never told): a hold that lapses is told with the next command that
    touches stock. Give :meth:`feed` whole commands (a store's log up to its head is made of
    them): an inventory change is told at the end of each call too.
    """

    __slots__ = ("_all", "_at", "_counts", "_end", "_folds", "_key", "_last_at", "_levels",
                 "_parcels", "_touched", "channels", "ledger", "position", "purchases",
                 "reservations")  # fmt: skip

    def __init__(self) -> None:
        self.ledger = Ledger()
        """Locations, catalog and balances."""
        self.reservations = Reservations()
        """Reservations (lapsed holds count as free)."""
        self.purchases = Purchases()
        """Purchase orders (for channels that sell incoming units)."""
        self.channels = Channels()
        """The channels and their policies."""
        self.position = 0
        """How many events were folded."""
        self._parcels = _Parcels()
        self._folds: dict[type, tuple[Any, ...]] = {}  # event type -> projections folding it
        self._levels: dict[str, dict[str, int]] = {}  # channel -> SKU -> figure last told
        self._touched: set[str] = set()  # SKUs the open command touched
        self._all = False  # the open command may change every SKU (a channel or location)
        self._key: str | None = None  # the open command's key
        self._at: datetime | None = None  # its time
        self._last_at: datetime | None = None  # the time of the last inventory comparison
        self._counts: dict[str, int] = {}  # channel -> notifications at the current position
        self._end = -1  # the position of the last event folded (rejection records are not)

    def feed(self, events: Iterable[Event]) -> list[Notification]:
        """Fold ``events`` (the next ones of the log) and return what they cause."""
        return list(self.stream(events))

    def stream(self, events: Iterable[Event]) -> Iterator[Notification]:
        """:meth:`feed`, yielding each notification as soon as it is known."""
        folds = self._folds
        for event in events:
            if event.position != self.position:
                raise ValueError(f"event at {event.position} given at {self.position}")
            kind = type(event)
            if kind is CommandRejected:
                self.position += 1
                continue
            if event.key != self._key:
                yield from self._inventory(self._end)
                self._key, self._at = event.key, event.command.at
            if self._counts:
                self._counts = {}
            projections = folds.get(kind)
            if projections is None:
                projections = folds[kind] = self._folding(kind)
            for projection in projections:
                projection.apply(event)
            self.position += 1
            self._end = event.position
            if not touch(event, self.reservations, self._touched):
                self._all = True
            if isinstance(event, OrderEvent):
                yield from self._order(event)
            elif kind in _MONEY:
                yield from self._money(event)
        yield from self._inventory(self._end)

    def _folding(self, kind: type) -> tuple[Any, ...]:
        mine = (self.ledger, self.reservations, self.purchases, self.channels)
        found = tuple(p for p in mine if kind in type(p).FOLDS)
        return (*found, self._parcels) if issubclass(kind, OrderEvent) else found

    def _notify(
        self, position: int, channel: str, kind: NotificationKind, at: datetime,
        order: str = "", external_id: str = "", details: Details = (),
    ) -> Notification:  # fmt: skip
        counts = self._counts
        n = counts[channel] = counts.get(channel, 0) + 1
        return Notification(position, channel, kind, at, order, external_id, details, n)

    def _order(self, event: OrderEvent) -> Iterator[Notification]:
        known = self._parcels.orders.get(event.order)
        if known is None:  # pragma: no cover  # every order event follows its capture
            return
        channel, external_id = known
        kind, details = _told(event, self._parcels)
        at = event.command.at
        if kind is not None:
            yield self._notify(event.position, channel, kind, at, event.order, external_id,
                               details)  # fmt: skip
        if type(event) is ReturnReceived:
            assert isinstance(event, ReturnReceived)
            if event.refund.amount:
                yield self._notify(event.position, channel, NotificationKind.REFUND_ISSUED, at,
                                   event.order, external_id,
                                   (("rma", event.rma), ("amount", event.refund)))  # fmt: skip

    def _money(self, event: Event) -> Iterator[Notification]:
        """A payment fact, an invoice or a credit note, told to the order's channel."""
        details: Details
        if isinstance(event, PaymentEvent):
            fact = event.command
            order, details = fact.order, (("reference", fact.reference), ("amount", fact.amount))
        elif isinstance(event, InvoiceIssued):
            bill = event.issued
            order = bill.order
            details = (("invoice", bill.invoice), ("total", bill.total), ("due_at", bill.due_at))
        else:
            assert isinstance(event, CreditNoteIssued)
            note = event.issued
            order = note.order
            details = (("credit_note", note.credit_note), ("invoice", note.invoice),
                       ("total", note.total))  # fmt: skip
        known = self._parcels.orders.get(order)
        if known is not None:
            channel, external_id = known
            yield self._notify(event.position, channel, _MONEY[type(event)], event.command.at,
                               order, external_id, details)  # fmt: skip

    def _inventory(self, position: int) -> list[Notification]:
        """The inventory changes of the command whose last event is at ``position``."""
        at = self._at
        if at is None or not (self._touched or self._all):
            return []
        touched = self._touched
        if self._last_at is not None and at > self._last_at:
            lapsed_between(self.reservations, self._last_at, at, touched)
        self._last_at = at if self._last_at is None else max(at, self._last_at)
        catalog = self.ledger.catalog
        every = self._all
        skus = [s.code for s in catalog] if every else sorted(with_bundles(catalog, touched))
        self._touched, self._all = set(), False
        found = []
        pools: dict[tuple[Any, ...], dict[str, int]] = {}  # channels fed alike share a pool
        for channel in self.channels:
            told = self._levels.get(channel.channel)
            wanted = skus
            if told is None:  # a new channel is told every SKU it may sell
                told = self._levels[channel.channel] = {}
                wanted = [s.code for s in catalog]
            if not wanted:
                continue
            pool = pools.setdefault((channel.locations, channel.sell_incoming), {})
            sellable = channel.sellable if channel.holds_back else None
            for sku in wanted:
                units = pool.get(sku)
                if units is None:
                    units = pool[sku] = self._pool(channel, sku, at)
                if sellable is not None:
                    units = sellable(sku, units)
                elif units < 0:
                    units = 0
                if told.get(sku, 0) != units:
                    told[sku] = units
                    details = (("sku", sku), ("available", units))
                    found.append(self._notify(position, channel.channel,
                                              NotificationKind.INVENTORY_CHANGED, at,
                                              details=details))  # fmt: skip
        return found

    def _pool(self, channel: Channel, sku: str, at: datetime) -> int:
        return channel_pool(self.ledger, self.reservations, self.purchases, channel, sku, at)


_MONEY: dict[type, NotificationKind] = {
    PaymentAuthorised: NotificationKind.PAYMENT_AUTHORISED,
    PaymentCaptured: NotificationKind.PAYMENT_CAPTURED,
    PaymentFailed: NotificationKind.PAYMENT_FAILED,
    PaymentRefunded: NotificationKind.PAYMENT_REFUNDED,
    InvoiceIssued: NotificationKind.INVOICE_ISSUED,
    CreditNoteIssued: NotificationKind.CREDIT_NOTE_ISSUED,
}
"""The money events the feed tells, and as what."""


def _told(event: OrderEvent, parcels: _Parcels) -> tuple[NotificationKind | None, Details]:
    """The order notification ``event`` causes, if any, and its facts."""
    kind = type(event)
    if kind is OrderCaptured:
        command = event.command
        assert isinstance(command, CaptureOrder)
        ordered = tuple((line.line_id, line.sku, line.quantity) for line in command.lines)
        return NotificationKind.ORDER_ACKNOWLEDGED, (("lines", ordered),)
    if kind is OrderHeld:
        assert isinstance(event, OrderHeld)
        return NotificationKind.ORDER_HELD, (("reason", event.reason),)
    if kind is OrderClosed:
        assert isinstance(event, OrderClosed)
        return NotificationKind.ORDER_CLOSED, (("reason", event.reason),)
    if kind is OrderHoldReleased:
        assert isinstance(event, OrderHoldReleased)
        return NotificationKind.ORDER_RELEASED, (("reason", event.reason),)
    if kind is OrderCancelled:
        assert isinstance(event, OrderCancelled)
        cancelled = tuple((c.line_id, c.quantity) for c in event.lines)
        return NotificationKind.LINES_CANCELLED, (("reason", event.reason), ("lines", cancelled))
    if kind is ShipmentShipped:
        assert isinstance(event, ShipmentShipped)
        return NotificationKind.SHIPMENT_SHIPPED, (
            ("shipment", event.shipment), ("carrier", event.carrier),
            ("tracking", event.tracking), ("lines", parcels.shipped(event.shipment)),
        )  # fmt: skip
    if kind is ReturnReceived:
        assert isinstance(event, ReturnReceived)
        command = event.command
        assert isinstance(command, ReceiveReturn)
        returned = tuple((u.line_id, u.quantity, u.disposition) for u in command.lines)
        return NotificationKind.RETURN_RECEIVED, (("rma", event.rma), ("lines", returned))
    return None, ()


def notifications(
    events: Iterable[Event], *, channel: str | None = None, after: int = 0
) -> Iterator[Notification]:
    """The feed of a log given from position 0 (:class:`FeedProjection`): only
    ``channel``'s, and only those of events at ``after`` or later."""
    for notification in FeedProjection().stream(events):
        if notification.position >= after and (channel is None or notification.channel == channel):
            yield notification
