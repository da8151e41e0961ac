"""Reservations: two-phase holds of stock for order lines and carts (reserve, then commit,
release or expire), and pre-orders against a purchase order's incoming units.

========================  =================================================================
module                    what it holds
========================  =================================================================
``commands``              ``ReserveStock``, ``CommitReservation``, ``ReleaseReservation``,
                          ``ExpireReservations``
``events``                ``ReservationsExpired`` (the other steps are ledger entries)
``reservation``           a reservation as the log tells it, and the projection of them all
``decide``                reserve, commit, release, sweep; lazy expiry of lapsed holds
========================  =================================================================

Depends on ``stock`` only: a pre-order is decided against :class:`IncomingStock`, which the
purchasing area provides.
"""

from __future__ import annotations

from invorder.domain.messages import Decision
from invorder.domain.reservations import commands as _c
from invorder.domain.reservations import decide as _d
from invorder.domain.reservations.events import ReservationsExpired
from invorder.domain.reservations.reservation import Reservations

PROJECTIONS = {"reservations": Reservations}
"""The projections this area folds, by their name in the domain state."""

DECISIONS = (
    Decision(_c.ReserveStock, _d.decide_reserve, ("ledger", "reservations", "purchases")),
    Decision(_c.CommitReservation, _d.decide_commit, ("reservations",)),
    # Released and swept units are available again: like an arrival, for waiting orders.
    Decision(_c.ReleaseReservation, _d.decide_release, ("reservations",), arrival=True),
    Decision(_c.ExpireReservations, _d.decide_sweep, ("reservations",), arrival=True),
)
"""Every reservation command, the function that decides it and what it reads."""

EVENTS: tuple[type, ...] = (ReservationsExpired,)
"""The events this area writes (besides ledger entries)."""
