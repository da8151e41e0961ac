"""Decisions on batch commands: many reservations (:class:`ReserveMany`) or releases
(:class:`ReleaseMany`) in one decision, each item decided as its single command would be,
in order, against the state the earlier items leave.

The outcome, in log order: :class:`ItemsRefused` if some item was refused (it carries the
batch as given, so a repeat of the key is compared with it); the sweep of the lapsed holds
the reservations needed (``expire`` entry and :class:`ReservationsExpired`), if any; then
one ledger entry (``reserve`` or ``release``) for every item carried out, whose command is
the batch with those items only. A batch whose items are all refused is the one
:class:`ItemsRefused` record: an outcome, not an exception.
"""

from __future__ import annotations

from collections.abc import Callable

from invorder.domain.errors import InvorderError, UnknownLocationError
from invorder.domain.messages import Event
from invorder.domain.reservations.batch import ReleaseItem, ReleaseMany, ReserveItem, ReserveMany
from invorder.domain.reservations.decide import check_new, expire, release_movements
from invorder.domain.reservations.events import ItemsRefused, RefusedItem
from invorder.domain.reservations.kernel import batch_part, stock_entry
from invorder.domain.reservations.reservation import Reservations
from invorder.domain.reservations.taking import (
    EarlierItems,
    IncomingStock,
    promise_incoming,
    take_units,
)
from invorder.domain.stock.events import Operation
from invorder.domain.stock.ledger import Ledger
from invorder.domain.stock.movement import Movement


def decide_reserve_many(
    ledger: Ledger,
    reservations: Reservations,
    incoming: IncomingStock,
    command: ReserveMany,
    position: int,
) -> tuple[Event, ...]:
    """The events for ``command`` (see the module): each item reserved as
    :func:`~invorder.domain.reservations.decide.decide_reserve` would reserve it, with the
    same precedence of errors, or refused with the error it would get."""
    earlier = EarlierItems()
    at = command.at
    done: list[ReserveItem] = []
    refused: list[RefusedItem] = []
    movements: list[Movement] = []
    for n, item in enumerate(command.items):
        try:
            check_new(reservations, item.reservation)
            leaves = ledger.catalog.leaves(item.sku)  # UnknownSkuError for an unknown SKU
            if not ledger.has_location(item.location):
                raise UnknownLocationError(item.location)
            if item.purchase_order:
                promise_incoming(reservations, incoming, earlier, item.purchase_order,
                                 item.sku, item.location, item.quantity, at)  # fmt: skip
            else:
                movements.extend(take_units(ledger, reservations, earlier, item.reservation,
                                            item.location, item.quantity, leaves, at))  # fmt: skip
        except InvorderError as error:
            refused.append(RefusedItem.of(n, item.reservation, error))
            continue
        done.append(item)
    return _outcome(reservations, command, position, earlier, refused, done,
                    Operation.RESERVE, movements)  # fmt: skip


def decide_release_many(
    reservations: Reservations,
    refuse_owned: Callable[[str], None],
    command: ReleaseMany,
    position: int,
) -> tuple[Event, ...]:
    """The events for ``command`` (see the module): each item released as
    :func:`~invorder.domain.reservations.decide.decide_release` would release it, or refused
    with the error it would get. ``refuse_owned`` raises for a reservation an order owns (its
    units are freed through the order), as a single release is refused: the domain model
    gives it (reservations do not read orders)."""
    refused: list[RefusedItem] = []
    done: list[ReleaseItem] = []
    movements: list[Movement] = []
    at = command.at
    for n, item in enumerate(command.items):
        try:
            refuse_owned(item.reservation)
            moved = release_movements(reservations, item.reservation, item.quantity,
                                      item.reason, at)  # fmt: skip
        except InvorderError as error:
            refused.append(RefusedItem.of(n, item.reservation, error))
            continue
        movements.extend(moved)
        done.append(item)
    return _outcome(reservations, command, position, EarlierItems(), refused, done,
                    Operation.RELEASE, movements)  # fmt: skip


def _outcome(
    reservations: Reservations, command: ReserveMany | ReleaseMany, position: int,
    earlier: EarlierItems, refused: list[RefusedItem], done: list[ReserveItem] | list[ReleaseItem],
    operation: Operation, movements: list[Movement],
) -> tuple[Event, ...]:  # fmt: skip
    events: list[Event] = []
    if refused:
        events.append(ItemsRefused(position=position, command=command, items=tuple(refused)))
    if earlier.due:
        events.extend(expire(reservations, earlier.due, command, position + len(events)))
    if done:
        part = batch_part(command, done) if refused else command
        events.append(stock_entry(position + len(events), part, operation, tuple(movements), ""))
    return tuple(events)
