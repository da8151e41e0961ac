"""Incoming stock: purchase orders whose expected lines sit in the ``incoming`` bucket.

Expecting a purchase order moves each line ``@supplier -> location[incoming]`` with its ETA;
a receipt moves units ``incoming -> available`` (or ``quality_control``), over-receipts come
straight from ``@supplier``; cancelling the rest returns it to ``@supplier``. Received
units first serve the pre-orders waiting on the line, larger priority first.

Invariants: per line, ``outstanding == ordered - received_against - cancelled >= 0``, and
the units still promised to unlapsed pre-orders never exceed ``outstanding`` (a receipt into
``quality_control`` or a cancellation that would break this is refused).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TypeVar

import attrs

from invorder.domain import _checks
from invorder.domain import reservation as _reservation
from invorder.domain.catalog import SkuId, sku_id
from invorder.domain.commands import Command, _bucket_in, _real_location
from invorder.domain.errors import (
    DuplicateError,
    IllegalTransitionError,
    InvalidMovementError,
    NotFoundError,
    UnknownLocationError,
    UnknownSkuError,
)
from invorder.domain.events import Event, Operation, StockPosted
from invorder.domain.ledger import Ledger, check_entry
from invorder.domain.location import SUPPLIER, LocationId, is_within
from invorder.domain.stock import Account, Bucket, Movement, to_bucket


@attrs.frozen(kw_only=True)
class PurchaseLine:
    """An expected line of a purchase order: units of a SKU due by ``eta``."""

    sku: SkuId = attrs.field(converter=sku_id)
    """The SKU ordered."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """Units ordered."""
    eta: datetime = attrs.field(validator=_checks.aware_datetime)
    """When the units are expected to arrive."""


@attrs.frozen(kw_only=True)
class ReceiptLine:
    """Units of one SKU received against a purchase order."""

    sku: SkuId = attrs.field(converter=sku_id)
    """The SKU received."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """Units received (more than outstanding is an over-receipt)."""


_Line = TypeVar("_Line", PurchaseLine, ReceiptLine)


def _lines(values: Iterable[_Line]) -> tuple[_Line, ...]:
    lines = tuple(values)
    if not lines:
        raise InvalidMovementError("a purchase order or receipt needs at least one line")
    skus = [line.sku for line in lines]
    if len(set(skus)) != len(skus):
        raise InvalidMovementError("a SKU appears on more than one line; merge the lines")
    return lines


def _purchase_lines(values: Iterable[PurchaseLine]) -> tuple[PurchaseLine, ...]:
    return _lines(values)


def _receipt_lines(values: Iterable[ReceiptLine]) -> tuple[ReceiptLine, ...]:
    return _lines(values)


@attrs.frozen(kw_only=True)
class ExpectPurchase(Command):
    """Record a purchase order: its lines become ``incoming`` at ``location``."""

    purchase_order: str = attrs.field(validator=_checks.identifier)
    """The purchase order id; it must be new."""
    location: LocationId = attrs.field(converter=_real_location)
    """Where the goods will be received."""
    lines: tuple[PurchaseLine, ...] = attrs.field(converter=_purchase_lines)
    """What is expected, and when."""
    supplier: str = attrs.field(default="", validator=_checks.text)
    """Who ships it."""


@attrs.frozen(kw_only=True)
class ReceivePurchase(Command):
    """Receive units against a purchase order (partial, complete or over-receipt)."""

    purchase_order: str = attrs.field(validator=_checks.identifier)
    """The purchase order id."""
    lines: tuple[ReceiptLine, ...] = attrs.field(converter=_receipt_lines)
    """What arrived."""
    bucket: Bucket = attrs.field(
        default=Bucket.AVAILABLE,
        converter=to_bucket,
        validator=_bucket_in(Bucket.AVAILABLE, Bucket.QUALITY_CONTROL),
    )
    """``available``, or ``quality_control`` to inspect the units first."""


@attrs.frozen(kw_only=True)
class CancelPurchase(Command):
    """Cancel what is still outstanding on a purchase order; it returns to the supplier."""

    purchase_order: str = attrs.field(validator=_checks.identifier)
    """The purchase order id."""
    reason: str = attrs.field(default="cancelled", validator=_checks.text)
    """Why."""


@attrs.frozen
class PurchaseLineStatus:
    """Where one line of a purchase order stands."""

    sku: SkuId
    """The SKU."""
    ordered: int
    """Units ordered."""
    eta: datetime
    """When they are expected."""
    received: int = 0
    """Units received (over-receipts included)."""
    cancelled: int = 0
    """Units cancelled."""

    @property
    def outstanding(self) -> int:
        """Units still incoming: ordered, neither received nor cancelled."""
        return max(0, self.ordered - self.received - self.cancelled)


@attrs.frozen
class PurchaseOrder:
    """A purchase order as the log tells it."""

    purchase_order: str
    """The id."""
    location: LocationId
    """Where it is received."""
    supplier: str
    """Who ships it."""
    lines: tuple[PurchaseLineStatus, ...]
    """One status per SKU."""
    closed: bool = False
    """True once cancelled: nothing more can be received."""

    def line(self, sku: str) -> PurchaseLineStatus | None:
        """The line for ``sku``, or ``None``."""
        for line in self.lines:
            if line.sku == sku:
                return line
        return None


class Purchases:
    """The purchase orders projection, indexed by SKU for ATP-by-date questions."""

    __slots__ = ("_by_id", "_by_sku")

    def __init__(self) -> None:
        self._by_id: dict[str, PurchaseOrder] = {}
        self._by_sku: dict[str, dict[str, None]] = {}

    def get(self, purchase_order: str) -> PurchaseOrder | None:
        """The purchase order, or ``None``."""
        return self._by_id.get(purchase_order)

    def __iter__(self) -> Iterator[PurchaseOrder]:
        return iter(self._by_id.values())

    def differences(self, other: Purchases) -> list[str]:
        """How this projection differs from ``other`` (the same: ``[]``)."""
        return [] if list(self) == list(other) else ["purchase orders differ from the log"]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Purchases):
            return NotImplemented
        return not self.differences(other)

    __hash__ = None  # type: ignore[assignment]  # a mutable projection is not hashable

    def open_order(self, purchase_order: str, action: str) -> PurchaseOrder:
        """The open purchase order, or the typed error ``action`` gets."""
        order = self._by_id.get(purchase_order)
        if order is None:
            raise NotFoundError("purchase order", purchase_order)
        if order.closed:
            raise IllegalTransitionError("purchase order", purchase_order, "cancelled", action)
        return order

    def incoming_lines(
        self, sku: str, location: str
    ) -> Iterator[tuple[PurchaseOrder, PurchaseLineStatus]]:
        """Open lines of ``sku`` with units outstanding, received in ``location``'s subtree."""
        for po in self._by_sku.get(sku, ()):
            order = self._by_id[po]
            if order.closed or not is_within(order.location, location):
                continue
            line = order.line(sku)
            if line is not None and line.outstanding:
                yield order, line

    def late(self, at: datetime) -> list[tuple[PurchaseOrder, PurchaseLineStatus]]:
        """Lines whose ETA is before ``at`` with units still outstanding, by ETA."""
        found = [
            (order, line)
            for order in self._by_id.values()
            if not order.closed
            for line in order.lines
            if line.outstanding and line.eta < at
        ]
        return sorted(found, key=lambda pair: (pair[1].eta, pair[0].purchase_order, pair[1].sku))

    def apply(self, event: Event) -> None:
        """Fold one event (only purchase entries matter)."""
        if type(event) is not StockPosted:
            return
        assert isinstance(event, StockPosted)
        if event.operation not in _PURCHASE_OPERATIONS:
            return
        command = event.command
        if event.operation is Operation.PURCHASE_EXPECT:
            assert isinstance(command, ExpectPurchase)
            self._by_id[command.purchase_order] = PurchaseOrder(
                command.purchase_order,
                command.location,
                command.supplier,
                tuple(
                    PurchaseLineStatus(line.sku, line.quantity, line.eta) for line in command.lines
                ),
            )
            for line in command.lines:
                self._by_sku.setdefault(line.sku, {})[command.purchase_order] = None
        elif event.operation is Operation.PURCHASE_RECEIVE:
            assert isinstance(command, ReceivePurchase)
            order = self._by_id[command.purchase_order]
            got = {line.sku: line.quantity for line in command.lines}
            lines = tuple(
                attrs.evolve(line, received=line.received + got.get(line.sku, 0))
                for line in order.lines
            )
            self._by_id[order.purchase_order] = attrs.evolve(order, lines=lines)
        elif event.operation is Operation.PURCHASE_CANCEL:
            assert isinstance(command, CancelPurchase)
            order = self._by_id[command.purchase_order]
            lines = tuple(
                attrs.evolve(line, cancelled=line.cancelled + line.outstanding)
                for line in order.lines
            )
            self._by_id[order.purchase_order] = attrs.evolve(order, lines=lines, closed=True)


_PURCHASE_OPERATIONS = frozenset(
    {Operation.PURCHASE_EXPECT, Operation.PURCHASE_RECEIVE, Operation.PURCHASE_CANCEL}
)


def decide_expect(
    ledger: Ledger, purchases: Purchases, command: ExpectPurchase, position: int
) -> StockPosted:
    """The ``purchase_expect`` entry: each line into ``incoming`` at the location."""
    if purchases.get(command.purchase_order) is not None:
        raise DuplicateError("purchase order", command.purchase_order, "an id is used once")
    for line in command.lines:
        if line.sku not in ledger.catalog:
            raise UnknownSkuError(line.sku)
    if not ledger.has_location(command.location):
        raise UnknownLocationError(command.location)
    supplier = Account(SUPPLIER, Bucket.AVAILABLE)
    incoming = Account(command.location, Bucket.INCOMING)
    movements = tuple(
        Movement(sku=line.sku, quantity=line.quantity, source=supplier, destination=incoming,
                 reason="expected", reference=command.purchase_order)
        for line in command.lines
    )  # fmt: skip
    check_entry(ledger, movements)
    return StockPosted(
        position=position,
        command=command,
        operation=Operation.PURCHASE_EXPECT,
        movements=movements,
        reference=command.purchase_order,
    )


def _sweep_preorders(
    reservations: _reservation.Reservations,
    order: PurchaseOrder,
    skus: Iterable[str],
    command: Command,
    position: int,
) -> tuple[Event, ...]:
    due = [
        r
        for sku in skus
        for r in reservations.preorders(order.purchase_order, sku)
        if r.lapsed(command.at)
    ]
    if not due:
        return ()
    return _reservation.expire(
        reservations, sorted(due, key=lambda r: r.position), command, position
    )


def decide_receive(
    ledger: Ledger,
    reservations: _reservation.Reservations,
    purchases: Purchases,
    command: ReceivePurchase,
    position: int,
) -> tuple[Event, ...]:
    """The receipt: a sweep of lapsed pre-orders on the order (if any), then one entry that
    moves the units in and reserves them for the waiting pre-orders in priority order."""
    order = purchases.open_order(command.purchase_order, "receive")
    for line in command.lines:
        if order.line(line.sku) is None:
            raise NotFoundError("purchase order line", f"{order.purchase_order}/{line.sku}")
    at = command.at
    location = order.location
    incoming = Account(location, Bucket.INCOMING)
    supplier = Account(SUPPLIER, Bucket.AVAILABLE)
    into = Account(location, command.bucket)
    reserved = Account(location, Bucket.RESERVED)
    movements: list[Movement] = []
    for line in command.lines:
        status = order.line(line.sku)
        assert status is not None
        from_incoming = min(line.quantity, status.outstanding)
        extra = line.quantity - from_incoming
        waiting = [
            r for r in reservations.preorders(order.purchase_order, line.sku) if not r.lapsed(at)
        ]
        promised = sum(r.incoming for r in waiting)
        if command.bucket is not Bucket.AVAILABLE and promised > status.outstanding - from_incoming:
            raise IllegalTransitionError(
                "purchase order", order.purchase_order,
                f"promising {promised} unit(s) of {line.sku!r} to pre-orders",
                f"receive {line.quantity} into {command.bucket.value}",
                "receive into available (pre-orders are served first) or release pre-orders",
            )  # fmt: skip
        if from_incoming:
            movements.append(
                Movement(sku=line.sku, quantity=from_incoming, source=incoming, destination=into,
                         reason="receipt", reference=order.purchase_order)
            )  # fmt: skip
        if extra:
            movements.append(
                Movement(sku=line.sku, quantity=extra, source=supplier, destination=into,
                         reason="over-receipt", reference=order.purchase_order)
            )  # fmt: skip
        if command.bucket is Bucket.AVAILABLE:
            left = line.quantity
            for r in waiting:
                if not left:
                    break
                served = min(left, r.incoming)
                left -= served
                movements.append(
                    Movement(sku=line.sku, quantity=served, source=into, destination=reserved,
                             reason="pre-order received", reference=r.reservation)
                )  # fmt: skip
    check_entry(ledger, movements)
    events = _sweep_preorders(
        reservations, order, [line.sku for line in command.lines], command, position
    )
    entry = StockPosted(
        position=position + len(events),
        command=command,
        operation=Operation.PURCHASE_RECEIVE,
        movements=tuple(movements),
        reference=order.purchase_order,
    )
    return (*events, entry)


def decide_cancel(
    ledger: Ledger,
    reservations: _reservation.Reservations,
    purchases: Purchases,
    command: CancelPurchase,
    position: int,
) -> tuple[Event, ...]:
    """Cancel the rest: outstanding units go back to ``@supplier``.

    Refused while unlapsed pre-orders still wait on the order.
    """
    order = purchases.open_order(command.purchase_order, "cancel")
    for line in order.lines:
        waiting = [
            r
            for r in reservations.preorders(order.purchase_order, line.sku)
            if not r.lapsed(command.at)
        ]
        if waiting:
            raise IllegalTransitionError(
                "purchase order", order.purchase_order,
                f"awaited by pre-order {waiting[0].reservation!r}", "cancel",
                "release or expire its pre-orders first",
            )  # fmt: skip
    incoming = Account(order.location, Bucket.INCOMING)
    supplier = Account(SUPPLIER, Bucket.AVAILABLE)
    movements = tuple(
        Movement(sku=line.sku, quantity=line.outstanding, source=incoming, destination=supplier,
                 reason=command.reason, reference=order.purchase_order)
        for line in order.lines
        if line.outstanding
    )  # fmt: skip
    check_entry(ledger, movements)
    events = _sweep_preorders(
        reservations, order, [line.sku for line in order.lines], command, position
    )
    entry = StockPosted(
        position=position + len(events),
        command=command,
        operation=Operation.PURCHASE_CANCEL,
        movements=movements,
        reference=order.purchase_order,
    )
    return (*events, entry)
