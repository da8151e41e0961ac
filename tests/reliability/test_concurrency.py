"""Several OS processes, each with its own engine, on one database with scarce stock.

Evidence for the storage issue: zero oversell, every accepted command in the log once, every
rejected one a typed error kept as one rejection record, the log gap-free; with every process
delivering the same keys, every process gets the same answer for each key (one outcome per
key, issue 18, item 4); the figures are printed (``-s``).
"""

from __future__ import annotations

import json
from pathlib import Path

import invorder
from invorder.adapters.sql import SqlEventStore, metadata, sql_engine
from invorder.events import CommandRejected
from tests.reliability.processes import run_together
from tests.support import workload

PROCESSES = 3
COMMANDS = 150


def run_race(url: str, *, shared: bool = False) -> dict[str, object]:
    engine = sql_engine(url)
    metadata.drop_all(engine)
    store = SqlEventStore(engine)
    workload.set_up(invorder.Engine(store))
    tail = [str(COMMANDS), *(["shared"] if shared else [])]
    argvs = [["race", url, f"p{n}", *tail] for n in range(PROCESSES)]
    reports = run_together("tests.reliability.worker", argvs)

    answered = sum(len(r["accepted"]) + len(r["rejected"]) + len(r["surfaced"]) for r in reports)
    assert answered == PROCESSES * COMMANDS
    rejected = {key: code for r in reports for key, code in r["rejected"].items()}
    assert set(rejected.values()) <= {"insufficient_stock"}, rejected
    answers: dict[str, object] = {}
    for report in reports:  # one outcome per key, whichever process answered
        for key, answer in report["answers"].items():
            assert answers.setdefault(key, answer) == answer, (key, answers[key], answer)
    accepted = sorted({key for r in reports for key in r["accepted"]})
    assert not set(accepted) & set(rejected), "a key was accepted and rejected"

    assert workload.check_log(store) == []
    setup = len(workload.setup_commands())
    logged = list(store.read(setup))
    kept = {e.key: e for e in logged if isinstance(e, CommandRejected)}
    assert sorted({e.key for e in logged} - set(kept)) == accepted  # each once (check_log)
    assert sorted(kept) == sorted(rejected)  # each refusal kept as one record
    assert all(kept[k].code == code for k, code in rejected.items())
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
        "conflicts_surfaced": sum(len(r["surfaced"]) for r in reports),
        "log_events": store.head(),
    }


def test_processes_race_on_one_sqlite_file(tmp_path: Path) -> None:
    figures = run_race(f"sqlite:///{tmp_path / 'race.db'}")
    print("\nconcurrency sqlite:", json.dumps(figures))


def test_processes_race_on_one_postgres_database(postgres_url: str) -> None:
    figures = run_race(postgres_url)
    print("\nconcurrency postgres:", json.dumps(figures))


def test_processes_delivering_the_same_keys_agree_on_sqlite(tmp_path: Path) -> None:
    figures = run_race(f"sqlite:///{tmp_path / 'shared.db'}", shared=True)
    print("\nconcurrency sqlite, shared keys:", json.dumps(figures))


def test_processes_delivering_the_same_keys_agree_on_postgres(postgres_url: str) -> None:
    figures = run_race(postgres_url, shared=True)
    print("\nconcurrency postgres, shared keys:", json.dumps(figures))
