"""Which SKUs' availability an event may change: what a publish diff and the channel feed
recompute after it, instead of every SKU of the catalog."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import cast

from invorder.domain.availability.events import ChannelDefined
from invorder.domain.messages import Event
from invorder.domain.reservations.batch import ReleaseMany, ReserveMany
from invorder.domain.reservations.events import ReservationsExpired
from invorder.domain.reservations.reservation import Reservations
from invorder.domain.stock.catalog import Catalog
from invorder.domain.stock.events import LocationDefined, SkuDefined, StockPosted

_BATCHES = (ReserveMany, ReleaseMany)


def touch(event: Event, reservations: Reservations, touched: set[str]) -> bool:
    """Add to ``touched`` the stocked SKUs whose ATP ``event`` may change (read after it is
    folded: its reservations are looked up in ``reservations``); ``False`` when every SKU's
    may (a channel or a location defined)."""
    kind = type(event)
    if kind is StockPosted:
        assert isinstance(event, StockPosted)
        touched.update(m.sku for m in event.movements)
        command = event.command
        if type(command) in _BATCHES:
            # A batch's entry: its items' reservations (a pre-order's have no movement).
            for item in cast("ReserveMany | ReleaseMany", command).items:
                _add_reservation(reservations, item.reservation, touched)
        else:
            _add_reservation(reservations, event.reference, touched)
    elif kind is ReservationsExpired:
        assert isinstance(event, ReservationsExpired)
        for rid in event.reservations:
            _add_reservation(reservations, rid, touched)
    elif kind is SkuDefined:
        assert isinstance(event, SkuDefined)
        touched.add(event.sku.code)
    elif kind is ChannelDefined or kind is LocationDefined:
        return False
    return True


def lapsed_between(
    reservations: Reservations, start: datetime, end: datetime, touched: set[str]
) -> None:
    """Add to ``touched`` the SKUs of the reservations that lapse after ``start`` and by
    ``end``: their units count as free from then on, with no event."""
    for r in reservations.due(end):
        assert r.expires_at is not None
        if r.expires_at > start:
            touched.update(leaf for leaf, _per in r.leaves)


def with_bundles(catalog: Catalog, skus: Iterable[str]) -> set[str]:
    """``skus`` and every bundle made of any of them."""
    found = set(skus)
    for sku in list(found):
        found.update(catalog.bundles_using(sku))
    return found


def _add_reservation(reservations: Reservations, rid: str, touched: set[str]) -> None:
    r = reservations.get(rid)
    if r is not None:
        touched.update(leaf for leaf, _per in r.leaves)
