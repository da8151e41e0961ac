"""A writer killed with SIGKILL in the middle of a stream of appends, then the log reopened.

On reopen the log is a clean prefix (gap-free, every event readable), every acknowledged
command is in it, nothing rejected is, projections rebuild (from the snapshot and by full
replay) and ``verify()`` is clean.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import invorder
from invorder.adapters.sql import SqlEventStore, SqlSnapshotStore, metadata, sql_engine
from tests.support import workload

ROOT = Path(__file__).resolve().parents[2]
ACKS_BEFORE_KILL = 60


def crash_and_reopen(url: str) -> dict[str, int]:
    engine = sql_engine(url)
    metadata.drop_all(engine)
    store = SqlEventStore(engine)
    workload.set_up(invorder.Engine(store))
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.worker", "crash", url],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None
    accepted: list[str] = []
    rejected: list[str] = []
    for _ in range(ACKS_BEFORE_KILL):
        ack = json.loads(writer.stdout.readline())
        accepted += ack["accepted"]
        rejected += ack["rejected"]
    writer.send_signal(signal.SIGKILL)  # mid-stream: it is appending the next batch
    writer.wait(timeout=60)
    assert writer.returncode == -signal.SIGKILL

    reopened = SqlEventStore(sql_engine(url), create=False)
    assert workload.check_log(reopened) == []  # a clean, gap-free prefix
    logged = {event.key for event in reopened.read()}
    assert set(accepted) <= logged, "an acknowledged command was lost"
    assert not set(rejected) & logged, "a rejected command was written"
    snapshots = SqlSnapshotStore(reopened.engine, create=False)
    assert snapshots.load() is not None
    from_snapshot = invorder.Engine(reopened, snapshots=snapshots)
    replayed = invorder.Engine(reopened)
    assert from_snapshot.verify() == []
    assert replayed.verify() == []
    for sku in workload.SKUS:
        assert from_snapshot.balances(sku) == replayed.balances(sku)
    engine.dispose()
    return {"acknowledged": len(accepted) + len(rejected), "log_events": reopened.head()}


def test_sigkill_mid_stream_on_sqlite(tmp_path: Path) -> None:
    figures = crash_and_reopen(f"sqlite:///{tmp_path / 'crash.db'}")
    print("\ncrash sqlite:", json.dumps(figures))


def test_sigkill_mid_stream_on_postgres(postgres_url: str) -> None:
    figures = crash_and_reopen(postgres_url)
    print("\ncrash postgres:", json.dumps(figures))
