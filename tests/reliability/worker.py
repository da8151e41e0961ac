"""A writer process for the reliability tests (run as ``python -m tests.reliability.worker``
from the repository root; not collected by pytest).

``worker.py race URL NAME COUNT``: waits for ``go`` on stdin, runs COUNT commands of the mix
through its own engine, prints one JSON line with what happened to each.
``worker.py crash URL``: appends commands (alone or in batches) until killed, printing the
keys of each acknowledged append, one line per acknowledgement.
"""

from __future__ import annotations

import json
import random
import sys

import invorder
from invorder.adapters.sql import SqlEventStore, SqlSnapshotStore
from tests.support import workload


def race(url: str, name: str, count: int) -> None:
    store = SqlEventStore(url, create=False)
    engine = invorder.Engine(store)
    rng = random.Random(name)
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        raise SystemExit("expected go")
    accepted: list[str] = []
    rejected: dict[str, str] = {}
    surfaced: list[str] = []
    for index in range(count):
        key = f"{name}-{index}"
        try:
            engine.execute(workload.command(rng, key, index))
        except invorder.ConcurrencyError:
            surfaced.append(key)
        except invorder.InvorderError as error:
            rejected[key] = error.code
        else:
            accepted.append(key)
    report = {"accepted": accepted, "rejected": rejected, "surfaced": surfaced}
    print(json.dumps({**report, "retries": engine.retries}), flush=True)


def crash(url: str) -> None:
    store = SqlEventStore(url, create=False)
    snapshots = SqlSnapshotStore(store.engine, create=False)
    engine = invorder.Engine(store, snapshots=snapshots)
    rng = random.Random(7)
    index = 0
    while index < 100_000:  # bounded: the test kills it long before
        size = rng.choice((1, 1, 5, 20))
        batch = [
            workload.command(rng, f"c-{index + i}", index + i, restock=True) for i in range(size)
        ]
        index += size
        if size == 1:
            try:
                engine.execute(batch[0])
                results: list[object] = [()]
            except invorder.RejectedError as error:
                results = [invorder.Rejected(batch[0], error)]
        else:
            results = list(engine.execute_batch(batch))
        accepted = [c.key for c, r in zip(batch, results, strict=True) if isinstance(r, tuple)]
        rejected = [c.key for c in batch if c.key not in accepted]
        print(json.dumps({"accepted": accepted, "rejected": rejected}), flush=True)
        if index % 50 < size:
            engine.snapshot()


if __name__ == "__main__":
    if sys.argv[1] == "race":
        race(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        crash(sys.argv[2])
