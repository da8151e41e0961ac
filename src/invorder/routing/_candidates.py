"""The candidates of a routing request the engine builds: location ids known at once,
each location's facts built when a rule first reads them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from invorder.domain.stock.catalog import SkuId
from invorder.domain.stock.location import LocationId
from invorder.routing._frozen import FrozenMap
from invorder.routing.facts import LocationFacts, with_atp


class Candidates:
    """The candidate locations of a request the engine builds: their ids are known at once,
    each one's facts (host facts with the ATP the ledger gives) are built when first read.

    Compares, hashes and pickles as the tuple of every candidate's facts, so a request
    built on it is indistinguishable from one given that tuple.
    """

    __slots__ = ("_all", "_base", "_bases", "_built", "_supply", "distances", "ids")

    def __init__(
        self,
        supply: Mapping[LocationId, Mapping[SkuId, int]],
        base: Callable[[LocationId], LocationFacts],
        distances: dict[Any, float],
    ) -> None:
        self.ids: tuple[LocationId, ...] = tuple(sorted(supply))
        """The candidates' ids, sorted."""
        self.distances = distances
        """Trigonometry of the locations' coordinates, shared by one engine's requests."""
        self._supply = supply
        self._base = base
        self._bases: dict[LocationId, LocationFacts] = {}
        self._built: dict[LocationId, LocationFacts] = {}
        self._all: tuple[LocationFacts, ...] | None = None

    def base(self, location: LocationId) -> LocationFacts:
        """The facts of ``location`` without its ATP (for filters that read no ATP)."""
        base = self._bases.get(location)
        if base is None:
            base = self._bases[location] = self._base(location)
        return base

    def facts(self, location: LocationId) -> LocationFacts:
        """The facts of ``location``, ATP included (built once)."""
        built = self._built.get(location)
        if built is None:
            units = self._supply[location]
            atp = FrozenMap(dict(sorted(units.items())) if len(units) > 1 else units)
            built = self._built[location] = with_atp(self.base(location), atp)
        return built

    def holds_any(self, location: LocationId, skus: Iterable[SkuId]) -> bool:
        """True when ``location`` has ATP of one of ``skus``."""
        units = self._supply[location]
        # A loop, not any(<generator>): this runs per location per order.
        for sku in skus:  # noqa: SIM110
            if units.get(sku, 0) > 0:
                return True
        return False

    def all(self) -> tuple[LocationFacts, ...]:
        """Every candidate's facts, by location id."""
        if self._all is None:
            self._all = tuple(self.facts(location) for location in self.ids)
        return self._all

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Candidates):
            other = other.all()
        return self.all() == other if isinstance(other, tuple) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.all())

    def __reduce__(self) -> tuple[Any, ...]:
        return (tuple, (self.all(),))

    def __repr__(self) -> str:
        return repr(self.all())
