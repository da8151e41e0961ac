"""Property tests: the routing laws hold for every built-in block and composed rules."""

from __future__ import annotations

import itertools

import attrs
from hypothesis import given
from hypothesis import strategies as st

from invorder.routing import (
    AllocationPlan,
    BackorderPolicy,
    Criterion,
    Explanation,
    Filter,
    LocationFacts,
    Ranker,
    RoutingRequest,
    RoutingRule,
    SplitPolicy,
    allocate_wave,
    at_most,
    by,
    check_plan,
    minimise_shipments,
    plan_from_quantities,
    route,
    ship_complete,
    spill_over,
)
from invorder.testing.strategies import (
    assert_routing_laws,
    backorder_policies,
    criteria,
    filters,
    pipelines,
    rankers,
    routing_requests,
    rules,
    split_policies,
)


def why(plan: AllocationPlan | None) -> Explanation:
    """The plan's explanation (the plan was asked to explain)."""
    assert plan is not None
    assert plan.explanation is not None
    return plan.explanation


@given(routing_requests(), filters())
def test_every_filter_keeps_the_laws(request: RoutingRequest, block: Filter) -> None:
    plan = assert_routing_laws(route("f", filters=[block]), request)
    for entry in why(plan).excluded():
        assert entry.excluded_by == block.name
        assert entry.allocated == 0


@given(routing_requests(), criteria())
def test_every_criterion_keeps_the_laws_and_ranks_in_order(
    request: RoutingRequest, crit: Criterion
) -> None:
    plan = assert_routing_laws(route("c", rank=crit), request)
    ranked = why(plan).ranked()
    assert [entry.rank for entry in ranked] == list(range(1, len(ranked) + 1))
    for better, worse in itertools.pairwise(ranked):
        a, b = better.scores[0], worse.scores[0]
        if a.value is not None and b.value is not None:
            assert (a.value >= b.value) if a.higher_is_better else (a.value <= b.value)
            if a.value == b.value:
                assert better.location < worse.location
        else:
            assert b.value is None


@given(routing_requests(), rankers())
def test_every_ranker_keeps_the_laws(request: RoutingRequest, ranker: Ranker) -> None:
    assert_routing_laws(route("r", rank=ranker), request)


@given(routing_requests(), split_policies(), rankers())
def test_every_split_keeps_the_laws(
    request: RoutingRequest, split: SplitPolicy, ranker: Ranker
) -> None:
    assert_routing_laws(route("s", rank=ranker, split=split), request)


@given(routing_requests(), backorder_policies())
def test_every_backorder_policy_keeps_the_laws(
    request: RoutingRequest, policy: BackorderPolicy
) -> None:
    plan = assert_routing_laws(route("b", backorder=policy), request)
    assert plan.held == (policy.name == "hold_for_review" and plan.backordered > 0)
    if policy.name == "cancel_remainder":
        assert plan.backordered == 0


@given(routing_requests(), rules())
def test_composed_rules_keep_the_laws(request: RoutingRequest, rule: RoutingRule) -> None:
    assert_routing_laws(rule, request)


@given(routing_requests(), pipelines())
def test_candidate_order_does_not_change_the_plan(
    request: RoutingRequest, rule: RoutingRule
) -> None:
    shuffled = attrs.evolve(request, locations=tuple(reversed(request.locations)))
    assert rule(shuffled) == rule(request)


@given(routing_requests())
def test_ship_complete_is_one_location_or_none(request: RoutingRequest) -> None:
    plan = assert_routing_laws(route("sc", split=ship_complete()), request)
    assert len(plan.shipments) <= 1
    if plan.shipments:
        assert plan.fully_allocated


@given(routing_requests(), st.integers(1, 3))
def test_at_most_n_shipments(request: RoutingRequest, limit: int) -> None:
    plan = assert_routing_laws(route("n", split=at_most(limit)), request)
    assert len(plan.shipments) <= limit


def _covers(request: RoutingRequest, subset: tuple[LocationFacts, ...]) -> bool:
    rule = route("probe", split=spill_over())
    trimmed = attrs.evolve(request, locations=subset)
    return rule(trimmed).fully_allocated


@given(routing_requests(max_lines=3, max_locations=5))
def test_minimise_shipments_finds_the_fewest_locations(request: RoutingRequest) -> None:
    plan = assert_routing_laws(route("m", split=minimise_shipments()), request)
    if not _covers(request, request.locations):
        return
    assert plan.fully_allocated
    fewest = next(
        size
        for size in range(1, len(request.locations) + 1)
        if any(_covers(request, c) for c in itertools.combinations(request.locations, size))
    )
    assert len(plan.shipments) == fewest


@given(routing_requests(), pipelines())
def test_host_rule_mixes_with_built_ins(request: RoutingRequest, built_in: RoutingRule) -> None:
    def half_then_built_in(req: RoutingRequest) -> AllocationPlan:
        plan = built_in(req)
        halved = {
            line.line_id: {a.location: a.quantity // 2 for a in line.allocations}
            for line in plan.lines
        }
        return plan_from_quantities(req, halved, rule="halved")

    assert_routing_laws(half_then_built_in, request)


@given(st.lists(routing_requests(max_locations=4), min_size=1, max_size=3), pipelines())
def test_waves_never_share_more_than_the_pool(
    drafts: list[RoutingRequest], rule: RoutingRule
) -> None:
    shared = drafts[0].locations
    requests = [
        attrs.evolve(d, order=attrs.evolve(d.order, order_id=f"o-{i}"), locations=shared)
        for i, d in enumerate(drafts)
    ]
    wave = allocate_wave(requests, rule)
    totals: dict[tuple[str, str], int] = {}
    for request, plan in zip(wave.requests, wave.plans, strict=True):
        check_plan(request, plan)
        for key, quantity in plan.taken().items():
            totals[key] = totals.get(key, 0) + quantity
    for (location, sku), quantity in totals.items():
        assert quantity <= wave.supply.atp_of(location, sku)
        assert wave.remaining.atp_of(location, sku) == wave.supply.atp_of(location, sku) - quantity
    assert allocate_wave(list(reversed(requests)), rule) == wave


@given(routing_requests(max_locations=4), split_policies())
def test_ties_are_broken_by_location_id(request: RoutingRequest, split: SplitPolicy) -> None:
    plan = route("tie", rank=by(), split=split).explain(request)
    ranked = [entry.location for entry in why(plan).ranked()]
    assert ranked == sorted(ranked)
