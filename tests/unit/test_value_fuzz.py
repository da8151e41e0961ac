"""Every field of every value a host builds, given what it should not hold: a typed error
or a value, never a bare Python exception (DESIGN.md 6).

The values are those reachable from one command of each kind, one event of each kind and
a routing request with its plan; each field is given a number, a string, a mapping,
``None``, a list of a string, a float, a bool, bytes and a plain object in turn, the
other fields as in the valid value.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest

import invorder as iv
from invorder.routing import LocationFacts, ShippingRate, plan_from_quantities
from tests.support.routing import EAST, WHOLESALE_DC, request
from tests.unit.test_codec import ONE_OF_EACH, events_of_every_kind

GARBAGE: list[object] = [5, "x", {"a": 1}, None, ["x"], 1.5, True, b"x", object()]


def _reachable() -> dict[type[Any], Any]:
    """One valid instance of each attrs class reachable from the roots, by class."""
    found: dict[type[Any], Any] = {}

    def walk(value: object, depth: int) -> None:
        if depth > 5:
            return
        kind = type(value)
        if attrs.has(kind):
            found.setdefault(kind, value)  # the first seen; the others' fields are walked too
            for field in attrs.fields(kind):
                walk(getattr(value, field.name), depth + 1)
        elif isinstance(value, tuple | list | frozenset):
            for item in value:
                walk(item, depth + 1)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item, depth + 1)

    rated = LocationFacts("WEST", shipping_rates=[ShippingRate(iv.Money("4.50", "USD"))])
    routing = request(locations=(EAST, WHOLESALE_DC, rated))
    plan = plan_from_quantities(routing, {"L1": {"EAST": 1}}, rule="fuzz")
    for root in (*ONE_OF_EACH, *events_of_every_kind(), routing, plan, *routing.locations):
        walk(root, 0)
    return found


VALUES = _reachable()
CASES = [
    (cls, field.alias)
    for cls, value in sorted(VALUES.items(), key=lambda item: item[0].__name__)
    for field in attrs.fields(cls)
    if field.init
]


def test_the_fuzz_reaches_the_values_hosts_build() -> None:
    names = {cls.__name__ for cls in VALUES}
    assert {"LineItem", "Movement", "Account", "Money", "WholesaleTerms", "LocationFacts",
            "OrderView", "AllocationPlan", "LineAllocation", "ShippingRate"} <= names  # fmt: skip
    assert len(CASES) >= 500


@pytest.mark.parametrize(
    ("cls", "field"), CASES, ids=[f"{cls.__name__}.{field}" for cls, field in CASES]
)
def test_a_field_given_garbage_is_a_typed_error_or_a_value(cls: type[Any], field: str) -> None:
    valid = VALUES[cls]
    for garbage in GARBAGE:
        try:
            attrs.evolve(valid, **{field: garbage})
        except iv.InvorderError:
            pass  # a typed error: what bad input should give
        except Exception as error:  # anything else is the defect this test is for
            pytest.fail(f"{cls.__name__}({field}={garbage!r}) raised {error!r}")
