"""Payment queries: an order's payment status, amounts and what is due for capture, and
the provider's facts (``Engine`` has them as methods)."""

from __future__ import annotations

from typing import Protocol

from invorder.domain import _checks
from invorder.domain.model import State
from invorder.domain.payments.payment import Payment, PaymentSummary, summarise


class _HasState(Protocol):
    @property
    def _state(self) -> State: ...


def payment(engine: _HasState, order: str) -> PaymentSummary | None:
    """The payment of ``order``: its status derived from the provider's facts, its amounts
    and the amount due for capture (what shipped and is not captured); ``None`` for an
    unknown order. (``Engine`` has it as a method.)"""
    found = engine._state.orders.get(_checks.lookup("order", order))
    if found is None:
        return None
    return summarise(found, engine._state.payments.get(order))


def payment_facts(engine: _HasState, order: str) -> list[Payment]:
    """The provider's facts about ``order``, in the order recorded. (``Engine`` has it as a
    method.)"""
    return engine._state.payments.of_order(_checks.lookup("order", order))
