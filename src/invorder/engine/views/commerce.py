"""Price list, invoicing and close-out queries: the lists, an order's invoices and credit
notes, where its invoicing stands, and the orders done shipping that cannot close yet
(``Engine`` has each as a method)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from invorder.domain import _checks
from invorder.domain.errors import NotFoundError
from invorder.domain.invoicing.settlement import CloseOut
from invorder.domain.invoicing.settlement import close_outs as _close_outs
from invorder.domain.invoicing.values import CreditNote, Invoice
from invorder.domain.invoicing.views import OrderInvoicing, order_invoicing
from invorder.domain.model import State
from invorder.domain.pricing.price_list import PriceList


class _HasState(Protocol):
    @property
    def _state(self) -> State: ...


def price_list(engine: _HasState, price_list: str) -> PriceList | None:
    """The price list with this id as last defined, or ``None``. (``Engine`` has it as a
    method.)"""
    return engine._state.prices.get(_checks.lookup("price_list", price_list))


def price_lists(engine: _HasState) -> list[PriceList]:
    """Every price list as last defined, in the order first defined. (``Engine`` has it as
    a method.)"""
    return list(engine._state.prices)


def invoice(engine: _HasState, invoice: str) -> Invoice | None:
    """One invoice as issued, or ``None``. (``Engine`` has it as a method.)"""
    return engine._state.invoices.get(_checks.lookup("invoice", invoice))


def invoices(engine: _HasState, order: str) -> list[Invoice]:
    """The order's invoices, in the order issued. (``Engine`` has it as a method.)"""
    return engine._state.invoices.of_order(_checks.lookup("order", order))


def credit_notes(engine: _HasState, invoice: str) -> list[CreditNote]:
    """The credit notes against ``invoice``, in the order issued. (``Engine`` has it as a
    method.)"""
    return engine._state.invoices.notes_of(_checks.lookup("invoice", invoice))


def invoicing(engine: _HasState, order: str) -> OrderInvoicing:
    """Where the order's invoicing stands: its policy, the value shipped (a receipt's
    figure), invoiced, credited, and shipped but not invoiced yet. Raises
    :class:`~invorder.errors.NotFoundError` for an unknown order. (``Engine`` has it as a
    method.)"""
    state = engine._state
    found = state.orders.get(_checks.lookup("order", order))
    if found is None:
        raise NotFoundError("order", order)
    return order_invoicing(state.orders, state.invoices, found)


def close_outs(engine: _HasState, at: datetime) -> list[CloseOut]:
    """Every order done shipping (each unit shipped or cancelled) and not closed, in
    capture order, with what stands in the way of closing it at ``at``: shipped units on no
    invoice where the order is invoiced, returned units not credited, invoices not paid
    (past due or not), value shipped not captured, refunds owed (no reason: it can be
    closed now, :class:`~invorder.CloseOrder`). (``Engine`` has it as a method.)"""
    _checks.check_aware("at", at)
    state = engine._state
    return _close_outs(state.orders, state.invoices, state.payments, at)
