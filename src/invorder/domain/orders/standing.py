"""Why an order needs a person, as far as its own state tells (held, backordered, found
short, nothing allocatable), and the marks the order book keeps per order: since when each
reason stands and which a person acknowledged."""

from __future__ import annotations

from datetime import datetime

import attrs

from invorder.domain.orders._book_records import OrderRecord
from invorder.domain.orders.order import Order
from invorder.domain.orders.values import AlertReason


def open_units(order: Order) -> int:
    """Units of the order neither cancelled nor shipped yet."""
    return sum(line.live - line.shipped for line in order.lines)


def standing(order: Order | OrderRecord) -> tuple[AlertReason, ...]:
    """The reasons the order's own state raises (not those that depend on the time), in
    the fixed order. One pass over the lines: the order book asks after every order event,
    of its own record."""
    waiting = False
    nothing = True  # every live line waits whole: not a unit allocated or shipped
    unshipped = 0
    for line in order.lines:
        live = line.ordered - line.cancelled
        if not live:
            continue
        unshipped += live - line.shipped
        if line.backordered:
            waiting = True
            if line.allocated or line.shipped:
                nothing = False
        else:
            nothing = False
    found: list[AlertReason] = []
    if order.holds:
        found.append(AlertReason.ON_HOLD)
    if waiting:
        found.append(AlertReason.BACKORDERED)
    if order.short_picked and unshipped:  # resolved once every live unit shipped
        found.append(AlertReason.SHORT_PICKED)
    if waiting and nothing and not order.holds:
        found.append(AlertReason.CANNOT_ALLOCATE)
    return tuple(found)


def state_reasons(order: Order) -> list[tuple[AlertReason, str]]:
    """:func:`standing`, each reason with its words."""
    return [(reason, _words(order, reason)) for reason in standing(order)]


def _words(order: Order, reason: AlertReason) -> str:
    if reason is AlertReason.ON_HOLD:
        return "held for " + ", ".join(order.holds)
    if reason is AlertReason.BACKORDERED:
        return f"{sum(line.backordered for line in order.lines)} unit(s) backordered"
    if reason is AlertReason.SHORT_PICKED:
        return f"{order.short_picked} unit(s) short"
    return "no unit could be allocated"


@attrs.define(slots=True)
class AlertMarks:
    """What the order book remembers of one order's alerts (its own mutable record)."""

    since: dict[AlertReason, datetime] = attrs.field(factory=dict)
    """When each reason its state raises began to stand (gone once it clears)."""
    acknowledged: dict[AlertReason, tuple[datetime, str]] = attrs.field(factory=dict)
    """For each reason a person acknowledged: when, and their note. An acknowledgement of a
    reason the state raises is forgotten when the reason clears, so it covers one stretch."""

    def track(self, reasons: tuple[AlertReason, ...], at: datetime) -> None:
        """Bring the marks level with the ``reasons`` the order's state raises at ``at``."""
        for reason in reasons:
            self.since.setdefault(reason, at)
        for reason in [r for r in self.since if r not in reasons]:
            del self.since[reason]
            self.acknowledged.pop(reason, None)

    def __bool__(self) -> bool:
        return bool(self.since or self.acknowledged)
