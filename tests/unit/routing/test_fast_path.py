"""Example tests for the routing fast path: explanations built only when asked for, the
law check kept for host blocks (once per request), and the minimise-shipments greedy
cover under capacity."""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import pytest

from invorder.domain.errors import InvalidPlanError
from invorder.domain.stock.catalog import SkuId
from invorder.routing import (
    AllocationPlan,
    Budget,
    Explanation,
    LineAllocation,
    LocationFacts,
    RankedLocation,
    RoutingRequest,
    Settlement,
    SplitOutcome,
    by,
    check_plan,
    choose,
    explain_plan,
    minimise_shipments,
    nearest,
    plan_from_quantities,
    route,
    spill_over,
    when,
)
from invorder.routing._frozen import FrozenMap
from invorder.routing.facts import with_atp
from tests.support.routing import request


def test_a_plain_call_plans_without_an_explanation_and_explain_adds_one() -> None:
    rule = route("r", rank=nearest())
    plan = rule(request())
    assert plan.explanation is None
    explained = rule.explain(request())
    explanation = explained.explanation
    assert isinstance(explanation, Explanation)
    assert attrs.evolve(explained, explanation=None) == plan
    assert explanation.rule == "r"
    assert explanation.split == "spill_over"
    assert [entry.location for entry in explanation.locations] == ["EAST", "WEST"]
    assert explain_plan(rule, request()) == explained
    assert not hasattr(explanation, "__dict__")  # an ordinary slotted value


def test_a_choice_names_its_branch_only_when_asked_to_explain() -> None:
    rule = choose(when(channel="shopify", use=route("dtc"), name="dtc"), fallback=route("f"))
    assert rule(request()).explanation is None
    explained = rule.explain(request())
    assert explained.explanation is not None
    assert explained.explanation.branch == "dtc"
    assert explained.explanation.location("EAST").rank == 1


def test_a_host_rule_without_explain_keeps_the_explanation_it_built() -> None:
    def host(req: RoutingRequest) -> AllocationPlan:
        return plan_from_quantities(req, {}, rule="host")

    plan = explain_plan(host, request())
    assert plan.explanation is not None
    assert plan.explanation.rule == "host"
    assert [entry.location for entry in plan.explanation.locations] == ["EAST", "WEST"]


def test_a_plan_is_checked_once_per_request() -> None:
    req = request()
    plan = route("r", rank=nearest(), split=HostSplit())(req)  # a host block: checked
    assert plan._checked_for is req
    assert check_plan(req, plan) is plan
    evolved = attrs.evolve(plan)  # a new value: checked again when asked
    assert evolved._checked_for is None
    assert check_plan(req, evolved) is evolved


@attrs.frozen
class HostSplit:
    """A host split policy (so the pipeline checks its plans) delegating to spill-over."""

    name: str = "host_split"

    def split(
        self, request: RoutingRequest, ranked: Sequence[RankedLocation], budget: Budget
    ) -> SplitOutcome:
        outcome: SplitOutcome = spill_over().split(request, ranked, budget)
        return outcome


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


def test_the_trusted_atp_copy_writes_every_field() -> None:
    facts = request().locations[0]
    copy = with_atp(facts, FrozenMap({SkuId("MUG"): 1}))
    assert copy == attrs.evolve(facts, atp={"MUG": 1})
    for field in attrs.fields(LocationFacts):  # a field left out would be unset
        assert hasattr(copy, field.name), field.name


def test_the_trusted_plan_of_a_built_in_rule_writes_every_field() -> None:
    req = request(lines=(("MUG", 4), ("TEE", 50)))
    plan: AllocationPlan = route("m", rank=by())(req)
    for field in attrs.fields(AllocationPlan):  # a field left out would be unset
        assert hasattr(plan, field.name), field.name
    checked = AllocationPlan(
        order_id=plan.order_id, lines=plan.lines, explanation=plan.explanation,
        held=plan.held, hold_reason=plan.hold_reason,
    )  # fmt: skip
    assert plan == checked
    assert check_plan(req, checked) is checked
    assert plan._checked_for is req  # passed for its request: not checked again
