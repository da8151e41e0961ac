"""Decisions on an order's own life: capture (idempotent by channel and external id),
holds and their release, and cancellation of lines or the whole order."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import attrs

from invorder.domain.errors import (
    CancelShippedError,
    CurrencyMismatchError,
    DuplicateError,
    IllegalTransitionError,
    NotFoundError,
    OrderConflictError,
    UnknownChannelError,
    UnknownSkuError,
    UnpricedLineError,
)
from invorder.domain.messages import Command, Event
from invorder.domain.money import Money
from invorder.domain.orders.commands import (
    CancelLines,
    CancelOrder,
    CaptureOrder,
    PlaceHold,
    ReleaseHold,
)
from invorder.domain.orders.context import Context, known_order, needs_of
from invorder.domain.orders.events import (
    LineCancellation,
    OrderCancelled,
    OrderCaptured,
    OrderHeld,
    OrderHoldReleased,
)
from invorder.domain.orders.ids import LineId
from invorder.domain.orders.order import Order, OrderLine, OrderStatus, content_of, new_order
from invorder.domain.orders.shipment import ShipmentStatus
from invorder.domain.orders.taken import Taken
from invorder.domain.orders.values import HoldReason, PaymentStatus
from invorder.domain.orders.whole import allocate
from invorder.domain.pricing.decide import price_lines
from invorder.domain.pricing.price_list import PriceList
from invorder.domain.pricing.prices import PriceLists
from invorder.domain.reservations.commands import ReleaseReservation
from invorder.domain.reservations.decide import decide_release

_CLOSED = (OrderStatus.SHIPPED, OrderStatus.RETURNED, OrderStatus.CANCELLED)


class _Channel(Protocol):
    @property
    def await_authorisation(self) -> bool: ...


class _Channels(Protocol):
    def get(self, channel: str, /) -> _Channel | None: ...


def decide_capture(
    ctx: Context, prices: PriceLists, channels: _Channels, command: CaptureOrder, position: int
) -> tuple[Event, ...]:
    """Capture: a no-op for a repeat with the same content; else priced from its price
    list, validated and allocated unless held (a price other than the list's holds it for
    review; a channel that awaits authorisation holds it for payment unless it is on
    payment terms) or its channel allocates in waves."""
    first = ctx.orders.by_external(command.channel, command.external_id)
    if first is not None:
        old, new = content_of(first.capture), content_of(command)
        for name, value in old.items():
            if new[name] != value:
                raise OrderConflictError(command.channel, command.external_id, name, value,
                                         new[name])  # fmt: skip
        return ()
    # References before state rules (see the errors module): the channel, the SKUs, the list.
    channel = channels.get(command.channel)  # read once: known, and its payment rule
    if channel is None:
        raise UnknownChannelError(command.channel)
    for item in command.lines:
        if ctx.ledger.catalog.get(item.sku) is None:
            raise UnknownSkuError(item.sku)
    named = "" if command.wholesale is None else command.wholesale.price_list
    price_list = prices.for_order(named, command.customer, command.customer_tier,
                                  command.channel)  # fmt: skip
    if named and price_list is None:
        raise NotFoundError("price list", named)
    taken = ctx.orders.get(command.order)
    if taken is not None:  # another order (another channel or external id) has this id
        raise DuplicateError(
            "order", command.order,
            f"captured from channel {taken.capture.channel!r} as "
            f"{taken.capture.external_id!r}; order ids are unique across channels",
        )  # fmt: skip
    listed, differing = _prices(price_list, command)
    applied = "" if price_list is None else price_list.price_list
    captured = OrderCaptured(position=position, command=command, order=command.order,
                             price_list=applied, prices=tuple(listed.items()))  # fmt: skip
    events: list[Event] = [captured]
    order = new_order(command, position, listed, applied)
    held = [
        reason
        for reason, due in (
            (HoldReason.PRICE_REVIEW, differing),
            (HoldReason.PAYMENT_PENDING, channel.await_authorisation
             and command.payment is not PaymentStatus.ON_TERMS),
        )
        if due and reason not in order.holds
    ]  # fmt: skip
    for reason in held:
        events.append(OrderHeld(position=position + len(events), command=command,
                                order=command.order, reason=reason))  # fmt: skip
    if not held and not order.holds and not ctx.waves(command.channel):
        events.extend(allocate(ctx, order, needs_of(order), command, position + 1, Taken(),
                               sweep_lapsed=True))  # fmt: skip
    return tuple(events)


def _prices(
    price_list: PriceList | None, command: CaptureOrder
) -> tuple[dict[LineId, Money], bool]:
    """The list prices of the lines captured without one, and whether a line was captured
    at a price other than the list's (for review); raises for a line nothing prices and for
    list prices in another currency than the captured ones."""
    listed, unpriced, differing = price_lines(price_list, command.lines)
    if unpriced:
        line = next(item for item in command.lines if item.line_id == unpriced[0])
        why = (
            "the order has no price list"
            if price_list is None
            else f"price list {price_list.price_list!r} has no price for it at that quantity"
        )
        raise UnpricedLineError(line.line_id, line.sku, line.quantity, why)
    if listed and price_list is not None:
        for item in command.lines:
            if item.unit_price is not None and item.unit_price.currency != price_list.currency:
                raise CurrencyMismatchError(
                    "mix in one order", item.unit_price.currency, price_list.currency
                )
    return {LineId(k): v for k, v in listed.items()}, bool(differing)


def decide_hold(ctx: Context, command: PlaceHold, position: int) -> tuple[Event, ...]:
    """Place a hold."""
    order = known_order(ctx.orders, command.order)
    if order.status in _CLOSED or command.reason in order.holds:
        held = command.reason in order.holds
        state = f"on hold for {command.reason}" if held else order.status.value
        raise IllegalTransitionError("order", order.order_id, state, f"hold ({command.reason})")
    return (OrderHeld(position=position, command=command, order=order.order_id,
                      reason=command.reason),)  # fmt: skip


def decide_release_hold(ctx: Context, command: ReleaseHold, position: int) -> tuple[Event, ...]:
    """Lift a hold; allocate when it was the last."""
    order = known_order(ctx.orders, command.order)
    if command.reason not in order.holds:
        state = f"held for {', '.join(order.holds)}" if order.holds else "not on hold"
        raise IllegalTransitionError("order", order.order_id, state,
                                     f"release hold {command.reason!r}")  # fmt: skip
    return release_hold(ctx, order, command.reason, command, position)


def release_hold(
    ctx: Context, order: Order, reason: str, command: Command, position: int
) -> tuple[Event, ...]:
    """Lift ``order``'s hold ``reason`` (which it has) for ``command``; allocate when it was
    the last (a ``ReleaseHold``, or the payment authorisation that lifts ``payment_pending``)."""
    released = OrderHoldReleased(
        position=position, command=command, order=order.order_id, reason=reason
    )
    events: list[Event] = [released]
    rest = tuple(h for h in order.holds if h != reason)
    needs = needs_of(order)
    if not rest and needs and not _waits_for_wave(ctx, order):
        order = attrs.evolve(order, holds=rest)
        events.extend(allocate(ctx, order, needs, command, position + 1, Taken(),
                               withdraw=True, sweep_lapsed=True))  # fmt: skip
    return tuple(events)


def _waits_for_wave(ctx: Context, order: Order) -> bool:
    """True when the order's channel allocates in waves and nothing of it is allocated yet
    (an order a wave allocated in part is served like any other once its hold is lifted)."""
    return ctx.waves(order.capture.channel) and not any(line.allocated for line in order.lines)


def _cancellable(ctx: Context, order: Order, line: OrderLine) -> int:
    return line.live - line.shipped


def _cancel(
    ctx: Context, order: Order, quantities: Mapping[str, int], command: Command, reason: str,
    position: int,
) -> tuple[Event, ...]:  # fmt: skip
    cancellations: list[LineCancellation] = []
    released: list[tuple[str, int]] = []
    open_picks = [
        p
        for s in reversed(ctx.orders.shipments_of(order))
        if s.status is not ShipmentStatus.SHIPPED
        for p in s.picks
        if p.quantity
    ]
    for line in order.lines:
        q = quantities.get(line.line_id, 0)
        if not q:
            continue
        rest = q - min(q, line.unallocated)
        from_back = min(rest, line.backordered)
        from_alloc = rest - from_back
        cancellations.append(LineCancellation(line.line_id, q, from_back, from_alloc))
        for p in open_picks:
            if not from_alloc:
                break
            if p.line_id == line.line_id:
                n = min(from_alloc, p.quantity)
                released.append((p.reservation, n))
                from_alloc -= n
    events: list[Event] = [OrderCancelled(position=position, command=command,
                                          order=order.order_id, lines=tuple(cancellations),
                                          released=tuple(released), reason=reason)]  # fmt: skip
    for rid, n in released:
        release = ReleaseReservation(key=command.key, at=command.at, reservation=rid,
                                     quantity=n, reason=reason or "cancelled")  # fmt: skip
        events.append(decide_release(ctx.reservations, release, position + len(events)))
    return tuple(events)


def decide_cancel_order(ctx: Context, command: CancelOrder, position: int) -> tuple[Event, ...]:
    """Cancel every unit not shipped."""
    order = known_order(ctx.orders, command.order)
    quantities: dict[str, int] = {
        line.line_id: _cancellable(ctx, order, line) for line in order.lines
    }
    if not any(quantities.values()):
        shipped = next((line for line in order.lines if line.live and line.shipped), None)
        if shipped is not None:  # the same error as CancelLines on shipped units
            raise CancelShippedError(order.order_id, shipped.line_id, shipped.live, 0)
        raise IllegalTransitionError(
            "order", order.order_id, order.status.value, "cancel", "nothing is left to cancel"
        )
    return _cancel(ctx, order, quantities, command, command.reason, position)


def decide_cancel_lines(ctx: Context, command: CancelLines, position: int) -> tuple[Event, ...]:
    """Cancel line quantities."""
    order = known_order(ctx.orders, command.order)
    quantities: dict[str, int] = {}
    for lq in command.lines:
        line = order.line(lq.line_id)
        if line is None:
            raise NotFoundError("order line", f"{order.order_id}/{lq.line_id}")
        can = _cancellable(ctx, order, line)
        if lq.quantity > can:
            raise CancelShippedError(order.order_id, line.line_id, lq.quantity, can)
        quantities[line.line_id] = lq.quantity
    return _cancel(ctx, order, quantities, command, command.reason, position)
