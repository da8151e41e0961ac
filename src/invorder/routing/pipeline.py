"""A routing rule built from blocks: filters, then a ranker, then a split policy, then a
backorder policy; asked to explain, it also says why at every step."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from invorder.domain.errors import InvalidRoutingRuleError
from invorder.domain.orders.ids import LineId, OrderId
from invorder.domain.stock.location import LocationId
from invorder.routing import _rule_fields as _f
from invorder.routing._candidates import Candidates
from invorder.routing.backorder import Backorder, CancelRemainder, HoldForReview
from invorder.routing.explain import Explanation, LocationExplanation
from invorder.routing.filters import (
    BeforeCutoff,
    HasCapacity,
    HasStock,
    IsOnline,
    ServesOrder,
    WithinDistance,
    as_filter,
)
from invorder.routing.plan import (
    Allocation,
    AllocationPlan,
    LineAllocation,
    _trusted_line,
    check_plan,
)
from invorder.routing.rankers import (
    InTurn,
    LeastLoaded,
    Nearest,
    PriorityList,
    Weighted,
    by,
)
from invorder.routing.request import LocationFacts, RoutingRequest
from invorder.routing.rule import (
    BackorderPolicy,
    Budget,
    Filter,
    RankedLocation,
    Ranker,
    Settlement,
    SplitOutcome,
    SplitPolicy,
)
from invorder.routing.split import AtMost, MinimiseShipments, ShipComplete, SpillOver, _fill


def _ranker(value: Any) -> Ranker:
    if value is None:
        return InTurn(criteria=())
    if _f.has(value, "rank"):
        return value  # type: ignore[no-any-return]  # duck-typed Ranker checked above
    if isinstance(value, list | tuple):
        return by(*value)
    return by(_f.criterion(value))


def _filters(value: Iterable[Any]) -> tuple[Filter, ...]:
    return tuple(as_filter(block) for block in _f.listed(value, "a pipeline's filters are a list"))


@attrs.frozen
class Pipeline:
    """A :class:`~invorder.routing.RoutingRule` made of blocks.

    Steps: every filter in turn (the first that objects excludes the location); the
    ranker orders the survivors (ties by location id); the split takes units from a budget
    of ATP and capacity; the backorder policy settles the rest. With a host ranker, split
    or backorder policy the plan is checked against the routing laws before it is
    returned; built-in ones keep the laws by construction (property-tested), so their
    plans skip that pass. A plain call plans without an explanation; :meth:`explain`
    gives the same plan with one.
    """

    name: str = attrs.field(validator=_f.name)
    """Shown in explanations."""
    filters: tuple[Filter, ...] = attrs.field(default=(), converter=_filters)
    """Applied in order (a plain ``(request, location) -> bool`` function becomes a
    :func:`~invorder.routing.predicate`)."""
    ranker: Ranker = attrs.field(factory=lambda: InTurn(criteria=()), validator=_f.block("rank"))
    """Orders the candidates."""
    split: SplitPolicy = attrs.field(factory=SpillOver, validator=_f.block("split"))
    """Chooses locations and quantities."""
    backorder: BackorderPolicy = attrs.field(factory=Backorder, validator=_f.block("settle"))
    """Settles the unfilled rest."""

    def __call__(self, request: RoutingRequest) -> AllocationPlan:
        """Plan ``request`` (without an explanation: see :meth:`explain`)."""
        return self._plan(request, explain=False)

    def explain(self, request: RoutingRequest) -> AllocationPlan:
        """Plan ``request`` and say why: the same plan as a plain call, with its
        :class:`~invorder.routing.Explanation` (every candidate, excluded or ranked)."""
        return self._plan(request, explain=True)

    def _plan(self, request: RoutingRequest, explain: bool) -> AllocationPlan:
        excluded: dict[LocationId, tuple[str, str]] = {}
        trusted = _trusted(self)
        given = request._locations
        # Without an explanation, a built-in pipeline whose ranker reads no ATP ranks the
        # candidates' facts without it and splits from the ledger's units: no location's
        # ATP facts are built (the same plan: the criteria read the same facts).
        lean = not explain and trusted and isinstance(given, Candidates) and _reads_no_atp(self)
        if explain or not isinstance(given, Candidates):
            candidates = []
            for facts in request.locations:
                for block in self.filters:
                    reason = block(request, facts)
                    if reason is not None:
                        excluded[facts.location] = (block.name, reason)
                        break
                else:
                    candidates.append(facts)
        else:
            candidates = self._narrowed(request, given, atp=not lean)
        ranker = self.ranker
        if trusted and not explain:
            # Nothing downstream reads scores or tie-breaks: rank without them.
            ranked: Sequence[RankedLocation] = ranker._rank(  # type: ignore[attr-defined]  # built-in ranker (checked by _trusted)
                request, candidates, False
            )
        else:
            ranked = ranker.rank(request, candidates)
        if lean:
            assert isinstance(given, Candidates)
            budget = Budget._of(candidates, given._supply)
        else:
            budget = Budget(candidates)
        outcome = None
        if not explain and type(self.split) is SpillOver:
            # Its decisions in words are for the explanation only.
            chosen: Mapping[LineId, tuple[Allocation, ...]] = _fill(request, ranked, budget)[0]
        else:
            outcome = self.split.split(request, ranked, budget)
            chosen = outcome.allocations
        lines = []
        for line in request.lines:
            allocations = tuple(chosen.get(line.line_id, ()))
            allocated = 0
            for allocation in allocations:
                allocated += allocation.quantity
            if trusted:
                lines.append(
                    _trusted_line(
                        line.line_id,
                        line.sku,
                        line.quantity,
                        allocations,
                        line.quantity - allocated,
                    )
                )
            else:
                lines.append(
                    LineAllocation(
                        line_id=line.line_id,
                        sku=line.sku,
                        requested=line.quantity,
                        allocations=allocations,
                        backordered=line.quantity - allocated,
                    )
                )
        settled = self.backorder.settle(request, tuple(lines))
        explanation = None
        if explain:
            assert outcome is not None
            explanation = self._explanation(request, excluded, ranked, outcome, settled)
        if trusted:
            # Built-in blocks keep the routing laws by construction: every unit comes from
            # Budget.take over the candidates, and the explanation's units are counted from
            # the settled lines. tests/property/test_routing_fast_path.py checks that.
            return _trusted_plan(
                request, request.order.order_id, settled.lines, explanation, settled.hold_reason
            )
        plan = AllocationPlan(
            order_id=request.order.order_id,
            lines=settled.lines,
            explanation=explanation,
            held=settled.hold_reason is not None,
            hold_reason=settled.hold_reason,
        )
        return check_plan(request, plan)

    def _narrowed(
        self, request: RoutingRequest, given: Candidates, *, atp: bool = True
    ) -> list[LocationFacts]:
        """The candidates every filter keeps, for a request the engine built: a location
        the order's SKUs are not stocked at is dropped unread when a ``has_stock`` filter
        would drop it anyway, and filters that read no ATP run on its facts without ATP,
        so only the survivors' facts are built (``atp=False``: none are; the survivors
        come with their facts without ATP). Which filter excludes a location does not
        matter here (no explanation is made), only whether one does."""
        free = [block for block in self.filters if type(block) in _NO_ATP_FILTERS]
        stock = any(type(block) is HasStock for block in self.filters)
        rest = [
            block
            for block in self.filters
            if type(block) not in _NO_ATP_FILTERS and type(block) is not HasStock
        ]
        skus = request.skus
        candidates = []
        for location in given.ids:
            if stock and not given.holds_any(location, skus):
                continue
            if free and _excludes(free, request, given.base(location)):
                continue
            if rest and _excludes(rest, request, given.facts(location)):
                continue
            candidates.append(given.facts(location) if atp else given.base(location))
        return candidates

    def _explanation(
        self,
        request: RoutingRequest,
        excluded: dict[LocationId, tuple[str, str]],
        ranked: Sequence[RankedLocation],
        outcome: SplitOutcome,
        settled: Settlement,
    ) -> Explanation:
        """Why: every candidate, excluded (by which filter) or ranked (scores, decision and
        units), in location order."""
        units: dict[LocationId, int] = {}
        for settled_line in settled.lines:
            for allocation in settled_line.allocations:
                units[allocation.location] = units.get(allocation.location, 0) + (
                    allocation.quantity
                )
        entries: dict[LocationId, LocationExplanation] = {}
        for location, (name, reason) in excluded.items():
            entries[location] = LocationExplanation(
                location=location, excluded_by=name, exclusion_reason=reason
            )
        decisions = outcome.decisions
        for entry in ranked:
            entries[entry.location] = LocationExplanation(
                location=entry.location,
                scores=entry.scores,
                rank=entry.rank,
                tie_break=entry.tie_break,
                decision=decisions.get(entry.location),
                allocated=units.get(entry.location, 0),
            )
        notes = list(outcome.notes)
        if settled.hold_reason:
            notes.append(f"held: {settled.hold_reason}")
        return Explanation(
            rule=self.name,
            locations=tuple(entries[facts.location] for facts in request.locations),
            branch=None,
            split=self.split.name,
            backorder=self.backorder.name,
            notes=tuple(notes),
        )


def _excludes(filters: list[Filter], request: RoutingRequest, facts: LocationFacts) -> bool:
    """True when one of ``filters`` excludes ``facts``."""
    # A loop, not any(<generator>): this runs per location per order.
    for block in filters:  # noqa: SIM110
        if block(request, facts) is not None:
            return True
    return False


_NO_ATP_FILTERS = (ServesOrder, IsOnline, HasCapacity, BeforeCutoff, WithinDistance)
"""Built-in filters that read no ATP (exact types: a host subclass may read anything)."""

_TRUSTED_RANKERS = (InTurn, Weighted)
_TRUSTED_SPLITS = (SpillOver, ShipComplete, MinimiseShipments)
_TRUSTED_BACKORDERS = (Backorder, CancelRemainder, HoldForReview)


_NO_ATP_CRITERIA = (Nearest, PriorityList, LeastLoaded)
"""Built-in criteria that read no ATP (exact types: a host subclass may read anything)."""


def _reads_no_atp(pipeline: Pipeline) -> bool:
    """True when the pipeline's (built-in) ranker scores with criteria that read no ATP."""
    ranker = pipeline.ranker
    if type(ranker) is InTurn:
        criteria: Iterable[Any] = ranker.criteria
    elif type(ranker) is Weighted:
        criteria = (c for c, _ in ranker.criteria)
    else:
        return False
    return all(type(c) in _NO_ATP_CRITERIA for c in criteria)


def _trusted_split(split: Any) -> bool:
    kind = type(split)
    if kind is AtMost:
        return _trusted_split(split.then)
    return kind in _TRUSTED_SPLITS


def _trusted(pipeline: Pipeline) -> bool:
    """True when the ranker, split and backorder policy are built-in (exact types, not
    host subclasses): such a pipeline's plans keep the routing laws by construction, so
    its lines skip re-validation and the plan skips :func:`check_plan`."""
    return (
        type(pipeline.ranker) in _TRUSTED_RANKERS
        and _trusted_split(pipeline.split)
        and type(pipeline.backorder) in _TRUSTED_BACKORDERS
    )


def route(
    name: str,
    *,
    filters: Iterable[Any] = (),
    rank: Any = None,
    split: SplitPolicy | None = None,
    backorder: BackorderPolicy | None = None,
) -> Pipeline:
    """Compose a pipeline: ``route("dtc", filters=[serves_order()], rank=nearest(),
    split=minimise_shipments())``.

    ``filters`` take Filter blocks or plain ``(request, location) -> bool`` predicates;
    ``rank`` takes a Ranker, one criterion, or a list of criteria (ranked in turn); the
    split defaults to spill-over and the backorder policy to backorder.
    """
    if type(name) is not str or not name:
        raise InvalidRoutingRuleError("a pipeline needs a non-empty name", name=name)
    if split is not None and not _f.has(split, "split"):
        raise InvalidRoutingRuleError("split must be a SplitPolicy", split=split)
    if backorder is not None and not _f.has(backorder, "settle"):
        raise InvalidRoutingRuleError("backorder must be a BackorderPolicy", backorder=backorder)
    return Pipeline(
        name=name,
        filters=filters,
        ranker=_ranker(rank),
        split=split or SpillOver(),
        backorder=backorder or Backorder(),
    )


def _trusted_plan(
    request: object,
    order_id: OrderId,
    lines: tuple[LineAllocation, ...],
    explanation: Explanation | None,
    hold_reason: str | None,
) -> AllocationPlan:
    """An :class:`AllocationPlan` built without re-checking its lines, marked as passed for
    ``request``: only for the built-in blocks, whose plans keep the routing laws by
    construction (property-tested against the checked constructor and :func:`check_plan`)."""
    plan = object.__new__(AllocationPlan)
    _set = object.__setattr__
    _set(plan, "order_id", order_id)
    _set(plan, "lines", lines)
    _set(plan, "explanation", explanation)
    _set(plan, "held", hold_reason is not None)
    _set(plan, "hold_reason", hold_reason)
    _set(plan, "_checked_for", request)
    return plan
