"""Several OS processes, each with its own engine, on one database with scarce stock.

Evidence for the storage issue: zero oversell, every accepted command in the log once, every
rejected one a typed error and absent, the log gap-free; the figures are printed (``-s``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import invorder
from invorder.adapters.sql import SqlEventStore, metadata, sql_engine
from tests.support import workload

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 3
COMMANDS = 150


def run_race(url: str) -> dict[str, object]:
    engine = sql_engine(url)
    metadata.drop_all(engine)
    store = SqlEventStore(engine)
    workload.set_up(invorder.Engine(store))
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.worker", "race", url, f"p{n}", str(COMMANDS)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(PROCESSES)
    ]
    for worker in workers:  # all started and connected before any writes
        assert worker.stdout is not None
        assert worker.stdout.readline().strip() == "ready"
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    reports = []
    for worker in workers:
        out, _ = worker.communicate(timeout=300)
        assert worker.returncode == 0
        reports.append(json.loads(out.strip().splitlines()[-1]))

    accepted = [key for r in reports for key in r["accepted"]]
    rejected = {key: code for r in reports for key, code in r["rejected"].items()}
    surfaced = [key for r in reports for key in r["surfaced"]]
    assert len(accepted) + len(rejected) + len(surfaced) == PROCESSES * COMMANDS
    assert set(rejected.values()) <= {"insufficient_stock"}, rejected

    assert workload.check_log(store) == []
    logged = [event.key for event in store.read()]
    setup = len(workload.setup_commands())
    assert sorted(logged[setup:]) == sorted(accepted)  # accepted: once; others: absent
    assert workload.taken(store) <= 2 * len(workload.BINS) * workload.UNITS  # no oversell
    assert rejected, "the stock was meant to run out"
    fresh = invorder.Engine(store)
    assert fresh.verify() == []
    engine.dispose()
    return {
        "processes": PROCESSES,
        "attempted": PROCESSES * COMMANDS,
        "accepted": len(accepted),
        "rejected": len(rejected),
        "conflicts_retried": sum(int(r["retries"]) for r in reports),
        "conflicts_surfaced": len(surfaced),
        "log_events": store.head(),
    }


def test_processes_race_on_one_sqlite_file(tmp_path: Path) -> None:
    figures = run_race(f"sqlite:///{tmp_path / 'race.db'}")
    print("\nconcurrency sqlite:", json.dumps(figures))


def test_processes_race_on_one_postgres_database(postgres_url: str) -> None:
    figures = run_race(postgres_url)
    print("\nconcurrency postgres:", json.dumps(figures))
