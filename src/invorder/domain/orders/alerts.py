"""The alerts query: orders that need a person (on hold, backordered, ship-by at risk or
missed, short-picked), each with the reasons why."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

import attrs

from invorder.domain.orders.book import OrderBook
from invorder.domain.orders.ids import OrderId
from invorder.domain.orders.order import LineStatus, Order, OrderStatus

AT_RISK_WINDOW = timedelta(hours=4)
"""How close to its ship-by time an unshipped order counts as at risk."""


class AlertReason(enum.StrEnum):
    """Why an order needs a person."""

    ON_HOLD = "on_hold"
    """Held (payment, approval, fraud, address, host reason)."""
    BACKORDERED = "backordered"
    """Some units wait for stock."""
    SHIP_BY_AT_RISK = "ship_by_at_risk"
    """Not shipped, and the ship-by time is near (:data:`AT_RISK_WINDOW` by default)."""
    SHIP_BY_MISSED = "ship_by_missed"
    """Not shipped, and the ship-by time has passed."""
    SHORT_PICKED = "short_picked"
    """Units were found missing while picking (or counting), and the order has not shipped
    in full since."""
    CANNOT_ALLOCATE = "cannot_allocate"
    """Routed, and not a single unit could be allocated."""


@attrs.frozen
class OrderAlert:
    """One order that needs a person, with its reasons in a fixed order."""

    order: OrderId
    """The order."""
    reasons: tuple[AlertReason, ...]
    """Why."""
    detail: str
    """The same in words."""


def _reasons(order: Order, at: datetime, window: timedelta) -> list[tuple[AlertReason, str]]:
    found: list[tuple[AlertReason, str]] = []
    status = order.status
    if order.holds:
        found.append((AlertReason.ON_HOLD, "held for " + ", ".join(order.holds)))
    waiting = sum(line.backordered for line in order.lines)
    if waiting:
        found.append((AlertReason.BACKORDERED, f"{waiting} unit(s) backordered"))
    ship_by = order.capture.ship_by
    open_units = sum(line.live - line.shipped for line in order.lines)
    if ship_by is not None and open_units:
        if ship_by <= at:
            found.append((AlertReason.SHIP_BY_MISSED, f"ship-by {ship_by.isoformat()} missed"))
        elif ship_by - at <= window:
            found.append((AlertReason.SHIP_BY_AT_RISK, f"ship-by {ship_by.isoformat()} at risk"))
    if order.short_picked and open_units:  # resolved once every live unit has shipped
        found.append((AlertReason.SHORT_PICKED, f"{order.short_picked} unit(s) short"))
    lines = [line for line in order.lines if line.status is not LineStatus.CANCELLED]
    if status is OrderStatus.BACKORDERED and all(
        line.status is LineStatus.BACKORDERED for line in lines
    ):
        found.append((AlertReason.CANNOT_ALLOCATE, "no unit could be allocated"))
    return found


def order_alerts(
    orders: OrderBook, at: datetime, at_risk: timedelta = AT_RISK_WINDOW
) -> list[OrderAlert]:
    """Every order that needs a person at ``at``, in capture order; an unshipped order is
    at risk when its ship-by time is within ``at_risk``."""
    result = []
    for order in orders:
        if order.status in (OrderStatus.CANCELLED, OrderStatus.RETURNED):
            continue
        found = _reasons(order, at, at_risk)
        if found:
            result.append(
                OrderAlert(
                    order=order.order_id,
                    reasons=tuple(r for r, _ in found),
                    detail="; ".join(d for _, d in found),
                )
            )
    return result
