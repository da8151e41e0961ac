"""Sales channels as the log tells them, their projection, and the publish set / diff a
host pushes to a channel."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import ClassVar

import attrs

from invorder.domain.availability.events import ChannelDefined
from invorder.domain.messages import Event
from invorder.domain.stock.location import LocationId


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
    allocate_within_policy: bool = True
    """Whether its orders are allocated within the policy (see :attr:`limits_allocation`)."""
    allocate_in_waves: bool = False
    """Whether its orders wait for a wave instead of being allocated when captured."""
    await_authorisation: bool = False
    """Whether its orders are held until their payment is authorised."""
    capture_on_shipment: bool = False
    """Whether its orders' captures are bounded by the value shipped."""

    def safety_for(self, sku: str) -> int:
        """The safety stock that applies to ``sku``."""
        return self.safety_stock_by_sku.get(sku, self.safety_stock)

    @property
    def holds_back(self) -> bool:
        """True when the policy keeps something back (safety stock, a share, a maximum);
        False: the channel may sell its whole pool (never below zero)."""
        return bool(
            self.safety_stock or any(self.safety_stock_by_sku.values())
            or self.share_percent < 100 or self.share_max is not None
        )  # fmt: skip

    @property
    def limits_allocation(self) -> bool:
        """True when allocating an order from this channel must respect its policy: the
        channel holds something back (:attr:`holds_back`) and has not opted out with
        ``allocate_within_policy=False``."""
        return self.allocate_within_policy and self.holds_back

    def sellable(self, sku: str, pool: int) -> int:
        """What the channel may sell of ``sku`` out of ``pool`` units: the safety stock
        taken off (never below zero), then the share (rounded down) and the maximum."""
        after = pool - self.safety_for(sku)
        if after <= 0:
            return 0
        after = after * self.share_percent // 100
        cap = self.share_max
        return after if cap is None or after < cap else cap

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
            channel = Channel(
                channel=c.channel,
                name=c.name,
                locations=c.locations,
                safety_stock=c.safety_stock,
                safety_stock_by_sku=dict(c.safety_stock_by_sku),
                share_percent=c.share_percent,
                share_max=c.share_max,
                sell_incoming=c.sell_incoming,
                allocate_within_policy=c.allocate_within_policy,
                allocate_in_waves=c.allocate_in_waves,
                await_authorisation=c.await_authorisation,
                capture_on_shipment=c.capture_on_shipment,
            )
            self.put(channel)

    def put(self, channel: Channel) -> None:
        """Keep ``channel`` as the definition of its id (the fold and a snapshot's import
        call it)."""
        self._by_id[channel.channel] = channel


def publish_diff(
    previous: Mapping[str, int] | PublishedSet, current: Mapping[str, int] | PublishedSet
) -> dict[str, int]:
    """The quantities to push: SKUs of ``current`` whose figure differs from ``previous``,
    plus SKUs of ``previous`` no longer in ``current`` (pushed as 0), sorted by SKU. Either
    side may be a :class:`PublishedSet` (its quantities are compared) or a plain mapping.

    Pure: the host keeps the set it last pushed successfully (only it knows whether the
    marketplace accepted it) and passes it back as ``previous``.
    """
    if isinstance(previous, PublishedSet):
        previous = previous.quantities
    if isinstance(current, PublishedSet):
        current = current.quantities
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
