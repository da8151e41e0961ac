"""The allocation port: what an allocator sees and answers (the engine adapts a routing
rule to it), the simple default, and the default order backorders are served in."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

import attrs

from invorder.domain.orders.ids import LineId, OrderKind
from invorder.domain.orders.order import Order
from invorder.domain.stock.catalog import SkuId
from invorder.domain.stock.location import LocationId


@attrs.frozen
class AllocationRequest:
    """What an allocator sees: the order, the units each line still needs, and the units
    each candidate location can give per SKU (summed over its bins)."""

    order: Order
    """The order."""
    needs: tuple[tuple[LineId, SkuId, int], ...]
    """(line, SKU, units) to allocate, in line order."""
    supply: Mapping[LocationId, Mapping[SkuId, int]]
    """Per candidate location (warehouse), units it can give per SKU."""
    at: datetime
    """The time of the command."""
    given: Callable[[str, datetime, datetime], int] = attrs.field(
        default=lambda warehouse, start, end: 0, eq=False, repr=False
    )
    """Units allocated at a warehouse by commands timed from ``start`` up to ``end`` (on
    quarter hours), this command's earlier allocations included: what its capacity has
    given that day."""


@attrs.frozen
class AllocatorAnswer:
    """An allocator's answer when it does more than choose locations."""

    allocations: Mapping[str, Sequence[tuple[str, int]]]
    """Per line, ``[(location, units), ...]``; the rest is backordered."""
    cancelled: Mapping[str, int] = attrs.field(factory=dict)
    """Per line, units of the rest to cancel instead of backordering."""
    hold: str | None = None
    """Set to hold the order for a person (the allocations are kept as a proposal)."""


@attrs.frozen
class CheckedAnswer(AllocatorAnswer):
    """An answer already checked against its request's needs and supply (a routing plan
    that passed :func:`~invorder.routing.check_plan` for the request built from it): the
    allocation does not check it again."""


class Allocator(Protocol):
    """Chooses locations for the units of an :class:`AllocationRequest`:
    ``{line_id: [(location, units), ...]}`` (what it leaves out is backordered), or an
    :class:`AllocatorAnswer` that also cancels units or holds the order."""

    def __call__(
        self, request: AllocationRequest, /
    ) -> Mapping[str, Sequence[tuple[str, int]]] | AllocatorAnswer:
        """Allocate."""
        ...


def first_fit(request: AllocationRequest) -> dict[str, list[tuple[str, int]]]:
    """The simple default: each line from the first location (by id) that can ship all of
    it, else spilled over the locations in id order; the rest is backordered."""
    supply = request.supply
    order = sorted(supply)
    # Per SKU, the units left at a location once an earlier line took some there; a
    # location not listed still has the supply's units.
    left: dict[str, dict[str, int]] = {}
    result: dict[str, list[tuple[str, int]]] = {}
    for line_id, sku, need in request.needs:
        mine = left.get(sku)
        if mine is None:
            mine = left[sku] = {}
        chosen: list[tuple[str, int]] = []
        for loc in order:
            have = mine.get(loc)
            if have is None:
                have = supply[loc].get(sku, 0)
            if have >= need:
                chosen.append((loc, need))
                mine[loc] = have - need
                break
        else:
            for loc in order:
                have = mine.get(loc)
                if have is None:
                    have = supply[loc].get(sku, 0)
                take = min(need, have)
                if take:
                    chosen.append((loc, take))
                    mine[loc] = have - take
                    need -= take
        result[line_id] = chosen
    return result


_KIND_RANK = {OrderKind.MARKETPLACE: 0, OrderKind.DTC: 1, OrderKind.WHOLESALE: 2}


_NEVER = datetime.max.replace(tzinfo=UTC)


def backorder_priority(order: Order) -> tuple[Any, ...]:
    """Default order of re-allocation: host priority (larger first), ship-by, shipping
    speed, marketplace before DTC before wholesale, age, then order id."""
    c = order.capture
    return (-c.priority, c.ship_by or _NEVER, c.shipping_method.speed_rank, _KIND_RANK[c.kind],
            c.at, c.order)  # fmt: skip
