"""Built-in filters: serves the channel and order kind, online, has capacity, before the
carrier cutoff, within a distance, has stock; and a wrapper for host predicates."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs

from invorder.domain.errors import InvalidRoutingRuleError
from invorder.routing import _rule_fields as _f
from invorder.routing.request import LocationFacts, RoutingRequest


@attrs.frozen
class ServesOrder:
    """Keeps locations that serve the order's channel and kind (empty sets serve all)."""

    name: str = attrs.field(default="serves_order", validator=_f.name)

    def __call__(self, request: RoutingRequest, location: LocationFacts) -> str | None:
        """Exclusion reason or ``None``."""
        order = request.order
        if location.channels and order.channel not in location.channels:
            return f"does not serve channel {order.channel}"
        if location.kinds and order.kind not in location.kinds:
            return f"does not serve {order.kind.value} orders"
        return None


@attrs.frozen
class IsOnline:
    """Keeps locations that are online."""

    name: str = attrs.field(default="online", validator=_f.name)

    def __call__(self, request: RoutingRequest, location: LocationFacts) -> str | None:
        """Exclusion reason or ``None``."""
        return None if location.online else "offline"


_MIN_UNITS = "has_capacity needs min_units >= 1 (a whole number)"


@attrs.frozen
class HasCapacity:
    """Keeps online locations with at least ``min_units`` of capacity and a shipment left."""

    min_units: int = attrs.field(default=1, validator=_f.whole(1, _MIN_UNITS))
    name: str = attrs.field(default="has_capacity", validator=_f.name)

    def __call__(self, request: RoutingRequest, location: LocationFacts) -> str | None:
        """Exclusion reason or ``None``."""
        left = location.capacity_left
        if left is not None and left < self.min_units:
            return f"capacity left today {left} < {self.min_units}"
        if location.shipments_left == 0:
            return "no shipments left today"
        return None


@attrs.frozen
class BeforeCutoff:
    """Keeps locations whose carrier cutoff for the order's method is still ahead today.

    The cutoff is a time of day in the location's time zone; ``now`` is converted to it.
    A location with no cutoff for the method has no cutoff (it is kept).
    """

    name: str = attrs.field(default="before_cutoff", validator=_f.name)

    def __call__(self, request: RoutingRequest, location: LocationFacts) -> str | None:
        """Exclusion reason or ``None``."""
        method = request.order.shipping_method
        cutoff = location.cutoffs.get(method)
        if cutoff is None:
            return None
        local = request._local_time(location.timezone)
        if local >= (cutoff if cutoff.tzinfo is None else cutoff.replace(tzinfo=None)):
            return f"past the {method.value} cutoff {cutoff.isoformat()} (now {local.isoformat()})"
        return None


def _kilometres(value: int | str | Decimal) -> Decimal:
    """A distance as a ``Decimal``; text that is not a number is a typed error (the checks
    of range are :class:`WithinDistance`'s own)."""
    if isinstance(value, bool | float) or not isinstance(value, int | str | Decimal):
        raise InvalidRoutingRuleError(
            "within_km takes an int, a numeric string or a Decimal", max_km=value
        )
    try:
        return Decimal(value)
    except ArithmeticError:
        raise InvalidRoutingRuleError("within_km: not a number", max_km=value) from None


@attrs.frozen
class WithinDistance:
    """Keeps locations within ``max_km`` great-circle kilometres of the ship-to.

    When either side has no coordinates the distance is unknown: such locations are kept
    only if ``keep_unknown`` is True.
    """

    max_km: Decimal = attrs.field(converter=_kilometres)
    keep_unknown: bool = attrs.field(default=False, validator=_f.flag)
    name: str = attrs.field(default="within_distance", validator=_f.name)

    def __attrs_post_init__(self) -> None:
        if not self.max_km.is_finite() or self.max_km < 0:
            raise InvalidRoutingRuleError(
                "within_km needs a finite, non-negative distance", max_km=self.max_km
            )

    def __call__(self, request: RoutingRequest, location: LocationFacts) -> str | None:
        """Exclusion reason or ``None``."""
        there = request.order.ship_to.coordinates
        if there is None or location.coordinates is None:
            return None if self.keep_unknown else "distance unknown (no coordinates)"
        km = location.coordinates.distance_km(there)
        if km > self.max_km:
            return f"{km:.1f} km away > {self.max_km} km"
        return None


@attrs.frozen
class HasStock:
    """Keeps locations holding ATP of at least one of the order's SKUs."""

    name: str = attrs.field(default="has_stock", validator=_f.name)

    def __call__(self, request: RoutingRequest, location: LocationFacts) -> str | None:
        """Exclusion reason or ``None``."""
        if any(location.atp_of(sku) > 0 for sku in request.skus):
            return None
        return "no ATP of any ordered SKU"


@attrs.frozen
class Predicate:
    """A host predicate as a filter: ``test(request, location)`` True keeps the location."""

    test: Callable[[RoutingRequest, LocationFacts], bool] = attrs.field(validator=_f.function)
    name: str = attrs.field(validator=_f.name)
    reason: str = attrs.field(default="host predicate said no", validator=_f.text)

    def __call__(self, request: RoutingRequest, location: LocationFacts) -> str | None:
        """Exclusion reason or ``None``."""
        return None if self.test(request, location) else self.reason


def serves_order() -> ServesOrder:
    """Filter: the location serves the order's channel and kind."""
    return ServesOrder()


def online() -> IsOnline:
    """Filter: the location is online."""
    return IsOnline()


def has_capacity(min_units: int = 1) -> HasCapacity:
    """Filter: at least ``min_units`` of daily capacity and one shipment left."""
    return HasCapacity(min_units=min_units)


def before_cutoff() -> BeforeCutoff:
    """Filter: the order's shipping method can still make today's carrier cutoff."""
    return BeforeCutoff()


def within_km(max_km: int | str | Decimal, *, keep_unknown: bool = False) -> WithinDistance:
    """Filter: within ``max_km`` kilometres of the ship-to (great-circle)."""
    return WithinDistance(max_km=_kilometres(max_km), keep_unknown=keep_unknown)


def has_stock() -> HasStock:
    """Filter: the location holds some ATP of the order's SKUs."""
    return HasStock()


def predicate(
    test: Callable[[RoutingRequest, LocationFacts], bool],
    *,
    name: str | None = None,
    reason: str = "host predicate said no",
) -> Predicate:
    """Filter from a host function ``test(request, location) -> bool`` (True keeps)."""
    if not callable(test):
        raise InvalidRoutingRuleError("predicate needs a callable", test=test)
    label = name or getattr(test, "__name__", None) or "predicate"
    return Predicate(test=test, name=label, reason=reason)


def as_filter(value: Any) -> Any:
    """A :class:`~invorder.routing.Filter` as is; a plain callable wrapped as a predicate."""
    if isinstance(getattr(value, "name", None), str) and callable(value):
        return value
    if callable(value):
        return predicate(value)
    raise InvalidRoutingRuleError("a filter must be a Filter or a callable", value=value)
