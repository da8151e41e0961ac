"""Availability commands: define a sales channel and its policy (which locations feed it,
safety stock, share caps, selling incoming stock)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import attrs

from invorder.domain import _checks
from invorder.domain.errors import InvalidPolicyError, InvalidQuantityError
from invorder.domain.messages import Command
from invorder.domain.stock.catalog import SkuId, sku_id
from invorder.domain.stock.location import LocationId, is_within, real_location


def _locations(values: Iterable[str]) -> tuple[LocationId, ...]:
    if isinstance(values, str):
        values = (values,)
    given: tuple[str, ...] = _checks.items("locations", values, None, "locations")
    locations = tuple(sorted({real_location(value) for value in given}))
    if not locations:
        raise InvalidPolicyError("a channel needs at least one location to feed it")
    for a in locations:
        for b in locations:
            if a != b and is_within(a, b):
                raise InvalidPolicyError(
                    f"{a} lies inside {b}; name each location once (its subtree is included)",
                    location=a,
                    within=b,
                )
    return locations


def _safety_by_sku(
    values: Mapping[str, int] | Iterable[tuple[str, int]],
) -> tuple[tuple[SkuId, int], ...]:
    result: dict[SkuId, int] = {}
    for sku, quantity in _checks.pairs("safety_stock_by_sku", values, "(SKU, units)"):
        if type(quantity) is not int or quantity < 0:
            raise InvalidQuantityError(f"safety_stock_by_sku[{sku!r}]", quantity, allow_zero=True)
        result[sku_id(sku)] = quantity
    return tuple(sorted(result.items()))


def _percent(instance: object, attribute: Any, value: Any) -> None:
    if type(value) is not int or not 0 <= value <= 100:
        raise InvalidPolicyError(
            f"share_percent must be a whole percentage from 0 to 100, got {value!r}",
            value=value,
        )


def _optional_cap(instance: object, attribute: Any, value: Any) -> None:
    if value is not None:
        _checks.non_negative_quantity(instance, attribute, value)


@attrs.frozen(kw_only=True)
class DefineChannel(Command):
    """Define a channel or replace its availability policy.

    Channel ATP for a SKU is built as: the ATP of every feeding location added up (plus
    unpromised incoming stock if ``sell_incoming``), minus the safety stock (never below
    zero), then capped: ``share_percent`` of it rounded down, and at most ``share_max``.
    Orders from the channel are allocated within the same policy unless
    ``allocate_within_policy`` is False.
    """

    ADDED: ClassVar[tuple[str, ...]] = (
        "allocate_within_policy", "allocate_in_waves", "await_authorisation",
        "capture_on_shipment",
    )  # fmt: skip
    """Fields added after logs were written: left out of the JSON while at their default."""

    channel: str = attrs.field(validator=_checks.identifier)
    """The channel id (``shopify``, ``amazon``, ...)."""
    locations: tuple[LocationId, ...] = attrs.field(converter=_locations)
    """The locations (with their subtrees) whose stock the channel may sell; not nested."""
    name: str = attrs.field(default="", validator=_checks.text)
    """A label for people."""
    safety_stock: int = attrs.field(default=0, validator=_checks.non_negative_quantity)
    """Units of every SKU held back from this channel."""
    safety_stock_by_sku: tuple[tuple[SkuId, int], ...] = attrs.field(
        default=(), converter=_safety_by_sku
    )
    """Per-SKU safety stock replacing the default (a mapping or pairs; stored sorted)."""
    share_percent: int = attrs.field(default=100, validator=_percent)
    """The share of the remaining ATP the channel may show, rounded down."""
    share_max: int | None = attrs.field(default=None, validator=_optional_cap)
    """At most this many units per SKU; ``None``: no maximum."""
    sell_incoming: bool = attrs.field(default=False, validator=_checks.boolean)
    """True if the channel may sell units still incoming on purchase orders (pre-orders)."""
    allocate_within_policy: bool = attrs.field(default=True, validator=_checks.boolean)
    """True (the default): an order from this channel is allocated no more of a SKU than the
    channel's policy (safety stock, share, maximum) lets it sell from the shelf at that
    moment; False lets its orders dip into what the policy holds back (a wholesale portal
    served from safety stock, say)."""
    allocate_in_waves: bool = attrs.field(default=False, validator=_checks.boolean)
    """True: an order from this channel is not allocated when captured (or when its last
    hold is released); it waits, unallocated, for the next wave (``AllocateWave``)."""
    await_authorisation: bool = attrs.field(default=False, validator=_checks.boolean)
    """True: an order from this channel (unless on payment terms) is captured on a payment
    hold (``payment_pending``), and the provider's authorisation of its total
    (:class:`~invorder.RecordAuthorisation`) releases the hold and allocates it."""
    capture_on_shipment: bool = attrs.field(default=False, validator=_checks.boolean)
    """True: an order from this channel is captured as it ships: a capture may not exceed
    the value shipped (at line prices), and :meth:`~invorder.Engine.payment` tells the
    amount due for capture."""
