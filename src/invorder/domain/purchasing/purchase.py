"""Purchase orders as the log tells them, and the projection of them.

A draft moves nothing; confirming it, or recording a confirmed order at once, moves each
line ``@supplier -> location[incoming]`` with its ETA; a receipt moves units
``incoming -> available`` (or ``quality_control``), over-receipts come straight from
``@supplier``; closing or cancelling returns what is outstanding to ``@supplier``.

Invariants: per line, ``outstanding == ordered - received_against - cancelled >= 0``, and
the units still promised to unlapsed pre-orders never exceed ``outstanding``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import ClassVar

import attrs
from attrs import evolve

from invorder.domain.errors import IllegalTransitionError, NotFoundError
from invorder.domain.messages import Event
from invorder.domain.money import Money
from invorder.domain.purchasing.commands import (
    CancelPurchase,
    ClosePurchase,
    ConfirmPurchase,
    ExpectPurchase,
    ReceivePurchase,
)
from invorder.domain.purchasing.events import PurchaseDrafted, PurchaseEtaChanged
from invorder.domain.stock.catalog import SkuId
from invorder.domain.stock.events import Operation, StockPosted
from invorder.domain.stock.location import LocationId, is_within


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
    OPERATIONS: ClassVar[frozenset[Operation]]
    """The journal entries (``StockPosted``) :meth:`apply` folds: purchase entries."""

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

    def outstanding_for(self, purchase_order: str, sku: str, location: str) -> int:
        """Units of ``sku`` outstanding on the open ``purchase_order`` for a pre-order at
        ``location``. Precedence: unknown order, not open, another location, no such line."""
        order = self.open_order(purchase_order, "pre-order against")
        if order.location != location:
            raise IllegalTransitionError(
                "purchase order", order.purchase_order, f"received at {order.location}",
                f"pre-order at {location}", f"reserve at {order.location}",
            )  # fmt: skip
        line = order.line(sku)
        if line is None:
            raise NotFoundError("purchase order line", f"{order.purchase_order}/{sku}")
        return line.outstanding

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
                evolve(line, eta=change.eta) if line.sku == change.sku else line
                for line in order.lines
            )
            self._by_id[order.purchase_order] = evolve(order, lines=lines)
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
                self._by_id[order.purchase_order] = evolve(order, state=PurchaseState.CONFIRMED)
            else:
                assert isinstance(command, ExpectPurchase)
                self._open(command, PurchaseState.CONFIRMED)
        elif event.operation is Operation.PURCHASE_RECEIVE:
            assert isinstance(command, ReceivePurchase)
            order = self._by_id[command.purchase_order]
            got = {line.sku: line.quantity for line in command.lines}
            lines = tuple(
                evolve(line, received=line.received + got.get(line.sku, 0)) for line in order.lines
            )
            self._by_id[order.purchase_order] = evolve(
                order, lines=lines, state=_received_state(lines)
            )
        elif event.operation is Operation.PURCHASE_CANCEL:
            assert isinstance(command, CancelPurchase | ClosePurchase)
            order = self._by_id[command.purchase_order]
            lines = tuple(
                evolve(line, cancelled=line.cancelled + line.outstanding) for line in order.lines
            )
            state = (
                PurchaseState.CLOSED
                if isinstance(command, ClosePurchase)
                else PurchaseState.CANCELLED
            )
            self._by_id[order.purchase_order] = evolve(order, lines=lines, state=state)

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
Purchases.OPERATIONS = _PURCHASE_OPERATIONS
