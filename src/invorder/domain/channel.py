"""Sales channels and their availability policies (which locations feed them, safety
stock, share caps, selling incoming stock), and the publish set / diff a host pushes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, ClassVar

import attrs

from invorder.domain import _checks
from invorder.domain.catalog import SkuId, sku_id
from invorder.domain.commands import Command, _real_location
from invorder.domain.errors import (
    InvalidPolicyError,
    InvalidQuantityError,
    UnknownLocationError,
    UnknownSkuError,
)
from invorder.domain.events import Event, FromCommand
from invorder.domain.ledger import Ledger
from invorder.domain.location import LocationId, is_within


def _locations(values: Iterable[str]) -> tuple[LocationId, ...]:
    if isinstance(values, str):
        values = (values,)
    locations = tuple(sorted({_real_location(value) for value in values}))
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
    pairs = values.items() if isinstance(values, Mapping) else values
    result: dict[SkuId, int] = {}
    for sku, quantity in pairs:
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
    """

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
    sell_incoming: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))
    """True if the channel may sell units still incoming on purchase orders (pre-orders)."""


@attrs.frozen(kw_only=True)
class ChannelDefined(FromCommand):
    """A channel was defined or its policy replaced."""

    SCHEMA_VERSION: ClassVar[int] = 1
    position: int
    """Index of this event in the log."""
    command: DefineChannel
    """The command that produced it (it holds the policy)."""


@attrs.frozen
class Channel:
    """A channel's availability policy, as last defined."""

    channel: str
    """The channel id."""
    name: str
    """A label for people."""
    locations: tuple[LocationId, ...]
    """The feeding locations."""
    safety_stock: int
    """Default safety stock per SKU."""
    safety_stock_by_sku: Mapping[str, int] = attrs.field(eq=False, repr=False)
    """Per-SKU safety stock overrides."""
    share_percent: int
    """Share of ATP shown, percent."""
    share_max: int | None
    """Maximum units per SKU, or ``None``."""
    sell_incoming: bool
    """Whether incoming stock counts."""

    def safety_for(self, sku: str) -> int:
        """The safety stock that applies to ``sku``."""
        return self.safety_stock_by_sku.get(sku, self.safety_stock)

    def cap(self, pool: int) -> tuple[int, int]:
        """For ``pool`` units left once safety stock is taken off: the figure after the
        share (rounded down) and the figure after the maximum as well."""
        shared = pool * self.share_percent // 100
        capped = shared if self.share_max is None else min(shared, self.share_max)
        return shared, capped


class Channels:
    """The channels projection: the current policy of every channel."""

    FOLDS: ClassVar[frozenset[type]] = frozenset({ChannelDefined})
    """The event types :meth:`apply` folds (others leave it unchanged)."""

    __slots__ = ("_by_id",)

    def __init__(self) -> None:
        self._by_id: dict[str, Channel] = {}

    def get(self, channel: str) -> Channel | None:
        """The channel, or ``None``."""
        return self._by_id.get(channel)

    def __iter__(self) -> Iterator[Channel]:
        return iter(self._by_id.values())

    def apply(self, event: Event) -> None:
        """Fold one event (only ``ChannelDefined`` matters)."""
        if type(event) is ChannelDefined:
            assert isinstance(event, ChannelDefined)
            c = event.command
            self._by_id[c.channel] = Channel(
                channel=c.channel,
                name=c.name,
                locations=c.locations,
                safety_stock=c.safety_stock,
                safety_stock_by_sku=dict(c.safety_stock_by_sku),
                share_percent=c.share_percent,
                share_max=c.share_max,
                sell_incoming=c.sell_incoming,
            )


def decide_define(ledger: Ledger, command: DefineChannel, position: int) -> ChannelDefined:
    """Accept a channel policy whose locations and SKUs exist (unknown SKU first)."""
    for sku, _quantity in command.safety_stock_by_sku:
        if sku not in ledger.catalog:
            raise UnknownSkuError(sku)
    for location in command.locations:
        if not ledger.has_location(location):
            raise UnknownLocationError(location)
    return ChannelDefined(position=position, command=command)


def publish_diff(previous: Mapping[str, int], current: Mapping[str, int]) -> dict[str, int]:
    """The quantities to push: SKUs of ``current`` whose figure differs from ``previous``,
    plus SKUs of ``previous`` no longer in ``current`` (pushed as 0), sorted by SKU.

    Pure: the host keeps the set it last pushed successfully (only it knows whether the
    marketplace accepted it) and passes it back as ``previous``.
    """
    changed = {sku: qty for sku, qty in current.items() if previous.get(sku) != qty}
    for sku in previous:
        if sku not in current:
            changed[sku] = 0
    return dict(sorted(changed.items()))


@attrs.frozen
class PublishedSet:
    """The channel ATP of every SKU as computed at one log position and time.

    Pass it back to ``Engine.publish_diff`` to get only what changed since: the engine then
    recomputes just the SKUs the log touched after ``position`` (and those whose
    reservations lapsed between ``at`` and the new time).
    """

    channel: str
    """The channel."""
    position: int
    """How many events of the log the figures include."""
    at: datetime
    """The time the figures are for."""
    quantities: Mapping[str, int]
    """Channel ATP per SKU, in catalog order."""
