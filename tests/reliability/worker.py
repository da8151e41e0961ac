"""A writer process for the reliability tests (run as ``python -m tests.reliability.worker``
from the repository root; not collected by pytest).

``worker.py race URL NAME COUNT [shared]``: waits for ``go`` on stdin, runs COUNT commands of
the mix through its own engine, prints one JSON line with what happened to each. With
``shared``, every process delivers the same commands (keys ``k-0``...), each in its own
order within windows of ten, so that several processes decide the same key at once.
``worker.py crash URL SEED``: appends commands of a mix drawn from SEED (alone or in
batches; restocking on even seeds, running out of stock on odd ones) until killed, printing
the answer for each key of each acknowledged append (``[]`` accepted, else the error's
class, code and message), one line per acknowledgement.
"""

from __future__ import annotations

import json
import random
import sys

import invorder
from invorder.adapters.sql import SqlEventStore, SqlSnapshotStore
from tests.support import workload


def race(url: str, name: str, count: int, shared: bool = False) -> None:
    store = SqlEventStore(url, create=False)
    engine = invorder.Engine(store)
    rng = random.Random(name)
    if shared:
        mix = random.Random("shared")
        commands = [workload.command(mix, f"k-{i}", i) for i in range(count)]
        windows = [commands[i : i + 10] for i in range(0, count, 10)]
        for window in windows:
            rng.shuffle(window)
        commands = [command for window in windows for command in window]
    else:
        commands = [workload.command(rng, f"{name}-{i}", i) for i in range(count)]
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        raise SystemExit("expected go")
    accepted: list[str] = []
    rejected: dict[str, str] = {}
    surfaced: list[str] = []
    answers: dict[str, object] = {}
    for command in commands:
        key = command.key
        try:
            events = engine.execute(command)
        except invorder.ConcurrencyError:
            surfaced.append(key)
        except invorder.InvorderError as error:
            rejected[key] = error.code
            answers[key] = [type(error).__name__, error.code, str(error)]
        else:
            accepted.append(key)
            answers[key] = [e.position for e in events]
    report = {"accepted": accepted, "rejected": rejected, "surfaced": surfaced,
              "answers": answers}  # fmt: skip
    print(json.dumps({**report, "retries": engine.retries}), flush=True)


def crash(url: str, seed: int) -> None:
    store = SqlEventStore(url, create=False)
    snapshots = SqlSnapshotStore(store.engine, create=False)
    engine = invorder.Engine(store, snapshots=snapshots)
    rng = random.Random(seed)
    restock = seed % 2 == 0  # odd seeds run out of stock: most commands are then refused
    index = 0
    while index < 100_000:  # bounded: the test kills it long before
        size = rng.choice((1, 1, 5, 20))
        batch = [
            workload.command(rng, f"c-{index + i}", index + i, restock=restock) for i in range(size)
        ]
        index += size
        if size == 1:
            try:
                engine.execute(batch[0])
                results: list[invorder.Outcome | invorder.Rejected] = [()]
            except invorder.RejectedError as error:
                results = [invorder.Rejected(batch[0], error)]
        else:
            results = list(engine.execute_batch(batch))
        answers = {
            c.key: [] if isinstance(r, tuple) else
            [type(r.error).__name__, r.error.code, str(r.error)]
            for c, r in zip(batch, results, strict=True)
        }  # fmt: skip
        print(json.dumps({"answers": answers}), flush=True)
        if index % 50 < size:
            engine.snapshot()


if __name__ == "__main__":
    if sys.argv[1] == "race":
        race(sys.argv[2], sys.argv[3], int(sys.argv[4]), "shared" in sys.argv[5:])
    else:
        crash(sys.argv[2], int(sys.argv[3]))
