"""Decisions on purchase orders (draft, confirm, receive, close, cancel, ETA changes) and
supplier terms.

Each ``decide_*`` function reads the projections (purchase orders, the ledger and
reservations) and returns the events to append, or raises the typed error of the first
rule the command breaks; none of them changes anything. Received units first serve the
pre-orders waiting on the line, larger priority first.
"""

from __future__ import annotations

from collections.abc import Iterable

from invorder.domain.errors import (
    DuplicateError,
    IllegalTransitionError,
    InvalidMoneyError,
    NotFoundError,
    OverReceiptError,
    UnknownLocationError,
    UnknownSkuError,
)
from invorder.domain.messages import Command, Event
from invorder.domain.purchasing.commands import (
    CancelPurchase,
    ChangePurchaseEta,
    ClosePurchase,
    ConfirmPurchase,
    DefineSupplier,
    DraftPurchase,
    ExpectPurchase,
    ReceivePurchase,
)
from invorder.domain.purchasing.events import PurchaseDrafted, PurchaseEtaChanged, SupplierDefined
from invorder.domain.purchasing.purchase import PurchaseLineStatus, PurchaseOrder, Purchases
from invorder.domain.reservations.decide import expire
from invorder.domain.reservations.reservation import Reservations
from invorder.domain.stock.catalog import SkuId
from invorder.domain.stock.decide import check_entry
from invorder.domain.stock.events import Operation, StockPosted
from invorder.domain.stock.ledger import Ledger
from invorder.domain.stock.location import SUPPLIER, LocationId
from invorder.domain.stock.movement import Account, Bucket, Movement


def _check_new(ledger: Ledger, purchases: Purchases, command: ExpectPurchase) -> None:
    if purchases.get(command.purchase_order) is not None:
        raise DuplicateError("purchase order", command.purchase_order, "an id is used once")
    for line in command.lines:
        if line.sku not in ledger.catalog:
            raise UnknownSkuError(line.sku)
    if not ledger.has_location(command.location):
        raise UnknownLocationError(command.location)


def _incoming_entry(
    ledger: Ledger,
    command: Command,
    position: int,
    purchase_order: str,
    location: LocationId,
    lines: Iterable[tuple[SkuId, int]],
) -> StockPosted:
    supplier = Account(SUPPLIER, Bucket.AVAILABLE)
    incoming = Account(location, Bucket.INCOMING)
    movements = tuple(
        Movement(sku=sku, quantity=quantity, source=supplier, destination=incoming,
                 reason="expected", reference=purchase_order)
        for sku, quantity in lines
    )  # fmt: skip
    check_entry(ledger, movements)
    return StockPosted(
        position=position,
        command=command,
        operation=Operation.PURCHASE_EXPECT,
        movements=movements,
        reference=purchase_order,
    )


def decide_expect(
    ledger: Ledger, purchases: Purchases, command: ExpectPurchase, position: int
) -> StockPosted:
    """The ``purchase_expect`` entry: each line into ``incoming`` at the location."""
    _check_new(ledger, purchases, command)
    return _incoming_entry(
        ledger, command, position, command.purchase_order, command.location,
        ((line.sku, line.quantity) for line in command.lines),
    )  # fmt: skip


def decide_draft(
    ledger: Ledger, purchases: Purchases, command: DraftPurchase, position: int
) -> PurchaseDrafted:
    """A draft: checked like an expected order, but nothing moves."""
    _check_new(ledger, purchases, command)
    return PurchaseDrafted(position=position, command=command)


def decide_confirm(
    ledger: Ledger, purchases: Purchases, command: ConfirmPurchase, position: int
) -> StockPosted:
    """Confirm a draft: its lines move into ``incoming``."""
    order = purchases.get(command.purchase_order)
    if order is None:
        raise NotFoundError("purchase order", command.purchase_order)
    if order.confirmed:
        raise IllegalTransitionError(
            "purchase order", order.purchase_order, order.state.value, "confirm"
        )
    return _incoming_entry(
        ledger, command, position, order.purchase_order, order.location,
        ((line.sku, line.ordered) for line in order.lines),
    )  # fmt: skip


def decide_change_eta(
    ledger: Ledger, purchases: Purchases, command: ChangePurchaseEta, position: int
) -> PurchaseEtaChanged:
    """Record the new ETA of a line that still has units to come (or of a draft)."""
    if command.sku not in ledger.catalog:
        raise UnknownSkuError(command.sku)
    order = purchases.get(command.purchase_order)
    if order is None:
        raise NotFoundError("purchase order", command.purchase_order)
    line = order.line(command.sku)
    if line is None:
        raise NotFoundError("purchase order line", f"{order.purchase_order}/{command.sku}")
    if order.closed or (order.confirmed and not line.outstanding):
        raise IllegalTransitionError(
            "purchase order", order.purchase_order, order.state.value, "change an ETA of",
            "only lines with units still to come have an ETA",
        )  # fmt: skip
    return PurchaseEtaChanged(position=position, command=command, previous=line.eta)


def _check_tolerance(order: PurchaseOrder, status: PurchaseLineStatus, quantity: int) -> None:
    if order.tolerance is None:
        return
    limit = status.ordered + int(status.ordered * order.tolerance)
    allowed = max(0, limit - status.received - status.cancelled)
    if quantity > allowed:
        raise OverReceiptError(order.purchase_order, status.sku, quantity, allowed)


def _sweep_preorders(
    reservations: Reservations,
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
    return expire(reservations, sorted(due, key=lambda r: r.position), command, position)


def decide_receive(
    ledger: Ledger,
    reservations: Reservations,
    purchases: Purchases,
    command: ReceivePurchase,
    position: int,
) -> tuple[Event, ...]:
    """The receipt: a sweep of lapsed pre-orders on the order (if any), then one entry that
    moves the units in and reserves them for the waiting pre-orders in priority order."""
    for line in command.lines:
        if line.sku not in ledger.catalog:
            raise UnknownSkuError(line.sku)
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
        _check_tolerance(order, status, line.quantity)
        currency = status.unit_cost.currency if status.unit_cost is not None else None
        if line.unit_cost is not None and currency not in (None, line.unit_cost.currency):
            raise InvalidMoneyError(
                "unit_cost",
                line.unit_cost.currency,
                f"the order is priced in {currency}, the receipt in {line.unit_cost.currency}",
            )
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
    reservations: Reservations,
    purchases: Purchases,
    command: CancelPurchase | ClosePurchase,
    position: int,
) -> tuple[Event, ...]:
    """Cancel or close: outstanding units go back to ``@supplier``.

    A draft can be cancelled (nothing moves) but not closed. Refused while unlapsed
    pre-orders still wait on the order.
    """
    action = "close" if isinstance(command, ClosePurchase) else "cancel"
    draft = purchases.get(command.purchase_order)
    if draft is not None and not draft.confirmed and action == "cancel":
        return (
            StockPosted(
                position=position, command=command, operation=Operation.PURCHASE_CANCEL,
                movements=(), reference=draft.purchase_order,
            ),
        )  # fmt: skip
    order = purchases.open_order(command.purchase_order, action)
    for line in order.lines:
        waiting = [
            r
            for r in reservations.preorders(order.purchase_order, line.sku)
            if not r.lapsed(command.at)
        ]
        if waiting:
            raise IllegalTransitionError(
                "purchase order", order.purchase_order,
                f"awaited by pre-order {waiting[0].reservation!r}", action,
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


def decide_define_supplier(
    ledger: Ledger, command: DefineSupplier, position: int
) -> SupplierDefined:
    """Accept the terms if every SKU they name is in the catalog."""
    for t in command.supplier.terms:
        if t.sku not in ledger.catalog:
            raise UnknownSkuError(t.sku)
    return SupplierDefined(position=position, command=command)
