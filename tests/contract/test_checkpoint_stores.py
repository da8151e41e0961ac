"""The checkpoint contract kit against the memory store, SQLite files and PostgreSQL."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from invorder.adapters._sql_schema import checkpoints_table
from invorder.adapters.memory import MemoryCheckpointStore
from invorder.adapters.sql import SqlCheckpointStore, sql_engine
from invorder.ports import CheckpointStore
from invorder.testing.checkpoints import CheckpointStoreContract


class TestMemoryCheckpoints(CheckpointStoreContract):
    def make_checkpoints(self) -> CheckpointStore:
        return MemoryCheckpointStore()


class _Sql(CheckpointStoreContract):
    engines: list[sa.Engine]
    url: str

    @pytest.fixture(autouse=True)
    def _dispose_engines(self) -> Iterator[None]:
        self.engines = []
        yield
        for engine in self.engines:
            engine.dispose()

    def engine(self) -> sa.Engine:
        engine = sql_engine(self.url)
        self.engines.append(engine)
        return engine

    def open_again(self, checkpoints: CheckpointStore) -> CheckpointStore:
        return SqlCheckpointStore(self.engine(), create=False)


class TestSqliteCheckpoints(_Sql):
    @pytest.fixture(autouse=True)
    def _directory(self, tmp_path: Path) -> None:
        self.directory, self.counter = tmp_path, itertools.count()

    def make_checkpoints(self) -> CheckpointStore:
        self.url = f"sqlite:///{self.directory}/checkpoints{next(self.counter)}.db"
        return SqlCheckpointStore(self.engine())


class TestPostgresCheckpoints(_Sql):
    @pytest.fixture(autouse=True)
    def _server(self, postgres_url: str) -> None:
        self.url = postgres_url

    def make_checkpoints(self) -> CheckpointStore:
        engine = self.engine()
        checkpoints_table.drop(engine, checkfirst=True)
        return SqlCheckpointStore(engine)
