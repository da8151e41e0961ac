"""The reservation kernel builds what the checked constructors build, field for field."""

from __future__ import annotations

import attrs

import invorder as iv
from invorder.domain.reservations.kernel import movement, reserve_command
from tests.support.availability import T


def test_reserve_command_equals_the_checked_command_and_sets_every_field() -> None:
    built = reserve_command("k-1", T, "O1/R1", "MUG", "WEST/A/01", 3, "O1/L1")
    checked = iv.ReserveStock(key="k-1", at=T, reservation="O1/R1", sku="MUG",
                              location="WEST/A/01", quantity=3, reference="O1/L1")  # fmt: skip
    assert built == checked
    # A field added to ReserveStock must be set by the kernel too.
    for field in attrs.fields(iv.ReserveStock):
        assert getattr(built, field.name) == getattr(checked, field.name)


def test_movement_equals_the_checked_movement() -> None:
    source = iv.Account("WEST/A/01", iv.Bucket.AVAILABLE)
    destination = iv.Account("WEST/A/01", iv.Bucket.RESERVED)
    built = movement("MUG", 2, source, destination, "reserve", "O1/R1")
    assert built == iv.Movement(sku="MUG", quantity=2, source=source, destination=destination,
                                reason="reserve", reference="O1/R1")  # fmt: skip
