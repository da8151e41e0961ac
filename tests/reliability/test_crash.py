"""A writer killed with SIGKILL at a random point of a stream of appends, then the log reopened.

Each run draws, from its seed, the writer's command mix and how many acknowledgements it
gets out before the kill (so the kill lands after a different append, alone or in a batch,
before or after a snapshot). On reopen the log is a clean prefix (gap-free, every event
readable), every key has one outcome (each acknowledged acceptance in the log once, each
acknowledged rejection kept as one record with the same error, and a repeat of any of them
on the reopened engine answered the same), projections rebuild (from the snapshot and by
full replay) and ``verify()`` is clean.

A few seeds run on every test run; ``INVORDER_CRASH_RUNS=N`` runs seeds ``0..N-1`` (the
nightly profile), ``INVORDER_CRASH_SEEDS=3,17`` replays the seeds named.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import invorder
from invorder.adapters.sql import SqlEventStore, SqlSnapshotStore, metadata, sql_engine
from invorder.events import CommandRejected
from tests.support import workload

ROOT = Path(__file__).resolve().parents[2]
MOST_ACKS_BEFORE_KILL = 60


def _seeds() -> list[int]:
    named = [int(s) for s in os.environ.get("INVORDER_CRASH_SEEDS", "").split(",") if s]
    return named or list(range(int(os.environ.get("INVORDER_CRASH_RUNS", "3"))))


SEEDS = _seeds()


def crash_and_reopen(url: str, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    acks_before_kill = rng.randint(1, MOST_ACKS_BEFORE_KILL)
    engine = sql_engine(url)
    metadata.drop_all(engine)
    store = SqlEventStore(engine)
    workload.set_up(invorder.Engine(store))
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.worker", "crash", url, str(seed)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None
    sent: dict[str, invorder.Command] = {}
    answers: dict[str, list[object]] = {}  # key -> [] (accepted) or [type, code, message]
    for _ in range(acks_before_kill):
        ack = json.loads(writer.stdout.readline())
        answers.update(ack["answers"])
    writer.send_signal(signal.SIGKILL)  # it is appending the next batch, or about to
    writer.wait(timeout=60)
    writer.stdout.close()
    assert writer.returncode == -signal.SIGKILL

    reopened = SqlEventStore(sql_engine(url), create=False)
    assert workload.check_log(reopened) == []  # a clean, gap-free prefix
    logged: dict[str, list[invorder.Event]] = {}
    for event in reopened.read():
        logged.setdefault(event.key, []).append(event)
        sent[event.key] = event.command
    for key, answer in answers.items():
        events = logged.get(key)
        assert events, f"seed {seed}: acknowledged {key} was lost"
        if answer:  # rejected: one record with the error the writer got
            (record,) = events
            assert isinstance(record, CommandRejected), f"seed {seed}: rejected {key} applied"
            error = record.error()
            assert [type(error).__name__, error.code, str(error)] == answer, f"seed {seed}"
        else:
            assert not any(isinstance(e, CommandRejected) for e in events), f"seed {seed}"
    snapshots = SqlSnapshotStore(reopened.engine, create=False)  # none if killed early
    from_snapshot = invorder.Engine(reopened, snapshots=snapshots)
    replayed = invorder.Engine(reopened)
    assert from_snapshot.verify() == []
    assert replayed.verify() == []
    for sku in workload.SKUS:
        assert from_snapshot.balances(sku) == replayed.balances(sku)
    head = reopened.head()
    for key, command in sent.items():  # every key in the log answers as it first did
        first = logged[key]
        if isinstance(first[0], CommandRejected):
            with pytest.raises(invorder.InvorderError) as again:
                from_snapshot.execute(command)
            assert again.value == first[0].error(), f"seed {seed}: {key}"
        else:
            assert list(from_snapshot.execute(command)) == first, f"seed {seed}: {key}"
    assert reopened.head() == head, f"seed {seed}: a repeat was written again"
    engine.dispose()
    reopened.engine.dispose()
    rejected = sum(1 for answer in answers.values() if answer)
    return {"seed": seed, "acknowledged": acks_before_kill, "keys": len(answers),
            "rejected": rejected, "log_events": head,
            "snapshot": from_snapshot.startup.snapshot or 0}  # fmt: skip


@pytest.mark.parametrize("seed", SEEDS)
def test_sigkill_at_a_random_point_on_sqlite(tmp_path: Path, seed: int) -> None:
    try:
        figures = crash_and_reopen(f"sqlite:///{tmp_path / 'crash.db'}", seed)
    except AssertionError as error:
        raise AssertionError(f"{error}\nreplay: INVORDER_CRASH_SEEDS={seed}") from error
    print("\ncrash sqlite:", json.dumps(figures))


@pytest.mark.parametrize("seed", SEEDS)
def test_sigkill_at_a_random_point_on_postgres(postgres_url: str, seed: int) -> None:
    figures = crash_and_reopen(postgres_url, seed)
    print("\ncrash postgres:", json.dumps(figures))
