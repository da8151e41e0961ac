"""Purchase orders: draft, confirmed, partially received, received, closed or cancelled.

A draft (:class:`DraftPurchase`) moves nothing; confirming it (:class:`ConfirmPurchase`),
or recording a confirmed order at once (:class:`ExpectPurchase`), moves each line
``@supplier -> location[incoming]`` with its ETA; a receipt moves units
``incoming -> available`` (or ``quality_control``), over-receipts come
straight from ``@supplier``; cancelling the rest returns it to ``@supplier``. Received
units first serve the pre-orders waiting on the line, larger priority first.

Receipts carry unit costs (from the line or the receipt) for valuation; an order with a
``tolerance`` refuses receipts past ``ordered * (1 + tolerance)`` per line
(:class:`OverReceiptError`). :class:`ClosePurchase` ends an order (short shipment accepted),
:class:`CancelPurchase` calls it off; both return what is outstanding to ``@supplier``.
:class:`ChangePurchaseEta` records a new ETA as its own event for re-planning to react to.

The decisions live in :mod:`invorder.domain.procurement`; this module holds the commands,
events and the :class:`Purchases` projection.

Invariants: per line, ``outstanding == ordered - received_against - cancelled >= 0``, and
the units still promised to unlapsed pre-orders never exceed ``outstanding`` (a receipt into
``quality_control`` or a cancellation that would break this is refused).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar, TypeVar

import attrs

from invorder.domain import _checks
from invorder.domain._fast import replace
from invorder.domain.catalog import SkuId, sku_id
from invorder.domain.commands import Command, _bucket_in, _real_location
from invorder.domain.errors import (
    IllegalTransitionError,
    InvalidMoneyError,
    InvalidMovementError,
    NotFoundError,
)
from invorder.domain.events import Event, FromCommand, Operation, StockPosted
from invorder.domain.location import LocationId, is_within
from invorder.domain.money import Money, non_negative_cost
from invorder.domain.stock import Bucket, to_bucket


@attrs.frozen(kw_only=True)
class PurchaseLine:
    """An expected line of a purchase order: units of a SKU due by ``eta``."""

    sku: SkuId = attrs.field(converter=sku_id)
    """The SKU ordered."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """Units ordered."""
    eta: datetime = attrs.field(validator=_checks.aware_datetime)
    """When the units are expected to arrive."""
    unit_cost: Money | None = attrs.field(default=None, validator=non_negative_cost)
    """The agreed price of one unit (``None``: not costed; receipts may give it)."""


@attrs.frozen(kw_only=True)
class ReceiptLine:
    """Units of one SKU received against a purchase order."""

    sku: SkuId = attrs.field(converter=sku_id)
    """The SKU received."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """Units received (more than outstanding is an over-receipt)."""
    unit_cost: Money | None = attrs.field(default=None, validator=non_negative_cost)
    """The invoiced price of one unit, overriding the purchase line's (``None``: the line's)."""


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
    lines = _lines(values)
    currencies = {line.unit_cost.currency for line in lines if line.unit_cost is not None}
    if len(currencies) > 1:
        raise InvalidMoneyError(
            "unit_cost", sorted(currencies), "a purchase order is priced in one currency"
        )
    return lines


def _tolerance(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        raise InvalidMoneyError("tolerance", value, "it must be a Decimal fraction")
    tolerance = Decimal(value)
    if not tolerance.is_finite() or tolerance < 0:
        raise InvalidMoneyError("tolerance", value, "it must be a fraction of zero or more")
    return tolerance


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
    tolerance: Decimal | None = attrs.field(default=None, converter=_tolerance)
    """Over-receipt allowed per line as a fraction of the ordered units (``Decimal("0.05")``
    = 5 %, rounded down to whole units); ``None`` accepts any over-receipt."""


@attrs.frozen(kw_only=True)
class DraftPurchase(ExpectPurchase):
    """Record a draft purchase order: nothing moves until it is confirmed."""


@attrs.frozen(kw_only=True)
class ConfirmPurchase(Command):
    """Confirm a draft: its lines become ``incoming`` at its location."""

    purchase_order: str = attrs.field(validator=_checks.identifier)
    """The draft's id."""


@attrs.frozen(kw_only=True)
class ClosePurchase(Command):
    """Close a purchase order: nothing more is expected; the rest returns to the supplier."""

    purchase_order: str = attrs.field(validator=_checks.identifier)
    """The purchase order id."""
    reason: str = attrs.field(default="closed short", validator=_checks.text)
    """Why."""


@attrs.frozen(kw_only=True)
class ChangePurchaseEta(Command):
    """Record a new ETA for one line of a purchase order (an event re-planning can follow)."""

    purchase_order: str = attrs.field(validator=_checks.identifier)
    """The purchase order id."""
    sku: SkuId = attrs.field(converter=sku_id)
    """The line's SKU."""
    eta: datetime = attrs.field(validator=_checks.aware_datetime)
    """The new ETA."""
    reason: str = attrs.field(default="", validator=_checks.text)
    """What the supplier said."""


@attrs.frozen(kw_only=True)
class PurchaseDrafted(FromCommand):
    """A draft purchase order was recorded (no stock moved)."""

    SCHEMA_VERSION: ClassVar[int] = 1
    position: int
    """Index of this event in the log."""
    command: DraftPurchase
    """The command that produced it (it holds the lines)."""


@attrs.frozen(kw_only=True)
class PurchaseEtaChanged(FromCommand):
    """The ETA of a purchase line changed (from ``previous`` to the command's ``eta``)."""

    SCHEMA_VERSION: ClassVar[int] = 1
    position: int
    """Index of this event in the log."""
    command: ChangePurchaseEta
    """The command that produced it."""
    previous: datetime
    """The ETA before the change."""


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
    unit_cost: Money | None = None
    """The agreed price of one unit, if given."""

    @property
    def outstanding(self) -> int:
        """Units still incoming: ordered, neither received nor cancelled."""
        return max(0, self.ordered - self.received - self.cancelled)


class PurchaseState(enum.StrEnum):
    """Where a purchase order is in its life (derived from its events)."""

    DRAFT = "draft"
    CONFIRMED = "confirmed"
    PARTIALLY_RECEIVED = "partially_received"
    RECEIVED = "received"
    CLOSED = "closed"
    CANCELLED = "cancelled"


def _received_state(lines: Iterable[PurchaseLineStatus]) -> PurchaseState:
    lines = tuple(lines)
    if all(line.outstanding == 0 for line in lines):
        return PurchaseState.RECEIVED
    if any(line.received for line in lines):
        return PurchaseState.PARTIALLY_RECEIVED
    return PurchaseState.CONFIRMED


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
    state: PurchaseState = PurchaseState.CONFIRMED
    """Draft, confirmed, partially received, received, closed or cancelled."""
    tolerance: Decimal | None = None
    """Over-receipt tolerance as a fraction of each line (``None``: unlimited)."""

    @property
    def closed(self) -> bool:
        """True once closed or cancelled: nothing more can be received."""
        return self.state in (PurchaseState.CLOSED, PurchaseState.CANCELLED)

    @property
    def confirmed(self) -> bool:
        """True once its lines are (or were) ``incoming``: any state but draft."""
        return self.state is not PurchaseState.DRAFT

    def line(self, sku: str) -> PurchaseLineStatus | None:
        """The line for ``sku``, or ``None``."""
        for line in self.lines:
            if line.sku == sku:
                return line
        return None


class Purchases:
    """The purchase orders projection, indexed by SKU for ATP-by-date questions."""

    FOLDS: ClassVar[frozenset[type]] = frozenset({PurchaseDrafted, PurchaseEtaChanged, StockPosted})
    """The event types :meth:`apply` folds (others leave it unchanged)."""

    __slots__ = ("_by_id", "_by_sku")

    def __init__(self) -> None:
        self._by_id: dict[str, PurchaseOrder] = {}
        self._by_sku: dict[str, dict[str, None]] = {}

    def get(self, purchase_order: str) -> PurchaseOrder | None:
        """The purchase order, or ``None``."""
        return self._by_id.get(purchase_order)

    def __iter__(self) -> Iterator[PurchaseOrder]:
        return iter(self._by_id.values())

    def open_order(self, purchase_order: str, action: str) -> PurchaseOrder:
        """The open purchase order, or the typed error ``action`` gets."""
        order = self._by_id.get(purchase_order)
        if order is None:
            raise NotFoundError("purchase order", purchase_order)
        if order.closed or not order.confirmed:
            hint = "confirm it first" if not order.confirmed else ""
            raise IllegalTransitionError(
                "purchase order", purchase_order, order.state.value, action, hint
            )
        return order

    def incoming_lines(
        self, sku: str, location: str
    ) -> Iterator[tuple[PurchaseOrder, PurchaseLineStatus]]:
        """Open lines of ``sku`` with units outstanding, received in ``location``'s subtree."""
        for po in self._by_sku.get(sku, ()):
            order = self._by_id[po]
            if order.closed or not order.confirmed or not is_within(order.location, location):
                continue
            line = order.line(sku)
            if line is not None and line.outstanding:
                yield order, line

    def late(self, at: datetime) -> list[tuple[PurchaseOrder, PurchaseLineStatus]]:
        """Lines whose ETA is before ``at`` with units still outstanding, by ETA."""
        found = [
            (order, line)
            for order in self._by_id.values()
            if order.confirmed and not order.closed
            for line in order.lines
            if line.outstanding and line.eta < at
        ]
        return sorted(found, key=lambda pair: (pair[1].eta, pair[0].purchase_order, pair[1].sku))

    def apply(self, event: Event) -> None:
        """Fold one event (only purchase entries matter)."""
        kind = type(event)
        if kind is PurchaseDrafted:
            assert isinstance(event, PurchaseDrafted)
            self._open(event.command, PurchaseState.DRAFT)
            return
        if kind is PurchaseEtaChanged:
            assert isinstance(event, PurchaseEtaChanged)
            change = event.command
            order = self._by_id[change.purchase_order]
            lines = tuple(
                replace(line, eta=change.eta) if line.sku == change.sku else line
                for line in order.lines
            )
            self._by_id[order.purchase_order] = replace(order, lines=lines)
            return
        if kind is not StockPosted:
            return
        assert isinstance(event, StockPosted)
        if event.operation not in _PURCHASE_OPERATIONS:
            return
        command = event.command
        if event.operation is Operation.PURCHASE_EXPECT:
            if isinstance(command, ConfirmPurchase):
                order = self._by_id[command.purchase_order]
                self._by_id[order.purchase_order] = replace(order, state=PurchaseState.CONFIRMED)
            else:
                assert isinstance(command, ExpectPurchase)
                self._open(command, PurchaseState.CONFIRMED)
        elif event.operation is Operation.PURCHASE_RECEIVE:
            assert isinstance(command, ReceivePurchase)
            order = self._by_id[command.purchase_order]
            got = {line.sku: line.quantity for line in command.lines}
            lines = tuple(
                replace(line, received=line.received + got.get(line.sku, 0)) for line in order.lines
            )
            self._by_id[order.purchase_order] = replace(
                order, lines=lines, state=_received_state(lines)
            )
        elif event.operation is Operation.PURCHASE_CANCEL:
            assert isinstance(command, CancelPurchase | ClosePurchase)
            order = self._by_id[command.purchase_order]
            lines = tuple(
                replace(line, cancelled=line.cancelled + line.outstanding) for line in order.lines
            )
            state = (
                PurchaseState.CLOSED
                if isinstance(command, ClosePurchase)
                else PurchaseState.CANCELLED
            )
            self._by_id[order.purchase_order] = replace(order, lines=lines, state=state)

    def _open(self, command: ExpectPurchase, state: PurchaseState) -> None:
        self._by_id[command.purchase_order] = PurchaseOrder(
            command.purchase_order,
            command.location,
            command.supplier,
            tuple(
                PurchaseLineStatus(line.sku, line.quantity, line.eta, unit_cost=line.unit_cost)
                for line in command.lines
            ),
            state=state,
            tolerance=command.tolerance,
        )
        for line in command.lines:
            self._by_sku.setdefault(line.sku, {})[command.purchase_order] = None


_PURCHASE_OPERATIONS = frozenset(
    {Operation.PURCHASE_EXPECT, Operation.PURCHASE_RECEIVE, Operation.PURCHASE_CANCEL}
)
