"""The Protocols of routing: a rule, and the blocks a pipeline is built from (filter,
criterion, ranker, split policy, backorder policy), with the small values they exchange."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import attrs

from invorder.domain.orders.ids import LineId
from invorder.domain.stock.catalog import SkuId
from invorder.domain.stock.location import LocationId
from invorder.routing.explain import CriterionScore, ScoreValue
from invorder.routing.plan import Allocation, AllocationPlan, LineAllocation
from invorder.routing.request import LocationFacts, RoutingRequest


class RoutingRule(Protocol):
    """Anything that turns a :class:`RoutingRequest` into an :class:`AllocationPlan`.

    A plain function ``def rule(request): ...`` satisfies it. A rule is pure: it reads the
    request only (never the ledger, a clock or randomness) and its plan keeps the laws of
    :func:`~invorder.routing.check_plan`.
    """

    def __call__(self, request: RoutingRequest, /) -> AllocationPlan:
        """Plan the request."""
        ...


class Filter(Protocol):
    """Drops candidate locations: returns why ``location`` is excluded, or ``None`` to keep it.

    A plain ``(request, location) -> bool`` predicate (True keeps) can be used in a
    pipeline too; it is wrapped with :func:`~invorder.routing.predicate`.
    """

    @property
    def name(self) -> str:
        """Shown in explanations as the excluding filter."""
        ...

    def __call__(self, request: RoutingRequest, location: LocationFacts, /) -> str | None:
        """The reason to exclude ``location``, or ``None``."""
        ...


class Criterion(Protocol):
    """Scores one location for ranking; ``None`` means unknown and ranks last."""

    @property
    def name(self) -> str:
        """Shown in explanations next to the score."""
        ...

    @property
    def higher_is_better(self) -> bool:
        """True when a larger value is better (most stock), False when smaller is (distance)."""
        ...

    def __call__(self, request: RoutingRequest, location: LocationFacts, /) -> ScoreValue | None:
        """The raw score."""
        ...


@attrs.frozen
class RankedLocation:
    """A candidate after ranking: its facts, 1-based rank, scores and any tie-break
    (a built-in pipeline that reads neither ranks without them unless it explains)."""

    facts: LocationFacts
    """The location."""
    rank: int
    """1 for the best."""
    scores: tuple[CriterionScore, ...] = ()
    """Per criterion."""
    tie_break: str | None = None
    """How a tie with a neighbour was broken."""

    @property
    def location(self) -> LocationId:
        """The location's id."""
        return self.facts.location


class Ranker(Protocol):
    """Orders the candidates that passed the filters, best first; ties by location id."""

    @property
    def name(self) -> str:
        """Shown in explanations."""
        ...

    def rank(
        self, request: RoutingRequest, candidates: Sequence[LocationFacts], /
    ) -> tuple[RankedLocation, ...]:
        """The candidates ranked, best first, each with its scores."""
        ...


class Budget:
    """What a split may still take: ATP per (location, SKU) and capacity per location.

    A mutable scratch pad local to one split; every built-in split takes units only
    through :meth:`take`, which is what keeps plans within ATP and capacity.
    """

    __slots__ = ("_atp", "_capacity", "_taken")

    def __init__(self, locations: Sequence[LocationFacts]) -> None:
        # ATP is read from the facts until a location is first taken from; then it gets
        # its own copy in ``_taken``.
        self._atp: dict[LocationId, Mapping[SkuId, int]] = {}
        self._capacity: dict[LocationId, int | None] = {}
        self._taken: dict[LocationId, dict[SkuId, int]] = {}
        for facts in locations:
            self._atp[facts.location] = facts.atp
            self._capacity[facts.location] = facts.capacity_left

    @classmethod
    def _of(
        cls, locations: Sequence[LocationFacts], atp: Mapping[LocationId, Mapping[SkuId, int]]
    ) -> Budget:
        """A budget of ``locations`` (their capacity) with their ATP read from ``atp``
        instead of their facts (the ledger's units of a request the engine built)."""
        budget = cls(())
        for facts in locations:
            budget._atp[facts.location] = atp[facts.location]
            budget._capacity[facts.location] = facts.capacity_left
        return budget

    def copy(self, only: Iterable[LocationId] | None = None) -> Budget:
        """An independent copy (for trial allocations), optionally of some locations only."""
        clone = Budget(())
        keys = self._atp.keys() if only is None else only
        clone._atp = {loc: self._atp[loc] for loc in keys if loc in self._atp}
        clone._capacity = {loc: self._capacity[loc] for loc in clone._atp}
        clone._taken = {loc: dict(self._taken[loc]) for loc in clone._atp if loc in self._taken}
        return clone

    def available(self, location: LocationId, sku: SkuId) -> int:
        """Units of ``sku`` that ``location`` can still give."""
        stock: Mapping[SkuId, int] | None = self._taken.get(location)
        if stock is None:
            stock = self._atp.get(location)
            if stock is None:
                return 0
        atp = stock.get(sku, 0)
        capacity = self._capacity[location]
        return atp if capacity is None else min(atp, capacity)

    def capacity(self, location: LocationId) -> int | None:
        """Units ``location`` can still ship over all SKUs (``None`` for unlimited)."""
        return self._capacity.get(location, 0)

    def take(self, location: LocationId, sku: SkuId, wanted: int) -> int:
        """Take up to ``wanted`` units; return how many were taken."""
        taken = min(wanted, self.available(location, sku))
        if taken <= 0:
            return 0
        stock = self._taken.get(location)
        if stock is None:
            stock = self._taken[location] = dict(self._atp[location].items())
        stock[sku] -= taken
        capacity = self._capacity[location]
        if capacity is not None:
            self._capacity[location] = capacity - taken
        return taken


@attrs.frozen
class SplitOutcome:
    """What a split policy decided: allocations per line and a decision per location."""

    allocations: Mapping[LineId, tuple[Allocation, ...]]
    """Per line id, where its units ship from (lines not listed get nothing)."""
    decisions: Mapping[LocationId, str] = attrs.field(factory=dict)
    """Per ranked location, the decision in words."""
    notes: tuple[str, ...] = ()
    """Anything else to put in the explanation."""


class SplitPolicy(Protocol):
    """Decides which ranked locations ship which units, taking them from the budget."""

    @property
    def name(self) -> str:
        """Shown in explanations."""
        ...

    def split(
        self, request: RoutingRequest, ranked: Sequence[RankedLocation], budget: Budget, /
    ) -> SplitOutcome:
        """Allocate; every unit must come from ``budget.take``."""
        ...


@attrs.frozen
class Settlement:
    """What a backorder policy did with the unfilled remainder."""

    lines: tuple[LineAllocation, ...]
    """The lines with the remainder backordered or cancelled."""
    hold_reason: str | None = None
    """Set when the order must wait for a person."""


class BackorderPolicy(Protocol):
    """Decides what happens to units no location could give."""

    @property
    def name(self) -> str:
        """Shown in explanations."""
        ...

    def settle(self, request: RoutingRequest, lines: tuple[LineAllocation, ...], /) -> Settlement:
        """``lines`` arrive with every unfilled unit backordered."""
        ...
