"""Example tests for the routing fast path: explanations built on first read, the law
check kept for host blocks, and the minimise-shipments greedy cover under capacity."""

from __future__ import annotations

import attrs
import pytest

from invorder.domain.errors import InvalidPlanError
from invorder.routing import (
    AllocationPlan,
    Explanation,
    LineAllocation,
    LocationFacts,
    RoutingRequest,
    Settlement,
    by,
    choose,
    minimise_shipments,
    nearest,
    route,
    when,
)
from tests.support.routing import request


def test_the_explanation_is_built_when_first_read_and_then_kept() -> None:
    plan = route("r", rank=nearest())(request())
    explanation = plan.explanation
    assert explanation._is_pending
    assert explanation.rule == "r"
    assert explanation.split == "spill_over"
    assert explanation._is_pending  # plan-level fields need no location entries
    first = explanation.locations
    assert not explanation._is_pending
    assert explanation.locations is first
    assert [entry.location for entry in first] == ["EAST", "WEST"]
    assert isinstance(explanation, Explanation)
    assert attrs.evolve(explanation, notes=("x",)).locations == first


def test_a_choice_names_its_branch_without_building_the_entries() -> None:
    rule = choose(when(channel="shopify", use=route("dtc"), name="dtc"), fallback=route("f"))
    plan = rule(request())
    assert plan.explanation.branch == "dtc"
    assert plan.explanation._is_pending
    assert plan.explanation.location("EAST").rank == 1


def test_a_missing_attribute_is_still_an_attribute_error() -> None:
    explanation = route("r")(request()).explanation
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        explanation.nope  # type: ignore[attr-defined]  # the point of the test  # noqa: B018
    assert not explanation._is_pending


@attrs.frozen
class Overdraw:
    """A host backorder policy that breaks the laws: it claims every unit is allocated."""

    name: str = "overdraw"

    def settle(self, request: RoutingRequest, lines: tuple[LineAllocation, ...]) -> Settlement:
        return Settlement(lines=tuple(attrs.evolve(line, backordered=0) for line in lines))


def test_host_blocks_still_get_the_law_check() -> None:
    req = request(lines=(("MUG", 500),))
    with pytest.raises(InvalidPlanError):
        route("bad", backorder=Overdraw())(req)


def test_minimise_shipments_adds_a_location_that_frees_capacity() -> None:
    # SOUTH holds everything but can ship 17 of the 18 units today; NORTH holds one BAG.
    # Only SOUTH + NORTH covers the order: NORTH's BAG leaves SOUTH room for the last TEE.
    south = LocationFacts(
        location="SOUTH",
        atp={"BAG": 9, "MUG": 5, "TEE": 5},
        daily_capacity=20,
        used_today=3,
    )
    north = LocationFacts(location="NORTH", atp={"BAG": 1})
    req = request(lines=(("MUG", 4), ("BAG", 9), ("TEE", 5)), locations=(north, south))
    plan: AllocationPlan = route("m", rank=by(), split=minimise_shipments())(req)
    assert plan.fully_allocated
    assert sorted(plan.shipments) == ["NORTH", "SOUTH"]
    assert plan.line("L2").quantity_at("NORTH") == 1
