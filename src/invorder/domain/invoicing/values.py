"""What invoicing records: when an order is invoiced (the policy), and invoices and credit
notes as issued (immutable)."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime

import attrs

from invorder.domain.money import Money
from invorder.domain.orders.ids import LineId, OrderId
from invorder.domain.stock.catalog import SkuId


class Invoicing(enum.StrEnum):
    """When an order is invoiced."""

    NONE = "none"
    """Never: paid at checkout, the order's shipped value is its receipt (the default for
    DTC and marketplace orders)."""
    EACH_SHIPMENT = "each_shipment"
    """One invoice per shipment, or per group of shipments, once shipped (the default for
    wholesale orders)."""
    ON_COMPLETION = "on_completion"
    """One invoice once every unit not cancelled has shipped."""


@attrs.frozen(kw_only=True)
class InvoiceLine:
    """Units of one order line on an invoice or a credit note, at the order's unit price."""

    line_id: LineId
    """The order line."""
    sku: SkuId
    """Its SKU."""
    quantity: int
    """Units."""
    unit_price: Money
    """The price of one unit, as captured."""
    amount: Money
    """``unit_price`` times ``quantity``."""


@attrs.frozen(kw_only=True)
class Invoice:
    """An invoice as issued: what shipped at the prices captured, tax and shipping as the
    host gave them, and when it is due. It never changes; credit notes refer to it."""

    invoice: str
    """Its id."""
    order: OrderId
    """The order."""
    issued_at: datetime
    """When it was issued."""
    due_at: datetime
    """When it is due: issued plus the order's payment terms (at once without terms)."""
    shipments: tuple[str, ...]
    """The shipments it covers."""
    lines: tuple[InvoiceLine, ...]
    """What shipped, per order line."""
    subtotal: Money
    """The lines' amounts."""
    tax: Money
    """Tax, as the host gave it."""
    shipping: Money
    """Shipping, as the host gave it."""
    total: Money
    """Subtotal, tax and shipping."""


@attrs.frozen(kw_only=True)
class CreditNote:
    """A credit note as issued: units returned (or otherwise credited) at the invoice's
    prices, and an amount for a price correction, against one invoice."""

    credit_note: str
    """Its id."""
    invoice: str
    """The invoice it credits."""
    order: OrderId
    """The order."""
    issued_at: datetime
    """When it was issued."""
    reason: str
    """Why (a return, a price correction, ...)."""
    rma: str
    """The RMA whose units it credits (``""``: none)."""
    lines: tuple[InvoiceLine, ...]
    """Units credited, per order line."""
    adjustment: Money
    """An amount credited besides the units (a price correction)."""
    total: Money
    """The lines' amounts and the adjustment."""


def credited_units(notes: Iterable[CreditNote], line_id: str, rma: str | None = None) -> int:
    """Units of order line ``line_id`` that ``notes`` credit (only the notes of ``rma`` when
    given): what the invoicing decisions and a host settling an order both count."""
    return sum(line.quantity for note in notes if rma is None or note.rma == rma
               for line in note.lines if line.line_id == line_id)  # fmt: skip
