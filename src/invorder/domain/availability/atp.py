"""Available-to-promise: by location subtree, by date, per channel; stock position and
stock-out risk. Pure functions over the projections; ATP is derived, never stored.

ATP of a stocked SKU at a location subtree at time ``at`` is its ``available`` units plus
the units held by reservations that lapsed at or before ``at`` (not yet swept, no longer
promised). It is never negative. A bundle's ATP is the minimum over its (flattened)
components of ``floor(component ATP / units per bundle)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

import attrs

from invorder.domain.availability.channel import Channel
from invorder.domain.errors import NotFoundError, UnknownSkuError
from invorder.domain.purchasing.purchase import Purchases
from invorder.domain.reservations.reservation import Reservations
from invorder.domain.stock.catalog import SkuId
from invorder.domain.stock.ledger import Ledger
from invorder.domain.stock.location import LocationId
from invorder.domain.stock.movement import Bucket

_AVAILABLE = Bucket.AVAILABLE


def location_atp(
    ledger: Ledger, reservations: Reservations, sku: str, location: str, at: datetime
) -> int:
    """ATP of ``sku`` (stocked or bundle) over ``location``'s subtree at ``at``."""
    leaves = ledger.catalog.leaves(sku)
    rollup = ledger.rollup
    lapsed = reservations.lapsed_units
    if len(leaves) == 1 and leaves[0][1] == 1:
        leaf = leaves[0][0]
        return rollup(leaf, location, _AVAILABLE) + lapsed(leaf, location, at)
    return min(
        (rollup(leaf, location, _AVAILABLE) + lapsed(leaf, location, at)) // per
        for leaf, per in leaves
    )


def free_incoming(
    ledger: Ledger,
    reservations: Reservations,
    purchases: Purchases,
    sku: str,
    location: str,
    at: datetime,
    by: datetime | None = None,
) -> int:
    """Incoming units of ``sku`` due in ``location``'s subtree (with ETA at or before
    ``by``, if given) that no unlapsed pre-order has claimed. Bundles: from components."""
    leaves = ledger.catalog.leaves(sku)
    totals = []
    for leaf, per in leaves:
        total = 0
        for order, line in purchases.incoming_lines(leaf, location):
            if by is not None and line.eta > by:
                continue
            promised = sum(
                r.incoming
                for r in reservations.preorders(order.purchase_order, leaf)
                if not r.lapsed(at)
            )
            total += line.outstanding - promised
        totals.append(total // per)
    return min(totals)


def atp_by_date(
    ledger: Ledger,
    reservations: Reservations,
    purchases: Purchases,
    sku: str,
    location: str,
    by: datetime,
    at: datetime,
) -> int:
    """What will be available to promise in ``location``'s subtree by ``by``: ATP now plus
    unclaimed incoming units whose ETA is at or before ``by``.

    For a bundle, each component's figure is projected first, then the minimum is taken.
    """
    leaves = ledger.catalog.leaves(sku)
    return min(
        (
            location_atp(ledger, reservations, leaf, location, at)
            + free_incoming(ledger, reservations, purchases, leaf, location, at, by)
        )
        // per
        for leaf, per in leaves
    )


@attrs.frozen(kw_only=True)
class ChannelAtpExplanation:
    """How a channel's ATP for one SKU was built, step by step."""

    channel: str
    """The channel."""
    sku: SkuId
    """The SKU."""
    locations: tuple[tuple[LocationId, int], ...]
    """ATP of each feeding location."""
    incoming: int
    """Unclaimed incoming units counted (0 unless the channel sells incoming)."""
    pool: int
    """Locations plus incoming."""
    safety_stock: int
    """Safety stock applied."""
    after_safety: int
    """``max(0, pool - safety_stock)``."""
    share_percent: int
    """Share applied, percent."""
    after_share: int
    """``after_safety * share_percent // 100``."""
    share_max: int | None
    """Maximum units applied, or ``None``."""
    atp: int
    """The channel ATP: ``after_share`` capped at ``share_max``."""


def _pool(
    ledger: Ledger,
    reservations: Reservations,
    purchases: Purchases,
    channel: Channel,
    sku: str,
    at: datetime,
) -> tuple[list[tuple[LocationId, int]], int]:
    figures = [
        (location, location_atp(ledger, reservations, sku, location, at))
        for location in channel.locations
    ]
    incoming = 0
    if channel.sell_incoming:
        incoming = sum(
            free_incoming(ledger, reservations, purchases, sku, location, at)
            for location in channel.locations
        )
    return figures, incoming


def explain_channel_atp(
    ledger: Ledger,
    reservations: Reservations,
    purchases: Purchases,
    channel: Channel,
    sku: str,
    at: datetime,
) -> ChannelAtpExplanation:
    """The channel ATP of ``sku`` with every figure it was built from."""
    figures, incoming = _pool(ledger, reservations, purchases, channel, sku, at)
    pool = sum(quantity for _location, quantity in figures) + incoming
    safety = channel.safety_for(sku)
    after_safety = max(0, pool - safety)
    after_share, atp = channel.cap(after_safety)
    return ChannelAtpExplanation(
        channel=channel.channel,
        sku=SkuId(sku),
        locations=tuple(figures),
        incoming=incoming,
        pool=pool,
        safety_stock=safety,
        after_safety=after_safety,
        share_percent=channel.share_percent,
        after_share=after_share,
        share_max=channel.share_max,
        atp=atp,
    )


def channel_atp(
    ledger: Ledger,
    reservations: Reservations,
    purchases: Purchases,
    channel: Channel,
    sku: str,
    at: datetime,
) -> int:
    """What ``channel`` may sell of ``sku`` at ``at`` under its policy (never negative)."""
    return channel.sellable(sku, channel_pool(ledger, reservations, purchases, channel, sku, at))


def channel_pool(
    ledger: Ledger,
    reservations: Reservations,
    purchases: Purchases,
    channel: Channel,
    sku: str,
    at: datetime,
) -> int:
    """The units of ``sku`` the channel's policy is applied to at ``at``: the ATP of its
    feeding locations, and their unclaimed incoming units if it sells incoming (channels
    with the same locations and ``sell_incoming`` have the same pool)."""
    leaves = ledger.catalog.leaves(sku)
    if len(leaves) == 1 and leaves[0][1] == 1 and not channel.sell_incoming:
        # The hot path: a stocked SKU, only shelf stock. Same result as the general case.
        leaf = leaves[0][0]
        pool = ledger.rollup_sum(leaf, channel.locations, _AVAILABLE)
        if reservations.may_lapse(leaf):
            lapsed = reservations.lapsed_units
            for location in channel.locations:
                pool += lapsed(leaf, location, at)
        return pool
    figures, incoming = _pool(ledger, reservations, purchases, channel, sku, at)
    return sum(quantity for _location, quantity in figures) + incoming


def channel_atp_all(
    ledger: Ledger,
    reservations: Reservations,
    purchases: Purchases,
    channel: Channel,
    at: datetime,
    skus: Iterable[str] | None = None,
) -> dict[str, int]:
    """Channel ATP of every SKU in the catalog (or of ``skus``), in catalog order."""
    codes: list[str] = [sku.code for sku in ledger.catalog] if skus is None else list(skus)
    return {code: channel_atp(ledger, reservations, purchases, channel, code, at) for code in codes}


@attrs.frozen(kw_only=True)
class StockPosition:
    """Everything about one SKU at one location subtree (or everywhere) at once."""

    sku: SkuId
    """The SKU."""
    location: LocationId | None
    """The subtree, or ``None`` for every warehouse."""
    at: datetime
    """The time the figures are for."""
    on_hand: int
    """Physical units: available + reserved + damaged + quality control."""
    available: int
    """Units in the ``available`` bucket."""
    reserved: int
    """Units held for open reservations (committed to open orders)."""
    damaged: int
    """Damaged units."""
    quality_control: int
    """Units in quarantine."""
    incoming: int
    """Units expected on open purchase orders."""
    incoming_by_eta: tuple[tuple[datetime, int], ...]
    """Outstanding incoming units by ETA, earliest first."""
    in_transit: int
    """Units in transit towards the locations."""
    atp: int
    """Available to promise now."""
    channels: tuple[tuple[str, int], ...]
    """ATP per channel, sorted by channel."""


def stock_position(
    ledger: Ledger,
    reservations: Reservations,
    purchases: Purchases,
    channels: Iterable[Channel],
    sku: str,
    location: str | None,
    at: datetime,
) -> StockPosition:
    """The stock position of a stocked ``sku`` at ``location`` (``None``: everywhere)."""
    if sku not in ledger.catalog:
        raise UnknownSkuError(sku)
    if location is not None and not ledger.has_location(location):
        raise NotFoundError("location", location)
    roots = [location] if location is not None else _warehouses(ledger)

    def total(bucket: Bucket) -> int:
        return sum(ledger.rollup(sku, root, bucket) for root in roots)

    by_eta: dict[datetime, int] = {}
    for root in roots:
        for _order, line in purchases.incoming_lines(sku, root):
            by_eta[line.eta] = by_eta.get(line.eta, 0) + line.outstanding
    physical = {b: total(b) for b in (Bucket.AVAILABLE, Bucket.RESERVED, Bucket.DAMAGED,
                                      Bucket.QUALITY_CONTROL)}  # fmt: skip
    atp = sum(location_atp(ledger, reservations, sku, root, at) for root in roots)
    return StockPosition(
        sku=SkuId(sku),
        location=LocationId(location) if location is not None else None,
        at=at,
        on_hand=sum(physical.values()),
        available=physical[Bucket.AVAILABLE],
        reserved=physical[Bucket.RESERVED],
        damaged=physical[Bucket.DAMAGED],
        quality_control=physical[Bucket.QUALITY_CONTROL],
        incoming=total(Bucket.INCOMING),
        incoming_by_eta=tuple(sorted(by_eta.items())),
        in_transit=total(Bucket.IN_TRANSIT),
        atp=atp,
        channels=tuple(
            sorted(
                (c.channel, channel_atp(ledger, reservations, purchases, c, sku, at))
                for c in channels
            )
        ),
    )


def _warehouses(ledger: Ledger) -> list[str]:
    return sorted(path for path in ledger.locations if "/" not in path)


@attrs.frozen(kw_only=True)
class StockOutRisk:
    """A SKU at risk of running out, with the figures that put it there."""

    sku: SkuId
    """The SKU."""
    atp: int
    """ATP now."""
    projected: int
    """ATP projected to the horizon (incoming by then added), or ``atp`` with no horizon."""
    demand: int | None
    """The demand given for the horizon, if any."""
    reason: str
    """``below_threshold`` or ``below_demand``."""


def stock_out_risk(
    ledger: Ledger,
    reservations: Reservations,
    purchases: Purchases,
    at: datetime,
    *,
    location: str | None = None,
    threshold: int = 1,
    demand: Mapping[str, int] | None = None,
    horizon: datetime | None = None,
) -> list[StockOutRisk]:
    """SKUs whose ATP now is below ``threshold``, or whose ATP projected to ``horizon``
    (incoming stock due by then included) is below their ``demand`` over the horizon.

    ``location`` limits the question to a subtree (default: every warehouse). SKUs come in
    catalog order.
    """
    roots = [location] if location is not None else _warehouses(ledger)
    demand = demand or {}
    risks = []
    for sku in ledger.catalog:
        code = sku.code
        atp = sum(location_atp(ledger, reservations, code, root, at) for root in roots)
        projected = atp
        if horizon is not None:
            projected = sum(
                atp_by_date(ledger, reservations, purchases, code, root, horizon, at)
                for root in roots
            )
        wanted = demand.get(code)
        if wanted is not None and projected < wanted:
            risks.append(StockOutRisk(sku=code, atp=atp, projected=projected, demand=wanted,
                                      reason="below_demand"))  # fmt: skip
        elif atp < threshold:
            risks.append(StockOutRisk(sku=code, atp=atp, projected=projected, demand=wanted,
                                      reason="below_threshold"))  # fmt: skip
    return risks
