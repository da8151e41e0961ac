"""The reservation kernel: ledger entries built from plain, already-checked arguments, for
decisions (orders' allocation; reserve, commit and release) that checked them at the edge.

Nothing here validates: each caller has checked its command (the public constructor ran
once, at the edge) and the rules of the decision (the reservation is new or open, the SKU
and location known); the kernel only assembles the entry."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from invorder.domain.messages import Command
from invorder.domain.reservations._slots import setters
from invorder.domain.reservations.batch import ReleaseItem, ReleaseMany, ReserveItem, ReserveMany
from invorder.domain.reservations.commands import CommitReservation, ReserveStock
from invorder.domain.reservations.reservation import Reservations
from invorder.domain.stock.catalog import SkuId
from invorder.domain.stock.events import Operation, StockPosted
from invorder.domain.stock.ledger import Ledger
from invorder.domain.stock.movement import Account, Bucket, Movement

_new = object.__new__
(_SKU, _QUANTITY, _SOURCE, _DESTINATION, _REASON, _MOVED_FOR) = setters(
    Movement, ("sku", "quantity", "source", "destination", "reason", "reference")
)
(_POSITION, _COMMAND, _OPERATION, _MOVEMENTS, _ENTRY_FOR, _MEMO, _SCHEMA) = setters(
    StockPosted, ("position", "command", "operation", "movements", "reference", "memo", "schema")
)
_CURRENT = StockPosted.SCHEMA_VERSION
_RESERVE_FIELDS = setters(ReserveStock, (
    "key", "at", "reservation", "sku", "location", "quantity", "reference", "expires_at",
    "priority", "purchase_order",
))  # fmt: skip
_COMMIT_FIELDS = setters(CommitReservation, ("key", "at", "reservation", "quantity", "reference"))
_BATCH_FIELDS = {kind: setters(kind, ("key", "at", "items")) for kind in (ReserveMany, ReleaseMany)}


def movement(
    sku: str, quantity: int, source: Account, destination: Account, reason: str, reference: str
) -> Movement:
    """A :class:`Movement` from checked values (a positive quantity, distinct accounts, a
    known SKU), assembled without re-running the validators: the hot path of reserve,
    commit and release."""
    made: Movement = _new(Movement)
    _SKU(made, sku)
    _QUANTITY(made, quantity)
    _SOURCE(made, source)
    _DESTINATION(made, destination)
    _REASON(made, reason)
    _MOVED_FOR(made, reference)
    return made


def stock_entry(
    position: int, command: Command, operation: Operation, movements: tuple[Movement, ...],
    reference: str, memo: str = "",
) -> StockPosted:  # fmt: skip
    """The :class:`StockPosted` entry with these fields, assembled slot by slot (the
    keyword constructor takes about twice as long): a decision's entry for its command."""
    made: StockPosted = _new(StockPosted)
    _POSITION(made, position)
    _COMMAND(made, command)
    _OPERATION(made, operation)
    _MOVEMENTS(made, movements)
    _ENTRY_FOR(made, reference)
    _MEMO(made, memo)
    _SCHEMA(made, _CURRENT)
    return made


def reserve_command(
    key: str, at: datetime, reservation: str, sku: str, location: str, quantity: int,
    reference: str,
) -> ReserveStock:  # fmt: skip
    """The :class:`ReserveStock` an allocation's reservation records in its entry (the log
    stores it; the reservations fold reads it), from values the order decision checked:
    no expiry, no priority, no purchase order."""
    command: ReserveStock = _new(ReserveStock)
    values = (key, at, reservation, sku, location, quantity, reference, None, 0, "")
    for put, value in zip(_RESERVE_FIELDS, values, strict=True):
        put(command, value)
    return command


def commit_command(
    key: str, at: datetime, reservation: str, quantity: int, reference: str
) -> CommitReservation:
    """The :class:`CommitReservation` a shipment's pick records when it ships (the log
    stores it), from values the shipping decision checked: the pick's reservation and
    units, the shipment as reference."""
    command: CommitReservation = _new(CommitReservation)
    for put, value in zip(_COMMIT_FIELDS, (key, at, reservation, quantity, reference),
                          strict=True):  # fmt: skip
        put(command, value)
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
    return stock_entry(position, command, Operation.RESERVE, movements, rid)


def reserve_on_shelf(
    ledger: Ledger, reservations: Reservations, command: ReserveStock,
    leaves: tuple[tuple[SkuId, int], ...], position: int,
) -> StockPosted | None:  # fmt: skip
    """The ``reserve`` entry of ``command`` (a known SKU of stocked ``leaves`` at a known
    location, no purchase order) when ``command.location`` itself holds every component:
    one movement per component from its own ``available`` to its ``reserved``; ``None``
    when some component must come from the bins inside it or from lapsed holds (the full
    decision then places the units). Balances are never below zero, so a location that
    holds the units is never short over its subtree."""
    location = command.location
    need = command.quantity
    balance = ledger.balance
    rid = command.reservation
    available, reserved = reservations.shelf(location)
    if len(leaves) == 1:  # a stocked SKU: the hot path
        leaf, per = leaves[0]
        need *= per
        if balance(leaf, location) < need:
            return None
        movements: tuple[Movement, ...] = (
            movement(leaf, need, available, reserved, "reserve", rid),
        )
    else:
        for leaf, per in leaves:
            if balance(leaf, location) < per * need:
                return None
        movements = tuple(
            movement(leaf, per * need, available, reserved, "reserve", rid) for leaf, per in leaves
        )
    return stock_entry(position, command, Operation.RESERVE, movements, rid)


def batch_part(
    command: ReserveMany | ReleaseMany, items: list[ReserveItem] | list[ReleaseItem]
) -> ReserveMany | ReleaseMany:
    """``command`` with only ``items`` (some of its own, in its order, at least one): what
    the entry carrying out a batch's accepted items records, assembled without checking
    again what the batch's constructor checked."""
    kind = type(command)
    part: ReserveMany | ReleaseMany = _new(kind)
    for put, value in zip(_BATCH_FIELDS[kind], (command.key, command.at, tuple(items)),
                          strict=True):  # fmt: skip
        put(part, value)
    return part
