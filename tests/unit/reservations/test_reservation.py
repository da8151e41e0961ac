"""Two-phase reservations: reserve, commit, release, expire (swept and lazy), errors."""

from __future__ import annotations

from typing import Any

import pytest

import invorder as iv
from invorder import Bucket
from invorder.records import ReservationStatus
from tests.support.availability import MINUTE, T, assert_refused, open_reserved, world


def reserve(
    key: str, rid: str, qty: int, sku: str = "MUG", location: str = "WEST", **kw: Any
) -> iv.ReserveStock:
    at = kw.pop("at", T)
    return iv.ReserveStock(
        key=key, at=at, reservation=rid, sku=sku, location=location, quantity=qty, **kw
    )


def test_reserve_moves_available_to_reserved_and_lowers_atp() -> None:
    engine, key = world()
    (event,) = engine.execute(reserve(key(), "R1", 4, reference="order-1/line-1"))
    assert isinstance(event, iv.events.StockPosted)
    assert event.operation is iv.events.Operation.RESERVE
    assert engine.balance("MUG", "WEST") == 6
    assert engine.balance("MUG", "WEST", Bucket.RESERVED) == 4
    assert engine.atp("MUG", "WEST", T) == 6
    r = engine.reservation("R1")
    assert r is not None
    assert (r.status, r.held, r.reference) == (ReservationStatus.PENDING, 4, "order-1/line-1")


def test_partial_commit_then_release_rest_closes_as_committed() -> None:
    engine, key = world()
    engine.execute(reserve(key(), "R1", 5))
    engine.execute(iv.CommitReservation(key=key(), at=T, reservation="R1", quantity=2))
    r = engine.reservation("R1")
    assert r is not None
    assert r.status is ReservationStatus.PARTIALLY_COMMITTED
    assert engine.balance("MUG", "@customer") == 2
    engine.execute(iv.ReleaseReservation(key=key(), at=T, reservation="R1"))
    r = engine.reservation("R1")
    assert r is not None
    assert (r.committed, r.released, r.held, r.status) == (2, 3, 0, ReservationStatus.COMMITTED)
    assert engine.balance("MUG", "WEST") == 8
    assert engine.balance("MUG", "WEST", Bucket.RESERVED) == 0


def test_partial_release_status_and_full_commit() -> None:
    engine, key = world()
    engine.execute(reserve(key(), "R1", 5))
    engine.execute(iv.ReleaseReservation(key=key(), at=T, reservation="R1", quantity=1))
    r = engine.reservation("R1")
    assert r is not None
    assert r.status is ReservationStatus.PARTIALLY_RELEASED
    engine.execute(iv.CommitReservation(key=key(), at=T, reservation="R1"))
    r = engine.reservation("R1")
    assert r is not None
    assert (r.committed, r.status) == (4, ReservationStatus.COMMITTED)


def test_release_all_closes_as_released() -> None:
    engine, key = world()
    engine.execute(reserve(key(), "R1", 5))
    engine.execute(iv.ReleaseReservation(key=key(), at=T, reservation="R1"))
    r = engine.reservation("R1")
    assert r is not None
    assert r.status is ReservationStatus.RELEASED
    assert engine.atp("MUG", "WEST", T) == 10


def test_sweep_expires_due_reservations_and_says_which() -> None:
    engine, key = world()
    engine.execute(reserve(key(), "CART-1", 2, expires_at=T + 10 * MINUTE))
    engine.execute(reserve(key(), "CART-2", 3, expires_at=T + 30 * MINUTE))
    engine.execute(reserve(key(), "ORDER", 1))
    outcome = engine.execute(iv.ExpireReservations(key=key(), at=T + 10 * MINUTE))
    assert iv.events.expired_reservations(outcome) == ("CART-1",)
    r = engine.reservation("CART-1")
    assert r is not None
    assert (r.status, r.expired) == (ReservationStatus.EXPIRED, 2)
    assert engine.balance("MUG", "WEST", Bucket.RESERVED) == 4
    empty = engine.execute(iv.ExpireReservations(key=key(), at=T + 11 * MINUTE))
    assert iv.events.expired_reservations(empty) == ()


def test_lazy_expiry_counts_lapsed_units_as_available_before_any_sweep() -> None:
    engine, key = world()
    engine.execute(reserve(key(), "CART", 4, expires_at=T + 10 * MINUTE))
    assert engine.atp("MUG", "WEST", T + 9 * MINUTE) == 6
    assert engine.atp("MUG", "WEST", T + 10 * MINUTE) == 10
    assert engine.atp("MUG", "EAST", T + 10 * MINUTE) == 0
    # The ledger still shows them reserved until something sweeps them.
    assert engine.balance("MUG", "WEST", Bucket.RESERVED) == 4


def test_reserving_takes_units_from_lapsed_holds_by_expiring_them_first() -> None:
    engine, key = world()
    engine.execute(reserve(key(), "CART", 8, expires_at=T + 10 * MINUTE))
    later = T + 15 * MINUTE
    outcome = engine.execute(reserve(key(), "ORDER", 9, at=later))
    assert [type(e).__name__ for e in outcome] == [
        "StockPosted",
        "ReservationsExpired",
        "StockPosted",
    ]
    assert iv.events.expired_reservations(outcome) == ("CART",)
    assert engine.balance("MUG", "WEST") == 1
    assert engine.balance("MUG", "WEST", Bucket.RESERVED) == 9
    assert open_reserved(engine, "MUG", "WEST") == 9
    assert engine.verify() == []


def test_reserving_with_enough_available_leaves_lapsed_holds_for_the_sweep() -> None:
    engine, key = world()
    engine.execute(reserve(key(), "CART", 2, expires_at=T + 10 * MINUTE))
    outcome = engine.execute(reserve(key(), "ORDER", 3, at=T + 15 * MINUTE))
    assert len(outcome) == 1
    cart = engine.reservation("CART")
    assert cart is not None
    assert cart.status is ReservationStatus.PENDING
    assert engine.atp("MUG", "WEST", T + 15 * MINUTE) == 7


def test_repeat_of_a_reservation_returns_first_outcome() -> None:
    engine, _ = world()
    command = reserve("same", "R1", 3)
    first = engine.execute(command)
    assert engine.execute(command) == first
    assert engine.balance("MUG", "WEST", Bucket.RESERVED) == 3


# --- bad input: typed error, nothing changes ---------------------------------------------


def test_reserve_more_than_available_says_requested_available_and_where() -> None:
    engine, key = world()
    error = assert_refused(
        engine,
        reserve(key(), "R1", 11),
        iv.errors.InsufficientStockError,
        sku="MUG",
        location="WEST",
        requested=11,
        available=10,
    )
    assert "WEST" in error.message
    assert "11" in error.message


def test_reserve_more_than_available_even_counting_lapsed_holds() -> None:
    engine, key = world()
    engine.execute(reserve(key(), "CART", 4, expires_at=T + MINUTE))
    assert_refused(
        engine,
        reserve(key(), "R2", 11, at=T + 2 * MINUTE),
        iv.errors.InsufficientStockError,
        requested=11,
        available=10,
    )
    cart = engine.reservation("CART")
    assert cart is not None
    assert cart.status is ReservationStatus.PENDING


def test_duplicate_reservation_id() -> None:
    engine, key = world()
    engine.execute(reserve(key(), "R1", 1))
    assert_refused(engine, reserve(key(), "R1", 1), iv.errors.DuplicateError, key="R1")


def test_reserve_unknown_sku_and_location() -> None:
    engine, key = world()
    assert_refused(
        engine, reserve(key(), "R1", 1, sku="NOPE"), iv.errors.UnknownSkuError, sku="NOPE"
    )
    assert_refused(
        engine,
        reserve(key(), "R1", 1, location="NORTH"),
        iv.errors.UnknownLocationError,
        location="NORTH",
    )


def test_unknown_reservation() -> None:
    engine, key = world()
    for command in (
        iv.CommitReservation(key=key(), at=T, reservation="GHOST"),
        iv.ReleaseReservation(key=key(), at=T, reservation="GHOST"),
    ):
        assert_refused(engine, command, iv.errors.NotFoundError, what="reservation", key="GHOST")


def test_over_commit_and_over_release() -> None:
    engine, key = world()
    engine.execute(reserve(key(), "R1", 3))
    engine.execute(iv.CommitReservation(key=key(), at=T, reservation="R1", quantity=1))
    assert_refused(
        engine,
        iv.CommitReservation(key=key(), at=T, reservation="R1", quantity=3),
        iv.errors.OverCommitError,
        requested=3,
        held=2,
        action="commit",
    )
    assert_refused(
        engine,
        iv.ReleaseReservation(key=key(), at=T, reservation="R1", quantity=5),
        iv.errors.OverCommitError,
        requested=5,
        held=2,
        action="release",
    )


@pytest.mark.parametrize("first", ["commit", "release"])
@pytest.mark.parametrize("second", ["commit", "release"])
def test_a_reservation_resolves_at_most_once(first: str, second: str) -> None:
    engine, key = world()
    engine.execute(reserve(key(), "R1", 3))
    kinds: dict[str, type[iv.CommitReservation | iv.ReleaseReservation]] = {
        "commit": iv.CommitReservation,
        "release": iv.ReleaseReservation,
    }
    engine.execute(kinds[first](key=key(), at=T, reservation="R1"))
    state = "committed" if first == "commit" else "released"
    assert_refused(
        engine,
        kinds[second](key=key(), at=T, reservation="R1"),
        iv.errors.IllegalTransitionError,
        state=state,
        action=second,
    )


@pytest.mark.parametrize("action", [iv.CommitReservation, iv.ReleaseReservation])
def test_commit_or_release_after_swept_expiry(action: type[iv.CommitReservation]) -> None:
    engine, key = world()
    engine.execute(reserve(key(), "CART", 2, expires_at=T + MINUTE))
    engine.execute(iv.ExpireReservations(key=key(), at=T + MINUTE))
    assert_refused(
        engine,
        action(key=key(), at=T + 2 * MINUTE, reservation="CART"),
        iv.errors.IllegalTransitionError,
        state="expired",
    )


@pytest.mark.parametrize("action", [iv.CommitReservation, iv.ReleaseReservation])
def test_commit_or_release_after_lazy_expiry(action: type[iv.CommitReservation]) -> None:
    engine, key = world()
    engine.execute(reserve(key(), "CART", 2, expires_at=T + MINUTE))
    error = assert_refused(
        engine,
        action(key=key(), at=T + MINUTE, reservation="CART"),
        iv.errors.IllegalTransitionError,
        state="expired",
    )
    assert "lapsed" in error.message


def test_malformed_reservation_commands() -> None:
    with pytest.raises(iv.errors.InvalidQuantityError):
        reserve("k", "R", 0)
    with pytest.raises(iv.ValidationError, match="not after"):
        reserve("k", "R", 1, expires_at=T)
    with pytest.raises(iv.errors.NaiveDatetimeError):
        reserve("k", "R", 1, expires_at=T.replace(tzinfo=None))
    with pytest.raises(iv.errors.InvalidQuantityError):
        iv.CommitReservation(key="k", at=T, reservation="R", quantity=0)
    with pytest.raises(iv.errors.InvalidQuantityError):
        reserve("k", "R", 1, priority=1.5)
    with pytest.raises(iv.errors.InvalidLocationError):
        reserve("k", "R", 1, location="@customer")


def test_reservations_listing_filters() -> None:
    engine, key = world({("MUG", "WEST"): 5, ("MUG", "EAST/A/01"): 5})
    engine.execute(reserve(key(), "W", 1))
    engine.execute(reserve(key(), "E", 1, location="EAST/A/01"))
    engine.execute(iv.CommitReservation(key=key(), at=T, reservation="W"))
    assert [r.reservation for r in engine.reservations()] == ["E"]
    assert [r.reservation for r in engine.reservations(open_only=False)] == ["W", "E"]
    assert [r.reservation for r in engine.reservations(location="EAST")] == ["E"]
    assert engine.reservations(sku="SAUCER") == []


def test_a_raw_entry_cannot_touch_the_reserved_bucket() -> None:
    engine, key = world()
    movement = iv.Movement(
        sku="MUG", quantity=1, source=iv.Account("WEST"), destination=iv.Account("WEST", "reserved")
    )
    error = assert_refused(
        engine, iv.PostEntry(key=key(), at=T, movements=[movement]), iv.errors.InvalidMovementError
    )
    assert "only through reservations" in error.message


def test_verify_reports_a_drifted_reservation_projection() -> None:
    engine, key = world()
    engine.execute(reserve(key(), "R1", 3))
    assert engine.verify() == []
    # Simulate drift: the projection forgets the reservation the log holds.
    engine._state.reservations._by_id.clear()
    problems = engine.verify()
    assert "reservations: the records differ from the log" in problems
    assert "'MUG' at WEST: reserved 3, open reservations hold 0" in problems


def test_a_lapsed_reservation_reports_expired_before_any_sweep() -> None:
    # Issue 17, item 12: the status says what ATP says.
    engine, key = world()
    engine.execute(reserve(key(), "CART", 4, expires_at=T + 60 * MINUTE))
    cart = engine.reservation("CART")
    assert cart is not None
    assert cart.status_at(T + 59 * MINUTE) is ReservationStatus.PENDING
    assert cart.status_at(T + 60 * MINUTE) is ReservationStatus.EXPIRED
    assert engine.atp("MUG", "WEST", T + 60 * MINUTE) == 10  # what ATP already frees
    assert cart.status is ReservationStatus.PENDING  # as the log tells it, until a sweep
    engine.execute(iv.ExpireReservations(key=key(), at=T + 61 * MINUTE))
    swept = engine.reservation("CART")
    assert swept is not None
    assert swept.status is ReservationStatus.EXPIRED
    assert swept.status_at(T) is ReservationStatus.EXPIRED  # closed: the time no longer matters
