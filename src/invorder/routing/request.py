"""What a routing rule sees: the order, its lines, the candidate locations with their ATP and
facts, and the current time. Built by the host (or the order lifecycle) from a snapshot."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, time, tzinfo
from decimal import Decimal
from typing import Any

import attrs

from invorder.domain import _checks, _fast
from invorder.domain.errors import InvalidQuantityError, InvalidRoutingRequestError
from invorder.domain.money import Money
from invorder.domain.orders.ids import ChannelId, CustomerId, LineId, OrderId, OrderKind
from invorder.domain.orders.ship_to import Coordinates, ShippingMethod, ShipTo
from invorder.domain.stock.catalog import SkuId, sku_id
from invorder.domain.stock.location import LocationId, location_id
from invorder.routing._frozen import FrozenMap


def _optional_aware(instance: object, attribute: Any, value: Any) -> None:
    if value is not None:
        _checks.check_aware(attribute.name, value)


def _instance_of(kind: type | tuple[type, ...], field: str) -> Any:
    def check(instance: object, attribute: Any, value: Any) -> None:
        bad_bool = isinstance(value, bool) and kind is int
        if bad_bool or not isinstance(value, kind):
            raise InvalidRoutingRequestError(
                f"{field} must be {getattr(kind, '__name__', kind)}, got {value!r}",
                field=field,
                value=value,
            )

    return check


def _order_id(value: str) -> OrderId:
    _checks.check_identifier("order_id", value)
    return OrderId(value)


def _channel(value: str) -> ChannelId:
    _checks.check_identifier("channel", value)
    return ChannelId(value)


def _customer(value: str) -> CustomerId:
    _checks.check_identifier("customer_id", value)
    return CustomerId(value)


def _line(value: str) -> LineId:
    _checks.check_identifier("line_id", value)
    return LineId(value)


def _mapping(value: Mapping[str, str]) -> dict[str, str]:
    return dict(value)


@attrs.frozen
class OrderView:
    """The facts about an order that routing needs; the order lifecycle builds it.

    Invariants: ids are non-empty; ``placed_at`` and ``ship_by`` are aware datetimes.
    """

    order_id: OrderId = attrs.field(converter=_order_id)
    """The order's id."""
    channel: ChannelId = attrs.field(converter=_channel)
    """The sales channel it came from."""
    kind: OrderKind = attrs.field(validator=_instance_of(OrderKind, "kind"))
    """DTC, marketplace or wholesale."""
    placed_at: datetime = attrs.field(validator=_checks.aware_datetime)
    """When the customer placed it (its age orders waves)."""
    customer_id: CustomerId = attrs.field(default=CustomerId("anonymous"), converter=_customer)
    """Who placed it."""
    customer_tier: str = attrs.field(default="standard", validator=_checks.identifier)
    """The customer's tier (``"standard"``, ``"gold"``, ...), for conditions."""
    ship_to: ShipTo = attrs.field(factory=ShipTo, validator=_instance_of(ShipTo, "ship_to"))
    """Where it goes."""
    shipping_method: ShippingMethod = attrs.field(
        default=ShippingMethod.STANDARD, validator=_instance_of(ShippingMethod, "shipping_method")
    )
    """How fast it must travel."""
    ship_by: datetime | None = attrs.field(default=None, validator=_optional_aware)
    """The latest time it must leave a location, if promised."""
    priority: int = attrs.field(default=0, validator=_instance_of(int, "priority"))
    """Host priority; higher goes first in waves (0 unless the host sets it)."""
    value: Money | None = attrs.field(
        default=None, validator=attrs.validators.optional(_instance_of(Money, "value"))
    )
    """The order's value, for conditions."""
    ship_complete: bool = attrs.field(default=False, validator=_instance_of(bool, "ship_complete"))
    """The customer asked for one shipment; conditions may pick a ship-complete pipeline."""
    attributes: Mapping[str, str] = attrs.field(factory=dict, converter=_mapping, hash=False)
    """The host's data about the order (``CaptureOrder.attributes``: tags, a segment...),
    by name, for rules and conditions to read instead of keeping their own table."""


@attrs.frozen
class RequestLine:
    """One order line to route: a SKU and a positive quantity."""

    line_id: LineId = attrs.field(converter=_line)
    """The line's id, unique within the order."""
    sku: SkuId = attrs.field(converter=sku_id)
    """The SKU ordered."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """Units still to route (positive)."""


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
    pairs = value.items() if isinstance(value, Mapping) else value
    result: dict[SkuId, int] = {}
    for sku, quantity in pairs:
        if type(quantity) is not int or quantity < 0:
            raise InvalidQuantityError(f"atp[{sku!r}]", quantity, allow_zero=True)
        result[sku_id(sku)] = quantity
    return FrozenMap(dict(sorted(result.items())))


def _cutoffs(value: Mapping[ShippingMethod, time]) -> Mapping[ShippingMethod, time]:
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
    if isinstance(value, str):
        value = (value,)
    for channel in value:
        _checks.check_identifier("channels", channel)
    return frozenset(ChannelId(channel) for channel in value)


def _kinds(value: Iterable[OrderKind]) -> frozenset[OrderKind]:
    kinds = frozenset(value)
    for kind in kinds:
        if not isinstance(kind, OrderKind):
            raise InvalidRoutingRequestError("kinds must be OrderKind values", value=kind)
    return kinds


def _utc() -> tzinfo:
    return UTC


def _rates(values: Iterable[ShippingRate]) -> tuple[ShippingRate, ...]:
    return tuple(values)


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
        return _fast.replace(self, atp=FrozenMap(dict(sorted(atp.items()))))

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


def _lines(value: Iterable[RequestLine]) -> tuple[RequestLine, ...]:
    lines = tuple(value)
    if not lines:
        raise InvalidRoutingRequestError("an order needs at least one line to route")
    seen: set[str] = set()
    for line in lines:
        if not isinstance(line, RequestLine):
            raise InvalidRoutingRequestError("lines must be RequestLine values", value=line)
        if line.line_id in seen:
            raise InvalidRoutingRequestError(
                f"line id {line.line_id!r} appears twice", line_id=line.line_id
            )
        seen.add(line.line_id)
    return lines


def _locations(value: Iterable[LocationFacts]) -> tuple[LocationFacts, ...]:
    locations = tuple(value)
    seen: set[str] = set()
    for facts in locations:
        if not isinstance(facts, LocationFacts):
            raise InvalidRoutingRequestError("locations must be LocationFacts values", value=facts)
        if facts.location in seen:
            raise InvalidRoutingRequestError(
                f"location {facts.location!r} is listed twice", location=facts.location
            )
        seen.add(facts.location)
    return tuple(sorted(locations, key=lambda facts: facts.location))


@attrs.frozen
class RoutingRequest:
    """Everything a routing rule may look at: one order, its lines, its candidate
    locations (sorted by location id, the tie-break order) and the current time.

    Invariants: at least one line; line ids and locations are unique; ``now`` is aware.
    """

    order: OrderView = attrs.field(validator=_instance_of(OrderView, "order"))
    """The order being routed."""
    lines: tuple[RequestLine, ...] = attrs.field(converter=_lines)
    """Its lines, in order."""
    locations: tuple[LocationFacts, ...] = attrs.field(converter=_locations)
    """The candidate locations, sorted by location id."""
    now: datetime = attrs.field(validator=_checks.aware_datetime)
    """The current time, given by the host (the core has no clock)."""
    _memo: dict[Any, Any] = attrs.field(init=False, factory=dict, repr=False, eq=False, hash=False)
    """Per-request cache of values derived from the fields (SKUs, demand, local times)."""

    def location(self, location: str) -> LocationFacts:
        """The facts of one candidate location."""
        for facts in self.locations:
            if facts.location == location:
                return facts
        raise InvalidRoutingRequestError(
            f"location {location!r} is not a candidate", location=location
        )

    @property
    def skus(self) -> tuple[SkuId, ...]:
        """The distinct SKUs ordered, in first-line order."""
        skus: tuple[SkuId, ...] | None = self._memo.get("skus")
        if skus is None:
            skus = self._memo["skus"] = tuple(dict.fromkeys(line.sku for line in self.lines))
        return skus

    def demand(self) -> dict[SkuId, int]:
        """Units requested per SKU over all lines (a new dict each call)."""
        return dict(self._demand())

    def _demand(self) -> dict[SkuId, int]:
        """The shared per-request demand dict: read it, never change it."""
        totals: dict[SkuId, int] | None = self._memo.get("demand")
        if totals is None:
            totals = {}
            for line in self.lines:
                totals[line.sku] = totals.get(line.sku, 0) + line.quantity
            self._memo["demand"] = totals
        return totals

    def _local_time(self, zone: tzinfo) -> time:
        """``now`` as a naive time of day in ``zone`` (cached per zone for this request)."""
        key = ("local", zone)
        local: time | None = self._memo.get(key)
        if local is None:
            local = self.now.astimezone(zone).time().replace(tzinfo=None)
            self._memo[key] = local
        return local
