"""Stock commands: what a host asks the ledger to do (define, receive, count, damage,
quarantine, scrap, move, transfer, assemble kits), as immutable values.

Every command carries an idempotency ``key`` and the time ``at`` it was given; both are
checked when the value is built, so a malformed command never exists. What the state
allows is decided later, by :mod:`invorder.domain.stock.decide`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import attrs

from invorder.domain import _checks
from invorder.domain.errors import InvalidMovementError
from invorder.domain.messages import Command
from invorder.domain.money import Money, non_negative_cost
from invorder.domain.stock.catalog import Sku, SkuId, normalize_barcode, sku_id
from invorder.domain.stock.location import LocationId, real_location
from invorder.domain.stock.movement import Bucket, Movement, to_bucket, to_target_bucket


def _movements(values: Iterable[Movement]) -> tuple[Movement, ...]:
    movements: tuple[Movement, ...] = _checks.items("movements", values, None, "Movement values")
    if not movements:
        raise InvalidMovementError("a journal entry needs at least one movement")
    for movement in movements:
        if not isinstance(movement, Movement):
            raise InvalidMovementError(f"{movement!r} is not a Movement")
    return movements


def _source(value: str) -> LocationId:
    return real_location(value, "source")


def _destination(value: str) -> LocationId:
    return real_location(value, "destination")


def _origin(value: str) -> LocationId:
    return real_location(value, "origin")


def _bucket_in(*allowed: Bucket) -> Callable[[object, attrs.Attribute[Bucket], Bucket], None]:
    def check(instance: object, attribute: attrs.Attribute[Bucket], value: Bucket) -> None:
        if value not in allowed:
            raise InvalidMovementError(
                f"{attribute.name} must be one of {[b.value for b in allowed]}, got {value!r}",
                field=attribute.name,
            )

    return check


@attrs.frozen(kw_only=True)
class DefineLocation(Command):
    """Bring a real location into use; its ancestors are defined along with it."""

    location: LocationId = attrs.field(converter=real_location)
    """The path, e.g. ``EAST/A/01``."""
    name: str = attrs.field(default="", validator=_checks.text)
    """A label for people."""


@attrs.frozen(kw_only=True)
class DefineSku(Command):
    """Add a SKU to the catalog (repeating an identical definition is harmless)."""

    sku: Sku = attrs.field(validator=_checks.instance_of(Sku))
    """The SKU with its barcodes."""


@attrs.frozen(kw_only=True)
class PostEntry(Command):
    """Post one or more movements atomically: all of them, or none."""

    movements: tuple[Movement, ...] = attrs.field(converter=_movements)
    """The postings; at least one."""
    reference: str = attrs.field(default="", validator=_checks.text)
    """The document the entry belongs to."""
    memo: str = attrs.field(default="", validator=_checks.text)
    """Free text for people."""


def _one_of_sku_or_barcode(instance: ReceiveStock, attribute: object, value: str) -> None:
    if bool(instance.sku) == bool(value):
        raise InvalidMovementError(
            "give exactly one of sku or barcode", sku=instance.sku, barcode=value
        )
    if value:
        normalize_barcode(value)  # a mistyped scan is malformed input, refused when built


@attrs.frozen(kw_only=True)
class ReceiveStock(Command):
    """Receive units from the supplier into a location, by SKU code or by scanned barcode."""

    location: LocationId = attrs.field(converter=real_location)
    """Where the units arrive."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """How many units arrived."""
    sku: str = attrs.field(default="", validator=_checks.text)
    """The SKU code (or leave empty and give ``barcode``)."""
    barcode: str = attrs.field(default="", validator=[_checks.text, _one_of_sku_or_barcode])
    """A scanned GTIN/UPC/EAN (or leave empty and give ``sku``)."""
    bucket: Bucket = attrs.field(
        default=Bucket.AVAILABLE,
        converter=to_bucket,
        validator=_bucket_in(Bucket.AVAILABLE, Bucket.QUALITY_CONTROL),
    )
    """``available``, or ``quality_control`` to inspect the units first."""
    reference: str = attrs.field(default="", validator=_checks.text)
    """The purchase order, delivery note, ..."""
    unit_cost: Money | None = attrs.field(default=None, validator=non_negative_cost)
    """What one unit cost, for valuation (``None``: valued at the current average cost)."""


@attrs.frozen(kw_only=True)
class CountStock(Command):
    """Set the available units at a location to a counted figure (cycle count).

    The difference is posted to or from the virtual adjustment location with ``reason``.
    """

    sku: SkuId = attrs.field(converter=sku_id)
    """The SKU counted."""
    location: LocationId = attrs.field(converter=real_location)
    """Where it was counted."""
    counted: int = attrs.field(validator=_checks.non_negative_quantity)
    """The units found on the shelf (zero or more)."""
    reason: str = attrs.field(default="cycle count", validator=_checks.text)
    """Why the count was taken or why it differs."""


@attrs.frozen(kw_only=True)
class _StockAtLocation(Command):
    sku: SkuId = attrs.field(converter=sku_id)
    """The SKU."""
    location: LocationId = attrs.field(converter=real_location)
    """Where the units are."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """How many units."""


@attrs.frozen(kw_only=True)
class MarkDamaged(_StockAtLocation):
    """Move available units to ``damaged`` at the same location."""

    reason: str = attrs.field(default="damaged", validator=_checks.text)
    """What happened."""


@attrs.frozen(kw_only=True)
class QuarantineStock(_StockAtLocation):
    """Move available units to ``quality_control`` at the same location."""

    reason: str = attrs.field(default="quality check", validator=_checks.text)
    """Why they are held."""


@attrs.frozen(kw_only=True)
class ReleaseQuarantine(_StockAtLocation):
    """Release units from ``quality_control`` to ``available`` (passed) or ``damaged``."""

    to: Bucket = attrs.field(
        default=Bucket.AVAILABLE,
        converter=to_target_bucket,
        validator=_bucket_in(Bucket.AVAILABLE, Bucket.DAMAGED),
    )
    """Where the inspected units go."""
    reason: str = attrs.field(default="inspected", validator=_checks.text)
    """The inspection result."""


@attrs.frozen(kw_only=True)
class ScrapStock(_StockAtLocation):
    """Write units off to the virtual scrap location."""

    bucket: Bucket = attrs.field(
        default=Bucket.DAMAGED,
        converter=to_bucket,
        validator=_bucket_in(Bucket.DAMAGED, Bucket.QUALITY_CONTROL, Bucket.AVAILABLE),
    )
    """The bucket the units are scrapped from."""
    reason: str = attrs.field(default="scrapped", validator=_checks.text)
    """Why."""


def _same_warehouse(instance: MoveStock, attribute: object, value: LocationId) -> None:
    if value.split("/", 1)[0] != instance.source.split("/", 1)[0]:
        raise InvalidMovementError(
            f"{instance.source} and {value} are in different warehouses; "
            "use a transfer (ShipTransfer / ReceiveTransfer) between warehouses",
            source=instance.source,
            destination=value,
        )
    if value == instance.source:
        raise InvalidMovementError(f"source and destination are both {value}")


@attrs.frozen(kw_only=True)
class MoveStock(Command):
    """Move units between two places of one warehouse (bin to bin, zone to zone)."""

    sku: SkuId = attrs.field(converter=sku_id)
    """The SKU."""
    source: LocationId = attrs.field(converter=_source)
    """Where the units are taken from."""
    destination: LocationId = attrs.field(converter=_destination, validator=_same_warehouse)
    """Where they are put."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """How many units."""
    bucket: Bucket = attrs.field(
        default=Bucket.AVAILABLE,
        converter=to_bucket,
        validator=_bucket_in(Bucket.AVAILABLE, Bucket.DAMAGED, Bucket.QUALITY_CONTROL),
    )
    """The bucket, the same on both sides."""


@attrs.frozen
class TransferLine:
    """A SKU and a quantity within a transfer."""

    sku: SkuId = attrs.field(converter=sku_id)
    """The SKU."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """How many units."""


def _transfer_lines(values: Iterable[TransferLine]) -> tuple[TransferLine, ...]:
    lines = _checks.items("lines", values, TransferLine, "TransferLine values")
    if not lines:
        raise InvalidMovementError("a transfer needs at least one line")
    skus = [line.sku for line in lines]
    if len(set(skus)) != len(skus):
        raise InvalidMovementError("a SKU appears on more than one line; merge the lines")
    return lines


def _different_warehouse(instance: ShipTransfer, attribute: object, value: LocationId) -> None:
    if value.split("/", 1)[0] == instance.origin.split("/", 1)[0]:
        raise InvalidMovementError(
            f"{instance.origin} and {value} are in the same warehouse; use MoveStock",
            origin=instance.origin,
            destination=value,
        )


@attrs.frozen(kw_only=True)
class ShipTransfer(Command):
    """First step of a transfer: units leave ``origin`` and are in transit to ``destination``.

    They sit in the destination's ``in_transit`` bucket (not on hand) until received.
    """

    transfer: str = attrs.field(validator=_checks.identifier)
    """The transfer id; it must be new."""
    origin: LocationId = attrs.field(converter=_origin)
    """The sending location (its ``available`` units)."""
    destination: LocationId = attrs.field(converter=_destination, validator=_different_warehouse)
    """The receiving location."""
    lines: tuple[TransferLine, ...] = attrs.field(converter=_transfer_lines)
    """What is sent."""


@attrs.frozen(kw_only=True)
class ReceiveTransfer(Command):
    """Second step of a transfer: some or all units in transit arrive at the destination."""

    transfer: str = attrs.field(validator=_checks.identifier)
    """The transfer id."""
    lines: tuple[TransferLine, ...] = attrs.field(converter=_transfer_lines)
    """What arrived (at most what is still in transit, per SKU)."""


@attrs.frozen(kw_only=True)
class CloseTransfer(Command):
    """Close a transfer; units still in transit are written off to adjustment as lost."""

    transfer: str = attrs.field(validator=_checks.identifier)
    """The transfer id."""
    reason: str = attrs.field(default="lost in transit", validator=_checks.text)
    """Why the rest is written off."""


LedgerCommand = (
    DefineLocation
    | DefineSku
    | PostEntry
    | ReceiveStock
    | CountStock
    | MarkDamaged
    | QuarantineStock
    | ReleaseQuarantine
    | ScrapStock
    | MoveStock
    | ShipTransfer
    | ReceiveTransfer
    | CloseTransfer
)
"""Any command the stock ledger accepts."""


@attrs.frozen(kw_only=True)
class AssembleKit(Command):
    """Assemble ``quantity`` kits at ``location`` from its available components."""

    sku: SkuId = attrs.field(converter=sku_id)
    """The kit SKU (it must have ``kit_components``)."""
    location: LocationId = attrs.field(converter=real_location)
    """Where the components are and the kits will be."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """Kits to assemble."""


@attrs.frozen(kw_only=True)
class DisassembleKit(Command):
    """Take ``quantity`` available kits at ``location`` apart into their components."""

    sku: SkuId = attrs.field(converter=sku_id)
    """The kit SKU."""
    location: LocationId = attrs.field(converter=real_location)
    """Where the kits are and the components will be."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """Kits to take apart."""
