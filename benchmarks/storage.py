"""Storage benchmark: appends and commands per second on each store; start-up times; the
time ``Engine.history()`` takes for a SKU with 30,000 movements (``--history N``), whole and
its last 100 lines.

Run: ``python benchmarks/storage.py`` (about a minute; start-up measured on a log of
50,000 events) or ``python benchmarks/storage.py --events 1000000`` for the 1M-event
start-up figures. PostgreSQL is measured when ``INVORDER_BENCH_POSTGRES_URL`` (or
``INVORDER_TEST_POSTGRES_URL``) names a reachable database; the benchmark DROPS the invorder
tables there, so point it at a throwaway database. Orders do not exist yet: "orders" here
are a representative stock command mix (receive, move, mark damaged) through the engine.
The last line printed is the JSON summary.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

import invorder
from invorder.adapters.memory import MemoryEventStore
from invorder.adapters.sql import SqlEventStore, SqlSnapshotStore, metadata, sql_engine
from invorder.testing.contract import sample_event

T0 = datetime(2026, 11, 27, tzinfo=UTC)
SKUS = [f"SKU-{i:03d}" for i in range(20)]
BINS = [f"EAST/A/{i:02d}" for i in range(10)]
BATCH = 500
LAST = 100
"""How many of the latest history lines ``history(last=...)`` is timed reading."""


def set_up(engine: invorder.Engine) -> None:
    commands: list[invorder.Command] = [
        invorder.DefineLocation(key=f"loc-{b}", at=T0, location=b) for b in BINS
    ]
    commands += [invorder.DefineSku(key=f"sku-{s}", at=T0, sku=invorder.Sku(s)) for s in SKUS]
    commands += [
        invorder.ReceiveStock(key=f"rcv-{s}-{b}", at=T0, sku=s, location=b, quantity=50)
        for s in SKUS
        for b in BINS
    ]
    engine.execute_batch(commands)


def mix(count: int, seed: int, prefix: str) -> list[invorder.Command]:
    """A stock command mix standing in for orders: 1/3 receive, 1/3 move, 1/3 damage."""
    rng = random.Random(seed)
    commands: list[invorder.Command] = []
    for i in range(count):
        sku, at, key = rng.choice(SKUS), T0 + timedelta(seconds=i), f"{prefix}-{i}"
        kind = i % 3
        if kind == 0:
            location = rng.choice(BINS)
            commands.append(
                invorder.ReceiveStock(key=key, at=at, sku=sku, location=location, quantity=2)
            )
        elif kind == 1:
            source, destination = rng.sample(BINS, 2)
            commands.append(
                invorder.MoveStock(
                    key=key, at=at, sku=sku, source=source, destination=destination, quantity=1
                )
            )
        else:
            location = rng.choice(BINS)
            commands.append(
                invorder.MarkDamaged(key=key, at=at, sku=sku, location=location, quantity=1)
            )
    return commands


def commands_per_s(store: invorder.EventStore, count: int, *, batched: bool = True) -> float:
    engine = invorder.Engine(store)
    set_up(engine)
    commands = mix(count, 1, "cmd")
    start = time.perf_counter()
    if batched:
        for i in range(0, count, BATCH):
            engine.execute_batch(commands[i : i + BATCH])
    else:
        engine.execute_many(commands)
    elapsed = time.perf_counter() - start
    assert engine.position >= count * 0.9, "most commands of the mix must be accepted"
    return count / elapsed


def events_per_s(store: invorder.EventStore, count: int) -> float:
    events = [sample_event(i, "bench") for i in range(count)]
    start = time.perf_counter()
    for i in range(0, count, BATCH):
        store.append(events[i : i + BATCH], expected_position=i)
    elapsed = time.perf_counter() - start
    assert store.head() == count
    return count / elapsed


def build_log(url: str, events: int) -> None:
    store = SqlEventStore(sql_engine(url, synchronous="OFF"))
    engine = invorder.Engine(store)
    set_up(engine)
    chunk = 0
    while engine.position < events:
        need = events - engine.position
        commands = mix(min(need, 5000), chunk, f"log{chunk}")
        engine.execute_batch(commands[: min(need, 5000)])
        chunk += 1
    store.engine.dispose()


def startup(url: str) -> tuple[float, float, int, int]:
    store = SqlEventStore(url, create=False)
    snapshots = SqlSnapshotStore(store.engine, create=False)
    start = time.perf_counter()
    replayed = invorder.Engine(store)
    replay_s = time.perf_counter() - start
    replayed_snapshots = invorder.Engine(store, snapshots=snapshots)
    replayed_snapshots.snapshot()
    start = time.perf_counter()
    from_snapshot = invorder.Engine(store, snapshots=snapshots)
    snapshot_s = time.perf_counter() - start
    assert from_snapshot.position == replayed.position == store.head()
    assert from_snapshot.balances(SKUS[0]) == replayed.balances(SKUS[0])
    saved = snapshots.load()
    size = len(saved[1]) if saved is not None else 0
    return snapshot_s, replay_s, store.head(), size


def history_ms(store: invorder.EventStore, movements: int) -> tuple[float, float]:
    """Milliseconds of ``Engine.history()`` of one SKU with ``movements`` movements, on a
    log where another SKU's movement sits between each two of them (as other SKUs' would in
    a real log): the whole history, then its last ``LAST`` lines (``last=LAST``)."""
    engine = invorder.Engine(store)
    engine.execute_batch([
        invorder.DefineLocation(key="h-loc", at=T0, location="EAST/H/01"),
        invorder.DefineSku(key="h-hot", at=T0, sku=invorder.Sku("HOT")),
        invorder.DefineSku(key="h-other", at=T0, sku=invorder.Sku("OTHER")),
    ])  # fmt: skip
    commands = [
        invorder.ReceiveStock(key=f"h-{sku}-{i}", at=T0 + timedelta(seconds=i), sku=sku,
                              location="EAST/H/01", quantity=1)
        for i in range(movements) for sku in ("HOT", "OTHER")
    ]  # fmt: skip
    for i in range(0, len(commands), BATCH):
        engine.execute_batch(commands[i : i + BATCH])
    gc.collect()  # each timed call starts from a collected heap: a full collection that
    # happened to fall inside one call (about 90 ms here) made the figure a lottery
    start = time.perf_counter()
    lines = engine.history("HOT", "EAST")
    elapsed = time.perf_counter() - start
    assert len(lines) == movements
    assert lines[-1].balance == movements
    gc.collect()
    start = time.perf_counter()
    latest = engine.history("HOT", "EAST", last=LAST)
    elapsed_last = time.perf_counter() - start
    assert latest == lines[-LAST:]
    return elapsed * 1000, elapsed_last * 1000


def postgres_url() -> tuple[str | None, str]:
    url = os.environ.get("INVORDER_BENCH_POSTGRES_URL") or os.environ.get(
        "INVORDER_TEST_POSTGRES_URL"
    )
    if not url:
        return None, "no INVORDER_BENCH_POSTGRES_URL or INVORDER_TEST_POSTGRES_URL set"
    try:
        with sql_engine(url).connect() as connection:
            connection.execute(sa.text("select 1"))
    except sa.exc.OperationalError as error:
        return None, f"{url} not reachable ({type(error).__name__})"
    return url, url


def fresh_postgres(url: str) -> SqlEventStore:
    engine = sql_engine(url)
    metadata.drop_all(engine)
    return SqlEventStore(engine)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=50_000, help="log size for start-up")
    parser.add_argument("--commands", type=int, default=20_000, help="commands per store")
    parser.add_argument("--history", type=int, default=30_000,
                        help="movements of the SKU whose history is read")  # fmt: skip
    args = parser.parse_args()
    figures: dict[str, float | int | str] = {}
    n = args.commands
    print(f"'orders' are a stock command mix (receive, move, mark damaged); batches of {BATCH}")

    figures["events_per_s_memory"] = events_per_s(MemoryEventStore(), n)
    figures["orders_per_s_memory"] = commands_per_s(MemoryEventStore(), n)
    figures["orders_per_s_memory_unbatched"] = commands_per_s(MemoryEventStore(), n, batched=False)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory)
        figures["events_per_s_sqlite"] = events_per_s(SqlEventStore(f"sqlite:///{path}/e.db"), n)
        figures["orders_per_s_sqlite"] = commands_per_s(SqlEventStore(f"sqlite:///{path}/c.db"), n)
        figures["orders_per_s_sqlite_unbatched"] = commands_per_s(
            SqlEventStore(f"sqlite:///{path}/u.db"), n // 20, batched=False
        )
        url, note = postgres_url()
        if url is None:
            print(f"PostgreSQL: {note}; its figures are omitted")
        else:
            print(f"PostgreSQL: {note}")
            figures["events_per_s_postgres"] = events_per_s(fresh_postgres(url), n)
            figures["orders_per_s_postgres"] = commands_per_s(fresh_postgres(url), n)
            figures["orders_per_s_postgres_unbatched"] = commands_per_s(
                fresh_postgres(url), n // 20, batched=False
            )
        movements = f"{args.history // 1000}k"
        for name, store in (
            ("memory", MemoryEventStore()),
            ("sqlite", SqlEventStore(sql_engine(f"sqlite:///{path}/h.db", synchronous="OFF"))),
        ):
            whole, latest = history_ms(store, args.history)
            figures[f"history_{movements}_movements_ms_{name}"] = whole
            figures[f"history_last_{LAST}_of_{movements}_ms_{name}"] = latest
        log_url = f"sqlite:///{path}/log.db"
        build_log(log_url, args.events)
        snapshot_s, replay_s, events, size = startup(log_url)
    label = f"{events // 1_000_000}m" if events % 1_000_000 == 0 else f"{events // 1000}k"
    figures[f"startup_{label}_events_snapshot_s"] = snapshot_s
    figures[f"startup_{label}_events_replay_s"] = replay_s
    figures[f"snapshot_{label}_events_bytes"] = size
    figures["sqlite_to_memory_ratio"] = float(figures["orders_per_s_sqlite"]) / float(
        figures["orders_per_s_memory"]
    )
    for name, value in figures.items():
        print(f"{name:40} {value:>14,.3f}" if isinstance(value, float) else f"{name:40} {value}")
    rounded = {k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}
    print(
        json.dumps(
            {"benchmark": "storage", "python": platform.python_version(), "figures": rounded}
        )
    )


if __name__ == "__main__":
    main()
