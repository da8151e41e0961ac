"""Reservations at a warehouse or zone take from its bins, each component of a bundle from
the bins that hold it; commits, releases, expiries, short picks and counts then move the
units of the bins they are placed at (issue 17, items 2 and 3)."""

from __future__ import annotations

from typing import Any

import pytest

import invorder as iv
from invorder import Bucket
from tests.support.order_world import capture, clean, order_world, state_of
from tests.support.world import at


def reserve(rid: str, quantity: int, sku: str = "MUG", location: str = "EAST",
            minute: int = 3, **fields: Any) -> iv.ReserveStock:  # fmt: skip
    return iv.ReserveStock(key=f"res-{rid}", at=at(minute), reservation=rid, sku=sku,
                           location=location, quantity=quantity, **fields)  # fmt: skip


def bundle_world() -> iv.Engine:
    """EAST holds MUG in A/01 (2) and A/02 (3) and TEE in B/01 (5); SET = MUG + TEE."""
    engine = order_world(west={})
    engine.execute(iv.ReceiveStock(key="rcv-tee-east", at=at(1), sku="TEE",
                                   location="EAST/B/01", quantity=5))  # fmt: skip
    engine.execute(iv.DefineSku(key="set", at=at(2), sku=iv.Sku(
        "SET", components=[iv.Component("MUG", 1), iv.Component("TEE", 1)])))  # fmt: skip
    return engine


def placed(engine: iv.Engine, rid: str) -> tuple[tuple[str, str, int], ...]:
    r = engine.reservation(rid)
    assert r is not None
    return tuple((str(leaf), str(place), units) for leaf, place, units in r.placed)


def test_a_reservation_at_a_warehouse_takes_from_its_bins_in_bin_path_order() -> None:
    engine = order_world()  # EAST/A/01: 2 MUG, EAST/A/02: 3 MUG
    assert engine.atp("MUG", "EAST", at(3)) == 5
    (entry,) = engine.execute(reserve("R1", 4))
    assert isinstance(entry, iv.events.StockPosted)
    assert [(m.quantity, m.source.location) for m in entry.movements] == [
        (2, "EAST/A/01"), (2, "EAST/A/02"),
    ]  # fmt: skip
    assert placed(engine, "R1") == (("MUG", "EAST/A/01", 2), ("MUG", "EAST/A/02", 2))
    assert engine.atp("MUG", "EAST", at(3)) == 1
    assert engine.balance("MUG", "EAST/A/02", Bucket.RESERVED) == 2
    assert [r.reservation for r in engine.reservations(location="EAST/A/02")] == ["R1"]
    clean(engine)


def test_commit_and_release_move_the_units_of_the_bins_they_are_placed_at() -> None:
    engine = order_world()
    engine.execute(reserve("R1", 5))
    engine.execute(iv.CommitReservation(key="c", at=at(4), reservation="R1", quantity=3))
    assert engine.balance("MUG", "EAST/A/01", Bucket.RESERVED) == 0
    assert engine.balance("MUG", "EAST/A/02", Bucket.RESERVED) == 2
    assert placed(engine, "R1") == (("MUG", "EAST/A/02", 2),)
    engine.execute(iv.ReleaseReservation(key="r", at=at(5), reservation="R1"))
    assert engine.balance("MUG", "EAST/A/02") == 2
    assert engine.balance("MUG", "@customer") == 3
    assert placed(engine, "R1") == ()
    clean(engine)


def test_more_than_the_warehouse_holds_is_refused_with_its_total_and_changes_nothing() -> None:
    engine = order_world()
    before, head = state_of(engine), engine.position
    with pytest.raises(iv.errors.InsufficientStockError) as refused:
        engine.execute(reserve("R1", 6))
    assert str(refused.value).startswith("cannot take 6 of 'MUG' from EAST [available]: only 5")
    assert (state_of(engine), engine.position) == (before, head + 1)  # a rejection record


def test_a_lapsed_hold_in_one_bin_is_expired_by_a_reservation_at_the_warehouse() -> None:
    engine = order_world()
    engine.execute(reserve("CART", 2, location="EAST/A/01", expires_at=at(4)))
    assert engine.atp("MUG", "EAST", at(6)) == 5  # the cart lapsed at minute 4
    events = engine.execute(reserve("R1", 5, minute=6))
    assert [type(e).__name__ for e in events] == [
        "StockPosted", "ReservationsExpired", "StockPosted",
    ]  # fmt: skip
    assert placed(engine, "R1") == (("MUG", "EAST/A/01", 2), ("MUG", "EAST/A/02", 3))
    clean(engine)


def test_a_bundle_is_reserved_with_each_component_from_its_own_bins() -> None:
    engine = bundle_world()
    assert engine.atp("SET", "EAST", at(3)) == 5
    engine.execute(reserve("R1", 4, sku="SET"))
    assert placed(engine, "R1") == (
        ("MUG", "EAST/A/01", 2), ("MUG", "EAST/A/02", 2), ("TEE", "EAST/B/01", 4),
    )  # fmt: skip
    assert engine.atp("SET", "EAST", at(3)) == 1
    engine.execute(iv.CommitReservation(key="c", at=at(4), reservation="R1", quantity=1))
    assert placed(engine, "R1") == (
        ("MUG", "EAST/A/01", 1), ("MUG", "EAST/A/02", 2), ("TEE", "EAST/B/01", 3),
    )  # fmt: skip
    assert (engine.balance("MUG", "@customer"), engine.balance("TEE", "@customer")) == (1, 1)
    clean(engine)


def test_an_order_for_a_bundle_split_across_bins_is_allocated_and_ships_it() -> None:
    engine = bundle_world()
    engine.capture(capture(lines=(("1", "SET", 2),)))
    order = engine.order("O-1")
    assert order is not None
    assert [(line.allocated, line.backordered) for line in order.lines] == [(2, 0)]
    (shipment,) = engine.shipments("O-1")
    (pick,) = shipment.pick_list()
    assert (pick.location, pick.quantity) == ("EAST", 2)
    assert placed(engine, pick.reservation) == (("MUG", "EAST/A/01", 2), ("TEE", "EAST/B/01", 2))
    engine.execute(iv.StartPicking(key="p", at=at(6), shipment=shipment.shipment))
    engine.execute(iv.PackShipment(key="k", at=at(7), shipment=shipment.shipment,
                                   packages=[iv.Package()]))  # fmt: skip
    engine.execute(iv.ShipShipment(key="s", at=at(8), shipment=shipment.shipment,
                                   carrier="UPS", tracking="1Z"))  # fmt: skip
    assert engine.balance("MUG", "EAST/A/01") == 0
    assert engine.balance("TEE", "EAST/B/01") == 3
    assert (engine.balance("MUG", "@customer"), engine.balance("TEE", "@customer")) == (2, 2)
    clean(engine)


def test_a_short_pick_of_a_spread_bundle_writes_off_at_the_bins_it_was_held_in() -> None:
    engine = bundle_world()
    engine.capture(capture(lines=(("1", "SET", 2),)))
    (shipment,) = engine.shipments("O-1")
    (pick,) = shipment.pick_list()
    engine.execute(iv.StartPicking(key="p", at=at(6), shipment=shipment.shipment))
    engine.execute(iv.RecordPick(key="short", at=at(7), shipment=shipment.shipment,
                                 counts=[iv.PickCount(pick.reservation, 1)]))  # fmt: skip
    # One SET was not found: one MUG of A/01 and one TEE of B/01 are written off, no more.
    assert engine.balance("MUG", "@adjustment") == 1
    assert engine.balance("TEE", "@adjustment") == 1
    assert engine.balance("MUG", "EAST/A/01", Bucket.RESERVED) == 1
    assert engine.balance("MUG", "EAST/A/02") + engine.balance("MUG", "EAST/A/02",
                                                                Bucket.RESERVED) == 3  # fmt: skip
    clean(engine)


def test_a_short_count_in_one_bin_cuts_a_spread_hold_there_first() -> None:
    engine = bundle_world()
    engine.execute(reserve("R1", 4, sku="SET"))  # MUG A/01 2, A/02 2; TEE B/01 4
    engine.execute(iv.CountStock(key="count", at=at(4), sku="MUG", location="EAST/A/02",
                                 counted=1))  # fmt: skip
    # A/02 holds 3 MUG (2 reserved); a count of 1 leaves 1 reserved there: one SET is cut.
    r = engine.reservation("R1")
    assert r is not None
    assert r.held == 3
    assert placed(engine, "R1") == (
        ("MUG", "EAST/A/01", 2), ("MUG", "EAST/A/02", 1), ("TEE", "EAST/B/01", 3),
    )  # fmt: skip
    clean(engine)
