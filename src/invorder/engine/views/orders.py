"""Order queries: orders, their shipments and returns, and the orders that need a person."""

from __future__ import annotations

import warnings
from datetime import datetime, timedelta
from typing import Protocol

from invorder.domain import _checks
from invorder.domain.errors import InvalidFieldError, NotFoundError
from invorder.domain.model import State
from invorder.domain.orders.alerts import AT_RISK_WINDOW, OrderAlert
from invorder.domain.orders.alerts import order_alerts as _order_alerts
from invorder.domain.orders.commands import CaptureOrder
from invorder.domain.orders.order import Order
from invorder.domain.orders.promises import PromiseReplan
from invorder.domain.orders.promises import promise_replan as _promise_replan
from invorder.domain.orders.rma import Return
from invorder.domain.orders.shipment import PickRow, Shipment
from invorder.domain.reservations.reservation import Reservation


def order(state: State, order: str) -> Order | None:
    """One order (with derived statuses), or ``None``."""
    return state.orders.get(_checks.lookup("order", order))


def order_by_external(state: State, channel: str, external_id: str) -> Order | None:
    """The order a channel knows by ``external_id``, or ``None``."""
    _checks.lookups(channel=channel, external_id=external_id)
    return state.orders.by_external(channel, external_id)


def orders(state: State) -> list[Order]:
    """Every order, in capture order."""
    return list(state.orders)


def shipment(state: State, shipment: str) -> Shipment | None:
    """One shipment, or ``None``."""
    return state.orders.shipment(_checks.lookup("shipment", shipment))


def shipments(state: State, order: str) -> list[Shipment]:
    """The shipments of an order, in the order made (raises if the order is unknown)."""
    found = state.orders.get(_checks.lookup("order", order))
    if found is None:
        raise NotFoundError("order", order)
    return state.orders.shipments_of(found)


def rma(state: State, rma: str) -> Return | None:
    """One RMA (return), or ``None``."""
    return state.orders.rma(_checks.lookup("rma", rma))


def order_alerts(
    state: State, at: datetime, at_risk: timedelta, acknowledged: bool = False
) -> list[OrderAlert]:
    """Orders that need a person at ``at``, each with its reasons (and those acknowledged,
    with ``acknowledged``)."""
    _checks.check_aware("at", at)
    if not isinstance(at_risk, timedelta):
        raise InvalidFieldError("at_risk", at_risk, "a timedelta")
    if type(acknowledged) is not bool:
        raise InvalidFieldError("acknowledged", acknowledged, "true or false")
    return _order_alerts(state.orders, at, at_risk, acknowledged, state.due)


def promise_replan(engine: _HasState, at: datetime, key: str) -> PromiseReplan:
    """Promises at risk at ``at`` and the transfers from free stock that would keep them,
    ready to execute (keys ``{key}/{n}``, ids ``{key}-{n}``); see :class:`PromiseReplan`.
    (``Engine`` has it as a method.)"""
    state = engine._state
    return _promise_replan(state.context(), state.purchases, at, key)


class _HasState(Protocol):
    @property
    def _state(self) -> State: ...


def order_exceptions(
    engine: _HasAlerts, at: datetime, at_risk: timedelta = AT_RISK_WINDOW
) -> list[OrderAlert]:
    """Deprecated: :meth:`~invorder.Engine.order_alerts` under its old name (the exceptions
    queue is now called alerts); warns with a ``DeprecationWarning``. (``Engine`` has it as
    a method.)"""
    warnings.warn(
        "Engine.order_exceptions is deprecated; use Engine.order_alerts",
        DeprecationWarning,
        stacklevel=2,
    )
    return engine.order_alerts(at, at_risk)


def capture(engine: _Captures, command: CaptureOrder) -> Order:
    """Capture an order and return it; a repeat with the same content returns the order
    first captured (and writes nothing). (``Engine`` has it as a method.)"""
    if not isinstance(command, CaptureOrder):
        raise InvalidFieldError("command", command, "a CaptureOrder")
    engine.execute(command)
    order = engine.order_by_external(command.channel, command.external_id)
    assert order is not None
    return order


class _Captures(Protocol):
    def execute(self, command: CaptureOrder, /) -> object: ...
    def order_by_external(self, channel: str, external_id: str, /) -> Order | None: ...


class _HasAlerts(Protocol):
    def order_alerts(self, at: datetime, at_risk: timedelta = ...) -> list[OrderAlert]: ...


def pick_list(engine: _Picks, shipment: str) -> list[PickRow]:
    """What to pick for ``shipment``, in the units a picker handles: one row per stocked SKU
    and bin (a bundle line shows its components), ordered by bin path, then line and SKU.
    Raises :class:`~invorder.errors.NotFoundError` for an unknown shipment. (``Engine`` has
    it as a method.)"""
    found = engine.shipment(_checks.lookup("shipment", shipment))
    if found is None:
        raise NotFoundError("shipment", shipment)
    rows: list[PickRow] = []
    for pick in found.pick_list():
        held = engine.reservation(pick.reservation)
        assert held is not None, "a pick's reservation is in the log"
        for component, place, units in held.placed:
            rows.append(PickRow(shipment=found.shipment, line_id=pick.line_id, sku=pick.sku,
                                reservation=pick.reservation, component=component,
                                location=place, quantity=units))  # fmt: skip
    return sorted(rows, key=lambda r: (r.location, r.line_id, r.component))


class _Picks(Protocol):
    def shipment(self, shipment: str, /) -> Shipment | None: ...
    def reservation(self, reservation: str, /) -> Reservation | None: ...
