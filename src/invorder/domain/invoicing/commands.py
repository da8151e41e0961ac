"""Invoicing commands: when a channel's orders are invoiced, issue an invoice, issue a
credit note, close the orders that are settled."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from invorder.domain import _checks
from invorder.domain.errors import InvalidListError, InvalidMoneyError
from invorder.domain.invoicing.values import Invoicing
from invorder.domain.messages import Command
from invorder.domain.money import Money
from invorder.domain.orders.ids import OrderKind
from invorder.domain.orders.values import LineQuantity

_INVOICING = _checks.one_of(Invoicing, "invoicing")
_KIND = _checks.one_of(OrderKind, "kind")


def _amount(instance: object, attribute: Any, value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, Money):
        raise InvalidMoneyError(attribute.name, value, "give a Money, such as Money('4.95', 'USD')")
    if value.amount < 0:
        raise InvalidMoneyError(attribute.name, value.amount, "an amount charged is zero or more")


def _invoicing(value: object) -> Invoicing:
    return _INVOICING(value)


def _kind(value: object) -> OrderKind:
    return _KIND(value)


@attrs.frozen(kw_only=True)
class DefineInvoicing(Command):
    """Say when orders of one kind from a channel (``""``: every channel without its own
    rule) are invoiced. Without a rule, wholesale orders are invoiced on each shipment and
    the others never."""

    kind: OrderKind = attrs.field(converter=_kind)
    """The kind of order."""
    invoicing: Invoicing = attrs.field(converter=_invoicing)
    """When they are invoiced."""
    channel: str = attrs.field(default="", validator=_checks.optional_identifier)
    """The channel (``""``: the default for every channel)."""


def _shipments(value: Iterable[str]) -> tuple[str, ...]:
    shipments: tuple[str, ...] = _checks.items("shipments", value, None, "shipment ids")
    for n, shipment in enumerate(shipments):
        _checks.check_identifier(f"shipments[{n}]", shipment)
    _checks.named_once("shipments", shipments, "shipment", "name it once", required=False)
    return shipments


@attrs.frozen(kw_only=True)
class IssueInvoice(Command):
    """Invoice what shipped: the shipments named (none named: every shipment shipped and not
    yet invoiced), at the prices captured, with the tax and shipping the host gives (no tax
    engine here), due after the order's payment terms. Refused when the order's policy
    issues no invoice, or invoices once complete and it is not."""

    invoice: str = attrs.field(validator=_checks.identifier)
    """The new invoice's id."""
    order: str = attrs.field(validator=_checks.identifier)
    """The order."""
    shipments: tuple[str, ...] = attrs.field(default=(), converter=_shipments)
    """The shipments to invoice (``()``: every one shipped and not yet invoiced)."""
    tax: Money | None = attrs.field(default=None, validator=_amount)
    """Tax on it (``None``: none), in the order's currency."""
    shipping: Money | None = attrs.field(default=None, validator=_amount)
    """Shipping charged (``None``: none), in the order's currency."""


def _lines(value: Iterable[LineQuantity]) -> tuple[LineQuantity, ...]:
    lines: tuple[LineQuantity, ...] = _checks.items("lines", value, None, "LineQuantity values")
    for n, line in enumerate(lines):
        if not isinstance(line, LineQuantity):
            raise InvalidListError(f"lines[{n}]", f"{line!r} is not a LineQuantity")
    _checks.named_once("lines", (line.line_id for line in lines), "line",
                       "merge the quantities", required=False)  # fmt: skip
    return lines


@attrs.frozen(kw_only=True)
class IssueCreditNote(Command):
    """Credit an invoice: units of its lines (returned, say: name the ``rma``) at the prices
    it charged, and an ``adjustment`` (a price correction). A credit never takes an invoice
    below zero, nor a line below the units it invoiced."""

    credit_note: str = attrs.field(validator=_checks.identifier)
    """The new credit note's id."""
    invoice: str = attrs.field(validator=_checks.identifier)
    """The invoice it credits."""
    reason: str = attrs.field(validator=_checks.identifier)
    """Why: ``"return"``, ``"price_correction"``, or the host's own word."""
    lines: tuple[LineQuantity, ...] = attrs.field(default=(), converter=_lines)
    """Units credited per line, at the invoice's price."""
    adjustment: Money | None = attrs.field(default=None, validator=_amount)
    """An amount credited besides the units."""
    rma: str = attrs.field(default="", validator=_checks.optional_identifier)
    """The RMA whose received units are credited (``""``: none)."""

    def __attrs_post_init__(self) -> None:
        if not self.lines and self.adjustment is None:
            raise InvalidListError(
                "lines", "nothing to credit; give units of invoice lines or an adjustment"
            )


@attrs.frozen(kw_only=True)
class CloseSettledOrders(Command):
    """Sweep: close every order done shipping whose close-out queue says nothing keeps it
    open at ``at`` (invoiced and credited as its policy says, paid, nothing owed back), with
    the reason ``settled``. A host runs it when it likes (nightly, say); an order it closes
    is told as ``order_closed`` like one a person closes with
    :class:`~invorder.CloseOrder`."""
