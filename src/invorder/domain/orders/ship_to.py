"""Where and how an order ships: coordinates, ship-to address facts and shipping methods."""

from __future__ import annotations

import enum
import math
from typing import Any

import attrs

from invorder.domain import _checks
from invorder.domain.errors import InvalidCoordinatesError

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG) used for great-circle distances."""


def _latitude(instance: object, attribute: Any, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not -90 <= value <= 90:
        raise InvalidCoordinatesError("lat", value, "a number from -90 to 90")


def _longitude(instance: object, attribute: Any, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not -180 <= value <= 180:
        raise InvalidCoordinatesError("lon", value, "a number from -180 to 180")


@attrs.frozen
class Coordinates:
    """A point on Earth in decimal degrees (WGS 84).

    Invariants: ``-90 <= lat <= 90`` and ``-180 <= lon <= 180``.
    """

    lat: float = attrs.field(validator=_latitude)
    """Latitude in degrees, north positive."""
    lon: float = attrs.field(validator=_longitude)
    """Longitude in degrees, east positive."""

    def distance_km(self, other: Coordinates) -> float:
        """Great-circle (haversine) distance to ``other`` in kilometres."""
        lat1, lon1 = math.radians(self.lat), math.radians(self.lon)
        lat2, lon2 = math.radians(other.lat), math.radians(other.lon)
        h = (
            math.sin((lat2 - lat1) / 2) ** 2
            + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
        )
        return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _optional_zone(instance: object, attribute: Any, value: Any) -> None:
    if value is not None:
        _checks.check_identifier(attribute.name, value)


@attrs.frozen
class ShipTo:
    """Where an order goes: coordinates and/or a shipping zone (either may be missing)."""

    coordinates: Coordinates | None = None
    """The destination point, for distance rankings."""
    zone: str | None = attrs.field(default=None, validator=_optional_zone)
    """The carrier or host zone of the destination (e.g. ``"US-EAST"``), for zone tables."""
    country: str | None = attrs.field(default=None, validator=_optional_zone)
    """The destination country code, if the host wants to route on it."""


class ShippingMethod(enum.Enum):
    """How fast an order must travel; the declaration order is fastest first."""

    SAME_DAY = "same_day"
    """Delivered the day it is placed."""
    EXPRESS = "express"
    """Next day."""
    TWO_DAY = "two_day"
    """Two days."""
    STANDARD = "standard"
    """The default ground service."""
    ECONOMY = "economy"
    """Slow and cheap."""
    FREIGHT = "freight"
    """Pallets and LTL freight, typical for wholesale."""

    @property
    def speed_rank(self) -> int:
        """0 for the fastest method, growing with slower ones."""
        return _SPEED[self]


_SPEED = {method: rank for rank, method in enumerate(ShippingMethod)}
