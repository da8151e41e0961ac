"""Shared example data for the routing unit tests: two warehouses, a store, orders."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from invorder.domain.money import Money
from invorder.domain.orders.ids import OrderKind
from invorder.domain.orders.ship_to import Coordinates, ShippingMethod, ShipTo
from invorder.routing import LocationFacts, OrderView, RequestLine, RoutingRequest, ShippingRate

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NEW_YORK = Coordinates(40.7, -74.0)

EAST = LocationFacts(
    "EAST",
    atp={"MUG": 3, "TEE": 5},
    coordinates=Coordinates(40.0, -75.0),
    zone="US-EAST",
    daily_capacity=100,
    used_today=20,
    shipping_rates=[ShippingRate(per_shipment=Money("6.00", "USD"))],
    cutoffs={ShippingMethod.EXPRESS: time(14)},
    kinds={OrderKind.DTC, OrderKind.MARKETPLACE},
)
WEST = LocationFacts(
    "WEST",
    atp={"MUG": 10, "TEE": 10},
    coordinates=Coordinates(34.0, -118.0),
    zone="US-WEST",
    daily_capacity=100,
    used_today=60,
    shipping_rates=[ShippingRate(per_shipment=Money("4.00", "USD"))],
    kinds={OrderKind.DTC, OrderKind.MARKETPLACE},
)
WHOLESALE_DC = LocationFacts(
    "DC",
    atp={"MUG": 40, "TEE": 2},
    coordinates=Coordinates(41.9, -87.6),
    kinds={OrderKind.WHOLESALE},
    channels={"wholesale-portal"},
)


def order(
    order_id: str = "o-1",
    *,
    kind: OrderKind = OrderKind.DTC,
    channel: str = "shopify",
    method: ShippingMethod = ShippingMethod.STANDARD,
    **more: Any,
) -> OrderView:
    """A New York order."""
    return OrderView(
        order_id=order_id,
        channel=channel,
        kind=kind,
        placed_at=more.pop("placed_at", NOW),
        ship_to=ShipTo(coordinates=NEW_YORK, zone="US-EAST"),
        shipping_method=method,
        **more,
    )


def request(
    view: OrderView | None = None,
    lines: tuple[tuple[str, int], ...] = (("MUG", 5), ("TEE", 2)),
    locations: tuple[LocationFacts, ...] = (EAST, WEST),
    now: datetime = NOW,
) -> RoutingRequest:
    """A request with lines L1, L2, ... of the given SKUs and quantities."""
    return RoutingRequest(
        order=view or order(),
        lines=[RequestLine(f"L{i}", sku, qty) for i, (sku, qty) in enumerate(lines, 1)],
        locations=locations,
        now=now,
    )
