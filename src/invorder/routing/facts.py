"""What routing knows about a candidate location: its ATP per SKU, coordinates, zone,
capacity, channels, cutoffs and shipping cost table."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, time, tzinfo
from decimal import Decimal
from typing import Any

import attrs

from invorder.domain import _checks
from invorder.domain.errors import (
    InvalidFieldError,
    InvalidQuantityError,
    InvalidRoutingRequestError,
)
from invorder.domain.money import Money
from invorder.domain.orders.ids import ChannelId, OrderKind
from invorder.domain.orders.ship_to import Coordinates, ShippingMethod, ShipTo
from invorder.domain.stock.catalog import SkuId, sku_id
from invorder.domain.stock.location import LocationId, location_id
from invorder.routing._frozen import FrozenMap


@attrs.frozen
class ShippingRate:
    """One row of a location's shipping cost table.

    A row applies when its ``zone`` (if set) equals the ship-to zone and its ``method`` (if
    set) equals the order's method; the most specific matching row wins.
    """

    per_shipment: Money
    """Cost of one parcel or pallet from this location."""
    per_unit: Money | None = None
    """Extra cost for each unit shipped (same currency as ``per_shipment``)."""
    zone: str | None = None
    """The destination zone this row is for; ``None`` for any."""
    method: ShippingMethod | None = None
    """The shipping method this row is for; ``None`` for any."""

    def cost(self, units: int) -> Money:
        """The cost of one shipment of ``units`` units."""
        if self.per_unit is None:
            return self.per_shipment
        return self.per_shipment + self.per_unit.times(units)


def _atp(value: Mapping[Any, int] | Iterable[tuple[str, int]]) -> Mapping[SkuId, int]:
    result: dict[SkuId, int] = {}
    for sku, quantity in _checks.pairs("atp", value, "(SKU, units)"):
        if type(quantity) is not int or quantity < 0:
            raise InvalidQuantityError(f"atp[{sku!r}]", quantity, allow_zero=True)
        result[sku_id(sku)] = quantity
    return FrozenMap(dict(sorted(result.items())))


def _cutoffs(value: Mapping[ShippingMethod, time]) -> Mapping[ShippingMethod, time]:
    if not isinstance(value, dict) and not isinstance(value, Mapping):
        raise InvalidFieldError("cutoffs", value, "a mapping of ShippingMethod to datetime.time")
    for method, cutoff in value.items():
        if not isinstance(method, ShippingMethod) or not isinstance(cutoff, time):
            raise InvalidRoutingRequestError(
                "cutoffs map a ShippingMethod to a datetime.time",
                method=method,
                cutoff=cutoff,
            )
    return FrozenMap(dict(sorted(value.items(), key=lambda item: item[0].speed_rank)))


def _optional_count(instance: object, attribute: Any, value: Any) -> None:
    if value is not None:
        _checks.non_negative_quantity(instance, attribute, value)


def _channels(value: Iterable[str]) -> frozenset[ChannelId]:
    # One name alone is one channel; a generator is read once (it would be empty after
    # the checks).
    channels: tuple[str, ...] = (
        (value,)
        if isinstance(value, str)
        else _checks.items("channels", value, None, "channel ids")
    )
    for channel in channels:
        _checks.check_identifier("channels", channel)
    return frozenset(ChannelId(channel) for channel in channels)


def _kinds(value: Iterable[OrderKind]) -> frozenset[OrderKind]:
    given: tuple[OrderKind, ...] = _checks.items("kinds", value, None, "OrderKind values")
    kinds = frozenset(given)
    for kind in kinds:
        if not isinstance(kind, OrderKind):
            raise InvalidRoutingRequestError("kinds must be OrderKind values", value=kind)
    return kinds


def _utc() -> tzinfo:
    return UTC


def _rates(values: Iterable[ShippingRate]) -> tuple[ShippingRate, ...]:
    return _checks.items("shipping_rates", values, ShippingRate, "ShippingRate values")


@attrs.frozen
class LocationFacts:
    """A candidate location as routing sees it: its ATP per SKU and its facts.

    Invariants: ATP and capacities are non-negative whole units; ``used_today`` is at most
    ``daily_capacity`` when both are known. Empty ``channels`` / ``kinds`` mean "serves all".
    """

    location: LocationId = attrs.field(converter=location_id)
    """The location's path."""
    atp: Mapping[SkuId, int] = attrs.field(factory=dict, converter=_atp)
    """Available-to-promise per SKU (SKUs not listed have none)."""
    coordinates: Coordinates | None = None
    """Where it is, for great-circle distances."""
    zone: str | None = None
    """Its shipping zone, for zone tables."""
    daily_capacity: int | None = attrs.field(default=None, validator=_optional_count)
    """Units it can ship per day; ``None`` for unlimited."""
    used_today: int = attrs.field(default=0, validator=_checks.non_negative_quantity)
    """Units already planned for today."""
    shipments_left: int | None = attrs.field(default=None, validator=_optional_count)
    """Shipments it can still start today; ``None`` for unlimited."""
    shipping_rates: tuple[ShippingRate, ...] = attrs.field(default=(), converter=_rates)
    """Its shipping cost table."""
    channels: frozenset[ChannelId] = attrs.field(factory=frozenset, converter=_channels)
    """Channels it fulfils; empty for every channel."""
    kinds: frozenset[OrderKind] = attrs.field(factory=frozenset, converter=_kinds)
    """Order kinds it fulfils; empty for every kind."""
    cutoffs: Mapping[ShippingMethod, time] = attrs.field(factory=dict, converter=_cutoffs)
    """Carrier cutoff time of day per shipping method, in ``timezone``."""
    timezone: tzinfo = attrs.field(factory=_utc)
    """The time zone its cutoff times are in."""
    online: bool = True
    """False when it cannot ship at all (closed, outage)."""

    def __attrs_post_init__(self) -> None:
        if self.daily_capacity is not None and self.used_today > self.daily_capacity:
            raise InvalidRoutingRequestError(
                "used_today exceeds daily_capacity",
                location=self.location,
                used_today=self.used_today,
                daily_capacity=self.daily_capacity,
            )

    def with_atp(self, atp: Mapping[SkuId, int] | Mapping[str, int]) -> LocationFacts:
        """A copy with ``atp`` in place of the current ATP. The quantities are checked
        (whole, non-negative units) as the constructor checks them; the keys must be SKU ids
        (a key that is no SKU id matches no line) and the other facts, checked when this
        value was built, are shared rather than checked again."""
        for sku, quantity in atp.items():
            if type(quantity) is not int or quantity < 0:
                raise InvalidQuantityError(f"atp[{sku!r}]", quantity, allow_zero=True)
        return with_atp(self, FrozenMap({SkuId(sku): n for sku, n in sorted(atp.items())}))

    def atp_of(self, sku: str) -> int:
        """ATP of ``sku`` here (0 if not listed)."""
        return self.atp.get(SkuId(sku), 0)

    @property
    def capacity_left(self) -> int | None:
        """Units it can still ship today, or ``None`` for unlimited."""
        if not self.online:
            return 0
        if self.daily_capacity is None:
            return None
        return self.daily_capacity - self.used_today

    @property
    def load(self) -> Decimal:
        """Share of today's capacity already used, from 0 to 1 (0 when unlimited)."""
        if not self.daily_capacity:
            return Decimal(0) if self.daily_capacity is None else Decimal(1)
        return Decimal(self.used_today) / Decimal(self.daily_capacity)

    def shipping_cost(self, ship_to: ShipTo, method: ShippingMethod, units: int) -> Money | None:
        """Cost of one shipment of ``units`` to ``ship_to`` by ``method``, or ``None`` if the
        table has no matching row. The most specific row (zone and method) wins."""
        chosen = self._shipping_rate(ship_to, method)
        return None if chosen is None else chosen.cost(units)

    def _shipping_rate(self, ship_to: ShipTo, method: ShippingMethod) -> ShippingRate | None:
        """The most specific matching row of the cost table, or ``None``."""
        best: tuple[int, int] | None = None
        chosen: ShippingRate | None = None
        for index, rate in enumerate(self.shipping_rates):
            if rate.zone is not None and rate.zone != ship_to.zone:
                continue
            if rate.method is not None and rate.method != method:
                continue
            specificity = (rate.zone is not None) * 2 + (rate.method is not None)
            key = (-specificity, index)
            if best is None or key < best:
                best, chosen = key, rate
        return chosen


_set = object.__setattr__


def with_atp(facts: LocationFacts, atp: Mapping[SkuId, int]) -> LocationFacts:
    """A copy of the checked ``facts`` with ``atp`` (already checked) in place of its ATP:
    the other facts are shared, not checked again. Every field is written out (a loop over
    the field names costs several times more per copy); a unit test keeps this list equal
    to the class's fields."""
    copy = object.__new__(LocationFacts)
    _set(copy, "location", facts.location)
    _set(copy, "atp", atp)
    _set(copy, "coordinates", facts.coordinates)
    _set(copy, "zone", facts.zone)
    _set(copy, "daily_capacity", facts.daily_capacity)
    _set(copy, "used_today", facts.used_today)
    _set(copy, "shipments_left", facts.shipments_left)
    _set(copy, "shipping_rates", facts.shipping_rates)
    _set(copy, "channels", facts.channels)
    _set(copy, "kinds", facts.kinds)
    _set(copy, "cutoffs", facts.cutoffs)
    _set(copy, "timezone", facts.timezone)
    _set(copy, "online", facts.online)
    return copy
