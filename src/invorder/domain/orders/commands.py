"""Order commands: capture, holds, allocation, cancellation; picking, packing and shipping
a shipment; opening and receiving a return (RMA). Validated when built."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, ClassVar

import attrs

from invorder.domain import _checks
from invorder.domain.errors import (
    CasePackError,
    ConflictingFieldsError,
    CurrencyMismatchError,
    EmptyOrderError,
    InvalidFieldError,
    InvalidListError,
)
from invorder.domain.messages import Command
from invorder.domain.orders.ids import (
    ChannelId,
    CustomerId,
    OrderId,
    OrderKind,
    as_channel_id,
    as_customer_id,
    as_order_id,
)
from invorder.domain.orders.ship_to import ShippingMethod, ShipTo
from invorder.domain.orders.values import (
    HoldReason,
    LineItem,
    LineQuantity,
    Package,
    PaymentStatus,
    PickCount,
    ReturnedUnits,
    WholesaleTerms,
)
from invorder.domain.stock.location import LocationId, real_location


def _items(value: Iterable[LineItem]) -> tuple[LineItem, ...]:
    items = _checks.items("lines", value, LineItem, "LineItem values")
    # No line at all is EmptyOrderError, raised once the order's id is known.
    _checks.named_once("lines", (item.line_id for item in items), "line id",
                       "line ids are unique within an order", required=False)  # fmt: skip
    return items


def _optional_time(instance: object, attribute: Any, value: Any) -> None:
    if value is not None:
        _checks.check_aware(attribute.name, value)


def _holds(value: Iterable[str]) -> tuple[str, ...]:
    holds: tuple[str, ...] = _checks.items("holds", value, None, "hold names")
    for hold in holds:
        _checks.check_identifier("holds", hold)
    return tuple(dict.fromkeys(holds))


MAX_ATTRIBUTES = 50
"""The most host attributes one order carries."""


def _attributes(
    value: Mapping[str, str] | Iterable[tuple[str, str]],
) -> tuple[tuple[str, str], ...]:
    pairs = _checks.pairs("attributes", value, "(name, value)")
    if len(pairs) > MAX_ATTRIBUTES:
        raise InvalidListError("attributes", f"{len(pairs)} given; at most {MAX_ATTRIBUTES}")
    for n, (name, text) in enumerate(pairs):
        _checks.check_identifier(f"attributes[{n}] name", name)
        if type(text) is not str:
            raise InvalidFieldError(f"attributes[{name}]", text, "a string")
    _checks.named_once("attributes", (name for name, _ in pairs), "", "give it once",
                       required=False)  # fmt: skip
    return tuple(sorted((name, text) for name, text in pairs))


_KIND = _checks.one_of(OrderKind, "kind")
_SHIPPING_METHOD = _checks.one_of(ShippingMethod, "shipping_method")
_PAYMENT = _checks.one_of(PaymentStatus, "payment")


def _kind(value: object) -> OrderKind:
    return _KIND(value)


def _shipping_method(value: object) -> ShippingMethod:
    return _SHIPPING_METHOD(value)


def _payment(value: object) -> PaymentStatus:
    return _PAYMENT(value)


@attrs.frozen(kw_only=True)
class CaptureOrder(Command):
    """Take an order in from a channel. Idempotent by ``(channel, external_id)``: the same
    content again changes nothing; other content raises
    :class:`~invorder.errors.OrderConflictError`.

    Validated when built: at least one line, positive quantities, one currency, aware
    times, and for wholesale the case packs and minimums. Captured without holds, the
    order is allocated at once.
    """

    ADDED: ClassVar[tuple[str, ...]] = ("customer_tier", "attributes")
    """Fields added after logs were written: left out of the JSON while at their default."""

    order: OrderId = attrs.field(converter=as_order_id)
    """The order id (new)."""
    channel: ChannelId = attrs.field(converter=as_channel_id)
    """The channel it came from."""
    external_id: str = attrs.field(validator=_checks.identifier)
    """The channel's own id of the order."""
    kind: OrderKind = attrs.field(converter=_kind)
    """DTC, marketplace or wholesale."""
    lines: tuple[LineItem, ...] = attrs.field(converter=_items)
    """What was bought."""
    customer: CustomerId = attrs.field(default=CustomerId("anonymous"), converter=as_customer_id)
    """Who bought it."""
    customer_tier: str = attrs.field(default="standard", validator=_checks.identifier)
    """The customer's tier (``"standard"``, ``"gold"``, ...): routing conditions such as
    ``when(tier="gold", ...)`` read it."""
    ship_to: ShipTo = attrs.field(factory=ShipTo, validator=_checks.instance_of(ShipTo))
    """Where it goes."""
    shipping_method: ShippingMethod = attrs.field(
        default=ShippingMethod.STANDARD, converter=_shipping_method
    )
    """How fast it travels."""
    ship_by: datetime | None = attrs.field(default=None, validator=_optional_time)
    """The latest time it must leave (the cutoff), if promised."""
    priority: int = attrs.field(default=0, validator=_checks.integer)
    """Host priority, larger first."""
    payment: PaymentStatus = attrs.field(default=PaymentStatus.PAID, converter=_payment)
    """Payment status; ``pending`` captures the order on a payment hold."""
    holds: tuple[str, ...] = attrs.field(default=(), converter=_holds)
    """Holds to place at capture (fraud review, address problem, host reasons)."""
    attributes: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_attributes)
    """Host data about the order a routing rule may read (tags, a customer segment, a
    tier), given as a mapping or (name, value) pairs and kept sorted by name: at most
    :data:`MAX_ATTRIBUTES`, names follow the identifier rule, values are text. Part of the
    order's content, like every field but ``key`` and ``at``."""
    wholesale: WholesaleTerms | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(_checks.instance_of(WholesaleTerms)),
    )
    """Wholesale terms; required for a wholesale order, refused for the others."""

    def __attrs_post_init__(self) -> None:
        if not self.lines:
            raise EmptyOrderError(self.order)
        currencies = sorted({i.unit_price.currency for i in self.lines if i.unit_price})
        if len(currencies) > 1:
            raise CurrencyMismatchError("mix in one order", currencies[0], currencies[1])
        if (self.kind is OrderKind.WHOLESALE) != (self.wholesale is not None):
            given = "given" if self.wholesale is not None else "missing"
            raise ConflictingFieldsError(
                "wholesale",
                f"terms {given} for kind {self.kind.value!r}; wholesale terms go with a "
                "wholesale order and only with one",
            )
        if self.wholesale is not None:
            packs = dict(self.wholesale.case_packs)
            minimums = dict(self.wholesale.minimums)
            for item in self.lines:
                pack = packs.get(item.sku)
                if pack is not None and item.quantity % pack:
                    raise CasePackError(item.line_id, item.sku, item.quantity, pack, "case pack")
                least = minimums.get(item.sku)
                if least is not None and item.quantity < least:
                    raise CasePackError(item.line_id, item.sku, item.quantity, least, "minimum")

    @property
    def initial_holds(self) -> tuple[str, ...]:
        """The holds the order starts with: payment, manual approval, then those given."""
        if (
            self.payment is not PaymentStatus.PENDING
            and not self.holds
            and (self.wholesale is None or not self.wholesale.manual_approval)
        ):
            return ()
        holds: list[str] = []
        if self.payment is PaymentStatus.PENDING:
            holds.append(HoldReason.PAYMENT_PENDING)
        if self.wholesale is not None and self.wholesale.manual_approval:
            holds.append(HoldReason.MANUAL_APPROVAL)
        holds.extend(self.holds)
        return tuple(str(h) for h in dict.fromkeys(holds))


@attrs.frozen(kw_only=True)
class PlaceHold(Command):
    """Hold an order: it is not allocated (again) while any hold remains."""

    order: OrderId = attrs.field(converter=as_order_id)
    """The order."""
    reason: str = attrs.field(validator=_checks.identifier)
    """A :class:`HoldReason` value or a host-defined reason."""


@attrs.frozen(kw_only=True)
class ReleaseHold(Command):
    """Lift one hold; lifting the last one allocates the order."""

    order: OrderId = attrs.field(converter=as_order_id)
    """The order."""
    reason: str = attrs.field(validator=_checks.identifier)
    """The hold to lift."""


@attrs.frozen(kw_only=True)
class AllocateOrder(Command):
    """Ask the routing rule again for the order's unallocated and backordered units."""

    order: OrderId = attrs.field(converter=as_order_id)
    """The order."""
    split: bool = attrs.field(default=False, validator=_checks.boolean)
    """True: allocate what can be had now even if the order ships complete (told
    otherwise by a person)."""


@attrs.frozen(kw_only=True)
class AllocateBackorders(Command):
    """Stock arrived: allocate backordered units of every order not on hold, in priority
    order (by default ship-by, shipping method speed, marketplace before DTC before
    wholesale, then age)."""

    sku: str = attrs.field(default="", validator=_checks.text)
    """Only lines of this SKU; empty for every SKU."""


def line_quantities(value: Iterable[LineQuantity]) -> tuple[LineQuantity, ...]:
    """attrs converter: a tuple of line quantities naming each line once (the command says
    why an empty list is refused)."""
    lines = _checks.items("lines", value, LineQuantity, "LineQuantity values")
    # CancelLines says why an empty list is refused.
    _checks.named_once("lines", (line.line_id for line in lines), "line", "merge the quantities",
                       required=False)  # fmt: skip
    return lines


@attrs.frozen(kw_only=True)
class CancelOrder(Command):
    """Cancel every unit of the order not shipped yet; reservations are released."""

    order: OrderId = attrs.field(converter=as_order_id)
    """The order."""
    reason: str = attrs.field(default="cancelled", validator=_checks.text)
    """Why."""


@attrs.frozen(kw_only=True)
class CancelLines(Command):
    """Cancel quantities of some lines (never shipped units: those are returns)."""

    order: OrderId = attrs.field(converter=as_order_id)
    """The order."""
    lines: tuple[LineQuantity, ...] = attrs.field(converter=line_quantities)
    """Units to cancel per line."""
    reason: str = attrs.field(default="cancelled", validator=_checks.text)
    """Why."""

    def __attrs_post_init__(self) -> None:
        if not self.lines:
            raise InvalidListError("lines", "no line given; name at least one line to cancel")


def _rma(value: Any) -> str:
    _checks.check_identifier("rma", value)
    return str(value)


def _expected_lines(value: Iterable[LineQuantity]) -> tuple[LineQuantity, ...]:
    lines = _checks.items("lines", value, LineQuantity, "LineQuantity values")
    _checks.named_once("lines", (line.line_id for line in lines), "line", "name each line once")
    return lines


@attrs.frozen(kw_only=True)
class OpenReturn(Command):
    """Open an RMA for shipped units of an order."""

    rma: str = attrs.field(converter=_rma)
    """The RMA id (new)."""
    order: OrderId = attrs.field(converter=as_order_id)
    """The order."""
    lines: tuple[LineQuantity, ...] = attrs.field(converter=_expected_lines)
    """Units expected back per line."""
    reason: str = attrs.field(default="", validator=_checks.text)
    """Why the customer returns them."""


def _received(value: Iterable[ReturnedUnits]) -> tuple[ReturnedUnits, ...]:
    units = _checks.items("lines", value, ReturnedUnits, "ReturnedUnits values")
    if not units:
        raise InvalidListError("lines", "no line given; a receipt names at least one line")
    return units


@attrs.frozen(kw_only=True)
class ReceiveReturn(Command):
    """Units of an RMA arrived at ``location`` (possibly only some of them)."""

    rma: str = attrs.field(converter=_rma)
    """The RMA."""
    location: LocationId = attrs.field(converter=real_location)
    """Where they arrived (a bin)."""
    lines: tuple[ReturnedUnits, ...] = attrs.field(converter=_received)
    """What arrived, per line and disposition."""


def _shipment(value: Any) -> str:
    _checks.check_identifier("shipment", value)
    return str(value)


@attrs.frozen(kw_only=True)
class StartPicking(Command):
    """Start picking an open shipment."""

    shipment: str = attrs.field(converter=_shipment)
    """The shipment."""


def _counts(value: Iterable[PickCount]) -> tuple[PickCount, ...]:
    counts = _checks.items("counts", value, PickCount, "PickCount values")
    _checks.named_once("counts", (_counted(c) for c in counts), "pick",
                       "give each pick's count once")  # fmt: skip
    everywhere = {c.reservation for c in counts if not c.component}
    everywhere |= {f"{c.reservation} {c.component}" for c in counts
                   if c.component and not c.location}  # fmt: skip
    for c in counts:
        if c.component and (c.reservation in everywhere or (
                c.location and f"{c.reservation} {c.component}" in everywhere)):  # fmt: skip
            raise InvalidListError("counts", f"pick {c.reservation!r} is counted twice over "
                                   f"({c.component} in {c.location or 'every bin'}); count "
                                   f"its units, or each component once per bin")  # fmt: skip
    return counts


def _counted(count: PickCount) -> str:
    """What a count counts: a pick, or a component of it (in a bin, or in every bin)."""
    if not count.component:
        return count.reservation
    return f"{count.reservation} {count.component} {count.location or 'in every bin'}"


@attrs.frozen(kw_only=True)
class RecordPick(Command):
    """Report picks found short; the missing units are written off at the bin and go back
    to allocation (another location, or backorder)."""

    shipment: str = attrs.field(converter=_shipment)
    """The shipment being picked."""
    counts: tuple[PickCount, ...] = attrs.field(converter=_counts)
    """Units found per pick; picks not named were found in full."""


def _packages(value: Iterable[Package]) -> tuple[Package, ...]:
    packages: tuple[Package, ...] = _checks.items("packages", value, None, "Package values")
    if not packages:
        raise InvalidListError("packages", "no package given; a packed shipment has at least one")
    for n, package in enumerate(packages):
        if not isinstance(package, Package):
            raise InvalidFieldError(f"packages[{n}]", package, "a Package")
    return packages


@attrs.frozen(kw_only=True)
class PackShipment(Command):
    """Record the packages of a shipment being picked."""

    shipment: str = attrs.field(converter=_shipment)
    """The shipment."""
    packages: tuple[Package, ...] = attrs.field(factory=lambda: (Package(),), converter=_packages)
    """Its packages."""


@attrs.frozen(kw_only=True)
class ShipShipment(Command):
    """The carrier took a packed shipment: its reservations are committed."""

    shipment: str = attrs.field(converter=_shipment)
    """The shipment."""
    carrier: str = attrs.field(validator=_checks.identifier)
    """The carrier."""
    tracking: str = attrs.field(default="", validator=_checks.text)
    """The tracking number."""
