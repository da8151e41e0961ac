"""The SQL checkpoint store's faults are typed store errors, as the event store's are: a
database that cannot be opened fails ``load`` and ``advance`` with
``StoreUnavailableError``, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from invorder.adapters.sql import SqlCheckpointStore
from invorder.errors import StoreUnavailableError


def test_a_database_that_cannot_be_opened_is_a_typed_error(tmp_path: Path) -> None:
    checkpoints = SqlCheckpointStore(f"sqlite:///{tmp_path / 'missing' / 'c.db'}", create=False)
    with pytest.raises(StoreUnavailableError, match="load a feed checkpoint"):
        checkpoints.load("sync")
    with pytest.raises(StoreUnavailableError, match="advance a feed checkpoint"):
        checkpoints.advance("sync", 0, 5)
    assert not (tmp_path / "missing").exists()
