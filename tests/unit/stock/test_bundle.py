"""Bundles: components checked when defined, ATP from components, atomic reservation,
nesting and shared components."""

from __future__ import annotations

import pytest

import invorder as iv
from invorder import Bucket
from tests.support.availability import T, assert_refused, world


def test_leaves_flatten_nested_bundles_and_add_shared_components() -> None:
    engine, _ = world()
    catalog = engine._state.ledger.catalog
    assert catalog.leaves("SET") == (("MUG", 2), ("SAUCER", 2))
    assert catalog.leaves("GIFT") == (("MUG", 2), ("SAUCER", 2), ("SPOON", 1))
    assert catalog.leaves("MUG") == (("MUG", 1),)
    sku = engine.sku("GIFT")
    assert sku is not None
    assert sku.is_bundle


def test_bundle_atp_is_min_of_floor_component_atp() -> None:
    engine, _ = world({("MUG", "WEST"): 7, ("SAUCER", "WEST"): 10, ("SPOON", "WEST"): 2})
    assert engine.atp("SET", "WEST", T) == 3  # min(7 // 2, 10 // 2)
    assert engine.atp("GIFT", "WEST", T) == 2  # min(3, 5, 2)
    assert engine.atp("SET", "EAST", T) == 0


def test_reserving_a_bundle_reserves_every_component_at_once() -> None:
    engine, key = world()
    (event,) = engine.execute(
        iv.ReserveStock(key=key(), at=T, reservation="B1", sku="GIFT", location="WEST", quantity=2)
    )
    assert isinstance(event, iv.events.StockPosted)
    assert {(m.sku, m.quantity) for m in event.movements} == {
        ("MUG", 4),
        ("SAUCER", 4),
        ("SPOON", 2),
    }
    engine.execute(iv.CommitReservation(key=key(), at=T, reservation="B1", quantity=1))
    assert engine.balance("MUG", "@customer") == 2
    assert engine.balance("SPOON", "@customer") == 1
    engine.execute(iv.ReleaseReservation(key=key(), at=T, reservation="B1"))
    assert engine.balance("MUG", "WEST") == 8
    assert engine.balance("SPOON", "WEST") == 2
    assert engine.balance("MUG", "WEST", Bucket.RESERVED) == 0


def test_bundle_reservation_is_all_or_none() -> None:
    engine, key = world({("MUG", "WEST"): 10, ("SAUCER", "WEST"): 10, ("SPOON", "WEST"): 1})
    assert_refused(
        engine,
        iv.ReserveStock(key=key(), at=T, reservation="B1", sku="GIFT", location="WEST", quantity=2),
        iv.errors.InsufficientStockError,
        sku="SPOON",
        requested=2,
        available=1,
    )
    assert engine.balance("MUG", "WEST") == 10


def test_two_bundles_compete_for_a_shared_component() -> None:
    engine, key = world({("MUG", "WEST"): 4, ("SAUCER", "WEST"): 10, ("SPOON", "WEST"): 10})
    engine.execute(
        iv.DefineSku(key=key(), at=T, sku=iv.Sku("DUO", components=[iv.Component("MUG", 2)]))
    )
    assert engine.atp("SET", "WEST", T) == 2
    assert engine.atp("DUO", "WEST", T) == 2
    engine.execute(
        iv.ReserveStock(key=key(), at=T, reservation="D", sku="DUO", location="WEST", quantity=1)
    )
    # The MUGs the DUO took are gone for the SET and the GIFT too.
    assert engine.atp("SET", "WEST", T) == 1
    assert engine.atp("GIFT", "WEST", T) == 1
    engine.execute(
        iv.ReserveStock(key=key(), at=T, reservation="S", sku="SET", location="WEST", quantity=1)
    )
    assert engine.atp("DUO", "WEST", T) == 0
    assert_refused(
        engine,
        iv.ReserveStock(key=key(), at=T, reservation="D2", sku="DUO", location="WEST", quantity=1),
        iv.errors.InsufficientStockError,
        sku="MUG",
        requested=2,
        available=0,
    )


def test_bundle_with_unknown_component_is_refused() -> None:
    engine, key = world()
    sku = iv.Sku("BOX", components=[iv.Component("MUG"), iv.Component("GHOST", 2)])
    assert_refused(
        engine, iv.DefineSku(key=key(), at=T, sku=sku), iv.errors.UnknownSkuError, sku="GHOST"
    )


def test_bundle_cannot_contain_itself_or_repeat_a_component() -> None:
    with pytest.raises(iv.errors.InvalidBundleError, match="itself"):
        iv.Sku("LOOP", components=[iv.Component("LOOP")])
    with pytest.raises(iv.errors.InvalidBundleError, match="twice"):
        iv.Sku("BOX", components=[iv.Component("MUG"), iv.Component("MUG", 2)])
    with pytest.raises(iv.errors.InvalidQuantityError):
        iv.Component("MUG", 0)


def test_a_cycle_cannot_be_built_through_redefinition() -> None:
    engine, key = world()
    # SET contains MUG; making MUG contain SET would be a cycle: MUG is already defined
    # without components, so the catalog refuses the new content.
    looped = iv.Sku("MUG", components=[iv.Component("SET")])
    assert_refused(
        engine, iv.DefineSku(key=key(), at=T, sku=looped), iv.errors.DuplicateError, key="MUG"
    )


def test_bundles_hold_no_stock_of_their_own() -> None:
    engine, key = world()
    assert_refused(
        engine,
        iv.ReceiveStock(key=key(), at=T, sku="SET", location="WEST", quantity=1),
        iv.errors.BundleStockError,
        sku="SET",
    )
