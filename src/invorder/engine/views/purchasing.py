"""Purchasing queries: purchase orders and their late lines, suppliers, and the value of
inventory at weighted-average cost."""

from __future__ import annotations

from datetime import datetime

from invorder.domain import _checks
from invorder.domain.model import State
from invorder.domain.purchasing.purchase import PurchaseLineStatus, PurchaseOrder
from invorder.domain.purchasing.supplier import Supplier
from invorder.domain.purchasing.valuation import Valuation, value_inventory
from invorder.ports import EventStore


def purchase_order(state: State, purchase_order: str) -> PurchaseOrder | None:
    """The purchase order with this id, or ``None``."""
    return state.purchases.get(_checks.lookup("purchase_order", purchase_order))


def purchase_orders(state: State) -> list[PurchaseOrder]:
    """Every purchase order, in the order recorded."""
    return list(state.purchases)


def supplier(state: State, supplier: str) -> Supplier | None:
    """The supplier's current terms, or ``None``."""
    return state.suppliers.get(_checks.lookup("supplier", supplier))


def suppliers(state: State) -> list[Supplier]:
    """Every supplier, in the order first defined."""
    return list(state.suppliers)


def valuation(store: EventStore, until: datetime | None) -> Valuation:
    """Inventory value at weighted-average cost from the log (as of ``until`` if given)."""
    if until is not None:
        _checks.check_aware("until", until)
    return value_inventory(store.read(0, None), until)


def late_purchase_lines(
    state: State, at: datetime
) -> list[tuple[PurchaseOrder, PurchaseLineStatus]]:
    """Open purchase lines past their ETA at ``at`` with units still outstanding."""
    _checks.check_aware("at", at)
    return state.purchases.late(at)
