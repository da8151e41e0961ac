"""Availability queries: ATP at a location, by a date and per channel, stock positions and
stock-out risk, channels, and the sets published to channels (whole, or what changed).

Every ATP question takes the time ``at``: reservations lapsed by then count as expired.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from invorder.domain import _checks
from invorder.domain._checks import check_aware
from invorder.domain.availability import atp as _atp
from invorder.domain.availability.atp import ChannelAtpExplanation, StockOutRisk, StockPosition
from invorder.domain.availability.channel import Channel, PublishedSet
from invorder.domain.availability.channel import publish_diff as _publish_diff
from invorder.domain.availability.touched import lapsed_between, touch, with_bundles
from invorder.domain.errors import InvalidFieldError, NotFoundError
from invorder.domain.model import State
from invorder.domain.stock.movement import Bucket
from invorder.engine.views.stock import check_location
from invorder.ports import EventStore

_AVAILABLE = Bucket.AVAILABLE


def atp(state: State, sku: str, location: str, at: datetime) -> int:
    """Available to promise of ``sku`` over ``location``'s subtree."""
    check_aware("at", at)
    if type(sku) is not str or type(location) is not str:
        _checks.lookups(sku=sku, location=location)
    check_location(state, location)
    return _atp.location_atp(state.ledger, state.reservations, sku, location, at)


def atp_many(
    state: State, skus: Iterable[str], locations: Iterable[str], at: datetime
) -> dict[str, dict[str, int]]:
    """ATP of each SKU over each location subtree, ``{sku: {location: atp}}``."""
    check_aware("at", at)
    places = _checks.items("locations", locations, str, "location paths")
    for location in places:
        check_location(state, location)
    ledger, reservations = state.ledger, state.reservations
    rollup = ledger.rollup
    found: dict[str, dict[str, int]] = {}
    for sku in _checks.items("skus", skus, str, "SKU codes"):
        leaves = ledger.catalog.leaves(sku)  # refuses an unknown SKU
        if len(leaves) == 1 and leaves[0][1] == 1 and not reservations.may_lapse(leaves[0][0]):
            # A stocked SKU no hold of which may lapse: ATP is the available roll-up.
            leaf = leaves[0][0]
            found[sku] = {place: rollup(leaf, place, _AVAILABLE) for place in places}
        else:
            found[sku] = {place: _atp.location_atp(ledger, reservations, sku, place, at)
                          for place in places}  # fmt: skip
    return found


def atp_by_date(state: State, sku: str, location: str, by: datetime, at: datetime) -> int:
    """ATP at ``at`` plus unclaimed incoming due by ``by``."""
    check_aware("at", at)
    check_aware("by", by)
    _checks.lookups(sku=sku, location=location)
    check_location(state, location)
    return _atp.atp_by_date(
        state.ledger, state.reservations, state.purchases, sku, location, by, at
    )


def stock_position(state: State, sku: str, at: datetime, location: str | None) -> StockPosition:
    """On hand, every bucket, incoming by ETA, ATP and ATP per channel for ``sku``."""
    check_aware("at", at)
    _checks.lookup("sku", sku)
    if location is not None:
        _checks.lookup("location", location)
    return _atp.stock_position(
        state.ledger, state.reservations, state.purchases, state.channels, sku, location, at
    )


def stock_out_risk(
    state: State,
    at: datetime,
    location: str | None,
    threshold: int,
    demand: Mapping[str, int] | None,
    horizon: datetime | None,
) -> list[StockOutRisk]:
    """SKUs whose ATP is below ``threshold`` or below ``demand`` by ``horizon``."""
    check_aware("at", at)
    if horizon is not None:
        check_aware("horizon", horizon)
    check_location(state, location)
    if type(threshold) is not int or threshold < 0:
        raise InvalidFieldError("threshold", threshold, "a whole number of units >= 0")
    if demand is not None:
        demand = dict(_checks.pairs("demand", demand, "(SKU, units)"))
        for sku, units in demand.items():
            _checks.lookup("demand", sku)
            if type(units) is not int or units < 0:
                raise InvalidFieldError(f"demand[{sku!r}]", units, "a whole number of units >= 0")
    return _atp.stock_out_risk(
        state.ledger, state.reservations, state.purchases, at,
        location=location, threshold=threshold, demand=demand, horizon=horizon,
    )  # fmt: skip


def channel(state: State, channel: str) -> Channel | None:
    """The channel's current policy, or ``None``."""
    return state.channels.get(_checks.lookup("channel", channel))


def channels(state: State) -> list[Channel]:
    """Every channel, in the order first defined."""
    return list(state.channels)


def defined_channel(state: State, channel: str) -> Channel:
    """The channel's current policy; raises :class:`~invorder.errors.NotFoundError` if unknown."""
    if type(channel) is not str:
        _checks.lookup("channel", channel)
    found = state.channels.get(channel)
    if found is None:
        raise NotFoundError("channel", channel)
    return found


def channel_atp(state: State, channel: str, sku: str, at: datetime) -> int:
    """What ``channel`` may sell of ``sku`` at ``at``."""
    check_aware("at", at)
    if type(sku) is not str:
        _checks.lookup("sku", sku)
    return _atp.channel_atp(
        state.ledger, state.reservations, state.purchases, defined_channel(state, channel), sku, at
    )


def channel_atp_all(state: State, channel: str, at: datetime) -> dict[str, int]:
    """Channel ATP of every SKU in the catalog."""
    check_aware("at", at)
    return _atp.channel_atp_all(
        state.ledger, state.reservations, state.purchases, defined_channel(state, channel), at
    )


def explain_channel_atp(
    state: State, channel: str, sku: str, at: datetime
) -> ChannelAtpExplanation:
    """The channel ATP of ``sku`` with the location figures, safety stock and caps."""
    check_aware("at", at)
    _checks.lookup("sku", sku)
    return _atp.explain_channel_atp(
        state.ledger, state.reservations, state.purchases, defined_channel(state, channel), sku, at
    )


def publish(state: State, position: int, channel: str, at: datetime) -> PublishedSet:
    """The whole set to publish to ``channel`` at ``at``, stamped with ``position``."""
    return PublishedSet(channel, position, at, channel_atp_all(state, channel, at))


def publish_diff(
    state: State,
    store: EventStore,
    position: int,
    channel: str,
    at: datetime,
    previous: PublishedSet | Mapping[str, int],
) -> dict[str, int]:
    """The SKUs whose channel ATP at ``at`` differs from ``previous``, with the new figure;
    from a :class:`PublishedSet`, only the SKUs touched since it are recomputed."""
    check_aware("at", at)
    target = defined_channel(state, channel)
    if not isinstance(previous, PublishedSet | Mapping):
        raise InvalidFieldError("previous", previous, "a PublishedSet or a mapping of SKU to units")
    if not isinstance(previous, PublishedSet):
        return _publish_diff(previous, channel_atp_all(state, channel, at))
    candidates = touched_since(state, store, position, previous, channel, at)
    if candidates is None:
        return _publish_diff(previous.quantities, channel_atp_all(state, channel, at))
    current = _atp.channel_atp_all(
        state.ledger, state.reservations, state.purchases, target, at, sorted(candidates)
    )
    old = previous.quantities
    return {sku: qty for sku, qty in current.items() if old.get(sku) != qty}


def touched_since(
    state: State,
    store: EventStore,
    position: int,
    previous: PublishedSet,
    channel: str,
    at: datetime,
) -> set[str] | None:
    """The SKUs whose channel ATP may differ from ``previous`` (bundles over them
    included), or ``None`` if every SKU must be recomputed."""
    if previous.channel != channel or previous.position > position or at < previous.at:
        return None
    reservations = state.reservations
    touched: set[str] = set()
    for event in store.read(previous.position, position):
        if not touch(event, reservations, touched):
            return None
    lapsed_between(reservations, previous.at, at, touched)
    return with_bundles(state.ledger.catalog, touched)
