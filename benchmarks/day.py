"""Day benchmark: a generated (or given) scenario end to end, as ``invorder simulate`` runs it.

Steps, each timed: generate the scenario (or read ``--scenario FILE``), write it as JSON
Lines and read it back (the file a user would run), run every step on a fresh in-memory
engine under the default rule (capture, route, reserve, pick, pack, ship, cancellations,
purchase receipts, returns: every command validated and every event appended), fork the
run at midday (replay of the log prefix into a new engine), replay the whole log into fresh
projections, then query channel ATP at the end of the day.

Figures: ``order_lines_per_s`` and ``events_per_s`` of the run; ``replay_speedup`` (run time
over replay time, the replay raising the collector's threshold as ``docs/performance.md``
recommends; ``replay_events_per_s_default_gc`` is the same replay without it);
``atp_median_us`` / ``atp_p99_us`` of ``Engine.channel_atp``; ``bytes_per_event`` (the log
written as JSON by the codec, per event) and ``held_bytes_per_event`` (the memory the log's
event values hold, each object counted once however many events share it); ``fork_ms``;
``valuation_ms`` (one ``Engine.valuation()`` at the end: a fold of the whole log) and
``report_ms`` (``simulate.report``, stock value included); ``stock_value`` at the end;
``gc_pauses`` and ``gc_pause_max_ms``, the collections during the run and the longest of
them, and ``gc_full_collect_ms``, one full collection at the end of the day (the longest
pause a host holding the engine would see). The decisions, to check that speed work
changes none: ``fill_rate``, ``stock_value``, ``oversold_units``, and the money side's
``invoiced_value``, ``captured_value``, ``refunded_value``, ``closed_orders`` and
``orders_not_closable``.

Usage: ``python benchmarks/day.py [--size tenth|small|day|10x] [--scenario FILE] [--seed N]
[--no-money] [--bytes-by-type]`` (``--no-money``: the day without its money side, as
earlier versions generated it; ``--bytes-by-type``: also print, per event type, journal
entries by their command's type, how many the JSON sample holds, their mean bytes and their
share of the bytes).
The default ``tenth`` is the ``day`` network (10,000 SKUs, 5 warehouses, 4 channels) with
a tenth of its orders, to stay under a minute; ``--size day`` runs the full day. The last
line printed is the benchmark JSON object.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import time
from datetime import timedelta

import attrs
from _report import GcPauses, held_bytes, print_figures  # benchmarks/_report.py, beside this script

import invorder as iv
from invorder import simulate as sim
from invorder.simulate.collector import fewer_collections


def _phase(name: str, figures: dict[str, object]) -> None:
    """One line on stderr when a phase ends, so a long run shows where it is."""
    print(f"[day] {name}: {figures}", file=sys.stderr, flush=True)


def _bytes_by_type(sample: list[iv.Event], sizes: list[int]) -> None:
    """Print each event type's count in ``sample``, mean JSON bytes and share of the bytes
    (journal entries apart by their command's type), largest share first."""
    kinds: dict[str, list[int]] = {}
    for event, n in zip(sample, sizes, strict=True):
        kind = type(event).__name__
        if isinstance(event, iv.events.StockPosted):
            kind += f"/{type(event.command).__name__}"
        kinds.setdefault(kind, []).append(n)
    total = sum(sizes)
    for kind, ns in sorted(kinds.items(), key=lambda item: -sum(item[1])):
        print(f"bytes: {kind:40} {len(ns):7} events {sum(ns) / len(ns):7.0f} B "
              f"{sum(ns) / total:6.1%}")  # fmt: skip


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="tenth", choices=["tenth", *sim.SIZES])
    parser.add_argument("--scenario", metavar="FILE")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rule", default=sim.DEFAULT_RULE)
    parser.add_argument("--atp-queries", type=int, default=20_000)
    parser.add_argument("--no-money", action="store_true",
                        help="generate the day without its money side (Parameters(money=False)):"
                        " the same orders and decisions, fewer events")  # fmt: skip
    parser.add_argument("--bytes-by-type", action="store_true",
                        help="print the sampled events' JSON bytes per event type")  # fmt: skip
    args = parser.parse_args()
    figures: dict[str, object] = {}

    start = time.perf_counter()
    if args.scenario:
        with open(args.scenario, encoding="utf-8") as f:
            text = f.read()
        figures["size"] = args.scenario
    else:
        params = attrs.evolve(sim.SIZES["day"], orders=10_000, purchase_orders=40) if (
            args.size == "tenth") else sim.SIZES[args.size]  # fmt: skip
        params = attrs.evolve(params, money=not args.no_money)
        scenario = sim.generate(params, random.Random(args.seed), name=args.size)
        text = sim.dumps(scenario)
        figures["size"] = args.size
        figures["generate_s"] = round(time.perf_counter() - start, 2)
    figures["file_mb"] = round(len(text.encode()) / 1e6, 1)
    start = time.perf_counter()
    scenario = sim.loads(text)
    figures["load_s"] = round(time.perf_counter() - start, 2)
    del text
    _phase("loaded", figures)

    captures = [s for s in scenario.steps if isinstance(s, iv.CaptureOrder)]
    lines = sum(len(c.lines) for c in captures)
    run = sim.Simulation(scenario, args.rule)
    setup_events = run.engine.position
    midday = scenario.header.start + timedelta(hours=12)
    pauses = GcPauses()
    start = time.perf_counter()
    with pauses:
        run.advance(until=midday)
    run_s = time.perf_counter() - start
    _phase(f"midday after {run_s:.1f} s", figures)
    fork_start = time.perf_counter()
    forked = run.fork("first_fit")
    fork_s = time.perf_counter() - fork_start
    fork_events = forked.engine.position
    del forked
    start = time.perf_counter()
    with pauses:
        run.advance()
    run_s += time.perf_counter() - start
    _phase(f"run done in {run_s:.1f} s (fork {fork_s * 1000:.0f} ms)", figures)
    events = list(run.engine.events())
    day_events = len(events) - setup_events

    def replay() -> float:
        start = time.perf_counter()
        replayed = iv.Engine(iv.MemoryEventStore(events),
                             routing_rule=sim.resolve_rule(args.rule),
                             location_facts=scenario.header.location_facts())  # fmt: skip
        assert replayed.position == len(events)
        return time.perf_counter() - start

    replay_default_gc_s = replay()  # the library leaves the collector alone
    with fewer_collections():  # the recipe of docs/performance.md, as a host would
        replay_s = replay()

    end = scenario.steps[-1].at
    rng = random.Random(args.seed)
    channels = [c.channel for c in scenario.header.channels]
    skus = [s.code for s in scenario.header.catalog if not s.components]
    queries = [(rng.choice(channels), rng.choice(skus)) for _ in range(args.atp_queries)]
    timings = []
    engine = run.engine
    clock = time.perf_counter_ns
    for channel, sku in queries:
        t0 = clock()
        engine.channel_atp(channel, sku, end)
        timings.append(clock() - t0)
    timings.sort()

    codec = iv.Codec()
    sample = events[:: max(1, len(events) // 20_000)]
    sizes = [len(json.dumps(codec.event_to_dict(e), separators=(",", ":"))) for e in sample]
    size = sum(sizes)
    if args.bytes_by_type:
        _bytes_by_type(sample, sizes)
    held = held_bytes(events)

    start = time.perf_counter()
    valuation = engine.valuation()  # re-folds the whole log on every call
    valuation_s = time.perf_counter() - start
    start = time.perf_counter()
    rep = sim.report(run)
    report_s = time.perf_counter() - start
    value = rep.stock_value.value
    assert rep.oversold_units == 0
    assert rep.stock_value.units == sum(valuation.sku(s).units for s in valuation.skus())
    assert engine.verify() == []
    start = time.perf_counter()
    gc.collect()  # a full collection with the day's projections (and its log) in memory
    full_collect_s = time.perf_counter() - start
    figures.update({
        "orders": len(captures),
        "order_lines": lines,
        "events": day_events,
        "run_s": round(run_s, 2),
        "orders_per_s": round(len(captures) / run_s),
        "order_lines_per_s": round(lines / run_s),
        "events_per_s": round(day_events / run_s),
        "replay_events_per_s": round(len(events) / replay_s),
        "replay_speedup": round(run_s / replay_s, 1),
        "replay_events_per_s_default_gc": round(len(events) / replay_default_gc_s),
        "atp_median_us": round(statistics.median(timings) / 1000, 2),
        "atp_p99_us": round(timings[int(len(timings) * 0.99)] / 1000, 2),
        "bytes_per_event": round(size / len(sample)),
        "held_bytes_per_event": round(held / len(events)),
        "fork_events": fork_events,
        "fork_ms": round(fork_s * 1000, 1),
        "valuation_ms": round(valuation_s * 1000, 1),
        "report_ms": round(report_s * 1000, 1),
        "gc_pauses": pauses.count,
        "gc_pause_max_ms": round(pauses.longest_ms, 1),
        "gc_full_collect_ms": round(full_collect_s * 1000, 1),
        "stock_value": " + ".join(f"{m.currency} {m.amount}" for m in value.values()),
        "fill_rate": rep.overall.fill_rate,
        "oversold_units": rep.oversold_units,
        **{name: " + ".join(f"{m.currency} {m.amount}" for m in getattr(rep.overall, name).values())
           for name in ("invoiced_value", "captured_value", "refunded_value")},
        "closed_orders": rep.overall.closed_orders,
        "orders_not_closable": rep.overall.orders_not_closable,
    })  # fmt: skip
    print_figures("day", figures)


if __name__ == "__main__":
    main()
