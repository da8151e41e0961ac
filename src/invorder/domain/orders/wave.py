"""Waves: a set of waiting orders allocated together, in priority order, each seeing only
what the ones before it left; under scarcity a SKU's units may be shared across channels by
weight (fair share). The command, its decision and the weighted split it uses."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

import attrs

from invorder.domain import _checks
from invorder.domain.errors import InvalidFieldError
from invorder.domain.messages import Command, Event
from invorder.domain.orders.context import Context, known_order, needs_of
from invorder.domain.orders.decide_allocation import all_warehouses, warehouse_units
from invorder.domain.orders.events import OrderAllocated
from invorder.domain.orders.ids import ChannelId, OrderId, as_channel_id, as_order_id
from invorder.domain.orders.order import Order
from invorder.domain.orders.taken import Taken
from invorder.domain.orders.whole import allocate

Key = TypeVar("Key", bound=str)
"""What units are shared among: channels."""


def share_by_weight(
    total: int, demand: Mapping[Key, int], weight: Callable[[str], int]
) -> dict[Key, int]:
    """Split ``total`` units among the keys of ``demand`` by ``weight``: whole units by the
    largest-remainder method (ties by key), none above a key's demand, and what a key
    cannot use shared again among the others. A key of weight 0 gets nothing."""
    quota = dict.fromkeys(demand, 0)
    left = total
    open_keys = sorted(k for k, d in demand.items() if d > 0 and weight(k) > 0)
    while left > 0 and open_keys:
        weights = {k: weight(k) for k in open_keys}
        weight_sum = sum(weights.values())
        shares = {k: left * weights[k] // weight_sum for k in open_keys}
        rest = left - sum(shares.values())
        by_remainder = sorted(open_keys, key=lambda k: (-(left * weights[k] % weight_sum), k))
        for k in by_remainder[:rest]:
            shares[k] += 1
        given = 0
        for k in open_keys:
            grant = min(shares[k], demand[k] - quota[k])
            quota[k] += grant
            given += grant
        left -= given
        open_keys = [k for k in open_keys if quota[k] < demand[k]]
        if given == 0:
            break
    return quota


def _orders(value: Iterable[str]) -> tuple[OrderId, ...]:
    given: tuple[str, ...] = _checks.items("orders", value, None, "order ids")
    orders = tuple(as_order_id(o) for o in given)
    _checks.named_once("orders", orders, "order", "name each order once", required=False)
    return orders


def _weights(
    value: Mapping[str, int] | Iterable[tuple[str, int]],
) -> tuple[tuple[ChannelId, int], ...]:
    pairs = _checks.pairs("weights", value, "(channel, weight)")
    weights = tuple(sorted((as_channel_id(channel), weight) for channel, weight in pairs))
    _checks.named_once("weights", (c for c, _ in weights), "channel",
                       "give each channel one weight", required=False)  # fmt: skip
    for channel, weight in weights:
        if type(weight) is not int or weight < 0:
            raise InvalidFieldError(f"weights[{channel}]", weight, "a whole number, 0 or more")
    return weights


def _default_weight(instance: object, attribute: object, value: object) -> None:
    if type(value) is not int or value < 0:
        raise InvalidFieldError("default_weight", value, "a whole number, 0 or more")


@attrs.frozen(kw_only=True)
class AllocateWave(Command):
    """Allocate a set of waiting orders as one wave.

    The orders (``orders``; empty: every order waiting for units, captured ones not yet
    allocated and backordered ones) are allocated in backorder priority order, each from
    what the ones before it left. An order on hold, or waiting for nothing, is passed over.
    With ``fair_share``, each SKU the wave wants more of than the warehouses hold is shared
    across the orders' channels by ``weights`` (``default_weight`` for channels not named):
    a channel's orders get no more of it than its share, and a share a channel cannot use
    goes to the others. A ship-complete order is allocated whole or not at all, as always.
    """

    orders: tuple[OrderId, ...] = attrs.field(default=(), converter=_orders)
    """The orders of the wave; empty: every waiting order."""
    fair_share: bool = attrs.field(default=False, validator=_checks.boolean)
    """Share scarce SKUs across channels by weight."""
    weights: tuple[tuple[ChannelId, int], ...] = attrs.field(default=(), converter=_weights)
    """Weight per channel (a mapping is accepted), for ``fair_share``."""
    default_weight: int = attrs.field(default=1, validator=_default_weight)
    """The weight of channels not in ``weights``."""


def decide_wave(ctx: Context, command: AllocateWave, position: int) -> tuple[Event, ...]:
    """Allocate the wave's orders in priority order (see :class:`AllocateWave`); an unknown
    order is refused before anything is decided."""
    named = [known_order(ctx.orders, o) for o in command.orders]
    candidates = named if command.orders else list(ctx.orders)
    waiting = [(o, needs) for o in candidates if not o.holds and (needs := needs_of(o))]
    waiting.sort(key=lambda pair: ctx.priority(pair[0]))
    quotas = _quotas(ctx, command, waiting) if command.fair_share else {}
    taken = Taken()
    events: list[Event] = []
    for order, needs in waiting:
        quota = quotas.get(order.capture.channel)
        found = allocate(ctx, order, needs, command, position + len(events), taken,
                         limit=quota)  # fmt: skip
        unallocated = any(line.unallocated for line in order.lines)
        if unallocated or any(type(e) is not OrderAllocated for e in found):
            events.extend(found)  # a first allocation is a decision even when it gives nothing
        if quota is not None:
            for event in found:
                if type(event) is OrderAllocated:
                    assert isinstance(event, OrderAllocated)
                    for pick in event.picks:
                        if pick.sku in quota:
                            quota[pick.sku] -= pick.quantity
    return tuple(events)


def _quotas(
    ctx: Context, command: AllocateWave, waiting: list[tuple[Order, dict[str, int]]]
) -> dict[str, dict[str, int]]:
    """Per channel, the units of each scarce SKU its orders may take in this wave."""
    demand: dict[str, dict[str, int]] = {}  # SKU -> channel -> units wanted
    for order, needs in waiting:
        skus: dict[str, str] = {line.line_id: line.sku for line in order.lines}
        for line_id, n in needs.items():
            per_channel = demand.setdefault(skus[line_id], {})
            channel = order.capture.channel
            per_channel[channel] = per_channel.get(channel, 0) + n
    weights = dict(command.weights)

    def weight(channel: str) -> int:
        return weights.get(ChannelId(channel), command.default_weight)

    quotas: dict[str, dict[str, int]] = {}
    warehouses = all_warehouses(ctx)
    for sku, per_channel in sorted(demand.items()):
        supply = sum(warehouse_units(ctx.ledger, sku, w, None) for w in warehouses)
        if sum(per_channel.values()) <= supply:
            continue
        for name, units in share_by_weight(supply, per_channel, weight).items():
            quotas.setdefault(name, {})[sku] = units
    return quotas
