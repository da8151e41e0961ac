"""Reservation commands: reserve (phase one), then commit, release or expire (phase two)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from invorder.domain import _checks
from invorder.domain.errors import ConflictingFieldsError, InvalidQuantityError
from invorder.domain.messages import Command
from invorder.domain.stock.catalog import SkuId, sku_id
from invorder.domain.stock.location import LocationId, real_location


def _optional_aware(instance: object, attribute: Any, value: Any) -> None:
    if value is not None:
        _checks.check_aware(attribute.name, value)


def _after_at(instance: ReserveStock, attribute: Any, value: datetime | None) -> None:
    if value is not None and value <= instance.at:
        raise ConflictingFieldsError("expires_at", _reservation_window(value, instance.at))


def _reservation_window(expires_at: datetime, at: datetime) -> str:
    """What is wrong with an expiry ``expires_at`` not after the command's ``at``."""
    return (
        f"{expires_at.isoformat()} is not after at ({at.isoformat()}); "
        "a reservation must be held for some time"
    )


def _priority(instance: object, attribute: Any, value: Any) -> None:
    if type(value) is not int:
        raise InvalidQuantityError(attribute.name, value, allow_zero=True)


def _optional_quantity(instance: object, attribute: Any, value: Any) -> None:
    if value is not None:
        _checks.positive_quantity(instance, attribute, value)


@attrs.frozen(kw_only=True)
class ReserveStock(Command):
    """Hold ``quantity`` units of ``sku`` at ``location`` for an order line (phase one).

    A bundle reserves all its components at the location, or none. With
    ``purchase_order`` the units are promised from that order's incoming stock (a
    pre-order); they become ordinary reserved units when received.
    """

    reservation: str = attrs.field(validator=_checks.identifier)
    """The reservation id; it must be new."""
    sku: SkuId = attrs.field(converter=sku_id)
    """The SKU (a stocked SKU or a bundle)."""
    location: LocationId = attrs.field(converter=real_location)
    """The exact location holding the units (for a pre-order, the purchase order's)."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """Units of ``sku`` to hold."""
    reference: str = attrs.field(default="", validator=_checks.text)
    """The order line (or cart) the units are held for."""
    expires_at: datetime | None = attrs.field(default=None, validator=[_optional_aware, _after_at])
    """When the hold lapses by itself (checkout carts, acceptance windows); ``None``: never."""
    priority: int = attrs.field(default=0, validator=_priority)
    """Pre-orders with a larger priority are served first when stock is received."""
    purchase_order: str = attrs.field(default="", validator=_checks.optional_identifier)
    """For a pre-order, the purchase order whose incoming units are promised."""


@attrs.frozen(kw_only=True)
class CommitReservation(Command):
    """Phase two: the held units leave (``reserved -> @customer``), all or ``quantity``."""

    reservation: str = attrs.field(validator=_checks.identifier)
    """The reservation id."""
    quantity: int | None = attrs.field(default=None, validator=_optional_quantity)
    """Units to commit; ``None`` commits everything still held."""
    reference: str = attrs.field(default="", validator=_checks.text)
    """The shipment the units leave with."""


@attrs.frozen(kw_only=True)
class ReleaseReservation(Command):
    """Give held units back (``reserved -> available``), all or ``quantity``.

    Units of a pre-order not yet received are released first.
    """

    reservation: str = attrs.field(validator=_checks.identifier)
    """The reservation id."""
    quantity: int | None = attrs.field(default=None, validator=_optional_quantity)
    """Units to release; ``None`` releases everything still held."""
    reason: str = attrs.field(default="released", validator=_checks.text)
    """Why (cancelled line, re-routed, ...)."""


@attrs.frozen(kw_only=True)
class ExpireReservations(Command):
    """Sweep: expire every open reservation whose ``expires_at`` is at or before ``at``.

    The outcome's :class:`ReservationsExpired` event says which reservations expired
    (possibly none).
    """
