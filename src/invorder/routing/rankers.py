"""Built-in ranking criteria (priority list, nearest, lowest cost, most stock, least loaded,
host functions) and the two rankers that combine them: in turn, or weighted."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from invorder.domain.errors import InvalidRoutingRuleError
from invorder.domain.orders.ship_to import EARTH_RADIUS_KM, Coordinates
from invorder.domain.stock.location import LocationId
from invorder.routing import _rule_fields as _f
from invorder.routing.explain import CriterionScore, ScoreValue
from invorder.routing.request import LocationFacts, RoutingRequest
from invorder.routing.rule import Criterion, RankedLocation


@attrs.frozen
class PriorityList:
    """Criterion: position in a fixed list (Magento MSI 'priority'); unlisted rank last."""

    order: tuple[LocationId, ...] = attrs.field(converter=_f.locations)
    name: str = attrs.field(default="priority", validator=_f.name)
    higher_is_better: bool = attrs.field(default=False, validator=_f.flag)

    def __call__(self, request: RoutingRequest, location: LocationFacts) -> ScoreValue | None:
        """1-based position, or ``None`` when not listed."""
        try:
            return self.order.index(location.location) + 1
        except ValueError:
            return None


@attrs.frozen
class Nearest:
    """Criterion: kilometres to the ship-to (great-circle); without coordinates, the
    ``zone_table`` distance from the location's zone to the ship-to zone, if listed."""

    zone_table: Mapping[tuple[str, str], int] = attrs.field(factory=dict, converter=_f.zones)
    name: str = attrs.field(default="nearest_km", validator=_f.name)
    higher_is_better: bool = attrs.field(default=False, validator=_f.flag)

    def __call__(self, request: RoutingRequest, location: LocationFacts) -> ScoreValue | None:
        """Distance, or ``None`` when unknown."""
        ship_to = request.order.ship_to
        if ship_to.coordinates is not None and location.coordinates is not None:
            return round(_distance_km(request, location.coordinates, ship_to.coordinates), 3)
        if location.zone is not None and ship_to.zone is not None:
            return self.zone_table.get((location.zone, ship_to.zone))
        return None


def _distance_km(request: RoutingRequest, here: Coordinates, there: Coordinates) -> float:
    """``here.distance_km(there)`` with the same float operations (so the same value), the
    trigonometry of each point computed once: a location's for every request of one engine
    (locations do not move), the ship-to's once per request. (Whole distances are not
    cached across requests: on the generated ``day`` nearly every ship-to is new, and such
    a cache missed 39,691 times in 39,704 look-ups.)"""
    near = request._distances()
    key = (here.lat, here.lon)
    point = near.get(key)
    if point is None:
        lat1 = math.radians(here.lat)
        point = near[key] = (lat1, math.radians(here.lon), math.cos(lat1))
    memo = request._memo
    to = ("to", there.lat, there.lon)
    far = memo.get(to)
    if far is None:
        lat2 = math.radians(there.lat)
        far = memo[to] = (lat2, math.radians(there.lon), math.cos(lat2))
    lat1, lon1, cos1 = point
    lat2, lon2, cos2 = far
    h = math.sin((lat2 - lat1) / 2) ** 2 + cos1 * cos2 * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _coverable_units(request: RoutingRequest, location: LocationFacts) -> int:
    units = 0
    atp = location.atp
    for sku, wanted in request._demand().items():
        have = atp.get(sku, 0)
        units += wanted if wanted < have else have
    return units


@attrs.frozen
class LowestCost:
    """Criterion: cost of one shipment of what the location could send of this order,
    from its shipping cost table; ``None`` when the table has no matching row.

    Amounts are compared as numbers: give every location's table in one currency.
    """

    name: str = attrs.field(default="lowest_cost", validator=_f.name)
    higher_is_better: bool = attrs.field(default=False, validator=_f.flag)

    def __call__(self, request: RoutingRequest, location: LocationFacts) -> ScoreValue | None:
        """Cost amount, or ``None``."""
        order = request.order
        rate = location._shipping_rate(order.ship_to, order.shipping_method)
        if rate is None:
            return None
        if rate.per_unit is None:  # a flat rate: the units do not change the cost
            return rate.per_shipment.amount
        return rate.cost(max(_coverable_units(request, location), 1)).amount


@attrs.frozen
class MostStock:
    """Criterion: ATP of the order's SKUs held there (Saleor 'high stock')."""

    name: str = attrs.field(default="most_stock", validator=_f.name)
    higher_is_better: bool = attrs.field(default=True, validator=_f.flag)

    def __call__(self, request: RoutingRequest, location: LocationFacts) -> ScoreValue | None:
        """Units."""
        return sum(location.atp_of(sku) for sku in request.skus)


@attrs.frozen
class LeastLoaded:
    """Criterion: share of today's capacity already used (0 when unlimited)."""

    name: str = attrs.field(default="least_loaded", validator=_f.name)
    higher_is_better: bool = attrs.field(default=False, validator=_f.flag)

    def __call__(self, request: RoutingRequest, location: LocationFacts) -> ScoreValue | None:
        """Load from 0 to 1."""
        return location.load


@attrs.frozen
class HostCriterion:
    """A host function as a criterion."""

    score: Callable[[RoutingRequest, LocationFacts], ScoreValue | None] = attrs.field(
        validator=_f.function
    )
    name: str = attrs.field(validator=_f.name)
    higher_is_better: bool = attrs.field(default=False, validator=_f.flag)

    def __call__(self, request: RoutingRequest, location: LocationFacts) -> ScoreValue | None:
        """The host's score."""
        return self.score(request, location)


def _key(value: ScoreValue | None, higher_is_better: bool) -> tuple[int, ScoreValue]:
    if value is None:
        return (1, 0)
    return (0, -value if higher_is_better else value)


_Row = tuple[Any, LocationId, LocationFacts, Any]
"""(sort key, location id, facts, raw score data): rows sort by key, then location id."""


def _row_order(row: _Row) -> tuple[Any, LocationId]:
    return (row[0], row[1])


_set = object.__setattr__


def _ranked(
    rows: list[_Row],
    details: bool,
    what: Callable[[], str],
    scores: Callable[[Any], tuple[CriterionScore, ...]],
) -> tuple[RankedLocation, ...]:
    """The sorted ``rows`` as ranked locations; with ``details``, each with its scores and,
    when it ties with a neighbour, why it comes where it does (a pipeline that needs
    neither, because nothing it runs reads them, asks without)."""
    out = []
    for index, (key, location, facts, data) in enumerate(rows):
        entry = object.__new__(RankedLocation)
        _set(entry, "facts", facts)
        _set(entry, "rank", index + 1)
        tie_break = None
        if details:
            tied = [
                other
                for other_key, other, _, _ in rows[max(index - 1, 0) : index + 2]
                if other_key == key and other != location
            ]
            if tied:
                tie_break = f"tied with {', '.join(tied)} on {what()}; ordered by location id"
        _set(entry, "scores", scores(data) if details else ())
        _set(entry, "tie_break", tie_break)
        out.append(entry)
    return tuple(out)


@attrs.frozen
class InTurn:
    """Ranker: by the first criterion, ties by the next, ..., then by location id."""

    criteria: tuple[Criterion, ...] = attrs.field(converter=_f.criteria)

    @property
    def name(self) -> str:
        """``"by(a, b)"``."""
        return "by(" + ", ".join(c.name for c in self.criteria) + ")"

    def rank(
        self, request: RoutingRequest, candidates: Sequence[LocationFacts]
    ) -> tuple[RankedLocation, ...]:
        """Ranked, best first."""
        return self._rank(request, candidates, details=True)

    def _rank(
        self, request: RoutingRequest, candidates: Sequence[LocationFacts], details: bool
    ) -> tuple[RankedLocation, ...]:
        """Ranked, best first; scores and tie-breaks only with ``details``."""
        criteria = self.criteria
        directions = [c.higher_is_better for c in criteria]
        rows: list[_Row] = []
        for facts in candidates:
            values = tuple([c(request, facts) for c in criteria])
            key = tuple([_key(v, up) for v, up in zip(values, directions, strict=True)])
            rows.append((key, facts.location, facts, values))
        rows.sort(key=_row_order)

        def what() -> str:
            return ", ".join(c.name for c in criteria) or "no criteria"

        def scores(values: tuple[ScoreValue | None, ...]) -> tuple[CriterionScore, ...]:
            return tuple(
                CriterionScore(criterion=c.name, value=v, higher_is_better=c.higher_is_better)
                for c, v in zip(criteria, values, strict=True)
            )

        return _ranked(rows, details, what, scores)


@attrs.frozen
class Weighted:
    """Ranker: a weighted sum of criteria, each scaled to 0 (worst) .. 1 (best) over the
    candidates (unknown values score 0); ties by location id. Keeps every per-criterion
    score, its normalised value and weight, plus the combined ``weighted`` score."""

    criteria: tuple[tuple[Criterion, Decimal], ...] = attrs.field(converter=_f.weights)

    @property
    def name(self) -> str:
        """``"weighted(a*2, b*1)"``."""
        return "weighted(" + ", ".join(f"{c.name}*{w}" for c, w in self.criteria) + ")"

    def rank(
        self, request: RoutingRequest, candidates: Sequence[LocationFacts]
    ) -> tuple[RankedLocation, ...]:
        """Ranked, best first."""
        return self._rank(request, candidates, details=True)

    def _rank(
        self, request: RoutingRequest, candidates: Sequence[LocationFacts], details: bool
    ) -> tuple[RankedLocation, ...]:
        """Ranked, best first; scores and tie-breaks only with ``details``."""
        criteria = [c for c, _ in self.criteria]
        weights = [w for _, w in self.criteria]
        table = []
        for facts in candidates:
            values = tuple([c(request, facts) for c in criteria])
            table.append((facts, values, [None if v is None else float(v) for v in values]))
        specs = []
        for index, c in enumerate(criteria):
            known = [f for _, _, floats in table if (f := floats[index]) is not None]
            low = min(known) if known else 0.0
            high = max(known) if known else 0.0
            specs.append((bool(known), low, high, c.higher_is_better, float(weights[index])))
        total_weight = float(sum(weights))
        rows: list[_Row] = []
        for facts, values, floats in table:
            combined = 0.0
            shares = []
            for (known_any, low, high, up, factor), f in zip(specs, floats, strict=True):
                # scaled to 0 (worst) .. 1 (best) over the candidates; unknown scores 0
                if f is None or not known_any:
                    share = 0.0
                elif high == low:
                    share = 1.0
                else:
                    part = (f - low) / (high - low)
                    share = round(part if up else 1.0 - part, 9)
                combined += factor * share
                shares.append(share)
            total = round(combined / total_weight, 9)
            rows.append((-total, facts.location, facts, (values, shares, total)))
        rows.sort(key=_row_order)

        def what() -> str:
            return "the weighted score"

        def scores(data: Any) -> tuple[CriterionScore, ...]:
            values, shares, total = data
            out = [
                CriterionScore(
                    criterion=c.name,
                    value=values[index],
                    higher_is_better=c.higher_is_better,
                    normalised=shares[index],
                    weight=weights[index],
                )
                for index, c in enumerate(criteria)
            ]
            out.append(CriterionScore("weighted", total, higher_is_better=True))
            return tuple(out)

        return _ranked(rows, details, what, scores)


def priority_list(locations: Iterable[str]) -> PriorityList:
    """Criterion: the position in ``locations`` (first is best)."""
    return PriorityList(order=locations)


def nearest(zone_table: Mapping[tuple[str, str], int] | None = None) -> Nearest:
    """Criterion: nearest to the ship-to; ``zone_table[(location_zone, ship_to_zone)]``
    gives a distance where coordinates are missing."""
    return Nearest(zone_table=zone_table)


def lowest_cost() -> LowestCost:
    """Criterion: cheapest shipment from the location's cost table."""
    return LowestCost()


def most_stock() -> MostStock:
    """Criterion: most ATP of the ordered SKUs."""
    return MostStock()


def least_loaded() -> LeastLoaded:
    """Criterion: least share of today's capacity used."""
    return LeastLoaded()


def criterion(
    score: Callable[[RoutingRequest, LocationFacts], ScoreValue | None],
    *,
    name: str | None = None,
    higher_is_better: bool = False,
) -> HostCriterion:
    """Criterion from a host function ``score(request, location)`` (``None`` = unknown)."""
    if not callable(score):
        raise InvalidRoutingRuleError("criterion needs a callable", score=score)
    label = name or getattr(score, "__name__", None) or "criterion"
    return HostCriterion(score=score, name=label, higher_is_better=higher_is_better)


def by(*criteria: Criterion) -> InTurn:
    """Ranker: by each criterion in turn, then by location id (no criteria: location id)."""
    return InTurn(criteria=criteria)


def weighted(*pairs: tuple[Criterion, int | str | Decimal]) -> Weighted:
    """Ranker: ``weighted((nearest(), 3), (lowest_cost(), 1))``; weights are positive."""
    return Weighted(criteria=pairs)
