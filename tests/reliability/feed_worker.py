"""A feed consumer process for the checkpoint race (run as ``python -m
tests.reliability.feed_worker URL``; not collected by pytest): waits for ``go`` on stdin,
consumes the feed under the shared name ``sync`` in batches of five until the checkpoint is
at the log's head, and prints one JSON line: each checkpoint move it made (from, to), the
ids it delivered and the conflicts it met."""

from __future__ import annotations

import json
import sys

from invorder.adapters.sql import SqlCheckpointStore, SqlEventStore
from invorder.errors import CheckpointConflictError
from invorder.feed import Feed


def main(url: str) -> None:
    store = SqlEventStore(url, create=False)
    feed = Feed(store, SqlCheckpointStore(url, create=False), "sync")
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        raise SystemExit("expected go")
    moves: list[tuple[int | None, int]] = []
    delivered: list[str] = []
    conflicts = 0
    head = store.head()
    while True:
        batch = feed.pending(limit=5)
        if not batch and feed.checkpoint == head:
            break
        delivered.extend(n.id for n in batch)  # delivered, at least once
        before = feed.read_from
        try:
            moved = feed.acknowledge()
        except CheckpointConflictError:
            conflicts += 1
            continue
        moves.append((before, moved))
    print(json.dumps({"moves": moves, "delivered": delivered, "conflicts": conflicts}))


if __name__ == "__main__":
    main(sys.argv[1])
