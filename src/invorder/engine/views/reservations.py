"""Reservation queries: one reservation by id, or the reservations a filter selects."""

from __future__ import annotations

from invorder.domain import _checks
from invorder.domain.errors import InvalidFieldError
from invorder.domain.model import State
from invorder.domain.reservations.reservation import Reservation
from invorder.domain.stock.location import is_within


def reservation(state: State, reservation: str) -> Reservation | None:
    """The reservation with this id (any status), or ``None``."""
    return state.reservations.get(_checks.lookup("reservation", reservation))


def reservations(
    state: State,
    sku: str | None,
    location: str | None,
    reference: str | None,
    open_only: bool,
) -> list[Reservation]:
    """Reservations in the order made, filtered by SKU, location subtree (where they were
    asked for, or where some of their units are placed), reference and openness."""
    for field, value in (("sku", sku), ("location", location), ("reference", reference)):
        if value is not None:
            _checks.lookup(field, value)
    if type(open_only) is not bool:
        raise InvalidFieldError("open_only", open_only, "true or false")
    return [
        r
        for r in state.reservations
        if (not open_only or r.held)
        and (sku is None or r.sku == sku)
        and (
            location is None
            or is_within(r.location, location)
            or any(is_within(place, location) for _leaf, place, _units in r.placed)
        )
        and (reference is None or r.reference == reference)
    ]
