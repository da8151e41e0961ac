"""Location paths: validation, parent, ancestors, warehouse, subtree membership."""

from __future__ import annotations

import pytest

import invorder
from invorder.domain.stock.location import (
    ancestors_of,
    is_virtual,
    is_within,
    location_id,
    parent_of,
    warehouse_of,
)
from invorder.errors import InvalidLocationError
from invorder.records import Location


def test_a_bin_knows_its_parent_ancestors_and_warehouse() -> None:
    bin_ = Location("EAST/A/01", "first bin")
    assert bin_.path == "EAST/A/01"
    assert bin_.name == "first bin"
    assert bin_.parent == "EAST/A"
    assert bin_.ancestors == ("EAST/A", "EAST")
    assert bin_.warehouse == "EAST"


def test_a_warehouse_has_no_parent_and_no_ancestors() -> None:
    warehouse = Location("EAST")
    assert warehouse.parent is None
    assert warehouse.ancestors == ()
    assert warehouse.warehouse == "EAST"
    assert parent_of("EAST") is None
    assert ancestors_of("EAST") == ()


def test_deep_paths_list_every_ancestor_nearest_first() -> None:
    assert ancestors_of("W/Z/AISLE-3/SHELF.2/B_1") == (
        "W/Z/AISLE-3/SHELF.2",
        "W/Z/AISLE-3",
        "W/Z",
        "W",
    )
    assert warehouse_of("W/Z/AISLE-3/SHELF.2/B_1") == "W"


def test_is_within_matches_whole_segments_only() -> None:
    assert is_within("EAST/A/01", "EAST")
    assert is_within("EAST/A/01", "EAST/A")
    assert is_within("EAST/A/01", "EAST/A/01")
    assert not is_within("EAST2/A/01", "EAST")
    assert not is_within("EAST/AB/01", "EAST/A")
    assert not is_within("EAST", "EAST/A")


def test_virtual_locations_are_accepted_and_recognised() -> None:
    for name in invorder.records.VIRTUAL_LOCATIONS:
        assert location_id(name) == name
        assert is_virtual(name)
    assert not is_virtual("EAST/A/01")
    assert invorder.Account("@supplier").is_virtual
    assert not invorder.Account("EAST").is_virtual


@pytest.mark.parametrize(
    ("path", "rule"),
    [
        ("", "it must be a non-empty string"),
        ("EAST//01", "segment '' is empty or has bad characters"),
        ("EAST/", "segment '' is empty or has bad characters"),
        ("/EAST", "segment '' is empty or has bad characters"),
        ("EAST/A 1", "segment 'A 1' is empty or has bad characters"),
        ("EAST/-A", "segment '-A' is empty or has bad characters"),
        ("EAST/Ä", "segment 'Ä' is empty or has bad characters"),
        ("@elsewhere", "names starting with '@' are reserved for"),
        ("@supplier/A", "names starting with '@' are reserved for"),
    ],
)
def test_bad_paths_are_refused_with_the_rule_they_break(path: str, rule: str) -> None:
    with pytest.raises(InvalidLocationError) as caught:
        Location(path)
    error = caught.value
    assert error.code == "invalid_location"
    assert error.fields["value"] == path
    assert error.fields["rule"].startswith(rule)
    assert f"location {path!r} is not a valid path" in str(error)
    assert "use segments of letters, digits" in str(error)


def test_a_path_that_is_not_a_string_is_refused() -> None:
    with pytest.raises(InvalidLocationError) as caught:
        location_id(7)  # type: ignore[arg-type]  # the point of the test
    assert caught.value.fields == {
        "value": 7, "rule": "it must be a non-empty string", "field": "location",
    }  # fmt: skip
