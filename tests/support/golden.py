"""A tiny scenario whose four decisions cover each kind (a first allocation with a backorder,
a re-allocation after an arrival, a person's move) and rules that cancel or hold for review,
for the golden decision file tests (rules are named ``tests.support.golden:NAME``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import invorder as iv
from invorder import simulate as sim
from invorder.routing import cancel_remainder, has_stock, hold_for_review, nearest, route

T = datetime(2026, 11, 27, 8, tzinfo=UTC)
_PRICE = iv.Money(Decimal("5.00"), "USD")
_EAST = iv.Coordinates(40.0, -74.0)
_WEST = iv.Coordinates(34.0, -118.0)


def _capture(order: str, hour: int, near: iv.Coordinates, *lines: tuple[str, int]) -> iv.Command:
    return iv.CaptureOrder(
        key=f"c-{order}", at=T + timedelta(hours=hour), order=order, channel="shop",
        external_id=order, kind=iv.OrderKind.DTC, ship_to=iv.ShipTo(coordinates=near),
        lines=[iv.LineItem(str(n), sku, q, _PRICE) for n, (sku, q) in enumerate(lines, 1)],
    )  # fmt: skip


def tiny(mugs_west: int = 5) -> sim.Scenario:
    """Two warehouses, two orders: O1 (near EAST) waits for a plate that arrives at 11:00;
    O2 (near WEST) has one mug moved to EAST by hand at 12:00."""
    header = sim.ScenarioHeader(
        name="tiny",
        start=T,
        warehouses=(
            sim.Warehouse(code="EAST", coordinates=_EAST),
            sim.Warehouse(code="WEST", coordinates=_WEST),
        ),
        channels=(sim.ChannelSpec(channel="shop"),),
        catalog=(iv.Sku("MUG"), iv.Sku("PLATE")),
        stock=(sim.StockLine("MUG", "EAST/A/01", 4), sim.StockLine("MUG", "WEST/A/01", mugs_west)),
    )
    steps = (
        _capture("O1", 1, _EAST, ("MUG", 3), ("PLATE", 1)),
        _capture("O2", 2, _WEST, ("MUG", 2)),
        iv.ReceiveStock(
            key="r1", at=T + timedelta(hours=3), sku="PLATE", location="EAST/A/01", quantity=2
        ),
        iv.MoveAllocation(
            key="m1",
            at=T + timedelta(hours=4),
            order="O2",
            source="WEST",
            destination="EAST",
            lines=[iv.LineQuantity("1", 1)],
        ),
    )
    return sim.Scenario(header, steps)


cancelling = route(
    "cancelling", filters=[has_stock()], rank=nearest(), backorder=cancel_remainder()
)
"""Nearest, and what no location can give is cancelled."""

reviewing = route("reviewing", filters=[has_stock()], rank=nearest(), backorder=hold_for_review())
"""Nearest, and an order with units no location can give is held for review."""
