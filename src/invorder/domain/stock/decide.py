"""Decisions over stock commands: each returns the event to append or raises the typed
error of the first rule the command breaks, and changes nothing.

Invariants: every entry balances per SKU, leaves no real account negative, and a refused
command writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from invorder.domain.errors import (
    BundleStockError,
    DuplicateError,
    IllegalTransitionError,
    InsufficientStockError,
    InvalidMovementError,
    NotFoundError,
    TransferOverReceiptError,
    UnknownLocationError,
    UnknownSkuError,
)
from invorder.domain.messages import Command
from invorder.domain.stock.catalog import SkuId
from invorder.domain.stock.commands import (
    CloseTransfer,
    CountStock,
    DefineLocation,
    DefineSku,
    MarkDamaged,
    MoveStock,
    PostEntry,
    QuarantineStock,
    ReceiveStock,
    ReceiveTransfer,
    ReleaseQuarantine,
    ScrapStock,
    ShipTransfer,
)
from invorder.domain.stock.events import (
    LedgerEvent,
    LocationDefined,
    Operation,
    SkuDefined,
    StockPosted,
)
from invorder.domain.stock.ledger import Ledger
from invorder.domain.stock.location import ADJUSTMENT, SCRAP, SUPPLIER
from invorder.domain.stock.movement import Account, Bucket, Movement
from invorder.domain.stock.transfer import Transfer


def decide(ledger: Ledger, command: Command, position: int) -> LedgerEvent:
    """Decide a ledger command against ``ledger``: the event to append at ``position``.

    Pure: raises a typed :class:`~invorder.InvorderError` and changes nothing when the
    command is refused (see :mod:`invorder.domain.errors` for the precedence).
    """
    handler = _HANDLERS.get(type(command))
    if handler is None:
        raise TypeError(f"not a command invorder knows: {command!r}")
    return handler(ledger, command, position)


def check_entry(ledger: Ledger, movements: Iterable[Movement]) -> None:
    """Check that ``movements`` can be posted together; raise the first rule they break.

    References first (every SKU, then every location, in order), then balances: the net
    change of each real account must leave it at zero or more.
    """
    movements = tuple(movements)
    known = ledger.catalog.stocked_codes()
    has_location = ledger.has_location
    outgoing: dict[tuple[str, str, Bucket], int] = {}
    for movement in movements:
        sku = movement.sku
        source = movement.source
        location = source.location
        if (
            sku not in known
            or not has_location(location)
            or not has_location(movement.destination.location)
        ):
            check_references(ledger, movements)  # raises the first unknown reference
        if location[0] != "@":
            key = (sku, location, source.bucket)
            if key in outgoing:
                outgoing[key] += movement.quantity
            else:
                outgoing[key] = movement.quantity
    if not outgoing:
        return
    balance = ledger.balance
    for (code, place, bucket), taken in outgoing.items():
        have = balance(code, place, bucket)
        if taken > have:
            # Units coming into the same account within the entry count too; summed only
            # when the balance alone is not enough, which keeps the common case one pass.
            for movement in movements:
                destination = movement.destination
                if (
                    movement.sku == code
                    and destination.location == place
                    and destination.bucket is bucket
                ):
                    have += movement.quantity
            if taken > have:
                raise InsufficientStockError(code, place, bucket.value, taken, have)


def check_references(ledger: Ledger, movements: tuple[Movement, ...]) -> None:
    """Raise :class:`UnknownSkuError` for the first unknown SKU of ``movements`` (or
    :class:`BundleStockError` for a bundle, which holds no stock of its own), then
    :class:`UnknownLocationError` for the first unknown location (source before destination).
    """
    catalog = ledger.catalog
    for movement in movements:
        defined = catalog.get(movement.sku)
        if defined is None:
            raise UnknownSkuError(movement.sku)
        if defined.components:
            raise BundleStockError(movement.sku)
    for movement in movements:
        for account in (movement.source, movement.destination):
            if not ledger.has_location(account.location):
                raise UnknownLocationError(account.location)


def _entry(
    ledger: Ledger,
    command: Command,
    position: int,
    operation: Operation,
    movements: tuple[Movement, ...],
    reference: str = "",
    memo: str = "",
) -> StockPosted:
    check_entry(ledger, movements)
    return StockPosted(
        position=position,
        command=command,
        operation=operation,
        movements=movements,
        reference=reference,
        memo=memo,
    )


def _define_location(ledger: Ledger, command: DefineLocation, position: int) -> LocationDefined:
    existing = ledger.locations.get(command.location)
    if existing is not None and command.name and existing.name and existing.name != command.name:
        raise DuplicateError("location", command.location, f"named {existing.name!r}")
    return LocationDefined(position=position, command=command)


def _define_sku(ledger: Ledger, command: DefineSku, position: int) -> SkuDefined:
    ledger.catalog.check_new(command.sku)
    return SkuDefined(position=position, command=command)


def _post_entry(ledger: Ledger, command: PostEntry, position: int) -> StockPosted:
    for movement in command.movements:
        if Bucket.RESERVED in (movement.source.bucket, movement.destination.bucket):
            # The reserved bucket must always equal the open reservations.
            raise InvalidMovementError(
                "the reserved bucket changes only through reservations "
                "(ReserveStock, CommitReservation, ReleaseReservation)",
                sku=movement.sku,
            )
    return _entry(
        ledger, command, position, Operation.POST, command.movements,
        command.reference, command.memo,
    )  # fmt: skip


def _receive(ledger: Ledger, command: ReceiveStock, position: int) -> StockPosted:
    sku = command.sku or ledger.catalog.lookup(command.barcode)
    movement = Movement(
        sku=SkuId(sku),
        quantity=command.quantity,
        source=Account(SUPPLIER, Bucket.AVAILABLE),
        destination=Account(command.location, command.bucket),
        reason="receipt",
        reference=command.reference,
    )
    return _entry(ledger, command, position, Operation.RECEIVE, (movement,), command.reference)


def _count(ledger: Ledger, command: CountStock, position: int) -> StockPosted:
    movements, memo = count_movements(ledger, command)
    reserved = ledger.balance(command.sku, command.location, Bucket.RESERVED)
    if command.counted < reserved:
        # The ledger alone cannot record it: the orders area's decision cuts reservations.
        available = ledger.balance(command.sku, command.location)
        raise InsufficientStockError(command.sku, command.location, Bucket.AVAILABLE.value,
                                     available + reserved - command.counted, available)  # fmt: skip
    return _entry(ledger, command, position, Operation.COUNT, movements, memo=memo)


def count_movements(ledger: Ledger, command: CountStock) -> tuple[tuple[Movement, ...], str]:
    """The movement a count posts (the difference from what the bin should hold, available
    plus reserved, to or from ``@adjustment``) and the entry's memo; the typed error for an
    unknown SKU, a bundle or an unknown location."""
    defined = ledger.catalog.get(command.sku)
    if defined is None:
        raise UnknownSkuError(command.sku)
    if defined.components:
        raise BundleStockError(command.sku)
    if not ledger.has_location(command.location):
        raise UnknownLocationError(command.location)
    shelf = Account(command.location, Bucket.AVAILABLE)
    adjustment = Account(ADJUSTMENT, Bucket.AVAILABLE)
    expected = ledger.balance(command.sku, command.location) + ledger.balance(
        command.sku, command.location, Bucket.RESERVED
    )
    difference = command.counted - expected
    movements: tuple[Movement, ...] = ()
    if difference:
        source, destination = (adjustment, shelf) if difference > 0 else (shelf, adjustment)
        movements = (
            Movement(
                sku=command.sku,
                quantity=abs(difference),
                source=source,
                destination=destination,
                reason=command.reason,
            ),
        )
    return movements, f"counted {command.counted}, expected {expected}"


def _within_location(
    ledger: Ledger,
    command: MarkDamaged | QuarantineStock | ReleaseQuarantine,
    position: int,
    operation: Operation,
    source: Bucket,
    destination: Bucket,
) -> StockPosted:
    movement = Movement(
        sku=command.sku,
        quantity=command.quantity,
        source=Account(command.location, source),
        destination=Account(command.location, destination),
        reason=command.reason,
    )
    return _entry(ledger, command, position, operation, (movement,))


def _damage(ledger: Ledger, command: MarkDamaged, position: int) -> StockPosted:
    return _within_location(
        ledger, command, position, Operation.DAMAGE, Bucket.AVAILABLE, Bucket.DAMAGED
    )


def _quarantine(ledger: Ledger, command: QuarantineStock, position: int) -> StockPosted:
    return _within_location(
        ledger, command, position, Operation.QUARANTINE, Bucket.AVAILABLE, Bucket.QUALITY_CONTROL
    )


def _release_quarantine(ledger: Ledger, command: ReleaseQuarantine, position: int) -> StockPosted:
    return _within_location(
        ledger, command, position, Operation.RELEASE_QUARANTINE,
        Bucket.QUALITY_CONTROL, command.to,
    )  # fmt: skip


def _scrap(ledger: Ledger, command: ScrapStock, position: int) -> StockPosted:
    movement = Movement(
        sku=command.sku,
        quantity=command.quantity,
        source=Account(command.location, command.bucket),
        destination=Account(SCRAP, Bucket.AVAILABLE),
        reason=command.reason,
    )
    return _entry(ledger, command, position, Operation.SCRAP, (movement,))


def _move(ledger: Ledger, command: MoveStock, position: int) -> StockPosted:
    movement = Movement(
        sku=command.sku,
        quantity=command.quantity,
        source=Account(command.source, command.bucket),
        destination=Account(command.destination, command.bucket),
        reason="move",
    )
    return _entry(ledger, command, position, Operation.MOVE, (movement,))


def _ship_transfer(ledger: Ledger, command: ShipTransfer, position: int) -> StockPosted:
    movements = tuple(
        Movement(
            sku=line.sku,
            quantity=line.quantity,
            source=Account(command.origin, Bucket.AVAILABLE),
            destination=Account(command.destination, Bucket.IN_TRANSIT),
            reason="transfer out",
            reference=command.transfer,
        )
        for line in command.lines
    )
    check_references(ledger, movements)  # references before state rules (see errors.py)
    if command.transfer in ledger.transfers:
        raise DuplicateError("transfer", command.transfer, "a transfer id is used once")
    return _entry(ledger, command, position, Operation.TRANSFER_SHIP, movements, command.transfer)


def _open_transfer(ledger: Ledger, transfer_id: str, action: str) -> Transfer:
    transfer = ledger.transfers.get(transfer_id)
    if transfer is None:
        raise NotFoundError("transfer", transfer_id)
    if transfer.closed:
        raise IllegalTransitionError("transfer", transfer_id, "closed", action)
    return transfer


def _receive_transfer(ledger: Ledger, command: ReceiveTransfer, position: int) -> StockPosted:
    for line in command.lines:
        if line.sku not in ledger.catalog:  # references before state rules (see errors.py)
            raise UnknownSkuError(line.sku)
    transfer = _open_transfer(ledger, command.transfer, "receive")
    movements = []
    for line in command.lines:
        status = transfer.line(line.sku)
        in_transit = status.in_transit if status is not None else 0
        if line.quantity > in_transit:
            raise TransferOverReceiptError(command.transfer, line.sku, line.quantity, in_transit)
        movements.append(
            Movement(
                sku=line.sku,
                quantity=line.quantity,
                source=Account(transfer.destination, Bucket.IN_TRANSIT),
                destination=Account(transfer.destination, Bucket.AVAILABLE),
                reason="transfer in",
                reference=command.transfer,
            )
        )
    return _entry(
        ledger, command, position, Operation.TRANSFER_RECEIVE, tuple(movements), command.transfer
    )


def _close_transfer(ledger: Ledger, command: CloseTransfer, position: int) -> StockPosted:
    transfer = _open_transfer(ledger, command.transfer, "close")
    movements = tuple(
        Movement(
            sku=line.sku,
            quantity=line.in_transit,
            source=Account(transfer.destination, Bucket.IN_TRANSIT),
            destination=Account(ADJUSTMENT, Bucket.AVAILABLE),
            reason=command.reason,
            reference=command.transfer,
        )
        for line in transfer.lines
        if line.in_transit
    )
    return _entry(ledger, command, position, Operation.TRANSFER_CLOSE, movements, command.transfer)


_HANDLERS: dict[type[Command], Callable[[Ledger, Any, int], LedgerEvent]] = {
    DefineLocation: _define_location,
    DefineSku: _define_sku,
    PostEntry: _post_entry,
    ReceiveStock: _receive,
    CountStock: _count,
    MarkDamaged: _damage,
    QuarantineStock: _quarantine,
    ReleaseQuarantine: _release_quarantine,
    ScrapStock: _scrap,
    MoveStock: _move,
    ShipTransfer: _ship_transfer,
    ReceiveTransfer: _receive_transfer,
    CloseTransfer: _close_transfer,
}
