"""Property tests: one per ledger invariant, over generated stories of stock commands."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import sqlalchemy as sa
from hypothesis import event as label
from hypothesis import given, settings
from hypothesis import strategies as st

import invorder
from invorder import Codec, Command, Engine, InvorderError, MemoryEventStore
from invorder.adapters.sql import SqlEventStore, movements_table, sql_engine
from invorder.engine.views.stock import fold
from invorder.records import PHYSICAL_BUCKETS
from invorder.testing import strategies as ist
from tests.support.world import BINS, at, check_invariants, decisions, snapshot, world


def run(story: list[Command]) -> tuple[Engine, int]:
    """Run a story; return the engine and how many commands were refused.

    Also checks the promise of ``ledger_scenarios``: unique keys, definitions first and
    every definition accepted.
    """
    keys = [command.key for command in story]
    assert len(set(keys)) == len(keys)
    definitions = [command for command in story if not command.key.startswith("op-")]
    assert story[: len(definitions)] == definitions
    assert all(isinstance(c, invorder.DefineLocation | invorder.DefineSku) for c in definitions)
    engine = invorder.in_memory()
    results = engine.execute_many(story)
    assert not any(isinstance(r, invorder.Rejected) for r in results[: len(definitions)])
    refused = sum(isinstance(result, invorder.Rejected) for result in results)
    return engine, refused


def skus_of(engine: Engine) -> list[str]:
    return [sku.code for sku in engine.skus()]


@given(ist.ledger_scenarios())
def test_per_sku_all_accounts_sum_to_zero(story: list[Command]) -> None:
    engine, _ = run(story)
    for sku in skus_of(engine):
        assert sum(engine.balances(sku).values()) == 0


@given(ist.ledger_scenarios())
def test_no_real_account_is_ever_negative(story: list[Command]) -> None:
    engine = invorder.in_memory()
    for command in story:
        with contextlib.suppress(InvorderError):
            engine.execute(command)
        for sku in skus_of(engine):
            for account, quantity in engine.balances(sku).items():
                assert account.is_virtual or quantity >= 0, (sku, account, quantity)


@given(ist.ledger_scenarios())
def test_balances_equal_a_fold_of_the_log_from_empty(story: list[Command]) -> None:
    engine, _ = run(story)
    truth = fold(engine.events())
    for sku in skus_of(engine):
        assert engine.balances(sku) == truth.balances(sku)
        for location in engine.locations():
            assert engine.on_hand(sku, location) == truth.on_hand(sku, location)
    check_invariants(engine)


@given(ist.ledger_scenarios())
def test_replaying_the_log_gives_identical_state(story: list[Command]) -> None:
    engine, _ = run(story)
    replayed = Engine(MemoryEventStore(list(engine.events())))
    assert replayed.position == engine.position
    for sku in skus_of(engine):
        assert replayed.balances(sku) == engine.balances(sku)
        for location in engine.locations():
            assert replayed.on_hand(sku, location) == engine.on_hand(sku, location)
    assert replayed.skus() == engine.skus()
    assert replayed.locations() == engine.locations()
    for transfer in ("TR-1", "TR-2"):
        assert replayed.transfer(transfer) == engine.transfer(transfer)
    assert replayed.verify() == []
    assert engine.verify() == []


@given(ist.ledger_scenarios())
def test_a_rejected_command_changes_neither_balances_nor_log(story: list[Command]) -> None:
    engine = invorder.in_memory()
    for command in story:
        before = snapshot(engine)
        try:
            engine.execute(command)
        except InvorderError:
            assert snapshot(engine) == before  # the log's decisions: a record only added
        else:
            assert len(decisions(engine)) > len(before[0])


CODEC = Codec()  # building a converter is slow; one serves every example


@given(ist.ledger_events())
def test_generated_events_round_trip_through_the_codec(event: invorder.Event) -> None:
    data = CODEC.event_to_dict(event)
    assert CODEC.event_from_dict(data) == event
    assert CODEC.event_from_dict(json.loads(json.dumps(data))) == event


@given(ist.ledger_scenarios(max_commands=10))
def test_generated_commands_and_their_events_round_trip(story: list[Command]) -> None:
    for command in story:
        text = json.dumps(CODEC.command_to_dict(command))
        assert CODEC.command_from_dict(json.loads(text)) == command
    engine, _ = run(story)
    for event in engine.events():
        assert CODEC.event_from_dict(json.loads(json.dumps(CODEC.event_to_dict(event)))) == event


MOVES = st.lists(
    st.tuples(
        st.sampled_from(["receive", "move", "damage", "scrap"]),
        st.sampled_from(["MUG", "TEE"]),
        st.sampled_from(BINS),
        st.sampled_from(BINS),
        st.integers(min_value=1, max_value=6),
    ),
    min_size=4,
    max_size=30,
)


def moved(steps: list[tuple[str, str, str, str, int]]) -> Engine:
    """The standard world after ``steps`` (those refused, for want of stock or for moving
    between warehouses, are left out)."""
    engine = world()
    for n, (kind, sku, place, other, quantity) in enumerate(steps):
        common: dict[str, Any] = {"key": f"op-{n}", "at": at(n + 1), "sku": sku}
        with contextlib.suppress(InvorderError):  # a move between warehouses, or no stock
            if kind == "move":
                command: Command = invorder.MoveStock(
                    **common, source=place, destination=other, quantity=quantity
                )
            else:
                make = {"receive": invorder.ReceiveStock, "damage": invorder.MarkDamaged,
                        "scrap": invorder.ScrapStock}[kind]  # fmt: skip
                command = make(**common, location=place, quantity=quantity)
            engine.execute(command)
    return engine


@given(MOVES, st.integers(min_value=1, max_value=3), st.data())
def test_the_last_movements_of_a_history_are_the_tail_of_the_whole(
    steps: list[tuple[str, str, str, str, int]], last: int, data: st.DataObject
) -> None:
    # ``history(last=n)`` reads from the end and takes its first balance from today's
    # roll-up: it must give the tail of the whole history, balances included.
    engine = moved(steps)
    location = data.draw(st.sampled_from([*BINS, "EAST", "EAST/A", "WEST", "@supplier"]))
    bucket = data.draw(st.sampled_from([None, invorder.Bucket.AVAILABLE, invorder.Bucket.DAMAGED]))
    buckets = [bucket] if bucket is not None else PHYSICAL_BUCKETS
    for sku in ("MUG", "TEE"):
        whole = engine.history(sku, location, bucket)
        assert engine.history(sku, location, bucket, last=last) == whole[-last:]
        label("cut" if len(whole) > last else "whole" if whole else "empty")
        if whole:
            assert whole[-1].balance == sum(engine.rollup(sku, location, b) for b in buckets)


@settings(max_examples=40)
@given(MOVES, st.sets(st.integers(min_value=0, max_value=40), max_size=8))
def test_history_from_the_sql_index_equals_the_log_folded_in_memory(
    steps: list[tuple[str, str, str, str, int]], trimmed: set[int]
) -> None:
    # The SQL store answers history from its movements index; any entries the index lacks
    # (``trimmed``: an old database, rows a host deleted) are read from the log instead.
    engine = moved(steps)
    events = list(engine.events())
    with SqlEventStore(sql_engine("sqlite://", poolclass=sa.pool.StaticPool)) as sql:
        for start in range(0, len(events), 5):  # several appends
            sql.append(events[start : start + 5], expected_position=start)
        with sql.engine.begin() as connection:
            connection.execute(
                sa.delete(movements_table).where(movements_table.c.position.in_(trimmed))
            )
        indexed = Engine(sql)
        assert indexed.verify() == []  # entries the index lacks are no drift
        for sku in ("MUG", "TEE"):
            for location in ("EAST/A/01", "EAST", "WEST", "@supplier"):
                for bucket in (None, invorder.Bucket.DAMAGED):
                    whole = engine.history(sku, location, bucket)
                    assert indexed.history(sku, location, bucket) == whole
                    assert indexed.history(sku, location, bucket, last=2) == whole[-2:]
