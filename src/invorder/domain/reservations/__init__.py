"""Reservations: two-phase holds of stock for order lines and carts (reserve, then commit,
release or expire), and pre-orders against a purchase order's incoming units.

========================  =================================================================
module                    what it holds
========================  =================================================================
``commands``              ``ReserveStock``, ``CommitReservation``, ``ReleaseReservation``,
                          ``ExpireReservations``
``batch``                 ``ReserveMany`` and ``ReleaseMany``, and their items
``events``                ``ReservationsExpired``, ``ItemsRefused`` (the other steps are
                          ledger entries); ``batch_results`` reads a batch's outcome
``reservation``           a reservation as the log tells it, and the projection of them all
``decide``                reserve, commit, release, sweep; lazy expiry of lapsed holds
``decide_batch``          a batch's items, each decided as its single command would be
``taking``                the bins (and lapsed holds) a reservation takes its units from
========================  =================================================================

Depends on ``stock`` only: a pre-order is decided against :class:`IncomingStock`, which the
purchasing area provides.
"""

from __future__ import annotations

from invorder.domain.messages import Decision
from invorder.domain.reservations import batch as _b
from invorder.domain.reservations import commands as _c
from invorder.domain.reservations import decide as _d
from invorder.domain.reservations import decide_batch as _db
from invorder.domain.reservations.events import ItemsRefused, ReservationsExpired
from invorder.domain.reservations.reservation import Reservations

PROJECTIONS = {"reservations": Reservations}
"""The projections this area folds, by their name in the domain state."""

DECISIONS = (
    Decision(_c.ReserveStock, _d.decide_reserve, ("ledger", "reservations", "purchases")),
    Decision(_c.CommitReservation, _d.decide_commit, ("reservations",)),
    # Released and swept units are available again: like an arrival, for waiting orders.
    Decision(_c.ReleaseReservation, _d.decide_release, ("reservations",), arrival=True),
    Decision(_c.ExpireReservations, _d.decide_sweep, ("reservations",), arrival=True),
    Decision(_b.ReserveMany, _db.decide_reserve_many, ("ledger", "reservations", "purchases")),
    # The model gives it, after the reservations, the check that refuses an order's own.
    Decision(_b.ReleaseMany, _db.decide_release_many, ("reservations",), arrival=True),
)
"""Every reservation command, the function that decides it and what it reads."""

EVENTS: tuple[type, ...] = (ReservationsExpired, ItemsRefused)
"""The events this area writes (besides ledger entries)."""
