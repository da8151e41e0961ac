"""The reservation kernel: ledger entries built from plain, already-checked arguments, for
decisions (orders' allocation; reserve, commit and release) that checked them at the edge."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from invorder.domain.reservations.commands import CommitReservation, ReserveStock
from invorder.domain.reservations.reservation import Reservations
from invorder.domain.stock.events import Operation, StockPosted
from invorder.domain.stock.movement import Account, Bucket, Movement

_new = object.__new__
_set = object.__setattr__


def movement(
    sku: str, quantity: int, source: Account, destination: Account, reason: str, reference: str
) -> Movement:
    """A :class:`Movement` from checked values (a positive quantity, distinct accounts, a
    known SKU), assembled without re-running the validators: the hot path of reserve,
    commit and release."""
    made: Movement = _new(Movement)
    _set(made, "sku", sku)
    _set(made, "quantity", quantity)
    _set(made, "source", source)
    _set(made, "destination", destination)
    _set(made, "reason", reason)
    _set(made, "reference", reference)
    return made


def reserve_command(
    key: str, at: datetime, reservation: str, sku: str, location: str, quantity: int,
    reference: str,
) -> ReserveStock:  # fmt: skip
    """The :class:`ReserveStock` an allocation's reservation records in its entry (the log
    stores it; the reservations fold reads it), from values the order decision checked:
    no expiry, no priority, no purchase order."""
    command: ReserveStock = _new(ReserveStock)
    _set(command, "key", key)
    _set(command, "at", at)
    _set(command, "reservation", reservation)
    _set(command, "sku", sku)
    _set(command, "location", location)
    _set(command, "quantity", quantity)
    _set(command, "reference", reference)
    _set(command, "expires_at", None)
    _set(command, "priority", 0)
    _set(command, "purchase_order", "")
    return command


def commit_command(
    key: str, at: datetime, reservation: str, quantity: int, reference: str
) -> CommitReservation:
    """The :class:`CommitReservation` a shipment's pick records when it ships (the log
    stores it), from values the shipping decision checked: the pick's reservation and
    units, the shipment as reference."""
    command: CommitReservation = _new(CommitReservation)
    _set(command, "key", key)
    _set(command, "at", at)
    _set(command, "reservation", reservation)
    _set(command, "quantity", quantity)
    _set(command, "reference", reference)
    return command


def reserve_counted(
    reservations: Reservations, command: ReserveStock,
    spread: Iterable[tuple[str, str, int]], position: int,
) -> StockPosted:  # fmt: skip
    """The ``reserve`` entry of ``command`` for units a decision already counted per
    (component, bin, units) in ``spread``, against the balances and the arrivals of its
    own outcome (which :func:`~invorder.domain.reservations.decide.decide_reserve` would
    not see, as they are not folded yet)."""
    rid = command.reservation
    account = reservations.account
    movements = tuple(
        movement(leaf, units, account(place, Bucket.AVAILABLE),
                 account(place, Bucket.RESERVED), "reserve", rid)
        for leaf, place, units in spread
    )  # fmt: skip
    return StockPosted(position=position, command=command, operation=Operation.RESERVE,
                       movements=movements, reference=rid)  # fmt: skip
