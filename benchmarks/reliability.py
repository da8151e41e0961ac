"""Reliability benchmark: what a lost race costs ``Engine.execute_batch``, and what the hash
chain costs at start-up.

Races: an engine runs batches of 50 commands (the stock mix of ``benchmarks/storage.py``) on
a log of ``--events`` events while another engine on the same log appends one command just
before each batch's first append, so every batch loses one race and is decided again.
Figures per store and log size: conflicts retried, milliseconds per batch with and without
the race, and the time per conflict (the difference, the other writer's own time left
out). Start-up: an engine opened on the SQLite log with the chain checked (the store reads
each event's hash) and on the same store seen through the plain port (``head``, ``read``,
``append``: no hash read, nothing checked), best of ``--repeat``.

The logs are built once into SQLite files under ``--cache`` (default: a folder in the
temporary directory) and reused; a memory-store log is read from its file. Runs with any
version of the library (to measure "before", put another checkout's ``src`` first on
``PYTHONPATH``). Run: ``python benchmarks/reliability.py [--events 50000 1000000]``; the last
line printed is the JSON summary.
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from storage import build_log, mix  # the stock command mix of the storage benchmark

import invorder
from invorder.adapters.memory import MemoryEventStore
from invorder.adapters.sql import SqlEventStore

BATCH = 50


class Rival:
    """Another writer on the same log: appends one command when :meth:`overtake` is called
    (at most once per batch), and counts the time it took."""

    def __init__(self, engine: invorder.Engine) -> None:
        self.engine = engine
        self.armed = False
        self.seconds = 0.0
        self.count = 0

    def overtake(self) -> None:
        if not self.armed:
            return
        self.armed = False
        start = time.perf_counter()
        self.engine.execute_batch(mix(1, self.count, f"rival-{self.count}"))
        self.count += 1
        self.seconds += time.perf_counter() - start


class RacingMemory(MemoryEventStore):
    """The memory store, letting the rival append first."""

    __slots__ = ("rival",)

    def append(self, events: Sequence[invorder.Event], *, expected_position: int) -> int:
        rival = getattr(self, "rival", None)  # none while the log is first loaded
        if rival is not None:
            rival.overtake()
        return super().append(events, expected_position=expected_position)


class RacingSql(SqlEventStore):
    """The SQLite store, letting the rival (on its own handle) append first."""

    rival: Rival

    def append(self, events: Sequence[invorder.Event], *, expected_position: int) -> int:
        rival = getattr(self, "rival", None)  # none while the log is first loaded
        if rival is not None:
            rival.overtake()
        return super().append(events, expected_position=expected_position)


class Plain:
    """A store seen through the plain port only: no hashes read, no chain checked."""

    def __init__(self, inner: invorder.EventStore) -> None:
        self.inner = inner

    def head(self) -> int:
        return self.inner.head()

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[invorder.Event]:
        return self.inner.read(start, stop)

    def append(self, events: Sequence[invorder.Event], *, expected_position: int) -> int:
        return self.inner.append(events, expected_position=expected_position)


def log_file(cache: Path, events: int) -> Path:
    """The SQLite file of a log of ``events`` events (about), built on first use."""
    path = cache / f"reliability-{events}.db"
    if not path.exists():
        start = time.perf_counter()
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        build_log(f"sqlite:///{partial}", events)
        partial.rename(path)
        print(f"built {path} in {time.perf_counter() - start:.0f} s", flush=True)
    return path


def race(batcher: invorder.Engine, rival: Rival, batches: int, seed: int) -> dict[str, float]:
    """Time ``batches`` batches losing one race each, and as many that race nobody."""

    def run(prefix: str, racing: bool) -> float:
        start = time.perf_counter()
        for n in range(batches):
            rival.armed = racing
            batcher.execute_batch(mix(BATCH, seed + n, f"{prefix}-{seed}-{n}"))
        rival.armed = False
        return time.perf_counter() - start

    run("warm", False)  # the first batch after start-up may set things up
    quiet = run("quiet", False)
    retries, rival.seconds = batcher.retries, 0.0
    racing = run("race", True) - rival.seconds
    conflicts = batcher.retries - retries
    return {
        "conflicts_retried": conflicts,
        "batch_ms_quiet": round(quiet / batches * 1000, 2),
        "batch_ms_racing": round(racing / batches * 1000, 2),
        "ms_per_conflict": round((racing - quiet) / max(conflicts, 1) * 1000, 2),
    }


def race_memory(path: Path, batches: int) -> dict[str, float]:
    events = list(SqlEventStore(f"sqlite:///{path}", create=False).read())
    store = RacingMemory(events)
    rival = Rival(invorder.Engine(store))
    store.rival = rival
    batcher = invorder.Engine(store)
    figures = race(batcher, rival, batches, 1)
    return {"log_events": len(events), **figures}


def race_sqlite(path: Path, batches: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as directory:
        copy = Path(directory) / "race.db"
        copy.write_bytes(path.read_bytes())  # the races append: keep the cached log as it is
        url = f"sqlite:///{copy}"
        rival = Rival(invorder.Engine(SqlEventStore(url, create=False)))
        store = RacingSql(url, create=False)
        store.rival = rival
        batcher = invorder.Engine(store)
        head = store.head()
        figures = race(batcher, rival, batches, 2)
        store.engine.dispose()
        rival.engine._store.engine.dispose()  # type: ignore[attr-defined]  # a SqlEventStore
    return {"log_events": head, **figures}


def start_up(path: Path, repeat: int) -> dict[str, float]:
    store = SqlEventStore(f"sqlite:///{path}", create=False)
    best = {"chain_checked_s": float("inf"), "no_chain_s": float("inf")}
    for _ in range(repeat):
        for name, target in (("chain_checked_s", store), ("no_chain_s", Plain(store))):
            start = time.perf_counter()
            engine = invorder.Engine(target)
            best[name] = min(best[name], time.perf_counter() - start)
            assert engine.position == store.head()
    figures = {name: round(seconds, 2) for name, seconds in best.items()}
    figures["chain_cost_percent"] = round(
        (best["chain_checked_s"] / best["no_chain_s"] - 1) * 100, 1
    )
    return {"log_events": store.head(), **figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, nargs="+", default=[50_000, 1_000_000])
    parser.add_argument("--batches", type=int, default=5, help="racing batches per figure")
    parser.add_argument("--sqlite-up-to", type=int, default=50_000,
                        help="largest log raced on SQLite")  # fmt: skip
    parser.add_argument("--startup", type=int, default=1_000_000,
                        help="log size of the start-up figures (0: none)")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=2, help="start-ups of each kind")
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "invorder-bench")  # fmt: skip
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    summary: dict[str, object] = {"python": platform.python_version(), "batch": BATCH}
    for events in args.events:
        path = log_file(args.cache, events)
        figures = race_memory(path, args.batches)
        summary[f"race_memory_{events}"] = figures
        print(f"race, memory, {events} events:", figures, flush=True)
        if events <= args.sqlite_up_to:
            figures = race_sqlite(path, args.batches)
            summary[f"race_sqlite_{events}"] = figures
            print(f"race, sqlite, {events} events:", figures, flush=True)
    if args.startup:
        figures = start_up(log_file(args.cache, args.startup), args.repeat)
        summary[f"startup_sqlite_{args.startup}"] = figures
        print(f"start-up, sqlite, {args.startup} events:", figures, flush=True)
    print(json.dumps({"benchmark": "reliability", "figures": summary}))


if __name__ == "__main__":
    main()
