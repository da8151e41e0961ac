"""The shipped contract kit run against the SQL stores on SQLite files and PostgreSQL."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from invorder.adapters.sql import (
    SqlEventStore,
    SqlSnapshotStore,
    events_table,
    head_table,
    metadata,
    snapshots_table,
    sql_engine,
)
from invorder.ports import EventStore, SnapshotStore
from invorder.testing.contract import EventStoreContract


class _SqlContract(EventStoreContract):
    """Opens every handle with its own engine (its own connections), as a process would."""

    engines: list[sa.Engine]

    def url(self) -> str:
        raise NotImplementedError

    def engine(self) -> sa.Engine:
        engine = sql_engine(self.url())
        self.engines.append(engine)
        return engine

    @pytest.fixture(autouse=True)
    def _dispose_engines(self) -> Iterator[None]:
        self.engines = []
        yield
        for engine in self.engines:
            engine.dispose()

    def open_again(self, store: EventStore) -> EventStore:
        return SqlEventStore(self.engine(), create=False)


class TestSqliteStore(_SqlContract):
    @pytest.fixture(autouse=True)
    def _directory(self, tmp_path: Path) -> None:
        self.directory = tmp_path
        self.counter = itertools.count()
        self.current = ""

    def url(self) -> str:
        return self.current

    def make_store(self) -> EventStore:
        self.current = f"sqlite:///{self.directory}/log{next(self.counter)}.db"
        return SqlEventStore(self.engine())

    def make_snapshot_store(self) -> SnapshotStore | None:
        return SqlSnapshotStore(sql_engine(f"sqlite:///{self.directory}/snapshots.db"))


class TestPostgresStore(_SqlContract):
    @pytest.fixture(autouse=True)
    def _server(self, postgres_url: str) -> None:
        self.postgres = postgres_url

    def url(self) -> str:
        return self.postgres

    def make_store(self) -> EventStore:
        engine = self.engine()
        metadata.drop_all(engine, tables=[events_table, head_table])
        return SqlEventStore(engine)

    def make_snapshot_store(self) -> SnapshotStore | None:
        engine = self.engine()
        metadata.drop_all(engine, tables=[snapshots_table])
        return SqlSnapshotStore(engine)
