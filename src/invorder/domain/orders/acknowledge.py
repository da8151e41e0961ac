"""Acknowledging an alert: a person says an order's alert may wait (with a note), and the
alert leaves the queue until it clears and stands again. The command and its decision."""

from __future__ import annotations

from typing import Any

import attrs

from invorder.domain import _checks
from invorder.domain.errors import IllegalTransitionError, InvalidFieldError
from invorder.domain.messages import Command, Event
from invorder.domain.orders.alerts import reasons_at
from invorder.domain.orders.context import Context, known_order
from invorder.domain.orders.events import AlertAcknowledged
from invorder.domain.orders.ids import OrderId, as_order_id
from invorder.domain.orders.values import AlertReason

_ALERT = _checks.one_of(AlertReason, "alert")


def _alert(value: object) -> AlertReason:
    return _ALERT(value)


def _note(instance: object, attribute: Any, value: Any) -> None:
    _checks.text(instance, attribute, value)
    if not value.strip():
        raise InvalidFieldError(attribute.name, value, "a few words saying why it may wait")


@attrs.frozen(kw_only=True)
class AcknowledgeAlert(Command):
    """Acknowledge one of an order's alerts: it leaves :meth:`~invorder.Engine.order_alerts`
    (unless acknowledged alerts are asked for) until its cause clears and it stands again.

    Refused with :class:`~invorder.errors.IllegalTransitionError` when the order does not
    have that alert at the command's time (ship-by at risk: within the default window), or
    a person already acknowledged it since it began to stand.
    """

    order: OrderId = attrs.field(converter=as_order_id)
    """The order."""
    alert: AlertReason = attrs.field(converter=_alert)
    """The alert acknowledged (an :class:`~invorder.records.AlertReason` or its value)."""
    note: str = attrs.field(validator=_note)
    """Why it may wait, or what was done (not empty)."""


def decide_acknowledge(ctx: Context, command: AcknowledgeAlert, position: int) -> tuple[Event, ...]:
    """The acknowledgement, if the order has the alert and nobody acknowledged it yet."""
    order = known_order(ctx.orders, command.order)
    standing = [reason for reason, _ in reasons_at(order, command.at, due=ctx.due)]
    if command.alert not in standing:
        now = ", ".join(standing) if standing else "without alerts"
        state = f"alerted for {now}" if standing else now
        raise IllegalTransitionError("order", order.order_id, state,
                                     f"acknowledge {command.alert}",
                                     "only a standing alert can be acknowledged")  # fmt: skip
    marks = ctx.orders.marks(order.order_id)
    done = None if marks is None else marks.acknowledged.get(command.alert)
    began = None if marks is None else marks.since.get(command.alert)
    if done is not None and (began is None or done[0] >= began):
        raise IllegalTransitionError("order", order.order_id,
                                     f"acknowledged for {command.alert} at {done[0].isoformat()}",
                                     f"acknowledge {command.alert}",
                                     "it stays acknowledged until it clears")  # fmt: skip
    return (AlertAcknowledged(position=position, command=command, order=order.order_id,
                              alert=command.alert, note=command.note),)  # fmt: skip
