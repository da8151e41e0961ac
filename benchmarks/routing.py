"""Routing throughput: plans per second for a 3-line order over 5, 20 and 100 candidate
locations (a full pipeline: four filters, a weighted ranking, spill-over), the same at 5
locations when the caller asks for the explanation (``pipeline.explain``), and for
minimise-shipments with 3, 10 and 30 lines over 20 locations.

Run: ``python benchmarks/routing.py [--seconds S]``. The last line is one JSON object.
Data is seeded; each figure is the best of three timed rounds of about ``S`` seconds.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from datetime import time as clock

from invorder.domain.money import Money
from invorder.domain.orders.ids import OrderKind
from invorder.domain.orders.ship_to import Coordinates, ShippingMethod, ShipTo
from invorder.routing import (
    LocationFacts,
    OrderView,
    RequestLine,
    RoutingRequest,
    ShippingRate,
    before_cutoff,
    has_capacity,
    lowest_cost,
    minimise_shipments,
    nearest,
    online,
    route,
    serves_order,
    weighted,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def locations(
    count: int, skus: list[str], rng: random.Random, stocked: float
) -> list[LocationFacts]:
    out = []
    for index in range(count):
        atp = {sku: rng.randint(1, 20) for sku in skus if rng.random() < stocked}
        out.append(
            LocationFacts(
                location=f"LOC-{index:03d}",
                atp=atp,
                coordinates=Coordinates(rng.uniform(25, 49), rng.uniform(-124, -67)),
                daily_capacity=500,
                used_today=rng.randint(0, 400),
                shipping_rates=[
                    ShippingRate(per_shipment=Money(f"{rng.randint(3, 12)}.00", "USD"))
                ],
                cutoffs={ShippingMethod.STANDARD: clock(17)},
            )
        )
    return out


def request(lines: int, candidates: int, rng: random.Random, stocked: float) -> RoutingRequest:
    skus = [f"SKU-{index:02d}" for index in range(lines)]
    return RoutingRequest(
        order=OrderView(
            order_id="bench",
            channel="shopify",
            kind=OrderKind.DTC,
            placed_at=NOW,
            ship_to=ShipTo(coordinates=Coordinates(40.7, -74.0)),
        ),
        lines=[RequestLine(f"L{i}", sku, rng.randint(1, 6)) for i, sku in enumerate(skus)],
        locations=locations(candidates, skus, rng, stocked),
        now=NOW,
    )


def rate(plan: Callable[[], object], seconds: float) -> float:
    best = 0.0
    for _ in range(3):
        count, start = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - start) < seconds:
            plan()
            count += 1
        best = max(best, count / elapsed)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=1.0, help="length of one timed round")
    args = parser.parse_args()
    rng = random.Random(20260302)
    pipeline = route(
        "bench",
        filters=[online(), serves_order(), has_capacity(), before_cutoff()],
        rank=weighted((nearest(), 2), (lowest_cost(), 1)),
    )
    figures: dict[str, float] = {}
    requests = {}
    for count in (5, 20, 100):
        req = requests[count] = request(3, count, rng, stocked=0.6)
        per_s = rate(lambda req=req: pipeline(req), args.seconds)
        figures[f"plans_per_s_{count}_locations"] = round(per_s, 1)
        us_per_location = 1e6 / per_s / count
        print(
            f"3-line order, {count:3d} locations: {per_s:9.1f} plans/s "
            f"({us_per_location:.1f} us per location)"
        )
    req = requests[5]  # the same 5-location request, so the figures compare
    per_s = rate(lambda req=req: pipeline.explain(req), args.seconds)
    figures["plans_per_s_5_locations_explained"] = round(per_s, 1)
    print(f"3-line order,   5 locations, explanation read: {per_s:9.1f} plans/s")
    fewest = route("fewest", rank=nearest(), split=minimise_shipments())
    for lines in (3, 10, 30):
        req = request(lines, 20, rng, stocked=0.3)
        plan = fewest.explain(req)
        assert plan.explanation is not None
        per_s = rate(lambda req=req: fewest(req), args.seconds)
        figures[f"min_shipments_plans_per_s_{lines}_lines"] = round(per_s, 1)
        print(
            f"minimise shipments, {lines:2d} lines over 20 locations: {per_s:9.1f} plans/s "
            f"({len(plan.shipments)} shipments; {plan.explanation.notes[0]})"
        )
    print(
        json.dumps(
            {"benchmark": "routing", "python": platform.python_version(), "figures": figures}
        )
    )


if __name__ == "__main__":
    main()
