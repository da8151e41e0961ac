"""The alerts query: orders that need a person (on hold, backordered, ship-by at risk or
missed, short-picked), each with the reasons why, since when each stands, and which a
person acknowledged (left out unless asked for)."""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs

from invorder.domain.orders.book import OrderBook
from invorder.domain.orders.ids import OrderId
from invorder.domain.orders.order import Order, OrderStatus
from invorder.domain.orders.promises import Due, shortfalls
from invorder.domain.orders.standing import AlertMarks, open_units, state_reasons
from invorder.domain.orders.values import AlertReason

__all__ = ["AT_RISK_WINDOW", "AlertReason", "OrderAlert", "order_alerts", "reasons_at"]

AT_RISK_WINDOW = timedelta(hours=4)
"""How close to its ship-by time an unshipped order counts as at risk."""


@attrs.frozen
class OrderAlert:
    """One order that needs a person, with its reasons in a fixed order."""

    order: OrderId
    """The order."""
    reasons: tuple[AlertReason, ...]
    """Why."""
    detail: str
    """The same in words."""
    since: tuple[datetime, ...] = ()
    """When each of :attr:`reasons` began to stand, in the same order."""
    acknowledged: tuple[AlertReason, ...] = ()
    """The reasons among :attr:`reasons` a person acknowledged (listed only when the query
    asks for acknowledged alerts)."""

    def since_of(self, reason: AlertReason) -> datetime:
        """When ``reason`` began to stand (``KeyError`` if the alert does not have it)."""
        if reason not in self.reasons:
            raise KeyError(reason)
        return self.since[self.reasons.index(reason)]


def reasons_at(
    order: Order, at: datetime, window: timedelta = AT_RISK_WINDOW, due: Due | None = None
) -> list[tuple[AlertReason, str]]:
    """Every reason ``order`` needs a person at ``at``, in the fixed order, with words
    (promises at risk only with ``due``)."""
    found = state_reasons(order)
    ship_by = order.capture.ship_by
    if ship_by is not None and open_units(order):
        where = _after_backordered(found)
        if ship_by <= at:
            missed = (AlertReason.SHIP_BY_MISSED, f"ship-by {ship_by.isoformat()} missed")
            found.insert(where, missed)
        else:
            if ship_by - at <= window:
                risk = (AlertReason.SHIP_BY_AT_RISK, f"ship-by {ship_by.isoformat()} at risk")
                found.insert(where, risk)
                where += 1
            short = _uncovered(order, at, ship_by, due) if due is not None else None
            if short is not None:
                found.insert(where, (AlertReason.PROMISE_AT_RISK, short))
    return found


def _uncovered(order: Order, at: datetime, ship_by: datetime, due: Due) -> str | None:
    """Words for the first SKU whose backordered units the purchases due by ``ship_by``
    cannot cover, or ``None``."""
    found = shortfalls(order, at, due)
    if not found:
        return None
    sku, units, coming = found[0]
    return f"{units} unit(s) of {sku} backordered, {coming} due by ship-by {ship_by.isoformat()}"


def _after_backordered(found: list[tuple[AlertReason, str]]) -> int:
    """Where a ship-by reason goes in the fixed order (after hold and backorder)."""
    early = (AlertReason.ON_HOLD, AlertReason.BACKORDERED)
    return sum(1 for reason, _ in found if reason in early)


def _since(
    order: Order, reason: AlertReason, marks: AlertMarks | None, window: timedelta
) -> datetime:
    if reason is AlertReason.PROMISE_AT_RISK:
        reason = AlertReason.BACKORDERED  # at risk since its units have waited
    elif reason is AlertReason.SHIP_BY_MISSED or reason is AlertReason.SHIP_BY_AT_RISK:
        ship_by = order.capture.ship_by
        assert ship_by is not None
        return ship_by if reason is AlertReason.SHIP_BY_MISSED else ship_by - window
    found = None if marks is None else marks.since.get(reason)
    return order.capture.at if found is None else found


def order_alerts(
    orders: OrderBook, at: datetime, at_risk: timedelta = AT_RISK_WINDOW,
    acknowledged: bool = False, due: Due | None = None,
) -> list[OrderAlert]:  # fmt: skip
    """Every order that needs a person at ``at``, in capture order; an unshipped order is
    at risk when its ship-by time is within ``at_risk``. Reasons a person acknowledged
    (since they began to stand) are left out, and an order with no other reason too, unless
    ``acknowledged``. With ``due``, a backorder the purchases due by the ship-by time cannot
    cover is a promise at risk."""
    result = []
    for order in orders:
        if order.status in (OrderStatus.CANCELLED, OrderStatus.RETURNED):
            continue
        found = reasons_at(order, at, at_risk, due)
        if not found:
            continue
        marks = orders.marks(order.order_id)
        since = [_since(order, reason, marks, at_risk) for reason, _ in found]
        seen = set()
        if marks is not None:
            for (reason, _), began in zip(found, since, strict=True):
                ack = marks.acknowledged.get(reason)
                if ack is not None and ack[0] >= began:
                    seen.add(reason)
        keep = [n for n, (reason, _) in enumerate(found) if acknowledged or reason not in seen]
        if keep:
            result.append(OrderAlert(
                order=order.order_id,
                reasons=tuple(found[n][0] for n in keep),
                detail="; ".join(found[n][1] for n in keep),
                since=tuple(since[n] for n in keep),
                acknowledged=tuple(found[n][0] for n in keep if found[n][0] in seen),
            ))  # fmt: skip
    return result
