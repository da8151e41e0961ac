"""Promises at risk, re-planned: the orders whose backorders the purchases due by their
ship-by time cannot cover (after a late or cut purchase), and the transfers from free stock
elsewhere that a host can execute to keep them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

import attrs

from invorder.domain import _checks
from invorder.domain.errors import DuplicateError
from invorder.domain.orders.context import Context
from invorder.domain.orders.decide_allocation import all_warehouses, warehouse_units
from invorder.domain.orders.ids import OrderId
from invorder.domain.orders.order import Order, OrderStatus
from invorder.domain.purchasing.purchase import Purchases
from invorder.domain.stock.catalog import SkuId
from invorder.domain.stock.commands import ShipTransfer, TransferLine
from invorder.domain.stock.location import LocationId

__all__ = ["PromiseReplan", "PromiseShortfall", "promise_replan", "shortfalls"]

Due = Callable[[Order, str, datetime, datetime], int]
"""Units of a SKU due from purchase orders for an order by a time (see ``Context.due``)."""


@attrs.frozen
class PromiseShortfall:
    """One SKU of an order whose backordered units the purchases due by its ship-by time
    cannot cover, and what the re-plan does about it."""

    order: OrderId
    """The order."""
    sku: SkuId
    """The SKU its lines wait for (a bundle counts in bundles)."""
    waiting: int
    """Units backordered."""
    due: int
    """Units the purchase orders feeding the order's channel bring by its ship-by time (not
    claimed by pre-orders)."""
    ship_by: datetime
    """The order's ship-by time."""
    expected: datetime | None
    """The earliest purchase ETA by which those purchases cover every waiting unit (``None``:
    they never do): the date to tell the customer if nothing else is done."""
    destination: LocationId | None = None
    """The warehouse the re-plan's transfers for this order go to (``None``: no transfer)."""
    transferred: int = 0
    """Units of :attr:`sku` the re-plan's transfers bring to :attr:`destination`."""

    @property
    def short(self) -> int:
        """Units the purchases leave uncovered by the ship-by time."""
        return self.waiting - self.due

    @property
    def uncovered(self) -> int:
        """Units neither the purchases nor the re-plan's transfers cover."""
        return max(0, self.short - self.transferred)


@attrs.frozen
class PromiseReplan:
    """What :meth:`~invorder.Engine.promise_replan` proposes: every promise at risk, and the
    transfers that would cover what they can. Nothing is applied: a host executes
    :attr:`transfers` (then receives them), or tells the customers of :attr:`uncovered` the
    :attr:`PromiseShortfall.expected` date."""

    at: datetime
    """When it was computed."""
    shortfalls: tuple[PromiseShortfall, ...]
    """Every promise at risk, in backorder priority order (the order arrivals serve them)."""
    transfers: tuple[ShipTransfer, ...]
    """Transfer commands ready to execute, in the order of :attr:`shortfalls`."""

    @property
    def uncovered(self) -> tuple[PromiseShortfall, ...]:
        """The shortfalls the transfers do not cover in full."""
        return tuple(s for s in self.shortfalls if s.uncovered)


def shortfalls(order: Order, at: datetime, due: Due) -> list[tuple[SkuId, int, int]]:
    """Per SKU ``order`` waits for (in line order), the units backordered and the units
    due by its ship-by time, where those do not cover them; ``[]`` for an order with no
    ship-by time ahead of ``at``, or closed."""
    ship_by = order.capture.ship_by
    if ship_by is None or ship_by <= at:
        return []
    if order.status in (OrderStatus.CANCELLED, OrderStatus.RETURNED):
        return []
    waiting: dict[SkuId, int] = {}
    for line in order.lines:
        if line.backordered:
            waiting[line.sku] = waiting.get(line.sku, 0) + line.backordered
    found = []
    for sku, units in waiting.items():
        coming = due(order, sku, at, ship_by)
        if coming < units:
            found.append((sku, units, coming))
    return found


def promise_replan(ctx: Context, purchases: Purchases, at: datetime, key: str) -> PromiseReplan:
    """Every promise at risk at ``at`` (see :func:`shortfalls`), served in backorder
    priority order, each given free stock of warehouses that cannot serve it now: the
    available units of a warehouse that does not feed its channel (for a ship-complete
    order, any warehouse but the one it ships from), bin by bin in path order, most free
    units first, sent to the feeding warehouse that holds most of what the order waits for.
    One :class:`ShipTransfer` per (order, origin bin), keyed ``{key}/{n}`` with transfer id
    ``{key}-{n}``."""
    _checks.check_aware("at", at)
    _checks.check_identifier("key", key)
    ledger = ctx.ledger
    warehouses = all_warehouses(ctx)
    at_risk = [(o, missing) for o in ctx.orders if (missing := shortfalls(o, at, ctx.due))]
    at_risk.sort(key=lambda pair: ctx.priority(pair[0]))
    free: dict[tuple[str, str], int] = {}  # (leaf, bin) -> units the re-plan has not sent
    found: list[PromiseShortfall] = []
    transfers: list[ShipTransfer] = []
    for order, missing in at_risk:
        feeding = ctx.channel_locations(order.capture.channel)
        serving: list[str] = (
            warehouses if feeding is None else sorted({p.split("/", 1)[0] for p in feeding})
        )
        # A channel fed by no warehouse has nowhere to send units to.
        destination = _destination(ctx, serving, missing) if serving else ""
        origins = [w for w in warehouses if destination and w != destination and
                   (order.ship_complete or w not in serving)]  # fmt: skip
        sent: dict[str, dict[SkuId, int]] = {}  # origin bin -> units per component
        for sku, waiting, coming in missing:
            moved = _send(ctx, sku, waiting - coming, origins, free, sent)
            found.append(PromiseShortfall(
                order=order.order_id, sku=sku, waiting=waiting, due=coming,
                ship_by=_ship_by(order), expected=_expected(ctx, purchases, order, sku, at,
                                                            waiting, serving),
                destination=LocationId(destination) if moved else None, transferred=moved,
            ))  # fmt: skip
        for origin, units in sent.items():
            lines = [TransferLine(sku=leaf, quantity=n) for leaf, n in units.items()]
            n = len(transfers) + 1
            transfer = f"{key}-{n}"
            if transfer in ledger.transfers:
                raise DuplicateError("transfer", transfer, "choose another key for the re-plan")
            transfers.append(ShipTransfer(key=f"{key}/{n}", at=at, transfer=transfer,
                                          origin=origin, destination=destination,
                                          lines=lines))  # fmt: skip
    return PromiseReplan(at=at, shortfalls=tuple(found), transfers=tuple(transfers))


def _ship_by(order: Order) -> datetime:
    ship_by = order.capture.ship_by
    assert ship_by is not None  # shortfalls() lists only orders with one
    return ship_by


def _destination(ctx: Context, serving: list[str], missing: list[tuple[SkuId, int, int]]) -> str:
    """The serving warehouse holding most of the SKUs ``missing`` (up to what is short of
    each), the first by name on a tie."""
    ledger = ctx.ledger
    scored = [(-sum(min(warehouse_units(ledger, sku, w, None), waiting - coming)
                    for sku, waiting, coming in missing), w) for w in serving]  # fmt: skip
    return min(scored)[1]


def _send(
    ctx: Context,
    sku: str,
    short: int,
    origins: Iterable[str],
    free: dict[tuple[str, str], int],
    sent: dict[str, dict[SkuId, int]],
) -> int:
    """Units of ``sku`` (bundles: whole sets, each component from any origin bin) sent
    toward ``short`` out of the ``free`` units of ``origins``' bins, recorded in ``sent``."""
    ledger = ctx.ledger
    leaves = ledger.catalog.leaves(sku)
    plans: list[list[tuple[str, SkuId, int]]] = []
    sets = short
    for leaf, per in leaves:
        need = short * per
        rows: list[tuple[str, SkuId, int]] = []
        ranked = sorted(origins, key=lambda w: (-ledger.rollup(leaf, w), w))
        for origin in ranked:
            for place in ledger.holding(leaf, origin):
                if not need:
                    break
                have = free.get((leaf, place), ledger.balance(leaf, place))
                take = min(have, need)
                if take > 0:
                    rows.append((place, leaf, take))
                    need -= take
        plans.append(rows)
        sets = min(sets, sum(n for _, _, n in rows) // per)
    if not sets:
        return 0
    for (leaf, per), rows in zip(leaves, plans, strict=True):
        need = sets * per  # only whole sets travel: the rest of the rows stays
        for place, _, take in rows:
            if not need:
                break
            take = min(take, need)
            need -= take
            free[(leaf, place)] = free.get((leaf, place), ledger.balance(leaf, place)) - take
            units = sent.setdefault(place, {})
            units[leaf] = units.get(leaf, 0) + take
    return sets


def _expected(
    ctx: Context, purchases: Purchases, order: Order, sku: str, at: datetime, waiting: int,
    serving: list[str],
) -> datetime | None:  # fmt: skip
    """The earliest ETA of an open purchase of ``sku`` (its components, for a bundle) at
    the ``serving`` warehouses by which the purchases due cover ``waiting`` units."""
    etas = sorted({line.eta for leaf, _ in ctx.ledger.catalog.leaves(sku) for w in serving
                   for _, line in purchases.incoming_lines(leaf, w)})  # fmt: skip
    for eta in etas:
        if ctx.due(order, sku, at, eta) >= waiting:
            return eta
    return None
