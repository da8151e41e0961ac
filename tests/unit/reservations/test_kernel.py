"""The reservation kernel builds what the checked constructors build, field for field; a
reservation reads its placed units one way."""

from __future__ import annotations

import attrs
import pytest

import invorder as iv
from invorder.domain.reservations._slots import setters
from invorder.domain.reservations.kernel import (
    commit_command,
    movement,
    reserve_command,
    stock_entry,
)
from invorder.domain.reservations.record import assemble
from invorder.domain.reservations.reservation import Reservation
from invorder.domain.stock.catalog import SkuId
from invorder.domain.stock.location import LocationId
from tests.support.availability import T


def test_reserve_command_equals_the_checked_command_and_sets_every_field() -> None:
    built = reserve_command("k-1", T, "O1/R1", "MUG", "WEST/A/01", 3, "O1/L1")
    checked = iv.ReserveStock(key="k-1", at=T, reservation="O1/R1", sku="MUG",
                              location="WEST/A/01", quantity=3, reference="O1/L1")  # fmt: skip
    assert built == checked
    # A field added to ReserveStock must be set by the kernel too.
    for field in attrs.fields(iv.ReserveStock):
        assert getattr(built, field.name) == getattr(checked, field.name)


def test_commit_command_equals_the_checked_command_and_sets_every_field() -> None:
    built = commit_command("k-2", T, "O1/R1", 2, "O1/S1")
    checked = iv.CommitReservation(key="k-2", at=T, reservation="O1/R1", quantity=2,
                                   reference="O1/S1")  # fmt: skip
    assert built == checked
    # A field added to CommitReservation must be set by the kernel too.
    for field in attrs.fields(iv.CommitReservation):
        assert getattr(built, field.name) == getattr(checked, field.name)


def test_movement_equals_the_checked_movement() -> None:
    source = iv.Account("WEST/A/01", iv.Bucket.AVAILABLE)
    destination = iv.Account("WEST/A/01", iv.Bucket.RESERVED)
    built = movement("MUG", 2, source, destination, "reserve", "O1/R1")
    assert built == iv.Movement(sku="MUG", quantity=2, source=source, destination=destination,
                                reason="reserve", reference="O1/R1")  # fmt: skip


def test_stock_entry_equals_the_constructor_and_sets_every_field() -> None:
    source = iv.Account("WEST", iv.Bucket.AVAILABLE)
    destination = iv.Account("WEST", iv.Bucket.RESERVED)
    moved = (movement("MUG", 2, source, destination, "reserve", "R1"),)
    command = reserve_command("k-1", T, "R1", "MUG", "WEST", 2, "")
    values: dict[str, object] = {
        "position": 4, "command": command, "operation": iv.events.Operation.RESERVE,
        "movements": moved, "reference": "R1", "memo": "a memo",
    }  # fmt: skip
    names = [field.name for field in attrs.fields(iv.events.StockPosted) if field.init]
    assert sorted(values) == sorted(names)
    built = stock_entry(*(values[name] for name in names))  # type: ignore[arg-type]  # the test's dict of mixed values
    constructed = iv.events.StockPosted(**values)  # type: ignore[arg-type]  # as above
    assert built == constructed
    assert hash(built) == hash(constructed)
    for name in names:
        assert getattr(built, name) == values[name]
    # The one field the constructor sets itself: the schema the entry is written in.
    assert built.schema == constructed.schema == iv.events.StockPosted.SCHEMA_VERSION == 2


def test_setters_refuse_a_field_list_that_is_not_the_class_s() -> None:
    with pytest.raises(AssertionError, match="Movement has fields"):
        setters(iv.Movement, ("sku", "quantity"))


def test_units_at_reads_placed_exactly_in_a_subtree_or_anywhere() -> None:
    mug, lid, west = SkuId("MUG"), SkuId("LID"), LocationId("WEST")
    bin_a, bin_b = LocationId("WEST/A/01"), LocationId("WEST/B/01")
    r = Reservation(reservation="R1", sku=SkuId("SET"), location=west, quantity=2,
                    leaves=((lid, 1), (mug, 2)), reserved_at=T, position=1,
                    placed=((mug, west, 1), (lid, bin_a, 2), (mug, bin_a, 2),
                            (mug, bin_b, 1)))  # fmt: skip
    assert r.units_at("MUG", "WEST", exact=True) == 1
    assert r.units_at("MUG", "WEST") == 4
    assert r.units_at("MUG", "WEST/A") == 2
    assert r.units_at("MUG", "WEST/A", exact=True) == 0
    assert r.units_at("MUG") == 4
    assert r.units_at("LID") == 2
    assert r.units_at("CUP") == 0


def test_assemble_equals_the_constructor_and_sets_every_field() -> None:
    # Every field a value other than its default, so that a field left unset shows.
    values: dict[str, object] = {
        "reservation": "R1", "sku": SkuId("SET"), "location": LocationId("WEST"),
        "quantity": 5, "leaves": ((SkuId("MUG"), 2),), "reference": "O1/L1", "priority": 3,
        "expires_at": T, "purchase_order": "PO1", "reserved_at": T, "position": 7,
        "committed": 1, "released": 1, "expired": 1, "incoming": 1,
        "placed": ((SkuId("MUG"), LocationId("WEST/A/01"), 2),),
    }  # fmt: skip
    names = [field.name for field in attrs.fields(Reservation)]
    assert sorted(values) == sorted(names)
    built = assemble(*(values[name] for name in names))  # type: ignore[arg-type]  # the test's dict of mixed values
    assert built == Reservation(**values)  # type: ignore[arg-type]  # as above
    for name in names:
        assert getattr(built, name) == values[name]
