"""Feed consumers in several OS processes under one name on one database (issue 13, item
5): every notification is delivered at least once, and no two consumers ever move the
checkpoint from the same place (so none acknowledges past a notification another did)."""

from __future__ import annotations

import json
from pathlib import Path

from invorder.adapters.sql import SqlCheckpointStore, SqlEventStore, metadata, sql_engine
from invorder.feed import notifications
from tests.reliability.processes import run_together
from tests.support.feed_logs import day_log

PROCESSES = 3


def run_consumers(url: str) -> dict[str, int]:
    engine = sql_engine(url)
    metadata.drop_all(engine)
    events = day_log()
    SqlEventStore(engine).append(list(events), expected_position=0)
    SqlCheckpointStore(engine)
    reports = run_together("tests.reliability.feed_worker", [[url]] * PROCESSES)
    moves = sorted(tuple(m) for r in reports for m in r["moves"])
    starts = [start for start, _ in moves]
    assert len(set(starts)) == len(starts), "two consumers moved the checkpoint from one place"
    chain = 0
    for start, end in moves:  # one chain of moves from 0 to the head
        assert start == chain
        chain = end
    assert chain == len(events) == SqlCheckpointStore(engine, create=False).load("sync")
    delivered = {i for r in reports for i in r["delivered"]}
    assert delivered == {n.id for n in notifications(events)}
    engine.dispose()
    return {"processes": PROCESSES, "notifications": len(delivered), "moves": len(moves),
            "conflicts": sum(int(r["conflicts"]) for r in reports),
            "deliveries": sum(len(r["delivered"]) for r in reports)}  # fmt: skip


def test_consumers_race_on_one_sqlite_file(tmp_path: Path) -> None:
    print("\nfeed race sqlite:", json.dumps(run_consumers(f"sqlite:///{tmp_path / 'f.db'}")))


def test_consumers_race_on_one_postgres_database(postgres_url: str) -> None:
    print("\nfeed race postgres:", json.dumps(run_consumers(postgres_url)))
