"""Batch reservation commands: many reservations, or many releases, in one command (one
decision, one append), each item with its own outcome."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeVar

import attrs

from invorder.domain import _checks
from invorder.domain.errors import ConflictingFieldsError, InvalidFieldError, InvalidListError
from invorder.domain.messages import Command
from invorder.domain.reservations.commands import (
    _optional_aware,
    _optional_quantity,
    _priority,
    _reservation_window,
)
from invorder.domain.stock.catalog import SkuId, sku_id
from invorder.domain.stock.location import LocationId, real_location

MAX_ITEMS = 10_000
"""The most items one batch command may hold (a bigger batch is split by the host: one
command is one decision and one append)."""


@attrs.frozen(kw_only=True)
class ReserveItem:
    """One reservation of a :class:`ReserveMany`: what a
    :class:`~invorder.ReserveStock` holds besides its key and time, checked the same way."""

    reservation: str = attrs.field(validator=_checks.identifier)
    """The reservation id; it must be new (and named once in the batch)."""
    sku: SkuId = attrs.field(converter=sku_id)
    """The SKU (a stocked SKU or a bundle)."""
    location: LocationId = attrs.field(converter=real_location)
    """The exact location holding the units (for a pre-order, the purchase order's)."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """Units of ``sku`` to hold."""
    reference: str = attrs.field(default="", validator=_checks.text)
    """The order line (or cart) the units are held for."""
    expires_at: datetime | None = attrs.field(default=None, validator=_optional_aware)
    """When the hold lapses by itself; ``None``: never. It must be after the batch's ``at``."""
    priority: int = attrs.field(default=0, validator=_priority)
    """Pre-orders with a larger priority are served first when stock is received."""
    purchase_order: str = attrs.field(default="", validator=_checks.optional_identifier)
    """For a pre-order, the purchase order whose incoming units are promised."""


@attrs.frozen(kw_only=True)
class ReleaseItem:
    """One release of a :class:`ReleaseMany`: what a :class:`~invorder.ReleaseReservation`
    holds besides its key and time, checked the same way."""

    reservation: str = attrs.field(validator=_checks.identifier)
    """The reservation id (named once in the batch)."""
    quantity: int | None = attrs.field(default=None, validator=_optional_quantity)
    """Units to release; ``None`` releases everything still held."""
    reason: str = attrs.field(default="released", validator=_checks.text)
    """Why (cancelled line, re-routed, ...)."""


Item = TypeVar("Item", ReserveItem, ReleaseItem)


def _items(kind: type[Item], value: Iterable[Item]) -> tuple[Item, ...]:
    """``value`` as a tuple of ``kind`` items: at least one, at most :data:`MAX_ITEMS`, each
    reservation id once; else the typed error of the first rule it breaks."""
    items: tuple[Item, ...] = _checks.items("items", value, None, kind.__name__)
    if len(items) > MAX_ITEMS:
        raise InvalidListError(
            "items", f"{len(items):,} given; a batch holds at most {MAX_ITEMS:,}: split it"
        )
    for n, item in enumerate(items):
        if type(item) is not kind:
            raise InvalidFieldError(f"items[{n}]", item, f"a {kind.__name__}")
    _checks.named_once("items", (item.reservation for item in items), "reservation",
                       "each item names its own reservation")  # fmt: skip
    return items


def _reserve_items(value: Iterable[ReserveItem]) -> tuple[ReserveItem, ...]:
    return _items(ReserveItem, value)


def _release_items(value: Iterable[ReleaseItem]) -> tuple[ReleaseItem, ...]:
    return _items(ReleaseItem, value)


def _expiries(instance: ReserveMany, attribute: Any, value: tuple[ReserveItem, ...]) -> None:
    for n, item in enumerate(value):
        if item.expires_at is not None and item.expires_at <= instance.at:
            raise ConflictingFieldsError(
                f"items[{n}].expires_at", _reservation_window(item.expires_at, instance.at)
            )


@attrs.frozen(kw_only=True)
class ReserveMany(Command):
    """Many reservations in one command: one decision and one append, each item decided as
    a :class:`~invorder.ReserveStock` of the same key and time would be, in the order given,
    against the state the earlier items left.

    Each item has its own outcome: reserved, or refused with the typed error a single
    reservation would get (insufficient stock, unknown SKU or location, the id taken, ...).
    A batch whose items are all refused is still an outcome, not an exception; only a
    malformed command (no item, more than :data:`MAX_ITEMS`, an id twice, an item that
    does not validate) raises, before anything is written. Read the outcome per item with
    :func:`~invorder.events.batch_results`.
    """

    items: tuple[ReserveItem, ...] = attrs.field(converter=_reserve_items, validator=_expiries)
    """The reservations to make, in the order they are decided."""


@attrs.frozen(kw_only=True)
class ReleaseMany(Command):
    """Many releases in one command: one decision and one append, each item decided as a
    :class:`~invorder.ReleaseReservation` of the same key and time would be, in the order
    given.

    Each item has its own outcome: released, or refused with the typed error a single
    release would get (unknown reservation, already resolved, lapsed, more units than it
    holds, held for an order). A batch whose items are all refused is still an outcome, not
    an exception; only a malformed command raises, before anything is written. Waiting
    backorders are served once, after the whole batch. Read the outcome per item with
    :func:`~invorder.events.batch_results`.
    """

    items: tuple[ReleaseItem, ...] = attrs.field(converter=_release_items)
    """The releases to make, in the order they are decided."""
