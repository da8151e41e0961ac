"""Where a reservation's received units are: the (stocked SKU, bin, units) rows its fold
keeps, and the index keys of a reservation that may lapse."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from invorder.domain.stock.catalog import SkuId
from invorder.domain.stock.location import LocationId, ancestors_of
from invorder.domain.stock.movement import Bucket, Movement

Placed = tuple[tuple[SkuId, LocationId, int], ...]
"""Held units per (stocked SKU, bin), sorted by bin then SKU, none empty."""


def index_keys(
    location: str, leaves: Iterable[tuple[SkuId, int]], placed: Placed
) -> list[tuple[str, str]]:
    """The (stocked SKU, location) keys a reservation with an expiry is indexed under, each
    once, in a fixed order: the ``location`` it was asked for and the bins its units are
    ``placed`` at, with their ancestors."""
    keys: dict[tuple[str, str], None] = {}
    stocked = [leaf for leaf, _per in leaves]
    for path in (location, *ancestors_of(location)):
        for leaf in stocked:
            keys[(leaf, path)] = None
    for leaf, b, _n in placed:
        for path in (b, *ancestors_of(b)):
            keys[(leaf, path)] = None
    return list(keys)


def placed_after(placed: Placed, movements: Sequence[Movement], sign: int) -> Placed:
    """``placed`` with ``movements`` into (``sign`` 1) or out of (-1) the reserved bucket
    applied, per (stocked SKU, bin), sorted by bin then SKU, without empty rows."""
    if len(movements) == 1 and len(placed) <= 1:
        # One SKU in one bin (most reservations): the fold's hot path.
        m = movements[0]
        account = m.destination if sign > 0 else m.source
        if account.bucket is Bucket.RESERVED:
            if not placed:
                return ((m.sku, account.location, m.quantity),) if sign > 0 else placed
            leaf, place, n = placed[0]
            if leaf == m.sku and place == account.location:
                n += sign * m.quantity
                return ((leaf, place, n),) if n else ()
    units: dict[tuple[SkuId, LocationId], int] = {(leaf, b): n for leaf, b, n in placed}
    for m in movements:
        account = m.destination if sign > 0 else m.source
        if account.bucket is Bucket.RESERVED:
            key = (m.sku, account.location)
            units[key] = units.get(key, 0) + sign * m.quantity
    return tuple(sorted(((leaf, b, n) for (leaf, b), n in units.items() if n),
                        key=lambda row: (row[1], row[0])))  # fmt: skip
