"""Reservations an order's allocation made are changed only through the order (issue 16,
item 1): a bare ``ReleaseReservation`` or ``CommitReservation`` on one is refused with an
error naming the order, and ``verify`` checks each line's allocated, unshipped units against
what its reservations hold."""

from __future__ import annotations

import pytest

import invorder as iv
from invorder.domain.model import State
from invorder.domain.reservations.decide import decide_release
from tests.support.order_world import capture, order_world, state_of
from tests.support.world import at


def allocated() -> tuple[iv.Engine, str]:
    engine = order_world()
    engine.execute(capture("SHOP-1", (("1", "MUG", 3),)))
    (shipment,) = engine.shipments("SHOP-1")
    return engine, shipment.picks[0].reservation


@pytest.mark.parametrize(
    ("command", "action"),
    [
        (lambda rid: iv.ReleaseReservation(key="rel", at=at(9), reservation=rid), "release"),
        (lambda rid: iv.CommitReservation(key="com", at=at(9), reservation=rid), "commit"),
    ],
)
def test_a_bare_reservation_command_on_an_orders_reservation_is_refused(
    command: object, action: str
) -> None:
    engine, rid = allocated()
    assert rid.startswith("SHOP-1/R")
    before = state_of(engine)
    with pytest.raises(iv.errors.IllegalTransitionError) as caught:
        engine.execute(command(rid))  # type: ignore[operator]  # the parametrized builder
    error = caught.value
    assert error.code == "illegal_transition"
    assert error.fields == {"what": "reservation", "key": rid,
                            "state": "held for order 'SHOP-1'", "action": action}  # fmt: skip
    assert str(error) == (
        f"cannot {action} reservation {rid!r}: it is held for order 'SHOP-1'; change it "
        "through the order: CancelLines or CancelOrder frees the units, ShipShipment sends "
        "them, RecordPick writes off what a picker did not find"
    )
    assert state_of(engine) == before
    assert engine.verify() == []


def test_a_hosts_own_reservation_is_still_the_hosts() -> None:
    engine, _ = allocated()
    # Named like an order's, but no order picks from it: the host's own hold.
    engine.execute(iv.ReserveStock(key="r", at=at(9), reservation="SHOP-1/R99", sku="MUG",
                                   location="WEST/A/01", quantity=1))  # fmt: skip
    engine.execute(iv.ReleaseReservation(key="rel", at=at(10), reservation="SHOP-1/R99"))
    assert engine.verify() == []


def test_verify_finds_an_order_line_whose_reservation_was_resolved_behind_its_back() -> None:
    engine, rid = allocated()
    store = iv.MemoryEventStore(list(engine.events()))
    # A log written by an older version or another writer: the release went through.
    state = State()
    for event in store.read(0):
        state.apply(event)
    release = iv.ReleaseReservation(key="rel", at=at(9), reservation=rid)
    store.append([decide_release(state.reservations, release, store.head())],
                 expected_position=store.head())  # fmt: skip
    released = state.reservations.get(rid).held  # type: ignore[union-attr]  # it exists
    problems = iv.Engine(store).verify()
    assert problems == [
        f"order 'SHOP-1' line '1': 3 allocated and not shipped, its reservations hold "
        f"{3 - released}"
    ]
