"""Reservation events. Reserving, committing and releasing are ledger entries
(``StockPosted``); only a sweep of lapsed holds has an event of its own."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

import attrs

from invorder.domain.messages import Command, Event, FromCommand


@attrs.frozen(kw_only=True)
class ReservationsExpired(FromCommand):
    """Reservations that lapsed and were expired; their held units went back to available.

    It follows the ``StockPosted`` entry (operation ``expire``) that moved the units.
    """

    SCHEMA_VERSION: ClassVar[int] = 1
    position: int
    """Index of this event in the log."""
    command: Command
    """The command that produced it (a sweep, or a reservation that needed the units)."""
    reservations: tuple[str, ...]
    """The ids expired, in the order they were made."""


def expired_reservations(outcome: Iterable[Event]) -> tuple[str, ...]:
    """The reservation ids an outcome expired (from its :class:`ReservationsExpired`)."""
    ids: list[str] = []
    for event in outcome:
        if type(event) is ReservationsExpired:
            ids.extend(event.reservations)
    return tuple(ids)
