"""Feed benchmark: the channel feed (``invorder.feed``) over the log of a generated day.

The day is generated and run as ``benchmarks/day.py`` does (default rule, in memory); the
timed part is :func:`invorder.feed.notifications` over the whole log, from position 0: a
fold of the projections availability needs, the order notifications, and each command's
inventory changes per channel. It streams twice, as a consumer reads it (counting, keeping
nothing; the second time with the collector's threshold raised, as ``docs/performance.md``
recommends hosts do for a bulk read), then once more keeping every notification in a list.

Figures: ``feed_events_per_s`` (events of the log per second, best of the two streams;
``feed_events_per_s_default_gc`` the stream without the recipe, ``feed_events_per_s_kept``
the run keeping them all),
``notifications`` and ``notifications_per_s``, the count per kind, ``json_bytes_per_notification``
(:meth:`Notification.to_json`), and ``consumer_ms``: a :class:`~invorder.feed.Feed` on an
in-memory checkpoint store reading the whole log in batches of 1,000 and acknowledging each.

Usage: ``python benchmarks/feed.py [--size tenth|small|day] [--seed N] [--no-money]``
(``--no-money``: the day without its money side, as earlier versions generated it). The last line
printed is the benchmark JSON object.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter

import attrs
from _report import print_figures  # benchmarks/_report.py, beside this script

import invorder as iv
from invorder import simulate as sim
from invorder.adapters.memory import MemoryCheckpointStore
from invorder.feed import Feed, notifications
from invorder.simulate.collector import fewer_collections


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="tenth", choices=["tenth", "small", "day"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-money", action="store_true", help="the day without its money side")
    args = parser.parse_args()
    params = attrs.evolve(sim.SIZES["day"], orders=10_000, purchase_orders=40) if (
        args.size == "tenth") else sim.SIZES[args.size]  # fmt: skip
    params = attrs.evolve(params, money=not args.no_money)
    start = time.perf_counter()
    run = sim.Simulation(sim.generate(params, random.Random(args.seed), name=args.size))
    run.advance()
    events = list(run.engine.events())
    print(f"[feed] day run in {time.perf_counter() - start:.1f} s: {len(events):,} events",
          file=sys.stderr, flush=True)  # fmt: skip

    timings = []  # streamed, as a consumer reads it: nothing kept but a count
    for collector in (False, True):
        start = time.perf_counter()
        if collector:
            with fewer_collections():
                count = sum(1 for _ in notifications(events))
        else:
            count = sum(1 for _ in notifications(events))
        timings.append(time.perf_counter() - start)
    best = min(timings)
    start = time.perf_counter()
    with fewer_collections():
        found = list(notifications(events))
    kept_s = time.perf_counter() - start
    assert len(found) == count
    kinds = Counter(n.kind.value for n in found)
    sample = found[:: max(1, len(found) // 20_000)]
    size = sum(len(n.to_json().encode()) for n in sample)

    start = time.perf_counter()
    consumer = Feed(iv.MemoryEventStore(events), MemoryCheckpointStore(), "bench")
    delivered = 0
    while batch := consumer.pending(limit=1000):
        delivered += len(batch)
        consumer.acknowledge()
    consumer_s = time.perf_counter() - start
    assert delivered == len(found)

    figures: dict[str, object] = {
        "size": args.size,
        "events": len(events),
        "notifications": len(found),
        "feed_events_per_s": round(len(events) / best),
        "feed_events_per_s_default_gc": round(len(events) / timings[0]),
        "feed_events_per_s_kept": round(len(events) / kept_s),
        "notifications_per_s": round(len(found) / best),
        "json_bytes_per_notification": round(size / len(sample)),
        "consumer_ms": round(consumer_s * 1000),
        **{f"kind_{kind}": count for kind, count in sorted(kinds.items())},
    }
    print_figures("feed", figures)


if __name__ == "__main__":
    main()
