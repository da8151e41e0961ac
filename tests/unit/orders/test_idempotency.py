"""The engine's idempotency for order commands."""

from __future__ import annotations

import pytest

import invorder
from tests.support.order_world import capture, order_world, state_of
from tests.support.world import at


def test_a_repeated_order_command_returns_its_first_outcome() -> None:
    engine = order_world()
    first = engine.execute(capture(lines=(("1", "MUG", 3),)))
    assert engine.execute(capture(lines=(("1", "MUG", 3),))) == first
    hold = invorder.PlaceHold(key="h", at=at(6), order="O-1", reason="fraud_review")
    held = engine.execute(hold)
    assert engine.execute(hold) == held
    before = state_of(engine)
    with pytest.raises(invorder.IdempotencyConflictError) as caught:
        engine.execute(invorder.PlaceHold(key="h", at=at(6), order="O-1", reason="other"))
    assert caught.value.fields["field"] == "reason"
    assert state_of(engine) == before


def test_a_rejected_order_command_is_rejected_again_with_the_same_error() -> None:
    engine = order_world()
    command = invorder.AllocateOrder(key="a", at=at(6), order="O-404")
    with pytest.raises(invorder.errors.NotFoundError) as first:
        engine.execute(command)
    with pytest.raises(invorder.errors.NotFoundError) as second:
        engine.execute(command)
    assert first.value == second.value
