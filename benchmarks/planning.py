"""Planning benchmark: replenishment suggestions for many SKUs x 5 locations, 90 days of history.

Generates (seeded) a daily demand history per SKU and location, stock and incoming units,
ten suppliers with lead times, minimums and case packs, and a mix of reorder policies; then
times the planner end to end:

* ``plan_seconds_100k_skus``: demand rates (moving average over 28 days) for every series,
  the planning items, policy evaluation, transfer suggestions and purchase drafts
  (target < 30 s at 100,000 SKUs x 5 locations; at a smaller size the figure is scaled
  linearly and ``measured_skus`` says so);
* ``history_events_per_s``: :func:`demand_history` folding ledger events (shipments to
  ``@customer``) from a real engine log.

Usage: ``python benchmarks/planning.py`` (20,000 SKUs, under a minute) or ``--full``
(100,000 SKUs). The last line printed is the benchmark JSON object.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import time
from datetime import UTC, datetime, timedelta

import invorder as iv
from invorder.planning import (
    MinMax,
    PeriodicReview,
    PlanningItem,
    ReorderPoint,
    demand_history,
    estimate_demand,
    suggest_replenishment,
)

T = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
LOCATIONS = ("EAST", "WEST", "CENTRAL", "NORTH", "SOUTH")
DAYS = 90
# Daily demand from random bytes: most days 0-3 units, a few larger.
_DEMAND = bytes(min(b % 7, (b * 13) % 5) if b < 240 else b % 23 for b in range(256))


def histories(skus: int, rng: random.Random) -> dict[tuple[str, str], bytes]:
    """A 90-day demand series (bytes: one small count per day) per SKU and location."""
    series: dict[tuple[str, str], bytes] = {}
    for n in range(skus):
        code = f"SKU-{n:06d}"
        for location in LOCATIONS:
            series[(code, location)] = rng.randbytes(DAYS).translate(_DEMAND)
    return series


def suppliers() -> list[iv.Supplier]:
    """Ten suppliers with different lead times, minimums and case packs."""
    return [
        iv.Supplier(supplier=f"SUP-{n}", lead_time_days=3 + n, min_order_quantity=6 * (n % 4),
                    case_pack=(1, 6, 12, 24)[n % 4])
        for n in range(10)
    ]  # fmt: skip


def plan(series: dict[tuple[str, str], bytes], rng: random.Random) -> tuple[float, int, int]:
    """Time the planner over ``series``; returns seconds, purchase lines and transfers."""
    policies = (
        ReorderPoint(service_level=0.95, cover_days=14),
        MinMax(minimum=20, maximum=80),
        PeriodicReview(review_days=7, service_level=0.9),
    )
    stock = [rng.randrange(0, 120) for _ in range(len(series))]
    incoming = [rng.choice((0, 0, 0, 24, 48)) for _ in range(len(series))]
    started = time.perf_counter()
    items = []
    for index, ((sku, location), days) in enumerate(series.items()):
        n = int(sku[4:])
        items.append(
            PlanningItem(
                sku=sku, location=location, atp=stock[index], incoming=incoming[index],
                demand=estimate_demand(days, window=28), policy=policies[n % 3],
                supplier=f"SUP-{n % 10}",
            )
        )  # fmt: skip
    result = suggest_replenishment(items, suppliers())
    seconds = time.perf_counter() - started
    lines = sum(len(po.lines) for po in result.purchases)
    for po in result.purchases:
        for line in po.lines:
            assert line.quantity >= line.need > 0
    return seconds, lines, len(result.transfers)


def history_rate(shipments: int) -> tuple[float, int]:
    """Events per second of :func:`demand_history` over a log with ``shipments`` sales."""
    engine = iv.in_memory()
    for location in LOCATIONS:
        engine.execute(iv.DefineLocation(key=f"l-{location}", at=T, location=location))
    codes = [f"SKU-{n:04d}" for n in range(200)]
    for code in codes:
        engine.execute(iv.DefineSku(key=f"s-{code}", at=T, sku=iv.Sku(code)))
        for location in LOCATIONS:
            engine.execute(iv.ReceiveStock(key=f"r-{code}-{location}", at=T, sku=code,
                                           location=location, quantity=10_000))  # fmt: skip
    customer = iv.Account(iv.CUSTOMER)
    for n in range(shipments):
        code, location = codes[n % len(codes)], LOCATIONS[n % len(LOCATIONS)]
        engine.execute(iv.PostEntry(
            key=f"ship-{n}", at=T + timedelta(days=n * DAYS // shipments),
            movements=[iv.Movement(sku=code, quantity=1 + n % 3, source=iv.Account(location),
                                   destination=customer)],
        ))  # fmt: skip
    events = list(engine.events())
    started = time.perf_counter()
    history = demand_history(events, T.date(), DAYS)
    seconds = time.perf_counter() - started
    assert sum(sum(s) for s in history.series.values()) > 0
    return len(events) / seconds, len(events)


def main() -> dict[str, object]:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=20_000, help="SKUs (default 20,000)")
    parser.add_argument("--full", action="store_true", help="the full size: 100,000 SKUs")
    parser.add_argument("--shipments", type=int, default=50_000, help="sales in the log")
    args = parser.parse_args()
    skus = 100_000 if args.full else args.skus
    rng = random.Random(8)
    started = time.perf_counter()
    series = histories(skus, rng)
    generate_s = time.perf_counter() - started
    print(f"generated {len(series):,} series of {DAYS} days in {generate_s:.1f} s")
    seconds, lines, transfers = plan(series, rng)
    per_100k = seconds * 100_000 / skus
    print(
        f"planned {skus:,} SKUs x {len(LOCATIONS)} locations in {seconds:.2f} s "
        f"({lines:,} purchase lines, {transfers:,} transfers); 100k SKUs: {per_100k:.2f} s"
    )
    rate, events = history_rate(args.shipments)
    print(f"demand_history: {events:,} events at {rate:,.0f} events/s")
    result: dict[str, object] = {
        "benchmark": "planning",
        "python": platform.python_version(),
        "figures": {
            "measured_skus": skus,
            "locations": len(LOCATIONS),
            "history_days": DAYS,
            "plan_seconds": round(seconds, 2),
            "plan_seconds_100k_skus": round(per_100k, 2),
            "purchase_lines": lines,
            "transfers": transfers,
            "history_events_per_s": round(rate),
        },
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
