"""Built-in split policies: fill from ranked locations in turn (spill-over), ship complete
from one location or wait, minimise the number of shipments, and at most N shipments.

Minimise-shipments search is bounded: candidates that hold none of the order's SKUs are
dropped; a greedy set cover (most units first, ties by rank; when no location adds units
on its own, the best-ranked one that lets a refill in rank order place more, e.g. by
freeing a capacity-bound location) gives an upper bound ``g``;
a lower bound ``b`` comes from each SKU alone (how many of the largest holders its demand
needs). Exact search tries subsets of size ``b .. g-1`` in rank order (so the first cover
found is the best-ranked of the fewest) and stops after ``exact_budget`` subsets (5,000
by default), keeping the greedy answer. The work is therefore at most ``exact_budget``
cover checks of O(lines) each, whatever the number of lines or locations.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Sequence

import attrs

from invorder.domain.orders.ids import LineId
from invorder.domain.stock.catalog import SkuId
from invorder.domain.stock.location import LocationId
from invorder.routing import _rule_fields as _f
from invorder.routing.plan import Allocation, _trusted_allocation
from invorder.routing.request import RoutingRequest
from invorder.routing.rule import Budget, RankedLocation, SplitOutcome, SplitPolicy


def _fill(
    request: RoutingRequest, ranked: Sequence[RankedLocation], budget: Budget
) -> tuple[dict[LineId, tuple[Allocation, ...]], dict[LocationId, int]]:
    allocations: dict[LineId, tuple[Allocation, ...]] = {}
    units: dict[LocationId, int] = {}
    for line in request.lines:
        need = line.quantity
        chosen = []
        for entry in ranked:
            if need == 0:
                break
            taken = budget.take(entry.location, line.sku, need)
            if taken:
                chosen.append(_trusted_allocation(entry.location, taken))
                units[entry.location] = units.get(entry.location, 0) + taken
                need -= taken
        allocations[line.line_id] = tuple(chosen)
    return allocations, units


@attrs.frozen
class SpillOver:
    """Each line, in order, takes what it can from the best-ranked location, then the next."""

    name: str = attrs.field(default="spill_over", validator=_f.name)

    def split(
        self, request: RoutingRequest, ranked: Sequence[RankedLocation], budget: Budget
    ) -> SplitOutcome:
        """Fill in rank order."""
        allocations, units = _fill(request, ranked, budget)
        decisions = {
            entry.location: (
                f"spill-over: takes {units[entry.location]} units at rank {entry.rank}"
                if entry.location in units
                else "spill-over: not needed or no usable stock"
            )
            for entry in ranked
        }
        return SplitOutcome(allocations=allocations, decisions=decisions)


def _covers(request: RoutingRequest, entries: Sequence[RankedLocation], budget: Budget) -> bool:
    for sku, need in request._demand().items():
        if sum(budget.available(entry.location, sku) for entry in entries) < need:
            return False
    trial = budget.copy(only=[entry.location for entry in entries])
    allocations, _ = _fill(request, entries, trial)
    return all(
        sum(a.quantity for a in allocations[line.line_id]) == line.quantity
        for line in request.lines
    )


@attrs.frozen
class ShipComplete:
    """The whole order from the best-ranked single location that can send all of it; if
    none can, nothing is allocated and the order waits (every unit is backordered)."""

    name: str = attrs.field(default="ship_complete", validator=_f.name)

    def split(
        self, request: RoutingRequest, ranked: Sequence[RankedLocation], budget: Budget
    ) -> SplitOutcome:
        """One location or none."""
        for entry in ranked:
            if _covers(request, (entry,), budget):
                allocations, _ = _fill(request, (entry,), budget)
                decisions = {
                    other.location: (
                        f"ship complete: first location (rank {entry.rank}) holding every line"
                        if other.location == entry.location
                        else (
                            "ship complete: cannot send the whole order"
                            if other.rank < entry.rank
                            else "ship complete: a better-ranked location sends it all"
                        )
                    )
                    for other in ranked
                }
                return SplitOutcome(allocations=allocations, decisions=decisions)
        decisions = {
            entry.location: "ship complete: cannot send the whole order" for entry in ranked
        }
        return SplitOutcome(
            allocations={},
            decisions=decisions,
            notes=("no single location can ship the whole order: it waits",),
        )


def _requested_units(request: RoutingRequest) -> int:
    """Units requested over all lines."""
    return sum(line.quantity for line in request.lines)


def _fewest_holders(quantities: list[int], need: int) -> int:
    """How many locations at least are needed for ``need`` units (largest holders first)."""
    total = 0
    for count, quantity in enumerate(sorted(quantities, reverse=True), 1):
        total += quantity
        if total >= need:
            return count
    return len(quantities) + 1


_BUDGET = "exact_budget is a non-negative number of subsets"


@attrs.frozen
class MinimiseShipments:
    """The fewest locations that cover the order, ties by rank (compare rank tuples);
    when no set covers it, a greedy cover that fills as much as possible.
    See the module docstring for how the search is bounded."""

    exact_budget: int = attrs.field(default=5_000, validator=_f.whole(0, _BUDGET))
    name: str = attrs.field(default="minimise_shipments", validator=_f.name)

    def _useful(
        self, request: RoutingRequest, ranked: Sequence[RankedLocation], budget: Budget
    ) -> list[RankedLocation]:
        skus = request.skus
        return [e for e in ranked if any(budget.available(e.location, s) for s in skus)]

    def _greedy(
        self, request: RoutingRequest, useful: Sequence[RankedLocation], budget: Budget
    ) -> list[RankedLocation]:
        chosen: list[RankedLocation] = []
        left = list(useful)
        while left:
            trial = budget.copy(only=[entry.location for entry in chosen])
            allocations, _ = _fill(request, chosen, trial)
            remaining: dict[SkuId, int] = {}
            for line in request.lines:
                short = line.quantity - sum(a.quantity for a in allocations[line.line_id])
                remaining[line.sku] = remaining.get(line.sku, 0) + short
            if not any(remaining.values()):
                break
            best: tuple[int, int] | None = None
            pick: RankedLocation | None = None
            for entry in left:
                gain = sum(
                    min(need, budget.available(entry.location, sku))
                    for sku, need in remaining.items()
                )
                cap = budget.capacity(entry.location)
                gain = gain if cap is None else min(gain, cap)
                key = (-gain, entry.rank)
                if gain and (best is None or key < best):
                    best, pick = key, entry
            if pick is None:
                # No location adds units on its own terms; one may still help by taking a
                # SKU off a capacity-bound location (refill in rank order to see).
                pick = self._unblock(request, chosen, left, budget, remaining)
            if pick is None:
                break
            chosen.append(pick)
            left.remove(pick)
            chosen.sort(key=lambda entry: entry.rank)
        return chosen

    @staticmethod
    def _unblock(
        request: RoutingRequest,
        chosen: list[RankedLocation],
        left: list[RankedLocation],
        budget: Budget,
        remaining: dict[SkuId, int],
    ) -> RankedLocation | None:
        """The best-ranked of ``left`` whose addition lets a fill in rank order allocate
        more units than ``chosen`` alone, or ``None``."""
        short = sum(remaining.values())
        for entry in left:
            trial_set = sorted([*chosen, entry], key=lambda e: e.rank)
            trial = budget.copy(only=[e.location for e in trial_set])
            allocations, _ = _fill(request, trial_set, trial)
            filled = sum(a.quantity for line in allocations.values() for a in line)
            if _requested_units(request) - filled < short:
                return entry
        return None

    def split(
        self, request: RoutingRequest, ranked: Sequence[RankedLocation], budget: Budget
    ) -> SplitOutcome:
        """Fewest shipments."""
        useful = self._useful(request, ranked, budget)
        greedy = self._greedy(request, useful, budget)
        chosen = greedy
        notes: list[str] = []
        if _covers(request, greedy, budget):
            demand = list(request._demand().items())
            have = {
                e.location: tuple(budget.available(e.location, sku) for sku, _ in demand)
                for e in useful
            }
            low = max(
                _fewest_holders([have[e.location][j] for e in useful], need)
                for j, (_, need) in enumerate(demand)
            )
            examined = 0
            found = None
            vectors = [have[e.location] for e in useful]
            needs = [need for _, need in demand]
            for size in range(max(low, 1), len(greedy)):
                for subset, held in zip(
                    itertools.combinations(useful, size),
                    itertools.combinations(vectors, size),
                    strict=True,
                ):
                    examined += 1
                    if examined > self.exact_budget:
                        break
                    # per SKU in demand order: do the subset's holdings reach the need?
                    enough = all(map(operator.ge, map(sum, zip(*held, strict=True)), needs))
                    if enough and _covers(request, subset, budget):
                        found = list(subset)
                        break
                if found is not None or examined > self.exact_budget:
                    break
            if found is not None:
                chosen = found
                notes.append(f"exact search: {len(found)} shipment(s) after {examined} subsets")
            elif examined > self.exact_budget:
                notes.append(
                    f"exact search stopped after {self.exact_budget} subsets: greedy cover of "
                    f"{len(greedy)} location(s) kept"
                )
            else:
                notes.append(f"greedy cover of {len(greedy)} shipment(s) is minimal")
        else:
            notes.append("no set of locations covers the order: greedy cover fills what it can")
        allocations, units = _fill(request, chosen, budget)
        picked = {entry.location for entry in chosen}
        decisions = {
            entry.location: (
                f"minimise shipments: one of {len(chosen)} covering location(s), "
                f"takes {units.get(entry.location, 0)} units"
                if entry.location in picked
                else "minimise shipments: not in the smallest cover"
            )
            for entry in ranked
        }
        return SplitOutcome(allocations=allocations, decisions=decisions, notes=tuple(notes))


@attrs.frozen
class AtMost:
    """At most ``limit`` shipments: run ``then``; if it uses more locations, keep the
    ``limit`` that it gave the most units (ties by rank) and run ``then`` again on them."""

    limit: int = attrs.field(validator=_f.whole(1, "at_most needs a limit of 1 or more"))
    then: SplitPolicy = attrs.field(validator=_f.block("split"))

    @property
    def name(self) -> str:
        """``"at_most(2, spill_over)"``."""
        return f"at_most({self.limit}, {self.then.name})"

    def split(
        self, request: RoutingRequest, ranked: Sequence[RankedLocation], budget: Budget
    ) -> SplitOutcome:
        """Bounded shipments."""
        first = self.then.split(request, ranked, budget.copy())
        units: dict[LocationId, int] = {}
        for allocations in first.allocations.values():
            for allocation in allocations:
                units[allocation.location] = units.get(allocation.location, 0) + (
                    allocation.quantity
                )
        if len(units) <= self.limit:
            return self.then.split(request, ranked, budget)
        by_units = sorted(
            (entry for entry in ranked if entry.location in units),
            key=lambda entry: (-units[entry.location], entry.rank),
        )
        keep = {entry.location for entry in by_units[: self.limit]}
        kept = [entry for entry in ranked if entry.location in keep]
        outcome = self.then.split(request, kept, budget)
        decisions = dict(outcome.decisions)
        for entry in ranked:
            if entry.location not in keep:
                decisions[entry.location] = f"at most {self.limit} shipments: left out"
        note = f"limited to {self.limit} of {len(units)} shipments"
        return attrs.evolve(outcome, decisions=decisions, notes=(*outcome.notes, note))


def spill_over() -> SpillOver:
    """Split: fill each line from ranked locations in turn."""
    return SpillOver()


def ship_complete() -> ShipComplete:
    """Split: the whole order from one location, or wait."""
    return ShipComplete()


def minimise_shipments(*, exact_budget: int = 5_000) -> MinimiseShipments:
    """Split: the fewest locations covering the order, ties by rank (bounded search)."""
    return MinimiseShipments(exact_budget=exact_budget)


def at_most(limit: int, then: SplitPolicy | None = None) -> AtMost:
    """Split: at most ``limit`` shipments, using ``then`` (spill-over by default)."""
    return AtMost(limit=limit, then=SpillOver() if then is None else then)
