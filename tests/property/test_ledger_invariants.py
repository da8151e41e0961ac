"""Property tests: one per ledger invariant, over generated stories of stock commands."""

from __future__ import annotations

import contextlib
import json

from hypothesis import given

import invorder
from invorder import Codec, Command, Engine, InvorderError, MemoryEventStore
from invorder.engine.views.stock import fold
from invorder.testing import strategies as ist
from tests.support.world import check_invariants, decisions, snapshot


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
