"""Taking an allocation's units bin by bin: the bins of a warehouse that may give a SKU,
in bin-path order, and the units each gives after what the outcome already took."""

from __future__ import annotations

from collections.abc import Iterator

from invorder.domain.orders.taken import Taken
from invorder.domain.stock.catalog import SkuId
from invorder.domain.stock.ledger import Ledger


def bins(ledger: Ledger, leaf: str, location: str, taken: Taken) -> list[str]:
    """The locations in ``location``'s subtree that may give units of stocked ``leaf``,
    sorted: those holding it, and those an arrival of this outcome (a negative ``taken``)
    puts it in (for a bundle, its first leaf: a location holding none of it can give no
    unit of the bundle)."""
    found = ledger.holding(leaf, location)
    arrived = taken.arrived_in(leaf, location)
    if arrived:
        found = sorted({*found, *arrived})
    return found


def bin_units(
    ledger: Ledger, leaves: tuple[tuple[SkuId, int], ...], place: str, taken: Taken
) -> int:
    """Units of the SKU made of ``leaves`` that exactly ``place`` can give after ``taken``."""
    return min((ledger.balance(leaf, place) - taken.at(leaf, place)) // per
               for leaf, per in leaves)  # fmt: skip


def takes(
    ledger: Ledger, leaves: tuple[tuple[SkuId, int], ...], location: str, taken: Taken, n: int
) -> Iterator[tuple[str, int, list[tuple[SkuId, str, int]]]]:
    """Up to ``n`` units of the SKU made of ``leaves`` from ``location``'s bins in bin-path
    order, each counted in ``taken`` as it is given: per place, the units and the
    (component, bin, units) they take. A bundle whose components lie in different bins
    then gives the rest in one place, ``location``, each component from its bins."""
    if len(leaves) == 1 and leaves[0][1] == 1:
        yield from _takes_one(ledger, leaves[0][0], location, taken, n)
        return
    for place in bins(ledger, leaves[0][0], location, taken):
        if not n:
            return
        take = min(n, bin_units(ledger, leaves, place, taken))
        if take > 0:
            n -= take
            spread = [(leaf, place, per * take) for leaf, per in leaves]
            _take(taken, spread)
            yield place, take, spread
    if n and len(leaves) > 1:
        take, spread = _spread(ledger, leaves, location, taken, n)
        if take:
            _take(taken, spread)
            yield location, take, spread


def _takes_one(
    ledger: Ledger, leaf: SkuId, location: str, taken: Taken, n: int
) -> Iterator[tuple[str, int, list[tuple[SkuId, str, int]]]]:
    """:func:`takes` for one unit of one stocked SKU (most SKUs), without the loops over
    components."""
    balance, at = ledger.balance, taken.at
    for place in bins(ledger, leaf, location, taken):
        if not n:
            return
        take = min(n, balance(leaf, place) - at(leaf, place))
        if take > 0:
            n -= take
            taken.add(leaf, place, take)
            yield place, take, [(leaf, place, take)]


def _take(taken: Taken, spread: list[tuple[SkuId, str, int]]) -> None:
    """Count the (component, bin, units) of ``spread`` as taken."""
    for leaf, b, units in spread:
        taken.add(leaf, b, units)


def _spread(
    ledger: Ledger, leaves: tuple[tuple[SkuId, int], ...], warehouse: str, taken: Taken, n: int
) -> tuple[int, list[tuple[SkuId, str, int]]]:
    """Up to ``n`` units of the bundle made of ``leaves`` from ``warehouse``'s bins, each
    component from the bins that hold it in bin-path order, after ``taken``: the units, and
    the (component, bin, units) they take."""
    free: dict[SkuId, list[tuple[str, int]]] = {}
    units = n
    for leaf, per in leaves:
        rows = [(b, ledger.balance(leaf, b) - taken.at(leaf, b))
                for b in bins(ledger, leaf, warehouse, taken)]  # fmt: skip
        free[leaf] = [(b, k) for b, k in rows if k > 0]
        units = min(units, sum(k for _, k in free[leaf]) // per)
    spread: list[tuple[SkuId, str, int]] = []
    if units:
        for leaf, per in leaves:
            need = per * units
            for b, k in free[leaf]:
                if not need:
                    break
                spread.append((leaf, b, min(need, k)))
                need -= min(need, k)
    return units, spread
