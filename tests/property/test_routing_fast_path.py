"""Property tests: the fast path of built-in pipelines (no explanation nor ranking details
unless asked, lines not re-validated, no second law check, candidates narrowed and facts
built lazily on an engine-built request) gives exactly the plans of the general, eagerly
checked path on an eager request, and of the original eager ranking code."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Sequence
from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

from invorder.domain.orders.ship_to import Coordinates, ShippingMethod
from invorder.domain.stock.location import LocationId
from invorder.routing import (
    AllocationPlan,
    Budget,
    CriterionScore,
    InTurn,
    LocationFacts,
    Pipeline,
    RankedLocation,
    RoutingRequest,
    SplitOutcome,
    Weighted,
    check_plan,
    choose,
    lowest_cost,
    when,
)
from invorder.routing._candidates import Candidates
from invorder.routing._frozen import FrozenMap
from invorder.routing.facts import with_atp
from invorder.routing.pipeline import _trusted
from invorder.routing.rankers import _distance_km
from invorder.testing.strategies import (
    coordinates,
    pipelines,
    rankers,
    routing_requests,
)


@attrs.frozen
class EagerRanker:
    """A host ranker (so the pipeline takes the general path) that delegates to a built-in
    one and reads every score at once."""

    inner: Any
    name: str = "eager"

    def rank(
        self, request: RoutingRequest, candidates: Sequence[LocationFacts]
    ) -> tuple[RankedLocation, ...]:
        return tuple(
            RankedLocation(facts=e.facts, rank=e.rank, scores=e.scores, tie_break=e.tie_break)
            for e in self.inner.rank(request, candidates)
        )


@attrs.frozen
class HostSplit:
    """A host split policy delegating to a built-in one."""

    inner: Any

    @property
    def name(self) -> str:
        return str(self.inner.name)

    def split(
        self, request: RoutingRequest, ranked: Sequence[RankedLocation], budget: Budget
    ) -> SplitOutcome:
        outcome: SplitOutcome = self.inner.split(request, ranked, budget)
        return outcome


def general(pipeline: Pipeline) -> Pipeline:
    slow = attrs.evolve(
        pipeline, ranker=EagerRanker(pipeline.ranker), split=HostSplit(pipeline.split)
    )
    assert not _trusted(slow)
    return slow


def _key(value: Any, higher_is_better: bool) -> tuple[int, Any]:
    if value is None:
        return (1, 0)
    return (0, -value if higher_is_better else value)


def _finish(ordered: list[Any], what: str) -> tuple[RankedLocation, ...]:
    result = []
    for index, (key, facts, scores) in enumerate(ordered):
        tied = [
            other.location
            for other_key, other, _ in ordered[max(index - 1, 0) : index + 2]
            if other_key == key and other.location != facts.location
        ]
        tie_break = None
        if tied:
            tie_break = f"tied with {', '.join(tied)} on {what}; ordered by location id"
        result.append(
            RankedLocation(facts=facts, rank=index + 1, scores=scores, tie_break=tie_break)
        )
    return tuple(result)


def reference_rank(
    ranker: Any, request: RoutingRequest, candidates: Sequence[LocationFacts]
) -> tuple[RankedLocation, ...]:
    """The eager ranking code as it was before the fast path (the specification)."""
    crits = tuple(
        ranker.criteria if isinstance(ranker, InTurn) else (c for c, _ in ranker.criteria)
    )
    scored = [
        (
            facts,
            tuple(
                CriterionScore(c.name, c(request, facts), higher_is_better=c.higher_is_better)
                for c in crits
            ),
        )
        for facts in candidates
    ]
    if isinstance(ranker, InTurn):
        in_turn = [
            (tuple(_key(s.value, s.higher_is_better) for s in scores), facts, scores)
            for facts, scores in scored
        ]
        in_turn.sort(key=lambda row: (row[0], row[1].location))
        return _finish(in_turn, ", ".join(c.name for c in crits) or "no criteria")
    assert isinstance(ranker, Weighted)
    bounds = []
    for index in range(len(crits)):
        known = [float(v) for _, s in scored if (v := s[index].value) is not None]
        bounds.append((min(known), max(known)) if known else None)
    total_weight = float(sum(w for _, w in ranker.criteria))
    rows: list[tuple[float, LocationFacts, tuple[CriterionScore, ...]]] = []
    for facts, scores in scored:
        combined = 0.0
        new_scores = []
        for index, score in enumerate(scores):
            weight = ranker.criteria[index][1]
            normalised = 0.0
            bound = bounds[index]
            if score.value is not None and bound is not None:
                low, high = bound
                if high == low:
                    normalised = 1.0
                else:
                    share = (float(score.value) - low) / (high - low)
                    normalised = round(share if score.higher_is_better else 1.0 - share, 9)
            combined += float(weight) * normalised
            new_scores.append(attrs.evolve(score, normalised=normalised, weight=weight))
        total = round(combined / total_weight, 9)
        new_scores.append(CriterionScore("weighted", total, higher_is_better=True))
        rows.append((-total, facts, tuple(new_scores)))
    rows.sort(key=lambda row: (row[0], row[1].location))
    return _finish(rows, "the weighted score")


@given(routing_requests(), rankers())
def test_lazy_ranking_equals_the_eager_reference(request: RoutingRequest, ranker: Any) -> None:
    got = ranker.rank(request, request.locations)
    want = reference_rank(ranker, request, request.locations)
    assert got == want
    assert [(e.scores, e.tie_break) for e in got] == [(e.scores, e.tie_break) for e in want]


@given(routing_requests(), pipelines())
def test_fast_path_plans_equal_the_checked_general_path(
    request: RoutingRequest, pipeline: Any
) -> None:
    assert _trusted(pipeline)
    fast = pipeline(request)
    slow = general(pipeline)(request)
    assert isinstance(fast, AllocationPlan)
    assert fast == slow
    assert fast.explanation is None
    explained, explained_slow = pipeline.explain(request), general(pipeline).explain(request)
    assert explained == explained_slow
    assert attrs.evolve(explained, explanation=None) == fast
    assert explained.explanation is not None
    assert explained_slow.explanation is not None
    assert explained.explanation.render() == explained_slow.explanation.render()
    assert explained.explanation.to_rows() == explained_slow.explanation.to_rows()
    assert not explained.explanation.compare(explained_slow.explanation)
    assert check_plan(request, attrs.evolve(explained)) == explained
    for line in fast.lines:  # the unchecked lines pass the checked constructor
        assert attrs.evolve(line) == line


@given(routing_requests(), pipelines(), st.sampled_from(("pickle", "copy", "hash", "repr")))
def test_an_explanation_is_an_ordinary_value(
    request: RoutingRequest, pipeline: Any, how: str
) -> None:
    explained = pipeline.explain(request)
    built = general(pipeline).explain(request)
    if how == "pickle":
        assert pickle.loads(pickle.dumps(explained)) == built
    elif how == "copy":
        assert copy.deepcopy(explained) == built
    elif how == "hash":
        assert hash(explained.explanation) == hash(built.explanation)
    else:
        assert repr(explained.explanation) == repr(built.explanation)


@given(routing_requests(), pipelines(), pipelines())
def test_conditions_keep_the_branch_when_explaining(
    request: RoutingRequest, first: Any, second: Any
) -> None:
    rule = choose(when(kind=request.order.kind, use=first, name="match"), fallback=second)
    slow = choose(when(kind=request.order.kind, use=general(first), name="match"), fallback=second)
    assert rule(request) == slow(request)
    fast = rule.explain(request)
    assert fast.explanation is not None
    assert fast.explanation.branch == "match"
    assert fast == slow.explain(request)
    assert check_plan(request, attrs.evolve(fast)) == fast


def lazy(request: RoutingRequest) -> RoutingRequest:
    """``request`` as the engine builds it: candidates known by id, each one's facts
    (its host facts without ATP, then the ATP of the supply) built when first read."""
    given = {facts.location: facts for facts in request.locations}
    supply = {location: dict(facts.atp) for location, facts in given.items()}

    def base(location: LocationId) -> LocationFacts:
        return with_atp(given[location], FrozenMap({}))

    return RoutingRequest(
        order=request.order,
        lines=request.lines,
        locations=Candidates(supply, base, {}),
        now=request.now,
    )


@given(routing_requests(), pipelines())
def test_a_lazy_request_plans_and_explains_as_the_eager_one(
    request: RoutingRequest, pipeline: Any
) -> None:
    assert pipeline(lazy(request)) == pipeline(request)
    assert pipeline.explain(lazy(request)) == pipeline.explain(request)
    assert general(pipeline)(lazy(request)) == general(pipeline)(request)


@given(routing_requests())
def test_a_rule_reading_every_location_gets_the_eager_facts(request: RoutingRequest) -> None:
    built = lazy(request)
    assert built == request
    assert hash(built) == hash(request)
    for facts in request.locations:
        assert built.location(facts.location) == facts
    assert built.locations == request.locations
    assert repr(built) == repr(request)
    assert pickle.loads(pickle.dumps(built)) == request


@given(routing_requests(max_locations=1), coordinates(), coordinates())
def test_the_cached_distance_is_the_domain_distance_exactly(
    request: RoutingRequest, here: Coordinates, there: Coordinates
) -> None:
    assert _distance_km(request, here, there) == here.distance_km(there)
    assert _distance_km(request, here, there) == here.distance_km(there)  # from the cache


@given(routing_requests(), st.sampled_from(ShippingMethod))
def test_lowest_cost_equals_the_cost_table_reading(
    request: RoutingRequest, method: ShippingMethod
) -> None:
    order = attrs.evolve(request.order, shipping_method=method)
    req = attrs.evolve(request, order=order)
    for facts in req.locations:
        units = max(sum(min(q, facts.atp_of(s)) for s, q in req.demand().items()), 1)
        cost = facts.shipping_cost(order.ship_to, method, units)
        assert lowest_cost()(req, facts) == (None if cost is None else cost.amount)
