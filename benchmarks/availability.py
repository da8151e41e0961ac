"""Availability benchmark: channel ATP lookups, reserve + release pairs, publish diffs.

Builds 100,000 SKUs in 5 warehouses feeding 4 channels (by default) through the engine on the
in-memory store, then measures:

* ``channel_atp_median_us``: median time of one ``Engine.channel_atp`` call (target < 10 us);
* ``reserve_release_pairs_per_s``: ``ReserveStock`` + ``ReleaseReservation`` pairs executed
  through the engine per second, commands built beforehand (target >= 100,000/s), with
  the collections that ran meanwhile (``reserve_release_gc_pauses``) and the longest of
  them (``reserve_release_gc_pause_max_ms``: a full collection of the 100,000-SKU heap);
* ``reserve_many_items_per_s_{100,500}`` / ``release_many_items_per_s_{100,500}``: the same
  kind of reserve + release pairs as items of ``ReserveMany`` / ``ReleaseMany`` batches of 100
  and 500 (each batch reserved, then released), items per second of each phase, and
  ``reserve_release_pairs_per_s_batched_{100,500}`` for the pairs (both phases together);
* ``publish_diff_ms``: one ``Engine.publish_diff`` for a whole channel (every SKU), against
  the set published before 2,000 reservations (``publish_full_set_ms``: the whole set);
* ``atp_pairs_per_s`` / ``atp_many_pairs_per_s``: ATP of every (SKU, warehouse) pair, one
  ``Engine.atp`` call each, then one ``Engine.atp_many`` call (the answers are compared).

Usage: ``python benchmarks/availability.py [--skus N] [--lookups N] [--pairs N]``. The last
line printed is the benchmark JSON object.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from _report import GcPauses  # benchmarks/_report.py, beside this script

import invorder as iv

T = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
WAREHOUSES = ("EAST", "WEST", "CENTRAL", "NORTH", "SOUTH")
CHANNELS = (
    ("shopify", ("EAST", "WEST", "CENTRAL", "NORTH", "SOUTH"), {"safety_stock": 2}),
    ("amazon", ("EAST", "WEST", "CENTRAL"), {"share_percent": 80}),
    ("walmart", ("CENTRAL", "SOUTH"), {"share_max": 50}),
    ("wholesale", ("NORTH",), {"safety_stock": 10, "share_percent": 50}),
)


def build(skus: int, rng: random.Random) -> tuple[iv.Engine, list[str]]:
    """An engine with ``skus`` SKUs stocked in every warehouse and the four channels."""
    engine = iv.in_memory()
    for n, warehouse in enumerate(WAREHOUSES):
        engine.execute(iv.DefineLocation(key=f"loc-{n}", at=T, location=warehouse))
    codes = [f"SKU-{n:06d}" for n in range(skus)]
    for code in codes:
        engine.execute(iv.DefineSku(key=f"sku-{code}", at=T, sku=iv.Sku(code)))
    supplier = iv.Account("@supplier")
    for warehouse in WAREHOUSES:
        shelf = iv.Account(warehouse)
        movements = [
            iv.Movement(sku=code, quantity=rng.randint(1, 200), source=supplier,
                        destination=shelf, reason="opening stock")
            for code in codes
        ]  # fmt: skip
        engine.execute(iv.PostEntry(key=f"open-{warehouse}", at=T, movements=movements))
    for cid, locations, policy in CHANNELS:
        engine.execute(
            iv.DefineChannel(key=f"ch-{cid}", at=T, channel=cid, locations=locations, **policy)
        )
    return engine, codes


BATCH_SIZES = (100, 500)
"""Items per ``ReserveMany`` / ``ReleaseMany`` command."""


def batched_pairs(
    engine: iv.Engine, codes: list[str], rng: random.Random, pairs: int, size: int, at: datetime
) -> dict[str, int]:
    """``pairs`` reserve + release pairs like the single ones, as items of batches of
    ``size``: each ``ReserveMany`` executed, then the ``ReleaseMany`` of its reservations
    (commands built beforehand). Items per second of each phase and pairs per second."""
    reserves: list[iv.Command] = []
    releases: list[iv.Command] = []
    for first in range(0, pairs, size):
        rids = [f"B{size}-{n}" for n in range(first, min(first + size, pairs))]
        reserves.append(iv.ReserveMany(key=f"resm-{size}-{first}", at=at, items=[
            iv.ReserveItem(reservation=rid, sku=codes[rng.randrange(len(codes))],
                           location=WAREHOUSES[n % len(WAREHOUSES)], quantity=1)
            for n, rid in enumerate(rids, first)]))  # fmt: skip
        items = [iv.ReleaseItem(reservation=rid) for rid in rids]
        releases.append(iv.ReleaseMany(key=f"relm-{size}-{first}", at=at, items=items))
    execute = engine.execute
    timer = time.perf_counter
    reserving = releasing = 0.0
    refused = 0
    with GcPauses() as pauses:
        for reserve, release in zip(reserves, releases, strict=True):
            t0 = timer()
            outcome = execute(reserve)
            t1 = timer()
            execute(release)
            reserving, releasing = reserving + t1 - t0, releasing + timer() - t1
            refused += sum(not r.ok for r in iv.events.batch_results(outcome))
    assert not refused, f"{refused} batch item(s) refused"
    print(
        f"batches of {size}: {pairs} reservations at {pairs / reserving:,.0f} items/s, "
        f"releases at {pairs / releasing:,.0f} items/s; {pairs / (reserving + releasing):,.0f} "
        f"pairs/s ({pauses.count} collections, the longest {pauses.longest_ms:.0f} ms)"
    )
    return {
        "reserve_many_items_per_s": round(pairs / reserving),
        "release_many_items_per_s": round(pairs / releasing),
        "reserve_release_pairs_per_s_batched": round(pairs / (reserving + releasing)),
    }


def main(argv: list[str] | None = None) -> dict[str, object]:
    """Run the benchmark and print its figures; returns the JSON object printed last."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=100_000)
    parser.add_argument("--lookups", type=int, default=50_000)
    parser.add_argument("--pairs", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)

    started = time.perf_counter()
    engine, codes = build(args.skus, rng)
    setup_s = time.perf_counter() - started
    print(f"setup: {args.skus} SKUs x {len(WAREHOUSES)} warehouses x {len(CHANNELS)} channels "
          f"in {setup_s:.1f} s ({engine.position} events)")  # fmt: skip

    # Channel ATP lookups, each timed on its own; the median is the figure.
    channel_ids = [cid for cid, _, _ in CHANNELS]
    queries = [(rng.choice(channel_ids), rng.choice(codes)) for _ in range(args.lookups)]
    timer = time.perf_counter_ns
    channel_atp = engine.channel_atp
    samples = []
    checksum = 0
    for cid, code in queries:
        t0 = timer()
        checksum += channel_atp(cid, code, T)
        samples.append(timer() - t0)
    median_us = statistics.median(samples) / 1000
    p99_us = sorted(samples)[int(len(samples) * 0.99)] / 1000
    print(f"channel ATP: median {median_us:.2f} us, p99 {p99_us:.2f} us "
          f"over {len(samples)} lookups (checksum {checksum})")  # fmt: skip

    # Reserve + release pairs through the engine (commands built first, as a host would).
    later = T + timedelta(minutes=1)
    commands: list[iv.Command] = []
    for n in range(args.pairs):
        code = codes[rng.randrange(len(codes))]
        warehouse = WAREHOUSES[n % len(WAREHOUSES)]
        rid = f"R{n}"
        commands.append(iv.ReserveStock(key=f"res-{n}", at=later, reservation=rid, sku=code,
                                        location=warehouse, quantity=1))  # fmt: skip
        commands.append(iv.ReleaseReservation(key=f"rel-{n}", at=later, reservation=rid))
    execute = engine.execute
    # Wall-clock time is the figure; CPU time of this process is printed too, because on a
    # shared machine other processes stretch the wall clock.
    with GcPauses() as pauses:  # the collector's share: its longest pause in the loop
        t0, c0 = time.perf_counter(), time.process_time()
        for command in commands:
            execute(command)
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    pairs_per_s = args.pairs / elapsed
    pairs_per_cpu_s = args.pairs / cpu
    print(
        f"reserve + release: {args.pairs} pairs in {elapsed:.2f} s = {pairs_per_s:,.0f} pairs/s "
        f"({pairs_per_cpu_s:,.0f} per CPU second, {cpu / len(commands) * 1e6:.1f} us CPU "
        f"per command; {pauses.count} collections, the longest {pauses.longest_ms:.0f} ms)"
    )

    batched = {size: batched_pairs(engine, codes, rng, args.pairs, size, later)
               for size in BATCH_SIZES}  # fmt: skip

    # Publish diff for a whole channel after a few thousand SKUs changed.
    t0 = time.perf_counter()
    previous = engine.publish("shopify", later)
    publish_full_ms = (time.perf_counter() - t0) * 1000
    changed = rng.sample(codes, min(2_000, len(codes)))
    for n in range(len(changed)):
        engine.execute(iv.ReserveStock(key=f"pub-{n}", at=later, reservation=f"P{n}",
                                       sku=changed[n],
                                       location="EAST", quantity=1))  # fmt: skip
    t0 = time.perf_counter()
    diff = engine.publish_diff("shopify", later, previous)
    publish_ms = (time.perf_counter() - t0) * 1000
    full = iv.records.publish_diff(previous.quantities, engine.channel_atp_all("shopify", later))
    assert diff == full
    print(
        f"publish: whole set {publish_full_ms:.1f} ms; diff after {len(changed)} reservations: "
        f"{len(diff)} of {len(previous.quantities)} SKUs changed, {publish_ms:.1f} ms"
    )
    # Every SKU at every warehouse: one Engine.atp call per pair, then one atp_many call.
    t0 = time.perf_counter()
    one_by_one = {code: {w: engine.atp(code, w, later) for w in WAREHOUSES} for code in codes}
    atp_loop_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    at_once = engine.atp_many(codes, WAREHOUSES, later)
    atp_many_s = time.perf_counter() - t0
    assert at_once == one_by_one
    pairs = len(codes) * len(WAREHOUSES)
    print(f"ATP of {pairs:,} (SKU, warehouse) pairs: {atp_loop_s * 1000:.0f} ms one by one, "
          f"{atp_many_s * 1000:.0f} ms with atp_many")  # fmt: skip
    assert engine.verify() == []

    result: dict[str, object] = {
        "benchmark": "availability",
        "python": platform.python_version(),
        "figures": {
            "skus": args.skus,
            "warehouses": len(WAREHOUSES),
            "channels": len(CHANNELS),
            "setup_s": round(setup_s, 2),
            "channel_atp_median_us": round(median_us, 3),
            "channel_atp_p99_us": round(p99_us, 3),
            "reserve_release_pairs_per_s": round(pairs_per_s),
            "reserve_release_pairs_per_cpu_s": round(pairs_per_cpu_s),
            "reserve_release_gc_pauses": pauses.count,
            "reserve_release_gc_pause_max_ms": round(pauses.longest_ms, 1),
            **{
                f"{name}_{size}": figure
                for size, figures in batched.items()
                for name, figure in figures.items()
            },
            "publish_diff_ms": round(publish_ms, 2),
            "publish_diff_changed": len(diff),
            "publish_full_set_ms": round(publish_full_ms, 2),
            "atp_pairs_per_s": round(pairs / atp_loop_s),
            "atp_many_pairs_per_s": round(pairs / atp_many_s),
        },
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
