"""What the earlier decisions of one outcome took from the shelf (not folded yet): units per
(stocked SKU, bin) with running tallies per subtree, and the units given each warehouse."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from invorder.domain.stock.location import ancestors_of


@lru_cache(maxsize=1 << 16)
def _paths(place: str) -> tuple[str, ...]:
    """``place`` and every location enclosing it."""
    return (place, *ancestors_of(place))


class Taken:
    """Units an outcome's decisions took from (positive) or put on (negative: arrivals) the
    available bucket of real locations, per (stocked SKU, location), kept with a tally per
    (stocked SKU, location or any ancestor) so a subtree's units read in one lookup; and
    the units its allocations gave each warehouse (for capacity)."""

    __slots__ = ("_arrived", "_exact", "_given", "_under")

    def __init__(self) -> None:
        self._exact: dict[tuple[str, str], int] = {}
        self._under: dict[tuple[str, str], int] = {}
        self._arrived: dict[str, set[str]] = {}  # SKU -> places that went below zero
        self._given: dict[str, int] = {}

    @classmethod
    def of(cls, units: Mapping[tuple[str, str], int]) -> Taken:
        """A record counting ``units`` per (SKU, place)."""
        taken = cls()
        for (sku, place), n in units.items():
            taken.add(sku, place, n)
        return taken

    def add(self, sku: str, place: str, units: int) -> None:
        """Count ``units`` of ``sku`` as taken at ``place`` (negative: arrived there)."""
        exact = self._exact
        key = (sku, place)
        n = exact[key] = exact.get(key, 0) + units
        under = self._under
        for path in _paths(place):
            key = (sku, path)
            under[key] = under.get(key, 0) + units
        if n < 0:
            self._arrived.setdefault(sku, set()).add(place)

    def give(self, warehouse: str, units: int) -> None:
        """Count ``units`` as given to ``warehouse`` by this outcome."""
        self._given[warehouse] = self._given.get(warehouse, 0) + units

    def at(self, sku: str, place: str) -> int:
        """Units of ``sku`` taken at exactly ``place``."""
        return self._exact.get((sku, place), 0)

    def under(self, sku: str, location: str) -> int:
        """Units of ``sku`` taken in ``location``'s subtree (``location`` included)."""
        return self._under.get((sku, location), 0)

    def arrived_in(self, sku: str, location: str) -> list[str]:
        """The places in ``location``'s subtree where more units of ``sku`` arrived than
        were taken (unsorted)."""
        places = self._arrived.get(sku)
        if not places:
            return []
        prefix = location + "/"
        exact = self._exact
        return [p for p in places
                if exact[(sku, p)] < 0 and (p == location or p.startswith(prefix))]  # fmt: skip

    def arrived_at(self) -> set[str]:
        """The warehouses holding a place where more units arrived than were taken."""
        exact = self._exact
        return {p.split("/", 1)[0] for sku, places in self._arrived.items() for p in places
                if exact[(sku, p)] < 0}  # fmt: skip

    def given(self, warehouse: str) -> int:
        """Units this outcome gave ``warehouse``."""
        return self._given.get(warehouse, 0)

    def merge(self, other: Taken) -> None:
        """Count everything ``other`` counts as well."""
        for (sku, place), units in other._exact.items():
            self.add(sku, place, units)
        for warehouse, units in other._given.items():
            self.give(warehouse, units)

    def copy(self) -> Taken:
        """An independent copy."""
        new = Taken()
        new.restore(self)
        return new

    def restore(self, other: Taken) -> None:
        """Become a copy of ``other`` (undo what was counted since ``other`` was copied)."""
        self._exact = dict(other._exact)
        self._under = dict(other._under)
        self._arrived = {sku: set(places) for sku, places in other._arrived.items()}
        self._given = dict(other._given)

    def entries(self) -> dict[tuple[str, str], int]:
        """Units per (SKU, place), as counted (a copy; for checks and reports)."""
        return dict(self._exact)
