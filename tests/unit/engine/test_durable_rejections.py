"""One outcome per key, durably: a rejection is a record in the log, so a retry after a
restart, from a snapshot, on another engine or on another store of the same database gets
the same error, and a key accepted by one engine is never answered "rejected" by another."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import invorder
from invorder import Codec, Engine, MemoryEventStore, MemorySnapshotStore
from invorder.adapters.sql import SqlEventStore, SqlSnapshotStore
from invorder.errors import (
    CurrencyMismatchError,
    DuplicateError,
    InsufficientStockError,
    InvorderError,
    UnknownSkuError,
    ValidationError,
)
from invorder.events import CommandRejected
from tests.support.world import at, stocked


def damage(quantity: int, key: str = "dmg") -> invorder.MarkDamaged:
    return invorder.MarkDamaged(
        key=key, at=at(5), sku="MUG", location="EAST/A/01", quantity=quantity
    )


def receive(quantity: int, key: str = "more") -> invorder.ReceiveStock:
    return invorder.ReceiveStock(
        key=key, at=at(6), sku="MUG", location="EAST/A/01", quantity=quantity
    )


def same_error(again: BaseException, first: BaseException) -> None:
    assert type(again) is type(first)
    assert isinstance(again, InvorderError)
    assert isinstance(first, InvorderError)
    assert (again.code, str(again), again.fields) == (first.code, str(first), first.fields)
    assert again == first


def refuse_then_stock(engine: Engine) -> InsufficientStockError:
    with pytest.raises(InsufficientStockError) as caught:
        engine.execute(damage(99))
    engine.execute(receive(200))  # the command would fit now; its key is already answered
    return caught.value


def test_a_rejection_is_one_record_that_changes_no_state(engine: Engine) -> None:
    before = engine.position
    balances = engine.balances("MUG")
    with pytest.raises(InsufficientStockError) as caught:
        engine.execute(damage(99))
    (record,) = engine.outcome_of("dmg")
    assert isinstance(record, CommandRejected)
    assert (record.position, record.command, record.code) == (before, damage(99), caught.value.code)
    assert record.message == str(caught.value)
    assert engine.position == before + 1
    assert engine.balances("MUG") == balances
    assert engine.verify() == []


def test_a_restart_answers_a_rejected_key_with_the_same_error() -> None:
    store = MemoryEventStore()
    first = refuse_then_stock(stocked(store))
    head = store.head()
    restarted = Engine(store)
    with pytest.raises(InsufficientStockError) as again:
        restarted.execute(damage(99))
    same_error(again.value, first)
    assert again.value.fields["available"] == 10
    assert store.head() == head  # a repeat writes nothing
    with pytest.raises(invorder.IdempotencyConflictError):
        restarted.execute(damage(98))
    assert restarted.balance("MUG", "EAST/A/01") == 210
    assert restarted.verify() == []


def test_a_restart_from_a_snapshot_answers_a_rejected_key_with_the_same_error() -> None:
    store, snapshots = MemoryEventStore(), MemorySnapshotStore()
    engine = stocked(store)
    first = refuse_then_stock(engine)
    Engine(store, snapshots=snapshots).snapshot()
    restarted = Engine(store, snapshots=snapshots)
    assert restarted.startup.snapshot == store.head()
    with pytest.raises(InsufficientStockError) as again:
        restarted.execute(damage(99))
    same_error(again.value, first)


def test_another_engine_answers_a_rejected_key_with_the_same_error() -> None:
    store = MemoryEventStore()
    one = stocked(store)
    other = Engine(store)  # level with ``one`` now, stale after its next commands
    one.execute(damage(1, "first-loss"))
    first = refuse_then_stock(one)
    # ``other`` has not seen the receipt: deciding on its own state would refuse too, but
    # with 9 available instead of 10. It must answer what the log says, not decide again.
    with pytest.raises(InsufficientStockError) as again:
        other.execute(damage(99))
    same_error(again.value, first)
    assert other.balance("MUG", "EAST/A/01") == 209


def test_a_stale_engine_never_accepts_a_key_the_log_holds_as_rejected() -> None:
    store = MemoryEventStore()
    one = stocked(store)
    stale = Engine(store)
    one.execute(invorder.MarkDamaged(key="loss", at=at(2), sku="MUG", location="EAST/A/01",
                                     quantity=8))  # fmt: skip
    with pytest.raises(InsufficientStockError) as first:
        one.execute(damage(5))
    # On its stale state (10 available) ``stale`` would accept 5: its append at the old
    # position loses the race, it catches up and finds the key refused.
    with pytest.raises(InsufficientStockError) as again:
        stale.execute(damage(5))
    same_error(again.value, first.value)
    assert stale.balance("MUG", "EAST/A/01") == 2
    assert stale.retries == 1


def test_a_stale_engine_never_rejects_a_key_the_log_holds_as_accepted() -> None:
    store = MemoryEventStore()
    one = stocked(store)
    stale = Engine(store)
    one.execute(receive(50))
    accepted = one.execute(damage(30))
    # On its stale state (10 available) ``stale`` would refuse 30: its rejection record,
    # appended at the old position, loses the race; it catches up and returns the events.
    assert stale.execute(damage(30)) == accepted
    assert [type(e) for e in stale.outcome_of("dmg")] == [type(e) for e in accepted]
    assert store.head() == one.position
    assert stale.verify() == []


def test_a_batch_records_its_rejections_and_a_restart_answers_them() -> None:
    store = MemoryEventStore()
    engine = stocked(store)
    batch = [damage(99, "big"), damage(2, "small"), damage(99, "big"), damage(9, "late")]
    results = engine.execute_batch(batch)
    assert [type(r) for r in results] == [invorder.Rejected, tuple, invorder.Rejected,
                                          invorder.Rejected]  # fmt: skip
    assert isinstance(results[0], invorder.Rejected)
    assert isinstance(results[2], invorder.Rejected)
    assert results[2].error == results[0].error
    engine.execute(receive(200))
    restarted = Engine(store)
    for result in (results[0], results[3]):
        assert isinstance(result, invorder.Rejected)
        with pytest.raises(InsufficientStockError) as again:
            restarted.execute(result.command)
        same_error(again.value, result.error)
    assert restarted.execute(damage(2, "small")) == results[1]


@pytest.mark.parametrize("size", [0, 1, 2])
def test_the_rejection_cache_is_bounded_and_the_log_answers_past_it(size: int) -> None:
    engine = stocked()
    engine = Engine(MemoryEventStore(list(engine.events())), rejection_cache=size)
    errors = {}
    for n in range(4):
        with pytest.raises(InsufficientStockError) as caught:
            engine.execute(damage(50 + n, f"big-{n}"))
        errors[f"big-{n}"] = caught.value
    assert len(engine._writer.rejections) == size  # the oldest keys were dropped
    engine.execute(receive(500))
    for n in range(4):
        with pytest.raises(InsufficientStockError) as again:
            engine.execute(damage(50 + n, f"big-{n}"))
        same_error(again.value, errors[f"big-{n}"])
    assert len(engine._writer.rejections) == size


def test_the_rejection_cache_size_must_not_be_negative() -> None:
    with pytest.raises(ValueError, match="rejection_cache must be 0 or more"):
        Engine(MemoryEventStore(), rejection_cache=-1)


def test_a_rejection_survives_a_restart_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'log.db'}"
    store = SqlEventStore(url)
    engine = Engine(store)
    for command in list(stocked().events())[:8]:
        engine.execute(command.command)
    first = refuse_then_stock(engine)
    store.engine.dispose()

    reopened = SqlEventStore(url, create=False)
    restarted = Engine(reopened, snapshots=SqlSnapshotStore(reopened.engine))
    assert restarted.startup.chain == "checked"  # the record is linked like any event
    with pytest.raises(InsufficientStockError) as again:
        restarted.execute(damage(99))
    same_error(again.value, first)
    restarted.snapshot()
    from_snapshot = Engine(reopened, snapshots=SqlSnapshotStore(reopened.engine))
    with pytest.raises(InsufficientStockError) as once_more:
        from_snapshot.execute(damage(99))
    same_error(once_more.value, first)
    assert from_snapshot.verify() == []
    reopened.engine.dispose()


@pytest.mark.parametrize(
    "error",
    [
        InsufficientStockError("MUG", "EAST/A/01", "available", 99, 10),
        UnknownSkuError("NOPE", barcode="5901234123457"),
        DuplicateError("SKU", "MUG", "a mug"),  # ``detail`` is wording only
        CurrencyMismatchError("MUG", "USD", "EUR"),
        ValidationError("bad", amount=Decimal("9.99"), when=at(3), path=("a", 1)),
    ],
    ids=type,
)
def test_a_record_gives_back_the_error_through_the_codec(error: InvorderError) -> None:
    record = CommandRejected.of(damage(99), error, 7)
    codec = Codec()
    stored = json.loads(json.dumps(codec.event_to_dict(record)))
    read = codec.event_from_dict(stored)
    assert read == record
    assert isinstance(read, CommandRejected)
    rebuilt = read.error()
    same_error(rebuilt, error)
    assert vars(rebuilt) == vars(error)


def test_a_record_of_an_error_class_this_version_lacks_reads_as_a_rejection() -> None:
    record = CommandRejected.of(
        damage(99), InsufficientStockError("MUG", "X", "available", 9, 1), 0
    )
    renamed = CommandRejected(position=0, command=record.command, error_type="GoneError",
                              code="gone", message="it went", facts="{}")  # fmt: skip
    error = renamed.error()
    assert type(error) is invorder.RejectedError
    assert str(error) == "it went"
