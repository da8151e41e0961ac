"""Decisions for returns: open an RMA within what shipped, receive units into stock by
disposition, owe the refund the line prices and the refund policy give, and define that
policy."""

from __future__ import annotations

from datetime import timedelta

from invorder.domain.errors import (
    DuplicateError,
    IllegalTransitionError,
    NotFoundError,
    ReturnQuantityError,
    UnknownChannelError,
    UnknownLocationError,
)
from invorder.domain.messages import Event
from invorder.domain.money import Money
from invorder.domain.orders.commands import OpenReturn, ReceiveReturn
from invorder.domain.orders.context import Context, known_order
from invorder.domain.orders.events import RefundPolicyDefined, ReturnOpened, ReturnReceived
from invorder.domain.orders.refunds import DefineRefundPolicy, refund_policy
from invorder.domain.stock.commands import PostEntry
from invorder.domain.stock.events import Operation, StockPosted
from invorder.domain.stock.location import CUSTOMER
from invorder.domain.stock.movement import Account, Movement


def decide_open_return(ctx: Context, command: OpenReturn, position: int) -> tuple[Event, ...]:
    """Open an RMA within the return window of the order's channel (counted from when it
    last shipped), closed order or not: each line at most shipped - returned - already
    expected back."""
    order = known_order(ctx.orders, command.order)
    if ctx.orders.rma(command.rma) is not None:
        raise DuplicateError("rma", command.rma, "an RMA id is used once")
    window = refund_policy(ctx.orders.refund_policies(), order.capture.channel).return_window_days
    shipped = [s.shipped_at for s in ctx.orders.shipments_of(order) if s.shipped_at is not None]
    if window is not None and shipped and command.at > max(shipped) + timedelta(days=window):
        closes = max(shipped) + timedelta(days=window)
        raise IllegalTransitionError(
            "order", order.order_id, f"past its return window of {window} days (it closed at "
            f"{closes.isoformat()})", "open a return for",
        )  # fmt: skip
    for lq in command.lines:
        line = order.line(lq.line_id)
        if line is None:
            raise NotFoundError("order line", f"{order.order_id}/{lq.line_id}")
        allowed = line.shipped - line.returned - ctx.orders.expected_back(order, line.line_id)
        if lq.quantity > allowed:
            raise ReturnQuantityError("return", line.line_id, lq.quantity, allowed)
    return (ReturnOpened(position=position, command=command, order=order.order_id,
                         rma=command.rma),)  # fmt: skip


def decide_receive_return(ctx: Context, command: ReceiveReturn, position: int) -> tuple[Event, ...]:
    """Receive units of an RMA: ``@customer`` to the disposition's account."""
    if not ctx.ledger.has_location(command.location):
        raise UnknownLocationError(command.location)
    rma = ctx.orders.rma(command.rma)
    if rma is None:
        raise NotFoundError("rma", command.rma)
    if not rma.outstanding:
        raise IllegalTransitionError("rma", rma.rma, rma.status.value, "receive",
                                     "every expected unit has been received")  # fmt: skip
    order = known_order(ctx.orders, rma.order)
    wanted: dict[str, int] = {}
    for part in command.lines:
        wanted[part.line_id] = wanted.get(part.line_id, 0) + part.quantity
    for line_id, n in wanted.items():
        line = order.line(line_id)
        if line is None:
            raise NotFoundError("order line", f"{order.order_id}/{line_id}")
        allowed = rma.expected_of(line_id) - rma.received_of(line_id)
        if n > allowed:
            raise ReturnQuantityError("receive", line_id, n, allowed)
    policy = refund_policy(ctx.orders.refund_policies(), order.capture.channel)
    refund = Money(0, order.currency)
    for part in command.lines:
        line = order.line(part.line_id)
        assert line is not None
        each = policy.rule(part.disposition).per_unit(line.unit_price)
        refund = refund + each.times(part.quantity)  # a fee in another currency is refused
    movements: list[Movement] = []
    for part in command.lines:
        line = order.line(part.line_id)
        assert line is not None
        for leaf, per in ctx.ledger.catalog.leaves(line.sku):
            movements.append(Movement(
                sku=leaf, quantity=per * part.quantity, source=Account(CUSTOMER),
                destination=part.disposition.account(command.location),
                reason=f"return {part.disposition.value}", reference=rma.rma,
            ))  # fmt: skip
    received = ReturnReceived(position=position, command=command, order=order.order_id,
                              rma=rma.rma, refund=refund)  # fmt: skip
    post = PostEntry(key=command.key, at=command.at, movements=movements, reference=rma.rma,
                     memo="return received")  # fmt: skip
    entry = StockPosted(
        position=position + 1, command=post, operation=Operation.POST,
        movements=tuple(movements), reference=rma.rma, memo="return received",
    )  # fmt: skip
    return (received, entry)


def decide_refund_policy(
    ctx: Context, command: DefineRefundPolicy, position: int
) -> tuple[Event, ...]:
    """Record the policy (a channel it names must be defined)."""
    if command.channel and ctx.channel_locations(command.channel) is None:
        raise UnknownChannelError(command.channel)
    return (RefundPolicyDefined(position=position, command=command),)
