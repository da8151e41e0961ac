"""The hash chain of any generated log is deterministic and the same in every store: the
memory store, the SQLite store, and :func:`invorder.chain.chain_of` over the events."""

from __future__ import annotations

import contextlib

import sqlalchemy as sa
from hypothesis import given, settings

import invorder
from invorder.adapters.memory import MemoryEventStore
from invorder.adapters.sql import SqlEventStore, sql_engine
from invorder.chain import GENESIS, chain_of
from invorder.engine import Engine
from invorder.testing.strategies import ledger_scenarios
from tests.support.snapshots import fixture_events


def run(story: list[invorder.Command]) -> MemoryEventStore:
    store = MemoryEventStore()
    engine = Engine(store)
    for command in story:
        with contextlib.suppress(invorder.InvorderError):
            engine.execute(command)
    return store


def sqlite_copy(store: MemoryEventStore) -> SqlEventStore:
    # One in-memory database shared by every connection of the engine.
    sql = SqlEventStore(sql_engine("sqlite://", poolclass=sa.pool.StaticPool))
    events = list(store.read())
    for start in range(0, len(events), 7):  # several appends: links cross batches
        sql.append(events[start : start + 7], expected_position=start)
    return sql


def assert_same_chain(store: MemoryEventStore) -> None:
    head = store.head()
    expected = [GENESIS, *chain_of(store.read())]
    assert [store.chain_at(p) for p in range(head + 1)] == expected
    sql = sqlite_copy(store)
    assert [sql.chain_at(p) for p in range(head + 1)] == expected
    assert [kept for _, _, kept in sql.read_chained()] == expected[1:]
    assert Engine(sql).startup.chain == "checked"


@settings(deadline=None)
@given(ledger_scenarios(max_commands=30))
def test_the_chain_of_a_generated_log_is_deterministic_and_the_same_in_every_store(
    story: list[invorder.Command],
) -> None:
    first, second = run(story), run(story)
    assert first.chain_at(first.head()) == second.chain_at(second.head())
    assert_same_chain(first)


def test_the_chain_of_a_log_with_every_event_type_is_the_same_in_every_store() -> None:
    store = MemoryEventStore(fixture_events())
    assert_same_chain(store)
