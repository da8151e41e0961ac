"""Rejection benchmark: what refusing a command costs now that a refusal is kept in the log
(a ``CommandRejected`` record appended at the position decided from), on the memory store
and on a SQLite file.

Figures, per store: refusals a second (each a new key refused for short stock), repeats a
second of refused keys on the engine that refused them (answered from its rejection cache)
and on a restarted engine (``rejection_cache=0``: each read from the log), and accepted
commands a second for comparison. Runs with any version of the library (before durable
rejections it measures a refusal that wrote nothing). Run:
``python benchmarks/rejections.py [--commands N]``; the last line printed is the JSON summary.
"""

from __future__ import annotations

import argparse
import inspect
import json
import platform
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import invorder
from invorder.adapters.sql import SqlEventStore

T0 = datetime(2026, 11, 27, tzinfo=UTC)


def set_up(engine: invorder.Engine) -> None:
    engine.execute(invorder.DefineLocation(key="loc", at=T0, location="EAST/A/01"))
    engine.execute(invorder.DefineSku(key="sku", at=T0, sku=invorder.Sku("MUG")))
    engine.execute(
        invorder.ReceiveStock(key="rcv", at=T0, sku="MUG", location="EAST/A/01", quantity=10)
    )


def too_much(key: str) -> invorder.MarkDamaged:
    return invorder.MarkDamaged(key=key, at=T0, sku="MUG", location="EAST/A/01", quantity=99)


def per_second(count: int, run: Callable[[int], object]) -> float:
    start = time.perf_counter()
    for n in range(count):
        run(n)
    return round(count / (time.perf_counter() - start))


def refuse(engine: invorder.Engine, key: str) -> None:
    try:
        engine.execute(too_much(key))
    except invorder.errors.InsufficientStockError:
        pass
    else:  # pragma: no cover  # the benchmark's own check
        raise AssertionError("a refusal was accepted")


def measure(make_store: Callable[[], invorder.EventStore], count: int) -> dict[str, float]:
    store = make_store()
    engine = invorder.Engine(store)
    set_up(engine)
    figures = {"refusals_per_s": per_second(count, lambda n: refuse(engine, f"no-{n}"))}
    figures["repeats_cached_per_s"] = per_second(count, lambda n: refuse(engine, f"no-{n}"))
    uncached: dict[str, Any] = {}
    if "rejection_cache" in inspect.signature(invorder.Engine).parameters:
        uncached["rejection_cache"] = 0
    restarted = invorder.Engine(store, **uncached)
    figures["repeats_restarted_per_s"] = per_second(count, lambda n: refuse(restarted, f"no-{n}"))
    figures["accepts_per_s"] = per_second(
        count,
        lambda n: engine.execute(invorder.ReceiveStock(key=f"ok-{n}", at=T0, sku="MUG",
                                                       location="EAST/A/01", quantity=1)),
    )  # fmt: skip
    figures["log_events"] = store.head()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    # At most the default rejection cache (4,096 keys), so that cached repeats are cached.
    parser.add_argument("--commands", type=int, default=4_000, help="commands per figure")
    args = parser.parse_args()
    summary: dict[str, object] = {"python": platform.python_version()}
    summary["memory"] = measure(invorder.MemoryEventStore, args.commands)
    print("memory:", summary["memory"])
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "rejections.db"
        sqlite = measure(lambda: SqlEventStore(f"sqlite:///{path}"), args.commands // 5)
    summary["sqlite"] = sqlite
    print("sqlite:", sqlite)
    print(json.dumps({"benchmark": "rejections", "figures": summary}))


if __name__ == "__main__":
    main()
