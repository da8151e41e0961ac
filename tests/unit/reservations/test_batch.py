"""Batch reservation commands (issue 19, item 4): many reservations or releases in one
command, each item with its own outcome, one outcome per key for the whole batch."""

from __future__ import annotations

from typing import Any

import pytest

import invorder as iv
from invorder import Bucket
from invorder.codec import Codec
from invorder.domain.availability.touched import touch
from invorder.domain.reservations.batch import MAX_ITEMS
from invorder.events import ItemsRefused, batch_results
from tests.support.order_world import capture, order_world
from tests.support.world import at, snapshot, stocked


def item(
    rid: str, quantity: int, sku: str = "MUG", location: str = "EAST/A/01", **fields: Any
) -> iv.ReserveItem:
    return iv.ReserveItem(reservation=rid, sku=sku, location=location, quantity=quantity, **fields)


def reserve_many(*items: iv.ReserveItem, key: str = "batch", minute: int = 3) -> iv.ReserveMany:
    return iv.ReserveMany(key=key, at=at(minute), items=items)


def release_many(*items: iv.ReleaseItem, key: str = "free", minute: int = 4) -> iv.ReleaseMany:
    return iv.ReleaseMany(key=key, at=at(minute), items=items)


def record(engine: iv.Engine, rid: str) -> iv.records.Reservation:
    r = engine.reservation(rid)
    assert r is not None
    return r


def held(engine: iv.Engine, rid: str) -> int:
    return record(engine, rid).held


def test_a_batch_reserves_each_item_and_refuses_the_short_one_with_its_own_error() -> None:
    engine = stocked()  # 10 MUG, 5 TEE at EAST/A/01
    outcome = engine.execute(
        reserve_many(item("R1", 4), item("R2", 7), item("R3", 5, "TEE"), item("R4", 6))
    )
    results = batch_results(outcome)
    assert [r.ok for r in results] == [True, False, True, True]
    assert [r.reservation for r in results] == ["R1", "R2", "R3", "R4"]
    error = results[1].error
    assert type(error) is iv.errors.InsufficientStockError
    assert error.fields == {
        "sku": "MUG",
        "location": "EAST/A/01",
        "bucket": "available",
        "requested": 7,
        "available": 6,
    }
    # The refusal is recorded first, then one entry carries out every other item.
    refused, entry = outcome
    assert type(refused) is ItemsRefused
    assert refused.command == reserve_many(
        item("R1", 4), item("R2", 7), item("R3", 5, "TEE"), item("R4", 6)
    )
    assert [i.index for i in refused.items] == [1]
    assert isinstance(entry, iv.events.StockPosted)
    assert isinstance(entry.command, iv.ReserveMany)
    assert [i.reservation for i in entry.command.items] == ["R1", "R3", "R4"]
    assert engine.reservation("R2") is None
    assert engine.balance("MUG", "EAST/A/01") == 0
    assert engine.balance("MUG", "EAST/A/01", Bucket.RESERVED) == 10
    assert held(engine, "R4") == 6
    assert engine.atp("TEE", "EAST", at(3)) == 0
    assert engine.verify() == []


def test_a_repeat_of_the_key_returns_the_first_outcome_also_after_a_restart() -> None:
    store = iv.MemoryEventStore()
    engine = stocked(store)
    command = reserve_many(item("R1", 4), item("R2", 40))
    first = engine.execute(command)
    assert engine.execute(command) == first
    again = iv.Engine(store)
    assert again.execute(command) == first
    assert again.outcome_of("batch") == first
    assert str(batch_results(again.execute(command))[1].error) == str(batch_results(first)[1].error)
    with pytest.raises(iv.IdempotencyConflictError) as caught:
        again.execute(reserve_many(item("R1", 4)))
    assert caught.value.fields["field"] == "items"


def test_a_batch_with_every_item_refused_is_an_outcome_not_an_exception() -> None:
    engine = stocked()
    before = snapshot(engine)
    outcome = engine.execute(
        reserve_many(item("R1", 40), item("R2", 1, "NOPE"), item("R3", 1, location="NOWHERE"))
    )
    assert len(outcome) == 1
    assert type(outcome[0]) is ItemsRefused
    errors = [type(r.error) for r in batch_results(outcome)]
    assert errors == [
        iv.errors.InsufficientStockError,
        iv.errors.UnknownSkuError,
        iv.errors.UnknownLocationError,
    ]
    # Only the record was written: no projection changed.
    assert snapshot(engine)[1:] == before[1:]
    assert engine.reservations() == []


def test_each_item_gets_the_error_its_single_command_gets() -> None:
    engine = stocked()
    engine.execute(
        iv.ReserveStock(
            key="old", at=at(2), reservation="R0", sku="MUG", location="EAST/A/01", quantity=1
        )
    )
    singles = stocked()
    singles.execute(
        iv.ReserveStock(
            key="old", at=at(2), reservation="R0", sku="MUG", location="EAST/A/01", quantity=1
        )
    )
    items = (item("R0", 1), item("R1", 2, purchase_order="PO-X"), item("R2", 99, "TEE"))
    got = batch_results(engine.execute(reserve_many(*items)))
    for n, one in enumerate(items):
        single = iv.ReserveStock(
            key=f"s{n}",
            at=at(3),
            **{
                f: getattr(one, f)
                for f in ("reservation", "sku", "location", "quantity", "purchase_order")
            },
        )
        with pytest.raises(iv.InvorderError) as caught:
            singles.execute(single)
        assert type(got[n].error) is type(caught.value)
        assert got[n].error == caught.value


@pytest.mark.parametrize(
    ("items", "error", "message"),
    [
        (
            [],
            iv.errors.InvalidListError,
            "items: no reservation given; each item names its own reservation",
        ),
        ("R1", iv.errors.InvalidFieldError, "items must be a list of ReserveItem (got 'R1')"),
        (
            [iv.ReleaseItem(reservation="R1")],
            iv.errors.InvalidFieldError,
            "items[0] must be a ReserveItem (got ReleaseItem(reservation='R1', quantity=None, "
            "reason='released'))",
        ),
        (
            [item("R1", 1), item("R2", 1), item("R1", 2)],
            iv.errors.InvalidListError,
            "items: reservation 'R1' appears twice; each item names its own reservation",
        ),
        (
            [item("R1", 1, expires_at=at(3))],
            iv.errors.ConflictingFieldsError,
            "items[0].expires_at: 2026-11-27T08:03:00+00:00 is not after at "
            "(2026-11-27T08:03:00+00:00); a reservation must be held for some time",
        ),
        (
            [item(f"R{n}", 1) for n in range(MAX_ITEMS + 1)],
            iv.errors.InvalidListError,
            "items: 10,001 given; a batch holds at most 10,000: split it",
        ),
    ],
)
def test_a_malformed_batch_is_refused_before_anything_is_written(
    items: Any, error: type[iv.InvorderError], message: str
) -> None:
    engine = stocked()
    before = (engine.position, snapshot(engine))
    with pytest.raises(error) as caught:
        engine.execute(iv.ReserveMany(key="bad", at=at(3), items=items))
    assert type(caught.value) is error
    assert caught.value.message == message
    assert (engine.position, snapshot(engine)) == before


def test_an_item_is_checked_as_its_single_command_is() -> None:
    zero = (
        "quantity must be a positive integer number of units, got 0; quantities are whole "
        "units, never zero, negative or fractional"
    )
    with pytest.raises(iv.errors.InvalidQuantityError) as caught:
        item("R1", 0)
    assert caught.value.message == zero
    with pytest.raises(iv.errors.InvalidIdentifierError) as named:
        iv.ReleaseItem(reservation=" R1")
    assert named.value.message == (
        "reservation ' R1' is not valid: it must not have surrounding whitespace"
    )
    with pytest.raises(iv.errors.InvalidQuantityError) as caught:
        iv.ReleaseItem(reservation="R1", quantity=0)
    assert caught.value.message == zero
    with pytest.raises(iv.errors.InvalidListError) as twice:
        release_many(iv.ReleaseItem(reservation="R1"), iv.ReleaseItem(reservation="R1"))
    assert twice.value.message == (
        "items: reservation 'R1' appears twice; each item names its own reservation"
    )


def test_a_malformed_batch_read_from_json_is_a_typed_error() -> None:
    codec = Codec()
    data = codec.command_to_dict(reserve_many(item("R1", 1), item("R2", 1)))
    data["items"][1]["reservation"] = "R1"
    with pytest.raises(iv.errors.InvalidListError):
        codec.command_from_dict(data)
    data["items"] = []
    with pytest.raises(iv.errors.InvalidListError):
        codec.command_from_dict(data)


def test_batch_made_reservations_commit_release_and_expire_as_single_ones() -> None:
    engine = stocked()
    engine.execute(reserve_many(item("R1", 3), item("R2", 3), item("R3", 2, expires_at=at(10))))
    engine.execute(iv.CommitReservation(key="c", at=at(4), reservation="R1", quantity=2))
    engine.execute(iv.ReleaseReservation(key="r", at=at(4), reservation="R2"))
    engine.execute(iv.ExpireReservations(key="x", at=at(11)))
    statuses = {rid: record(engine, rid).status.value for rid in ("R1", "R2", "R3")}
    assert statuses == {"R1": "partially_committed", "R2": "released", "R3": "expired"}
    assert engine.balance("MUG", "EAST/A/01") == 7
    assert engine.balance("MUG", "EAST/A/01", Bucket.RESERVED) == 1
    assert engine.verify() == []


def test_a_batch_expires_the_lapsed_holds_an_item_needs_once_before_its_entry() -> None:
    engine = stocked()
    engine.execute(
        iv.ReserveStock(
            key="cart",
            at=at(2),
            reservation="CART",
            sku="MUG",
            location="EAST/A/01",
            quantity=8,
            expires_at=at(5),
        )
    )
    outcome = engine.execute(reserve_many(item("R1", 2), item("R2", 5), minute=6))
    kinds = [type(e).__name__ for e in outcome]
    assert kinds == ["StockPosted", "ReservationsExpired", "StockPosted"]
    assert iv.events.expired_reservations(outcome) == ("CART",)
    assert outcome[0].command.key == "batch"
    assert all(r.ok for r in batch_results(outcome))
    assert held(engine, "R2") == 5
    assert record(engine, "CART").status.value == "expired"
    assert engine.verify() == []


def test_pre_orders_of_one_batch_count_the_units_promised_by_the_earlier_items() -> None:
    engine = stocked()
    engine.execute(
        iv.ExpectPurchase(
            key="po",
            at=at(1),
            purchase_order="PO-1",
            location="EAST/A/01",
            lines=[iv.PurchaseLine(sku="MUG", quantity=5, eta=at(60))],
        )
    )
    outcome = engine.execute(
        reserve_many(
            item("P1", 3, purchase_order="PO-1"),
            item("P2", 3, purchase_order="PO-1"),
            item("P3", 2, purchase_order="PO-1", priority=2),
        )
    )
    results = batch_results(outcome)
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].error is not None
    assert results[1].error.fields["available"] == 2
    assert record(engine, "P3").incoming == 2
    engine.execute(
        iv.ReceivePurchase(
            key="rp", at=at(7), purchase_order="PO-1", lines=[iv.ReceiptLine(sku="MUG", quantity=5)]
        )
    )
    assert record(engine, "P3").backed == 2
    assert record(engine, "P1").backed == 3
    assert engine.verify() == []


def test_a_batch_release_gives_back_each_item_and_refuses_the_others() -> None:
    engine = stocked()
    engine.execute(reserve_many(item("R1", 3), item("R2", 3), item("R3", 2)))
    engine.execute(iv.CommitReservation(key="c", at=at(4), reservation="R3"))
    outcome = engine.execute(
        release_many(
            iv.ReleaseItem(reservation="R1"),
            iv.ReleaseItem(reservation="R2", quantity=9),
            iv.ReleaseItem(reservation="R3"),
            iv.ReleaseItem(reservation="NOPE"),
            iv.ReleaseItem(reservation="R4"),
            minute=5,
        )
    )
    errors = [None if r.ok else type(r.error) for r in batch_results(outcome)]
    assert errors == [
        None,
        iv.errors.OverCommitError,
        iv.errors.IllegalTransitionError,
        iv.errors.NotFoundError,
        iv.errors.NotFoundError,
    ]
    assert record(engine, "R1").status.value == "released"
    assert held(engine, "R2") == 3
    assert engine.balance("MUG", "EAST/A/01") == 5
    assert engine.verify() == []


def test_a_batch_release_refuses_an_item_an_order_owns_as_a_single_release_is_refused() -> None:
    engine = order_world()
    engine.execute(capture("O-1", (("1", "MUG", 2),)))
    order = engine.order("O-1")
    assert order is not None
    owned = order.reservations[0]
    engine.execute(
        iv.ReserveStock(
            key="mine", at=at(6), reservation="MINE", sku="MUG", location="WEST", quantity=1
        )
    )
    outcome = engine.execute(
        release_many(
            iv.ReleaseItem(reservation=owned), iv.ReleaseItem(reservation="MINE"), minute=7
        )
    )
    got = batch_results(outcome)
    with pytest.raises(iv.errors.IllegalTransitionError) as caught:
        engine.execute(iv.ReleaseReservation(key="single", at=at(7), reservation=owned))
    assert got[0].error == caught.value
    assert got[1].ok
    assert record(engine, owned).held == 2
    assert engine.verify() == []


def test_batch_results_reads_only_a_batch_outcome() -> None:
    engine = stocked()
    outcome = engine.execute(
        iv.ReserveStock(
            key="one", at=at(2), reservation="R0", sku="MUG", location="EAST/A/01", quantity=1
        )
    )
    with pytest.raises(ValueError, match="not the outcome of a batch command: ReserveStock"):
        batch_results(outcome)
    with pytest.raises(ValueError, match="empty"):
        batch_results(())


def test_a_snapshot_holds_batch_made_reservations_as_it_holds_single_ones() -> None:
    store, snapshots = iv.MemoryEventStore(), iv.MemorySnapshotStore()
    engine = stocked(store)
    engine.execute(reserve_many(item("R1", 3), item("R2", 30), item("R3", 2, expires_at=at(9))))
    engine.execute(release_many(iv.ReleaseItem(reservation="R1", quantity=1)))
    first = iv.Engine(store, snapshots=snapshots)
    first.snapshot()
    again = iv.Engine(store, snapshots=snapshots)
    assert again.startup.snapshot == engine.position
    assert again.reservations() == engine.reservations()
    assert again.atp("MUG", "EAST", at(10)) == engine.atp("MUG", "EAST", at(10)) == 8
    assert again.verify() == []
    command = reserve_many(item("R1", 3), item("R2", 30), item("R3", 2, expires_at=at(9)))
    assert batch_results(again.execute(command))[1].error is not None


def test_a_batch_entry_touches_the_skus_of_its_items_pre_orders_too() -> None:
    engine = stocked()
    engine.execute(
        iv.ExpectPurchase(
            key="po",
            at=at(1),
            purchase_order="PO-1",
            location="EAST/A/01",
            lines=[iv.PurchaseLine(sku="TEE", quantity=5, eta=at(60))],
        )
    )
    outcome = engine.execute(
        reserve_many(item("R1", 1), item("P1", 2, "TEE", purchase_order="PO-1"))
    )
    touched: set[str] = set()
    assert touch(outcome[-1], engine._state.reservations, touched)
    assert touched == {"MUG", "TEE"}
    freed = engine.execute(release_many(iv.ReleaseItem(reservation="P1")))
    touched.clear()
    touch(freed[-1], engine._state.reservations, touched)
    assert touched == {"TEE"}
