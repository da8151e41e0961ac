"""Idempotency: one key, one outcome (TigerBeetle's rule), across repeats and restarts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta, timezone
from typing import Any

import attrs
import pytest

import invorder
from invorder import Engine, IdempotencyConflictError, MemoryEventStore, TransferLine
from invorder.errors import InsufficientStockError
from tests.support.world import at, stocked

Check = Callable[[Engine], Callable[[], None]]


def damage(quantity: int = 2, **changes: Any) -> invorder.MarkDamaged:
    command = invorder.MarkDamaged(
        key="dmg", at=at(5), sku="MUG", location="EAST/A/01", quantity=quantity
    )
    return attrs.evolve(command, **changes)


def test_an_identical_repeat_returns_the_first_outcome(engine: Engine, unchanged: Check) -> None:
    first = engine.execute(damage())
    check = unchanged(engine)
    assert engine.execute(damage()) == first
    assert engine.execute(damage()) is not None
    check()
    assert engine.outcome_of("dmg") == first


def test_a_repeat_at_the_same_instant_in_another_timezone_is_identical(engine: Engine) -> None:
    first = engine.execute(damage())
    same_instant = at(5).astimezone(timezone(timedelta(hours=-5)))
    assert engine.execute(damage(at=same_instant)) == first
    assert engine.position == 9


def test_an_identical_repeat_of_a_rejection_is_the_same_rejection(
    engine: Engine, unchanged: Check
) -> None:
    check = unchanged(engine)
    with pytest.raises(InsufficientStockError) as first:
        engine.execute(damage(99))
    # Stock arrives; the same command would now fit, but one key has one outcome.
    engine.execute(
        invorder.ReceiveStock(key="more", at=at(6), sku="MUG", location="EAST/A/01", quantity=200)
    )
    check = unchanged(engine)
    with pytest.raises(InsufficientStockError) as again:
        engine.execute(damage(99))
    assert again.value == first.value
    assert again.value.fields["available"] == 10
    check()


@pytest.mark.parametrize(
    ("change", "field", "first", "second"),
    [
        ({"quantity": 3}, "quantity", 2, 3),
        ({"location": "EAST/A/02"}, "location", "EAST/A/01", "EAST/A/02"),
        ({"reason": "dropped"}, "reason", "damaged", "dropped"),
        ({"at": at(6)}, "at", at(5), at(6)),
        ({"sku": "TEE"}, "sku", "MUG", "TEE"),
    ],
)
def test_the_same_key_with_other_content_names_the_field(
    engine: Engine, unchanged: Check, change: dict[str, Any], field: str,
    first: object, second: object,
) -> None:  # fmt: skip
    engine.execute(damage())
    check = unchanged(engine)
    with pytest.raises(IdempotencyConflictError) as caught:
        engine.execute(damage(**change))
    error = caught.value
    assert error.code == "idempotency_conflict"
    assert error.fields == {"key": "dmg", "field": field, "first": first, "second": second}
    assert f"idempotency key 'dmg' was first used with {field}={first!r}, now {second!r}" in str(
        error
    )
    assert "use a new key for a different command" in str(error)
    check()


def test_the_same_key_on_another_command_type_names_the_type(
    engine: Engine, unchanged: Check
) -> None:
    engine.execute(damage())
    check = unchanged(engine)
    other = invorder.QuarantineStock(
        key="dmg", at=at(5), sku="MUG", location="EAST/A/01", quantity=2
    )
    with pytest.raises(IdempotencyConflictError) as caught:
        engine.execute(other)
    assert caught.value.fields == {
        "key": "dmg", "field": "type", "first": "MarkDamaged", "second": "QuarantineStock",
    }  # fmt: skip
    check()


def test_a_rejected_key_reused_with_other_content_is_a_conflict(
    engine: Engine, unchanged: Check
) -> None:
    with pytest.raises(InsufficientStockError):
        engine.execute(damage(99))
    check = unchanged(engine)
    with pytest.raises(IdempotencyConflictError) as caught:
        engine.execute(damage(1))
    assert caught.value.fields["field"] == "quantity"
    assert (caught.value.fields["first"], caught.value.fields["second"]) == (99, 1)
    check()


def test_a_transfer_repeat_returns_the_first_events(engine: Engine) -> None:
    ship = invorder.ShipTransfer(
        key="ship", at=at(2), transfer="TR-1", origin="EAST/A/01", destination="WEST/A/01",
        lines=[TransferLine("MUG", 2)],
    )  # fmt: skip
    first = engine.execute(ship)
    assert engine.execute(ship) == first
    assert engine.transfer("TR-1") is not None
    assert engine.balance("MUG", "EAST/A/01") == 8


def test_a_repeat_after_a_restart_on_the_same_store_returns_the_first_outcome() -> None:
    store = MemoryEventStore()
    first_engine = stocked(store)
    first = first_engine.execute(damage())
    head = store.head()

    restarted = Engine(store)
    assert restarted.position == head
    assert restarted.execute(damage()) == first
    with pytest.raises(IdempotencyConflictError) as caught:
        restarted.execute(damage(5))
    assert caught.value.fields["field"] == "quantity"
    assert store.head() == head
    assert restarted.balances("MUG") == first_engine.balances("MUG")
    assert restarted.verify() == []


def test_a_rejection_is_written_so_a_restart_answers_it_again() -> None:
    # The rejection is a record in the log: a restart answers it, once stock has arrived too
    # (more in test_durable_rejections.py).
    store = MemoryEventStore()
    engine = stocked(store)
    with pytest.raises(InsufficientStockError) as first:
        engine.execute(damage(99))
    engine.execute(
        invorder.ReceiveStock(key="more", at=at(6), sku="MUG", location="EAST/A/01", quantity=200)
    )
    head = store.head()
    restarted = Engine(store)
    with pytest.raises(InsufficientStockError) as again:
        restarted.execute(damage(99))
    assert again.value == first.value
    assert store.head() == head


def test_definition_keys_are_idempotent_too(engine: Engine) -> None:
    define = invorder.DefineLocation(key="loc-0", at=at(0), location="EAST/A/01")
    before = engine.position
    (event,) = engine.execute(define)
    assert event.position == 0
    assert engine.outcome_of("loc-0") == (event,)
    assert engine.position == before
    assert engine.outcome_of("never-used") == ()
