"""Closing an order: the command a host closes one with, and the rule that a closed order
takes no command but a return within its return window."""

from __future__ import annotations

import attrs

from invorder.domain import _checks
from invorder.domain.errors import IllegalTransitionError, OrderClosedError
from invorder.domain.messages import Command, Event
from invorder.domain.orders.book import OrderBook
from invorder.domain.orders.commands import CaptureOrder, OpenReturn
from invorder.domain.orders.context import Context, known_order
from invorder.domain.orders.events import OrderClosed
from invorder.domain.orders.ids import OrderId, as_order_id
from invorder.domain.orders.standing import open_units


@attrs.frozen(kw_only=True)
class CloseOrder(Command):
    """Close an order: every unit of it shipped, cancelled or returned, and the host done
    with it (its money settled, or written off: say so in ``reason``). A closed order takes
    no command any more but a return within its return window."""

    order: OrderId = attrs.field(converter=as_order_id)
    """The order."""
    reason: str = attrs.field(validator=_checks.identifier)
    """Why: ``"settled"``, ``"written_off"``, or the host's own word."""


def decide_close(ctx: Context, command: CloseOrder, position: int) -> tuple[Event, ...]:
    """Close the order if nothing of it waits to ship."""
    order = known_order(ctx.orders, command.order)
    waiting = open_units(order)
    if waiting:
        raise IllegalTransitionError(
            "order", order.order_id, f"open: {waiting} unit(s) neither shipped nor cancelled",
            "close", hint="ship or cancel them first (CancelLines, CancelOrder)",
        )  # fmt: skip
    return (OrderClosed(position=position, command=command, order=order.order_id,
                        reason=command.reason),)  # fmt: skip


LATE = (OpenReturn,)
"""Order commands a closed order still takes (a return within its window)."""


def refuse_if_closed(orders: OrderBook, command: Command, also: tuple[type, ...] = ()) -> None:
    """Raise :class:`OrderClosedError` when ``command`` names a closed order (its ``order``
    field) and is not one a closed order takes (:data:`LATE`, or one of ``also``: the money
    side's facts; a capture repeated is answered by the capture itself)."""
    order_id = getattr(command, "order", None)
    if type(order_id) is not str or isinstance(command, (CaptureOrder, *LATE, *also)):
        return
    order = orders.get(order_id)
    if order is not None and order.closed_at is not None:
        raise OrderClosedError(order_id, order.close_reason, type(command).__name__)
