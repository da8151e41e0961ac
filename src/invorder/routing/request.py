"""What a routing rule sees: the order, its lines, the candidate locations with their ATP and
facts, and the current time. Built by the host (or the order lifecycle) from a snapshot."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, time, tzinfo
from typing import Any

import attrs

from invorder.domain import _checks
from invorder.domain.errors import InvalidRoutingRequestError
from invorder.domain.money import Money
from invorder.domain.orders.ids import ChannelId, CustomerId, LineId, OrderId, OrderKind
from invorder.domain.orders.ship_to import ShippingMethod, ShipTo
from invorder.domain.stock.catalog import SkuId, sku_id
from invorder.domain.stock.location import LocationId
from invorder.routing._candidates import Candidates
from invorder.routing.facts import LocationFacts, ShippingRate

__all__ = ["LocationFacts", "OrderView", "RequestLine", "RoutingRequest", "ShippingRate"]


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
    return dict(_checks.pairs("attributes", value, "(name, value)"))


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


_set = object.__setattr__


def trusted_line(line_id: LineId, sku: SkuId, quantity: int) -> RequestLine:
    """A :class:`RequestLine` from values the engine checked when the order was captured
    (ids and a positive quantity): nothing is checked again."""
    line = object.__new__(RequestLine)
    _set(line, "line_id", line_id)
    _set(line, "sku", sku)
    _set(line, "quantity", quantity)
    return line


def _lines(value: Iterable[RequestLine]) -> tuple[RequestLine, ...]:
    lines: tuple[RequestLine, ...] = _checks.items("lines", value, None, "RequestLine values")
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


def _locations(
    value: Iterable[LocationFacts] | Candidates,
) -> tuple[LocationFacts, ...] | Candidates:
    if isinstance(value, Candidates):
        return value
    locations: tuple[LocationFacts, ...] = _checks.items(
        "locations", value, None, "LocationFacts values"
    )
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


def _repr_request(request: RoutingRequest) -> str:
    return (
        f"RoutingRequest(order={request.order!r}, lines={request.lines!r}, "
        f"locations={request.locations!r}, now={request.now!r})"
    )


@attrs.frozen(repr=False)
class RoutingRequest:
    """Everything a routing rule may look at: one order, its lines, its candidate
    locations (sorted by location id, the tie-break order) and the current time.

    Invariants: at least one line; line ids and locations are unique; ``now`` is aware.
    A request the engine builds makes each candidate's facts when a rule first reads them
    (``locations``, :meth:`location`); the values read are those an eager build gives.
    """

    order: OrderView = attrs.field(validator=_instance_of(OrderView, "order"))
    """The order being routed."""
    lines: tuple[RequestLine, ...] = attrs.field(converter=_lines)
    """Its lines, in order."""
    _locations: tuple[LocationFacts, ...] | Candidates = attrs.field(
        alias="locations", converter=_locations
    )
    """The candidate locations (a tuple, or the engine's lazily built candidates)."""
    now: datetime = attrs.field(validator=_checks.aware_datetime)
    """The current time, given by the host (the core has no clock)."""
    _memo: dict[Any, Any] = attrs.field(init=False, factory=dict, repr=False, eq=False, hash=False)
    """Per-request cache of values derived from the fields (SKUs, demand, local times)."""

    __repr__ = _repr_request

    @property
    def locations(self) -> tuple[LocationFacts, ...]:
        """The candidate locations, sorted by location id."""
        given = self._locations
        return given.all() if isinstance(given, Candidates) else given

    def _location_ids(self) -> tuple[LocationId, ...]:
        """The candidates' ids, by location id, without building any facts."""
        given = self._locations
        if isinstance(given, Candidates):
            return given.ids
        return tuple(facts.location for facts in given)

    def _distances(self) -> dict[Any, Any]:
        """Where the trigonometry of locations' coordinates is cached: shared by the
        engine's requests, else this request's own."""
        given = self._locations
        return given.distances if isinstance(given, Candidates) else self._memo

    def location(self, location: str) -> LocationFacts:
        """The facts of one candidate location."""
        given = self._locations
        if isinstance(given, Candidates):
            if location in given._supply:
                return given.facts(LocationId(location))
            given = ()
        for facts in given:
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
