"""Buckets, accounts and movements: the atoms of the double-entry ledger."""

from __future__ import annotations

import enum

import attrs

from invorder.domain import _checks
from invorder.domain.errors import InvalidFieldError, InvalidMovementError
from invorder.domain.stock.catalog import SkuId, sku_id
from invorder.domain.stock.location import LocationId, is_virtual, location_id


class Bucket(enum.StrEnum):
    """The state of units at a location."""

    AVAILABLE = "available"
    """Sellable, not promised to anyone."""
    RESERVED = "reserved"
    """Held for an order line (see reservations)."""
    DAMAGED = "damaged"
    """Physically there, not sellable."""
    QUALITY_CONTROL = "quality_control"
    """Quarantined until inspected."""
    INCOMING = "incoming"
    """Expected on a purchase order, not yet received (not on hand)."""
    IN_TRANSIT = "in_transit"
    """Shipped from another location towards this one (not on hand)."""


PHYSICAL_BUCKETS: tuple[Bucket, ...] = (
    Bucket.AVAILABLE,
    Bucket.RESERVED,
    Bucket.DAMAGED,
    Bucket.QUALITY_CONTROL,
)
"""The buckets whose units are on the shelf; together they make ``on_hand``."""


_as_bucket = _checks.one_of(Bucket, "bucket")
_as_target = _checks.one_of(Bucket, "to")


def to_target_bucket(value: str) -> Bucket:
    """:func:`to_bucket` for a field named ``to`` (the bucket units go to): its errors name
    ``to``."""
    return value if type(value) is Bucket else _as_target(value)


def to_bucket(value: str) -> Bucket:
    """Convert a bucket name (``"available"``) or member to a :class:`Bucket`; anything else
    raises :class:`~invorder.errors.InvalidFieldError` listing the buckets."""
    return value if type(value) is Bucket else _as_bucket(value)


@attrs.frozen
class Account:
    """One side of a movement: a (location, bucket) pair.

    Accounts at real locations never go negative; accounts at virtual locations (supplier,
    customer, ...) take the other side of flows in and out of the business and may.
    """

    location: LocationId = attrs.field(converter=location_id)
    """The location path."""
    bucket: Bucket = attrs.field(default=Bucket.AVAILABLE, converter=to_bucket)
    """The bucket at that location."""

    @property
    def is_virtual(self) -> bool:
        """True when the location is virtual (the account may go negative)."""
        return is_virtual(self.location)

    def __str__(self) -> str:
        return f"{self.location}[{self.bucket.value}]"


def _account(instance: Movement, attribute: attrs.Attribute[Account], value: Account) -> None:
    # The common exact-type case decided without a call.
    if type(value) is not Account and not isinstance(value, Account):
        raise InvalidFieldError(attribute.name, value, "an Account")


def _destination(instance: Movement, attribute: attrs.Attribute[Account], value: Account) -> None:
    _account(instance, attribute, value)
    source = instance.source
    # Account equality written out (same class, same fields): one call less per movement.
    if (
        value.__class__ is source.__class__
        and value.location == source.location
        and value.bucket == source.bucket
    ):
        raise InvalidMovementError(
            f"source and destination are the same account ({value}); nothing would move",
            account=str(value),
        )


@attrs.frozen(kw_only=True)
class Movement:
    """One double-entry posting: ``quantity`` units of ``sku`` leave ``source`` for
    ``destination``.

    A movement belongs to a journal entry (:class:`~invorder.domain.stock.events.StockPosted`),
    which carries its time, idempotency key and log position. Invariants: the quantity is a
    positive integer; source and destination differ.
    """

    sku: SkuId = attrs.field(converter=sku_id)
    """The SKU that moves."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """How many units (a positive integer)."""
    source: Account = attrs.field(validator=_account)
    """The account the units leave."""
    destination: Account = attrs.field(validator=_destination)
    """The account the units join."""
    reason: str = attrs.field(default="", validator=_checks.text)
    """Why the units moved (``"receipt"``, ``"cycle count"``, ...)."""
    reference: str = attrs.field(default="", validator=_checks.text)
    """What the movement belongs to: a purchase order, transfer, order line, ..."""


_MOVEMENT_SLOTS = tuple(
    getattr(Movement, name).__set__
    for name in ("sku", "quantity", "source", "destination", "reason", "reference")
)


def trusted_movement(
    sku: SkuId, quantity: int, source: Account, destination: Account, reason: str, reference: str
) -> Movement:
    """A :class:`Movement` from values its reader has already checked (a store reading back
    what it wrote): nothing is checked again. Each field is set through its slot, the way
    the class's own ``__init__`` would, without the checks."""
    movement = object.__new__(Movement)
    set_sku, set_quantity, set_source, set_destination, set_reason, set_reference = _MOVEMENT_SLOTS
    set_sku(movement, sku)
    set_quantity(movement, quantity)
    set_source(movement, source)
    set_destination(movement, destination)
    set_reason(movement, reason)
    set_reference(movement, reference)
    return movement
