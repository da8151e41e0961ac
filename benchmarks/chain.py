"""Start-up time with and without the hash-chain check, on one SQLite log.

Run: ``python benchmarks/chain.py --events 1000000 --db /tmp/chain.db`` once with the code
under test on ``PYTHONPATH`` and once with the code before the chain; the log is built
(by ``benchmarks/storage.py``'s command mix) if the file does not exist, so both runs read
the same rows. Prints one JSON line: the start-up replay (no snapshot: every event read,
decoded, checked and folded) and the start-up from a snapshot taken at the head, each the
best of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import storage  # the benchmark next to this one: its log builder

import invorder
from invorder.adapters.sql import SqlEventStore, SqlSnapshotStore


def main() -> None:
    """Build the log if needed, then time the start-ups and print them as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    url = f"sqlite:///{args.db}"
    if not args.db.exists():
        storage.build_log(url, args.events)
    store = SqlEventStore(url)
    snapshots = SqlSnapshotStore(store.engine)
    replay, from_snapshot = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        engine = invorder.Engine(store)
        replay.append(time.perf_counter() - start)
        del engine
    invorder.Engine(store, snapshots=snapshots).snapshot()
    for _ in range(args.repeat):
        start = time.perf_counter()
        engine = invorder.Engine(store, snapshots=snapshots)
        from_snapshot.append(time.perf_counter() - start)
        chain = getattr(engine.startup, "chain", "(no chain in this version)")
    figures = {"events": store.head(), "replay_s": min(replay), "snapshot_s": min(from_snapshot),
               "replay_runs": replay, "snapshot_runs": from_snapshot, "chain": chain,
               "invorder": invorder.__file__}  # fmt: skip
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
