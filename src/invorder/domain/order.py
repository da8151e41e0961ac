"""Orders: what a customer bought, as commands, events and a projection whose statuses are
derived from line quantities, never stored apart from them.

Invariants of every :class:`OrderLine` (checked by property and state-machine tests):
``ordered == allocated + backordered + cancelled + unallocated`` with every term >= 0,
``shipped <= allocated`` and ``returned <= shipped``; :attr:`OrderLine.status` is a
function of those quantities alone.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs

from invorder.domain import _checks
from invorder.domain.catalog import SkuId, sku_id
from invorder.domain.commands import Command
from invorder.domain.errors import (
    CasePackError,
    CurrencyMismatchError,
    EmptyOrderError,
    InvalidQuantityError,
    ValidationError,
)
from invorder.domain.money import Money
from invorder.domain.party import ChannelId, CustomerId, LineId, OrderId, OrderKind
from invorder.domain.shipping import ShippingMethod, ShipTo

# --- values given with a capture -------------------------------------------------------------


class HoldReason(enum.StrEnum):
    """The standard hold reasons; a host may use any other non-empty reason text."""

    PAYMENT_PENDING = "payment_pending"
    """Payment not yet confirmed (placed automatically when captured unpaid)."""
    MANUAL_APPROVAL = "manual_approval"
    """A wholesale order that a person must approve (placed automatically)."""
    FRAUD_REVIEW = "fraud_review"
    """Fraud screening flagged it."""
    ADDRESS_PROBLEM = "address_problem"
    """The ship-to address needs fixing."""


class PaymentStatus(enum.StrEnum):
    """Whether the order is paid; an unpaid capture is held for payment."""

    PAID = "paid"
    """Payment captured or authorised."""
    PENDING = "pending"
    """Waiting for payment."""
    ON_TERMS = "on_terms"
    """Wholesale: invoiced on payment terms (not a reason to hold)."""


def _line_id(value: Any) -> LineId:
    return LineId(_ident("line_id", value))


def _order_id(value: Any) -> OrderId:
    return OrderId(_ident("order", value))


def _channel_id(value: Any) -> ChannelId:
    return ChannelId(_ident("channel", value))


def _customer_id(value: Any) -> CustomerId:
    return CustomerId(_ident("customer", value))


@attrs.frozen
class LineItem:
    """One line as captured: a SKU, a positive quantity and a unit price."""

    line_id: LineId = attrs.field(converter=_line_id)
    """Unique within the order."""
    sku: SkuId = attrs.field(converter=sku_id)
    """The SKU ordered."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """Units ordered (positive)."""
    unit_price: Money = attrs.field(validator=attrs.validators.instance_of(Money))
    """Price of one unit."""


def _ident(field: str, value: Any) -> str:
    _checks.check_identifier(field, value)
    return str(value)


def _pairs(value: Iterable[tuple[str, int]]) -> tuple[tuple[SkuId, int], ...]:
    pairs = value.items() if isinstance(value, dict) else value
    result = []
    for sku, quantity in pairs:
        if type(quantity) is not int or quantity <= 0:
            raise InvalidQuantityError(f"case pack of {sku!r}", quantity)
        result.append((sku_id(sku), quantity))
    return tuple(sorted(result))


@attrs.frozen(kw_only=True)
class WholesaleTerms:
    """What a wholesale order adds: payment terms, price list, packs and how it ships."""

    payment_terms_days: int = attrs.field(default=30, validator=_checks.non_negative_quantity)
    """Net days (30 for "net 30"): the invoice is due this many days after capture."""
    price_list: str = attrs.field(default="", validator=_checks.text)
    """The customer's price list."""
    case_packs: tuple[tuple[SkuId, int], ...] = attrs.field(default=(), converter=_pairs)
    """Per SKU, the case size: quantities must be a multiple of it."""
    minimums: tuple[tuple[SkuId, int], ...] = attrs.field(default=(), converter=_pairs)
    """Per SKU, the minimum quantity per line."""
    ship_complete: bool = attrs.field(default=True, validator=attrs.validators.instance_of(bool))
    """True: one complete shipment, never split; the order waits until it can."""
    manual_approval: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))
    """True: captured on hold until a person approves it."""


def _items(value: Iterable[LineItem]) -> tuple[LineItem, ...]:
    items = tuple(value)
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, LineItem):
            raise ValidationError(f"lines must be LineItem values, got {item!r}", field="lines")
        if item.line_id in seen:
            raise ValidationError(
                f"line id {item.line_id!r} appears twice; line ids are unique within an order",
                field="lines",
                line_id=item.line_id,
            )
        seen.add(item.line_id)
    return items


def _optional_aware(instance: object, attribute: Any, value: Any) -> None:
    if value is not None:
        _checks.check_aware(attribute.name, value)


def _holds(value: Iterable[str]) -> tuple[str, ...]:
    holds = tuple(value)
    for hold in holds:
        _checks.check_identifier("holds", hold)
    return tuple(dict.fromkeys(holds))


@attrs.frozen(kw_only=True)
class CaptureOrder(Command):
    """Take an order in from a channel. Idempotent by ``(channel, external_id)``: the same
    content again changes nothing; other content raises
    :class:`~invorder.OrderConflictError`.

    Validated when built: at least one line, positive quantities, one currency, aware
    times, and for wholesale the case packs and minimums. Captured without holds, the
    order is allocated at once.
    """

    order: OrderId = attrs.field(converter=_order_id)
    """The order id (new)."""
    channel: ChannelId = attrs.field(converter=_channel_id)
    """The channel it came from."""
    external_id: str = attrs.field(validator=_checks.identifier)
    """The channel's own id of the order."""
    kind: OrderKind = attrs.field(validator=attrs.validators.instance_of(OrderKind))
    """DTC, marketplace or wholesale."""
    lines: tuple[LineItem, ...] = attrs.field(converter=_items)
    """What was bought."""
    customer: CustomerId = attrs.field(default=CustomerId("anonymous"), converter=_customer_id)
    """Who bought it."""
    ship_to: ShipTo = attrs.field(factory=ShipTo, validator=attrs.validators.instance_of(ShipTo))
    """Where it goes."""
    shipping_method: ShippingMethod = attrs.field(
        default=ShippingMethod.STANDARD, validator=attrs.validators.instance_of(ShippingMethod)
    )
    """How fast it travels."""
    ship_by: datetime | None = attrs.field(default=None, validator=_optional_aware)
    """The latest time it must leave (the cutoff), if promised."""
    priority: int = attrs.field(default=0, validator=attrs.validators.instance_of(int))
    """Host priority, larger first."""
    payment: PaymentStatus = attrs.field(
        default=PaymentStatus.PAID, validator=attrs.validators.instance_of(PaymentStatus)
    )
    """Payment status; ``pending`` captures the order on a payment hold."""
    holds: tuple[str, ...] = attrs.field(default=(), converter=_holds)
    """Holds to place at capture (fraud review, address problem, host reasons)."""
    wholesale: WholesaleTerms | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(attrs.validators.instance_of(WholesaleTerms)),
    )
    """Wholesale terms; required for a wholesale order, refused for the others."""

    def __attrs_post_init__(self) -> None:
        if not self.lines:
            raise EmptyOrderError(self.order)
        currencies = sorted({item.unit_price.currency for item in self.lines})
        if len(currencies) > 1:
            raise CurrencyMismatchError("mix in one order", currencies[0], currencies[1])
        if (self.kind is OrderKind.WHOLESALE) != (self.wholesale is not None):
            raise ValidationError(
                "wholesale terms go with a wholesale order and only with one",
                field="wholesale",
                kind=self.kind.value,
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

    order: OrderId = attrs.field(converter=_order_id)
    """The order."""
    reason: str = attrs.field(validator=_checks.identifier)
    """A :class:`HoldReason` value or a host-defined reason."""


@attrs.frozen(kw_only=True)
class ReleaseHold(Command):
    """Lift one hold; lifting the last one allocates the order."""

    order: OrderId = attrs.field(converter=_order_id)
    """The order."""
    reason: str = attrs.field(validator=_checks.identifier)
    """The hold to lift."""


@attrs.frozen(kw_only=True)
class AllocateOrder(Command):
    """Ask the routing rule again for the order's unallocated and backordered units."""

    order: OrderId = attrs.field(converter=_order_id)
    """The order."""
    split: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))
    """True: allocate what can be had now even if the order ships complete (told
    otherwise by a person)."""


@attrs.frozen(kw_only=True)
class AllocateBackorders(Command):
    """Stock arrived: allocate backordered units of every order not on hold, in priority
    order (by default ship-by, shipping method speed, marketplace before DTC before
    wholesale, then age)."""

    sku: str = attrs.field(default="", validator=_checks.text)
    """Only lines of this SKU; empty for every SKU."""


@attrs.frozen
class LineQuantity:
    """A quantity of one order line."""

    line_id: LineId = attrs.field(converter=_line_id)
    """The line."""
    quantity: int = attrs.field(validator=_checks.positive_quantity)
    """Units (positive)."""


def _line_quantities(value: Iterable[LineQuantity]) -> tuple[LineQuantity, ...]:
    lines = tuple(value)
    if len({line.line_id for line in lines}) != len(lines):
        raise ValidationError("a line appears twice; merge the quantities", field="lines")
    return lines


@attrs.frozen(kw_only=True)
class CancelOrder(Command):
    """Cancel every unit of the order not shipped yet; reservations are released."""

    order: OrderId = attrs.field(converter=_order_id)
    """The order."""
    reason: str = attrs.field(default="cancelled", validator=_checks.text)
    """Why."""


@attrs.frozen(kw_only=True)
class CancelLines(Command):
    """Cancel quantities of some lines (never shipped units: those are returns)."""

    order: OrderId = attrs.field(converter=_order_id)
    """The order."""
    lines: tuple[LineQuantity, ...] = attrs.field(converter=_line_quantities)
    """Units to cancel per line."""
    reason: str = attrs.field(default="cancelled", validator=_checks.text)
    """Why."""

    def __attrs_post_init__(self) -> None:
        if not self.lines:
            raise ValidationError("name at least one line to cancel", field="lines")


# --- the projection --------------------------------------------------------------------------


class LineStatus(enum.StrEnum):
    """A line's status, derived from its quantities."""

    PENDING = "pending"
    """Nothing allocated or backordered yet (held, or not yet routed)."""
    BACKORDERED = "backordered"
    """Nothing allocated; some units wait for stock."""
    PARTIALLY_ALLOCATED = "partially_allocated"
    """Some live units allocated, some not."""
    ALLOCATED = "allocated"
    """Every live unit allocated."""
    PARTIALLY_SHIPPED = "partially_shipped"
    """Some live units shipped."""
    SHIPPED = "shipped"
    """Every live unit shipped."""
    RETURNED = "returned"
    """Every shipped unit came back."""
    CANCELLED = "cancelled"
    """Every unit cancelled."""


class OrderStatus(enum.StrEnum):
    """An order's status, derived from its holds and its lines' statuses."""

    ON_HOLD = "on_hold"
    """At least one hold and nothing shipped."""
    PENDING = "pending"
    """Not allocated yet."""
    BACKORDERED = "backordered"
    """Nothing allocated, units waiting for stock."""
    PARTIALLY_ALLOCATED = "partially_allocated"
    """Some units allocated, some not."""
    ALLOCATED = "allocated"
    """Every live unit allocated."""
    PARTIALLY_SHIPPED = "partially_shipped"
    """Some units shipped."""
    SHIPPED = "shipped"
    """Every live unit shipped."""
    RETURNED = "returned"
    """Every shipped unit returned."""
    CANCELLED = "cancelled"
    """Every unit cancelled."""


@attrs.frozen(kw_only=True)
class OrderLine:
    """A line's quantities as the log tells them; its status is derived from them."""

    line_id: LineId
    """The line."""
    sku: SkuId
    """The SKU."""
    unit_price: Money
    """Price of one unit."""
    ordered: int
    """Units ordered."""
    allocated: int = 0
    """Units assigned to a location (reserved, and still counted once shipped)."""
    backordered: int = 0
    """Units waiting for stock."""
    cancelled: int = 0
    """Units cancelled."""
    shipped: int = 0
    """Units shipped."""
    returned: int = 0
    """Units returned (received back)."""

    @property
    def unallocated(self) -> int:
        """Units not yet allocated, backordered or cancelled."""
        return self.ordered - self.allocated - self.backordered - self.cancelled

    @property
    def live(self) -> int:
        """Units not cancelled."""
        return self.ordered - self.cancelled

    @property
    def status(self) -> LineStatus:
        """Derived from the quantities alone."""
        return line_status(self)


def line_status(line: OrderLine) -> LineStatus:
    """The status the quantities of ``line`` imply."""
    live = line.live
    if live == 0:
        return LineStatus.CANCELLED
    if line.shipped == live:
        return LineStatus.RETURNED if line.returned == line.shipped else LineStatus.SHIPPED
    if line.shipped:
        return LineStatus.PARTIALLY_SHIPPED
    if line.allocated == live:
        return LineStatus.ALLOCATED
    if line.allocated:
        return LineStatus.PARTIALLY_ALLOCATED
    if line.backordered:
        return LineStatus.BACKORDERED
    return LineStatus.PENDING


@attrs.frozen(kw_only=True)
class Order:
    """An order as the log tells it (a new value after every change)."""

    capture: CaptureOrder
    """The capture command: the order's content as taken in."""
    lines: tuple[OrderLine, ...]
    """Its lines' quantities."""
    holds: tuple[str, ...] = ()
    """Holds in place."""
    reservations: tuple[str, ...] = ()
    """Every reservation made for it, in order."""
    shipments: tuple[str, ...] = ()
    """Every shipment made for it, in order."""
    returns: tuple[str, ...] = ()
    """Every RMA opened for it, in order."""
    short_picked: int = 0
    """Units found missing while picking for it."""
    position: int
    """Log position of its capture."""

    @property
    def order_id(self) -> OrderId:
        """The order id."""
        return self.capture.order

    @property
    def placed_at(self) -> datetime:
        """When it was captured."""
        return self.capture.at

    @property
    def payment_due(self) -> datetime | None:
        """For wholesale, when the invoice is due (capture + payment terms)."""
        terms = self.capture.wholesale
        if terms is None:
            return None
        return self.capture.at + timedelta(days=terms.payment_terms_days)

    @property
    def ship_complete(self) -> bool:
        """True when the order must ship complete from one location."""
        terms = self.capture.wholesale
        return terms is not None and terms.ship_complete

    def line(self, line_id: str) -> OrderLine | None:
        """One line, or ``None``."""
        for line in self.lines:
            if line.line_id == line_id:
                return line
        return None

    @property
    def status(self) -> OrderStatus:
        """Derived from the holds and the lines' quantities."""
        statuses = {line.status for line in self.lines}
        live = statuses - {LineStatus.CANCELLED}
        if not live:
            return OrderStatus.CANCELLED
        shipped = {LineStatus.SHIPPED, LineStatus.RETURNED}
        if live == {LineStatus.RETURNED}:
            return OrderStatus.RETURNED
        if live <= shipped:
            return OrderStatus.SHIPPED
        if live & (shipped | {LineStatus.PARTIALLY_SHIPPED}):
            return OrderStatus.PARTIALLY_SHIPPED
        if self.holds:
            return OrderStatus.ON_HOLD
        if live == {LineStatus.ALLOCATED}:
            return OrderStatus.ALLOCATED
        if live & {LineStatus.ALLOCATED, LineStatus.PARTIALLY_ALLOCATED}:
            return OrderStatus.PARTIALLY_ALLOCATED
        if LineStatus.BACKORDERED in live:
            return OrderStatus.BACKORDERED
        return OrderStatus.PENDING

    @property
    def total(self) -> Money:
        """The value of the live units."""
        # A capture refuses mixed currencies, so the amounts add up directly.
        amount = sum((line.unit_price.amount * line.live for line in self.lines), Decimal(0))
        return Money(amount, self.lines[0].unit_price.currency)

    def _with_lines(self, lines: Iterable[OrderLine], **changes: Any) -> Order:
        return attrs.evolve(self, lines=tuple(lines), **changes)


def new_order(command: CaptureOrder, position: int) -> Order:
    """The order a capture creates."""
    lines = tuple(
        OrderLine(line_id=i.line_id, sku=i.sku, unit_price=i.unit_price, ordered=i.quantity)
        for i in command.lines
    )
    return Order(capture=command, lines=lines, holds=command.initial_holds, position=position)


def content_of(command: CaptureOrder) -> dict[str, Any]:
    """The fields of a capture that make its content (all but ``key`` and ``at``)."""
    return {
        field.name: getattr(command, field.name)
        for field in attrs.fields(CaptureOrder)
        if field.name not in ("key", "at")
    }
