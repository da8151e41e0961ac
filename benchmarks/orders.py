"""Orders benchmark: capture + allocate, pick/pack/ship, backorders filled by a receipt, and
replay of the resulting log.

Builds 5 warehouses x 20 bins with 200 SKUs, then measures through the engine on the
in-memory store:

* ``capture_allocate_per_s``: ``CaptureOrder`` commands (3 lines each, allocated at once by
  the default rule) per second;
* ``fulfil_shipments_per_s``: shipments taken through StartPicking + PackShipment +
  ShipShipment per second (three commands each);
* ``receipt_fills_backorders_ms``: one ``ReceiveStock`` that allocates the backorders of
  ``--backorders`` waiting orders in priority order, and how many it filled;
* ``replay_events_per_s``: events folded per second when a fresh engine replays the log;
* ``encode_us_per_event`` and ``json_bytes_per_event``: that log's events turned into their
  canonical JSON (``invorder.chain.canonical_stream``), what a SQL append and the hash
  chain pay per event, and the UTF-8 bytes of that text per event;
* ``lines_per_s``: on a fresh engine, every order captured (allocated at once) and every
  shipment picked, packed and shipped, in order lines per second;
* ``floor_lines_per_s`` and ``floor_ratio``: a plain dict-and-tuple loop doing the same
  capture -> reserve -> ship over the same orders and stock (first warehouse with stock,
  split allowed, as the default rule), run in the same process; the ratio is how many
  times faster than invorder the floor is (issue 19's target: at most 15);
* ``replay_lines_per_s`` and ``replay_floor_ratio``: the log of that run, less its set-up,
  replayed into a fresh engine (its events folded into the projections and their keys
  indexed: no decision, no validation, no event built), in order lines a second, and how
  many times faster the floor is than that replay;
* ``lines_per_s_memory_batched`` and ``lines_per_s_sqlite_batched``: the same orders and
  stock as ``lines_per_s``, the commands given to ``Engine.execute_batch`` 50 at a time
  (the captures, then the fulfilment commands): on the in-memory store, and persisted on a
  SQLite file in a temporary directory (``invorder.sqlite``: WAL, ``synchronous=FULL``, the
  chain hash kept); needs the ``sql`` extra, else left out. Both give the decisions of the
  unbatched run, which the script checks;
* ``index_movements_s`` and ``index_movements_entries``: the SQLite run's movements index
  emptied and built again from its log (``SqlEventStore.index_movements()``), as for a
  database written before the index existed;
* ``peak_rss_mb``: the process's peak resident memory before the batched runs (three
  engines are alive by then: the first, its replay and the ``lines_per_s`` one);
* ``held_mb``: the memory the ``lines_per_s`` engine holds once its orders have shipped (its
  store, log and projections, each object counted once): with ``--orders 100000 --skus
  10000``, issue 19's "100k orders x 3 lines in memory" figure.

Usage: ``python benchmarks/orders.py [--orders N] [--backorders N] [--skus N]``. The last
line printed is the benchmark JSON object.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import resource
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from _report import held_bytes, print_figures  # benchmarks/_report.py, beside this script

import invorder as iv
from invorder.chain import canonical_stream
from invorder.records import Order

T = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
WAREHOUSES = ("EAST", "WEST", "CENTRAL", "NORTH", "SOUTH")
KINDS = (iv.OrderKind.DTC, iv.OrderKind.MARKETPLACE)
PRICE = iv.Money(Decimal("9.99"), "USD")


BATCH = 50
"""Commands per ``execute_batch`` in the batched figures (the issue's "execute_batch of 50")."""


def set_up(skus: int, rng: random.Random) -> list[iv.Command]:
    """The set-up commands: bins in every warehouse, ``skus`` SKUs, stock spread over the
    bins."""
    commands: list[iv.Command] = []
    n = 0
    for warehouse in WAREHOUSES:
        for b in range(20):
            n += 1
            commands.append(iv.DefineLocation(key=f"l{n}", at=T, location=f"{warehouse}/A/{b:02}"))
    commands.append(iv.DefineChannel(key="ch-shop", at=T, channel="shop",
                                     locations=tuple(WAREHOUSES)))  # fmt: skip
    for s in range(skus):
        commands.append(iv.DefineSku(key=f"s{s}", at=T, sku=iv.Sku(f"SKU-{s:04}")))
        for warehouse in WAREHOUSES:
            commands.append(iv.ReceiveStock(
                key=f"r{s}-{warehouse}", at=T, sku=f"SKU-{s:04}", quantity=rng.randint(5, 40),
                location=f"{warehouse}/A/{rng.randrange(20):02}",
            ))  # fmt: skip
    return commands


def build(skus: int, rng: random.Random) -> iv.Engine:
    """An in-memory engine with the set-up of :func:`set_up`, one command at a time."""
    engine = iv.in_memory()
    for command in set_up(skus, rng):
        engine.execute(command)
    return engine


def order(
    n: int, rng: random.Random, skus: int, at: datetime, prefix: str = "O"
) -> iv.CaptureOrder:
    """A three-line order of random SKUs."""
    chosen = rng.sample(range(skus), 3)
    return iv.CaptureOrder(
        key=f"cap-{prefix}{n}", at=at, order=f"{prefix}{n}", channel="shop",
        external_id=f"{prefix}{n}", kind=KINDS[n % 2],
        lines=[iv.LineItem(str(i), f"SKU-{s:04}", rng.randint(1, 3), PRICE)
               for i, s in enumerate(chosen)],
    )  # fmt: skip


def stock_of(engine: iv.Engine, skus: int) -> dict[tuple[str, str], int]:
    """Available units per (SKU, warehouse), as the floor loop starts from them."""
    return {
        (f"SKU-{s:04}", w): engine.atp(f"SKU-{s:04}", w, T)
        for s in range(skus) for w in WAREHOUSES
    }  # fmt: skip


def invorder_lines_per_s(engine: iv.Engine, orders: list[iv.CaptureOrder]) -> float:
    """Capture every order, then pick, pack and ship every shipment: order lines a second."""
    start = time.perf_counter()
    for command in orders:
        engine.execute(command)
    for n, o in enumerate(orders):
        for s in engine.shipments(o.order):
            if s.units:
                key = f"f{n}-{s.shipment}"
                engine.execute(iv.StartPicking(key=f"{key}-p", at=T, shipment=s.shipment))
                engine.execute(iv.PackShipment(key=f"{key}-k", at=T, shipment=s.shipment))
                engine.execute(iv.ShipShipment(key=f"{key}-s", at=T, shipment=s.shipment,
                                               carrier="UPS"))  # fmt: skip
    elapsed = time.perf_counter() - start
    return sum(len(o.lines) for o in orders) / elapsed


def chunks(commands: Sequence[iv.Command], size: int) -> Iterator[Sequence[iv.Command]]:
    """``commands`` ``size`` at a time."""
    for low in range(0, len(commands), size):
        yield commands[low : low + size]


def batched_lines_per_s(engine: iv.Engine, orders: list[iv.CaptureOrder]) -> float:
    """:func:`invorder_lines_per_s` with the commands given to ``execute_batch``,
    :data:`BATCH` at a time: the captures, then the pick, pack and ship of every shipment
    (a shipment's three commands may fall in two batches). Order lines a second."""
    start = time.perf_counter()
    for batch in chunks(orders, BATCH):
        for outcome in engine.execute_batch(batch):
            assert not isinstance(outcome, iv.Rejected), outcome
    fulfil: list[iv.Command] = []
    for n, o in enumerate(orders):
        for s in engine.shipments(o.order):
            if s.units:
                key = f"f{n}-{s.shipment}"
                fulfil += [iv.StartPicking(key=f"{key}-p", at=T, shipment=s.shipment),
                           iv.PackShipment(key=f"{key}-k", at=T, shipment=s.shipment),
                           iv.ShipShipment(key=f"{key}-s", at=T, shipment=s.shipment,
                                           carrier="UPS")]  # fmt: skip
    for batch in chunks(fulfil, BATCH):
        for outcome in engine.execute_batch(batch):
            assert not isinstance(outcome, iv.Rejected), outcome
    elapsed = time.perf_counter() - start
    return sum(len(o.lines) for o in orders) / elapsed


def batched_figures(
    skus: int, orders: list[iv.CaptureOrder], expected: list[Order]
) -> dict[str, object]:
    """``lines_per_s_memory_batched`` and, with the ``sql`` extra, ``lines_per_s_sqlite_batched``:
    fresh engines with the floor run's set-up (seed 11), the orders in batches. Each must
    leave the orders of the unbatched run."""
    figures: dict[str, object] = {}
    setup = set_up(skus, random.Random(11))
    memory = iv.in_memory()
    for batch in chunks(setup, 500):
        memory.execute_batch(batch)
    figures["lines_per_s_memory_batched"] = round(batched_lines_per_s(memory, orders))
    assert memory.orders() == expected, "batching must not change a decision"
    if importlib.util.find_spec("sqlalchemy") is None:
        print("sqlalchemy is not installed (the sql extra): no SQLite figure")
        return figures
    from invorder.adapters.sql import SqlEventStore  # the sql extra is there

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "orders.db"
        with iv.sqlite(path) as engine:
            for batch in chunks(setup, 500):
                engine.execute_batch(batch)
            figures["lines_per_s_sqlite_batched"] = round(batched_lines_per_s(engine, orders))
            assert engine.orders() == expected, "the SQLite store must not change a decision"
            assert engine.verify() == []
        # The movements index built again from the log, as for a database written before
        # the index existed: only the journal entries' rows are read and decoded.
        with sqlite3.connect(path) as database:
            indexed = database.execute("SELECT count(*) FROM invorder_movements").fetchone()
            database.execute("DELETE FROM invorder_movements")
        with SqlEventStore(f"sqlite:///{path}") as store:
            started = time.perf_counter()
            figures["index_movements_entries"] = store.index_movements()
            figures["index_movements_s"] = round(time.perf_counter() - started, 2)
            assert iv.Engine(store).verify() == [], "the index rebuilt must be the log's"
        with sqlite3.connect(path) as database:
            again = database.execute("SELECT count(*) FROM invorder_movements").fetchone()
        assert again == indexed, "the index rebuilt must hold every movement again"
        print(f"index rebuilt: {figures['index_movements_entries']:,} entries ({again[0]:,} "
              f"movements) in {figures['index_movements_s']} s")  # fmt: skip
    return figures


def floor_lines_per_s(
    stock: dict[tuple[str, str], int], orders: Sequence[tuple[str, tuple[tuple[str, int], ...]]]
) -> tuple[float, int]:
    """The same work as plain dicts and tuples: reserve each line from the first warehouses
    with stock, then ship every reservation. Order lines a second, and units shipped."""
    start = time.perf_counter()
    available = dict(stock)
    reserved: dict[tuple[str, str], int] = {}
    held: list[tuple[str, list[tuple[tuple[str, str], int]]]] = []
    for order_id, lines in orders:
        picks = []
        for sku, quantity in lines:
            need = quantity
            for warehouse in WAREHOUSES:
                account = (sku, warehouse)
                have = available.get(account, 0)
                if have:
                    take = min(have, need)
                    available[account] = have - take
                    reserved[account] = reserved.get(account, 0) + take
                    picks.append((account, take))
                    need -= take
                    if not need:
                        break
        held.append((order_id, picks))
    shipped = 0
    for _order_id, picks in held:
        for account, take in picks:
            reserved[account] -= take
            shipped += take
    elapsed = time.perf_counter() - start
    return sum(len(lines) for _, lines in orders) / elapsed, shipped


def replayed_lines_per_s(
    engine: iv.Engine, set_up_events: int, orders: Sequence[tuple[str, tuple[tuple[str, int], ...]]]
) -> float:
    """Order lines a second of a replay of what ``engine`` logged after its first
    ``set_up_events``: a fresh engine folds the whole log, less the time a fresh engine takes
    to replay the set-up alone (each the best of three). No decision, no validation, no
    event built: what folding the log's events into the projections (and indexing their
    keys) costs per line."""
    events = list(engine.events())

    def replay(log: list[iv.Event]) -> tuple[float, iv.Engine]:
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            replayed = iv.Engine(iv.MemoryEventStore(log))
            best = min(best, time.perf_counter() - start)
            assert replayed.position == len(log)
        return best, replayed

    (whole, replayed), (set_up, _) = replay(events), replay(events[:set_up_events])
    assert replayed.orders() == engine.orders(), "the replay must rebuild the same orders"
    return sum(len(lines) for _, lines in orders) / (whole - set_up)


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=3000)
    parser.add_argument("--backorders", type=int, default=300)
    parser.add_argument("--skus", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(7)
    engine = build(args.skus, rng)
    commands = [order(n, rng, args.skus, T + timedelta(seconds=n)) for n in range(args.orders)]
    start = time.perf_counter()
    for command in commands:
        engine.execute(command)
    capture_s = time.perf_counter() - start

    shipments = [s.shipment for o in engine.orders()[: args.orders // 3]
                 for s in engine.shipments(o.order_id) if s.units]  # fmt: skip
    start = time.perf_counter()
    for n, shipment in enumerate(shipments):
        engine.execute(iv.StartPicking(key=f"sp{n}", at=T, shipment=shipment))
        engine.execute(iv.PackShipment(key=f"pk{n}", at=T, shipment=shipment))
        engine.execute(iv.ShipShipment(key=f"sh{n}", at=T, shipment=shipment, carrier="UPS"))
    ship_s = time.perf_counter() - start

    # One SKU sold out everywhere, then orders waiting on it, then one receipt.
    hot = "SKU-HOT"
    engine.execute(iv.DefineSku(key="hot", at=T, sku=iv.Sku(hot)))
    for n in range(args.backorders):
        engine.execute(iv.CaptureOrder(
            key=f"cap-B{n}", at=T + timedelta(seconds=n), order=f"B{n}", channel="shop",
            external_id=f"B{n}", kind=KINDS[n % 2], lines=[iv.LineItem("1", hot, 2, PRICE)],
        ))  # fmt: skip
    receipt = iv.ReceiveStock(key="hot-in", at=T + timedelta(days=1), sku=hot,
                              location="EAST/A/00", quantity=args.backorders)  # fmt: skip
    start = time.perf_counter()
    outcome = engine.execute(receipt)
    receipt_s = time.perf_counter() - start
    filled = sum(1 for e in outcome if isinstance(e, iv.events.OrderAllocated))

    events = list(engine.events())
    start = time.perf_counter()
    replayed = iv.Engine(iv.MemoryEventStore(events))
    replay_s = time.perf_counter() - start
    assert replayed.orders() == engine.orders()
    assert engine.verify() == []
    # What a SQL append and the hash chain pay per event: its canonical JSON text.
    start = time.perf_counter()
    json_bytes = sum(len(data) for data in canonical_stream(events))
    encode_s = time.perf_counter() - start

    # The floor: the same orders and stock through invorder and through plain dicts.
    rng = random.Random(11)
    fresh = build(args.skus, rng)
    set_up_events = fresh.position
    stock = stock_of(fresh, args.skus)
    floor_orders = [order(n, rng, args.skus, T + timedelta(seconds=n), "F")
                    for n in range(args.orders)]  # fmt: skip
    lines_per_s = invorder_lines_per_s(fresh, floor_orders)
    held_mb = held_bytes([fresh]) / 1e6
    plain = [(o.order, tuple((line.sku, line.quantity) for line in o.lines))
             for o in floor_orders]  # fmt: skip
    floor_per_s, shipped = floor_lines_per_s(stock, plain)
    units = sum(fresh.balance(f"SKU-{s:04}", "@customer") for s in range(args.skus))
    assert units == shipped, "the floor must do the same work (same rule, same units)"
    replay_lines_per_s = replayed_lines_per_s(fresh, set_up_events, plain)
    # Before the batched runs, which build two more engines. KiB on Linux, bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_mb = peak / (1 << 20) if sys.platform == "darwin" else peak / 1024
    expected = fresh.orders()
    event_count = len(events)
    del engine, fresh, replayed, events
    batched = batched_figures(args.skus, floor_orders, expected)

    figures = {
        "orders": args.orders,
        "capture_allocate_per_s": round(args.orders / capture_s),
        "shipments": len(shipments),
        "fulfil_shipments_per_s": round(len(shipments) / ship_s),
        "backorders_waiting": args.backorders,
        "receipt_fills_backorders_ms": round(receipt_s * 1000, 1),
        "receipt_filled_orders": filled,
        "events": event_count,
        "replay_events_per_s": round(event_count / replay_s),
        "encode_us_per_event": round(encode_s / event_count * 1e6, 2),
        "json_bytes_per_event": round(json_bytes / event_count),
        "lines_per_s": round(lines_per_s),
        "units_shipped": units,
        "floor_lines_per_s": round(floor_per_s),
        "floor_units_shipped": shipped,
        "floor_ratio": round(floor_per_s / lines_per_s, 1),
        "replay_lines_per_s": round(replay_lines_per_s),
        "replay_floor_ratio": round(floor_per_s / replay_lines_per_s, 1),
        **batched,
        "peak_rss_mb": round(peak_mb),
        "held_mb": round(held_mb, 1),
    }
    print_figures("orders", figures)


if __name__ == "__main__":
    main()
