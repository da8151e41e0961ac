"""Benchmark of the stock ledger through the public engine API.

Run ``python benchmarks/ledger.py`` (the default size: about a minute of CPU time on a slow
shared 2-core machine, most of it posting the 1,000,000 movements of the memory figure
under tracemalloc), ``--size 5`` for five times more work in the timed phases, or
``--memory-movements 200000`` for a quicker memory phase. It prints what it does as it
goes; its last line is one JSON object::

    {"benchmark": "ledger", "python": "3.11.7", "figures": {...}}

Every timed phase does what a host's call does: it builds the command (so the movements
and accounts are validated when they are constructed), calls ``Engine.execute`` (decision
with its balance checks, idempotency bookkeeping, append to the ``MemoryEventStore``,
projection update) and keeps the result. The data are generated from a fixed seed before
the clock starts, so two runs do the same work.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

from invorder import (
    CUSTOMER,
    SUPPLIER,
    Account,
    Bucket,
    DefineLocation,
    DefineSku,
    Engine,
    MemoryEventStore,
    Movement,
    PostEntry,
    Sku,
)

SEED = 20261127
WAREHOUSE = "EAST"
ZONES = 10
BINS_PER_ZONE = 100
SKUS = 100
BATCH = 100
T0 = datetime(2026, 1, 1, tzinfo=UTC)
AVAILABLE = Bucket.AVAILABLE
Raw = tuple[str, str, str, int]

BINS = [f"{WAREHOUSE}/Z{z:02d}/B{b:03d}" for z in range(ZONES) for b in range(BINS_PER_ZONE)]
SKU_CODES = [f"SKU-{n:05d}" for n in range(SKUS)]
# Destinations by index: the bins, then the two virtual ends of the flows.
PLACES = [*BINS, str(SUPPLIER), str(CUSTOMER)]
FROM_SUPPLIER = len(BINS)
TO_CUSTOMER = len(BINS) + 1


def say(message: str) -> None:
    """Print a progress line at once (the figures come at the end)."""
    print(message, flush=True)


class Flow:
    """A seeded stream of valid movements: receipts, bin-to-bin moves and shipments.

    It keeps a shadow of the balances so that every movement it makes can be posted: a
    random (SKU, bin) with enough stock is moved to another bin or shipped, otherwise it
    receives stock from the supplier. A movement is a plain tuple of the strings and the
    quantity a host would pass; building the invorder values from it is the timed part.
    """

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)
        self._shadow: dict[tuple[int, int], int] = {}

    def generate(self, count: int) -> list[Raw]:
        """``count`` movements as (sku, source, destination, quantity) tuples."""
        rnd = self._random.random
        randrange = self._random.randrange
        shadow = self._shadow
        raws: list[Raw] = []
        bins = len(BINS)
        for _ in range(count):
            sku = randrange(SKUS)
            place = randrange(bins)
            quantity = randrange(1, 21)
            have = shadow.get((sku, place), 0)
            if have >= quantity:
                shadow[(sku, place)] = have - quantity
                if rnd() < 0.6:
                    other = randrange(bins - 1)
                    other += other >= place
                    shadow[(sku, other)] = shadow.get((sku, other), 0) + quantity
                    source, destination = place, other
                else:
                    source, destination = place, TO_CUSTOMER
            else:
                quantity *= 3
                shadow[(sku, place)] = have + quantity
                source, destination = FROM_SUPPLIER, place
            raws.append((SKU_CODES[sku], PLACES[source], PLACES[destination], quantity))
        return raws

    def mix(self, raws: list[Raw]) -> str:
        """A one-line description of the kinds of movement in ``raws``."""
        receipts = sum(1 for raw in raws if raw[1] == SUPPLIER)
        shipments = sum(1 for raw in raws if raw[2] == CUSTOMER)
        moves = len(raws) - receipts - shipments
        total = len(raws) or 1
        return (
            f"{receipts / total:.0%} receipts, {moves / total:.0%} bin-to-bin moves, "
            f"{shipments / total:.0%} shipments"
        )


def new_engine(store: MemoryEventStore | None = None) -> Engine:
    """An engine over a fresh in-memory store with one warehouse of 1,000 bins and the SKUs."""
    engine = Engine(store if store is not None else MemoryEventStore())
    for n, path in enumerate(BINS):
        engine.execute(DefineLocation(key=f"loc-{n}", at=T0, location=path))
    for n, code in enumerate(SKU_CODES):
        engine.execute(DefineSku(key=f"sku-{n}", at=T0, sku=Sku(code)))
    return engine


def movement(raw: Raw) -> Movement:
    """Build a movement as a host would: new accounts, full validation."""
    sku, source, destination, quantity = raw
    return Movement(
        sku=sku,
        quantity=quantity,
        source=Account(source, AVAILABLE),
        destination=Account(destination, AVAILABLE),
        reason="bench",
    )


def movement_by_name(raw: Raw) -> Movement:
    """:func:`movement` as a host reading JSON builds it: the bucket given by its name."""
    sku, source, destination, quantity = raw
    return Movement(
        sku=sku,
        quantity=quantity,
        source=Account(source, "available"),
        destination=Account(destination, "available"),
        reason="bench",
    )


def post_single(engine: Engine, raws: list[Raw], prefix: str) -> None:
    """One ``PostEntry`` of one movement per ``Engine.execute`` call."""
    execute = engine.execute
    for i, raw in enumerate(raws):
        execute(
            PostEntry(key=f"{prefix}{i}", at=T0 + timedelta(seconds=i), movements=(movement(raw),))
        )


def post_batched(engine: Engine, raws: list[Raw], prefix: str) -> None:
    """``PostEntry`` journal entries of ``BATCH`` movements each, one ``execute`` per entry."""
    execute = engine.execute
    for command in entries(raws, prefix):
        execute(command)


def entries(raws: list[Raw], prefix: str) -> Iterator[PostEntry]:
    """The movements of ``raws`` as ``PostEntry`` commands of ``BATCH`` movements, built
    one at a time."""
    for start in range(0, len(raws), BATCH):
        yield PostEntry(
            key=f"{prefix}{start}",
            at=T0 + timedelta(seconds=start),
            movements=tuple(movement(raw) for raw in raws[start : start + BATCH]),
        )


def timed(action: Callable[[], object]) -> float:
    """CPU seconds taken by ``action()``.

    Process time, not wall-clock time: on a machine shared with other work, the time this
    process spends waiting for a core is not the ledger's cost.
    """
    started = time.process_time()
    action()
    return time.process_time() - started


def main(argv: list[str] | None = None) -> int:
    """Run every phase, print progress and, last, the JSON figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--size", type=float, default=1.0, help="scale of the timed phases (default 1)"
    )
    parser.add_argument(
        "--memory-movements",
        type=int,
        default=1_000_000,
        help="movements posted for the memory figure (default 1,000,000)",
    )
    args = parser.parse_args(argv)
    single_count = int(10_000 * args.size)
    batched_count = int(100_000 * args.size) // BATCH * BATCH
    lookups = int(1_000_000 * args.size)
    memory_count = args.memory_movements // BATCH * BATCH
    figures: dict[str, float] = {}

    say(f"invorder ledger benchmark, Python {platform.python_version()}, seed {SEED}")
    say(f"set-up: one warehouse {WAREHOUSE} of {len(BINS)} bins, {SKUS} SKUs, memory store")
    run_speed(figures, single_count, batched_count, lookups, max(1, int(100_000 * args.size)))
    gc.collect()
    if memory_count:
        run_memory(figures, memory_count)
    say(f"done: {time.process_time():.1f} s of CPU time in all")
    print(
        json.dumps({"benchmark": "ledger", "python": platform.python_version(), "figures": figures})
    )
    return 0


def run_speed(
    figures: dict[str, float], single_count: int, batched_count: int, lookups: int, rollups: int
) -> None:
    """The timed phases, on one engine: posting, lookups, roll-ups and replay."""
    flow = Flow(SEED)
    store = MemoryEventStore()
    engine = new_engine(store)

    warm = flow.generate(20_000)
    say(f"warm-up: {len(warm):,} movements in entries of {BATCH} ({flow.mix(warm)})")
    post_batched(engine, warm, "warm-")

    raws = flow.generate(single_count)
    say(f"single: {single_count:,} PostEntry commands of one movement each ({flow.mix(raws)})")
    seconds = timed(lambda: post_single(engine, raws, "single-"))
    figures["post_single_per_s"] = round(single_count / seconds)
    say(f"  {figures['post_single_per_s']:,} movements/s")

    raws = flow.generate(batched_count)
    say(f"batched: {batched_count:,} movements in PostEntry commands of {BATCH} ({flow.mix(raws)})")
    seconds = timed(lambda: post_batched(engine, raws, "batch-"))
    figures["post_batched_per_s"] = round(batched_count / seconds)
    say(f"  {figures['post_batched_per_s']:,} movements/s")

    raws = flow.generate(batched_count)
    say(f"the same split in two: build {batched_count:,} movements as PostEntry commands first,")
    built: list[PostEntry] = []
    seconds = timed(lambda: built.extend(entries(raws, "split-")))
    figures["build_movements_per_s"] = round(batched_count / seconds)
    say(f"  build (construction and validation of the values): {seconds:.2f} s")
    seconds = timed(lambda: [engine.execute(command) for command in built])
    figures["execute_batched_per_s"] = round(batched_count / seconds)
    say(f"  then Engine.execute them: {figures['execute_batched_per_s']:,} movements/s")
    seconds = timed(lambda: [movement_by_name(raw) for raw in raws])
    figures["build_movements_by_name_per_s"] = round(batched_count / seconds)
    say(f"  building them with the buckets named: {figures['build_movements_by_name_per_s']:,}"
        " movements/s")  # fmt: skip
    built.clear()

    accounts = [
        (sku, path) for sku in SKU_CODES for path in BINS if engine.balance(sku, path, AVAILABLE)
    ]
    rnd = random.Random(SEED + 1)
    sample = [accounts[rnd.randrange(len(accounts))] for _ in range(lookups)]
    say(f"balance: {lookups:,} Engine.balance calls on random accounts out of {len(accounts):,}")
    balance = engine.balance

    def look_up() -> None:
        for sku, path in sample:
            balance(sku, path, AVAILABLE)

    seconds = timed(look_up)
    figures["balance_lookups_per_s"] = round(lookups / seconds)
    say(f"  {figures['balance_lookups_per_s']:,} lookups/s")

    say(f"rollup: {rollups:,} Engine.rollup calls over {WAREHOUSE} ({len(BINS)} bins)")
    rollup = engine.rollup
    expected = {
        sku: sum(engine.balance(sku, path, AVAILABLE) for path in BINS) for sku in SKU_CODES
    }
    for sku in SKU_CODES:
        assert rollup(sku, WAREHOUSE, AVAILABLE) == expected[sku], "roll-up disagrees with bins"
    cycle = [SKU_CODES[rnd.randrange(SKUS)] for _ in range(rollups)]

    def roll_up() -> None:
        for sku in cycle:
            rollup(sku, WAREHOUSE, AVAILABLE)

    seconds = timed(roll_up)
    figures["rollup_1000_bins_us"] = round(seconds / rollups * 1e6, 3)
    say(f"  {figures['rollup_1000_bins_us']} us per roll-up")

    say(f"replay: a new Engine folding the log of {engine.position:,} events")
    moved = len(warm) + single_count + 2 * batched_count
    seconds = timed(lambda: Engine(store))
    figures["replay_movements_per_s"] = round(moved / seconds)
    say(f"  {figures['replay_movements_per_s']:,} movements/s")
    problems = engine.verify()
    assert not problems, problems


def run_memory(figures: dict[str, float], memory_count: int) -> None:
    """Memory held per movement by a fresh engine and store after ``memory_count`` movements."""
    flow = Flow(SEED + 2)
    raws = flow.generate(memory_count)
    say(
        f"memory: {memory_count:,} movements in PostEntry commands of {BATCH}, "
        f"each movement with its own two Account values ({flow.mix(raws)}); tracemalloc on"
    )
    gc.collect()
    # The collector frees nothing here (the engine keeps every object it is given) and only
    # slows this phase down; it runs once more before the memory is read.
    gc.disable()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    memory_engine = new_engine()
    step = 250_000
    for start in range(0, memory_count, step):
        post_batched(memory_engine, raws[start : start + step], f"mem-{start}-")
        say(f"  {min(start + step, memory_count):,} posted")
    gc.enable()
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    figures["bytes_per_movement"] = round(held / memory_count, 1)
    say(
        f"  engine + store hold {held / 2**20:,.1f} MiB: "
        f"{figures['bytes_per_movement']} bytes per movement"
    )
    assert memory_engine.position == len(BINS) + SKUS + memory_count // BATCH


if __name__ == "__main__":
    sys.exit(main())
