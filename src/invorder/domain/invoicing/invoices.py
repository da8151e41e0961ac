"""The invoicing projection: invoicing policies, invoices and credit notes as issued, and
which shipments each invoice covers."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import ClassVar

from invorder.domain.invoicing.events import CreditNoteIssued, InvoiceIssued, InvoicingDefined
from invorder.domain.invoicing.values import CreditNote, Invoice, Invoicing
from invorder.domain.messages import Event
from invorder.domain.money import Money
from invorder.domain.orders.ids import OrderKind

DEFAULT_INVOICING = {
    OrderKind.WHOLESALE: Invoicing.EACH_SHIPMENT,
    OrderKind.DTC: Invoicing.NONE,
    OrderKind.MARKETPLACE: Invoicing.NONE,
}
"""When orders are invoiced where no rule says: wholesale on each shipment, others never."""


class Invoices:
    """Invoicing policies, invoices and credit notes as issued, and which shipments each
    invoice covers."""

    FOLDS: ClassVar[frozenset[type]] = frozenset(
        {InvoicingDefined, InvoiceIssued, CreditNoteIssued}
    )
    """The event types :meth:`apply` folds (others leave it unchanged)."""

    __slots__ = ("_invoices", "_notes", "_notes_of", "_of_order", "_on", "_policies")

    def __init__(self) -> None:
        self._policies: dict[tuple[str, OrderKind], Invoicing] = {}
        self._invoices: dict[str, Invoice] = {}
        self._notes: dict[str, CreditNote] = {}
        self._of_order: dict[str, list[str]] = {}  # invoices per order, in order issued
        self._notes_of: dict[str, list[str]] = {}  # credit notes per invoice, in order issued
        self._on: dict[str, str] = {}  # the invoice each invoiced shipment is on

    def policy(self, channel: str, kind: OrderKind) -> Invoicing:
        """When an order of ``kind`` from ``channel`` is invoiced: the channel's rule, else
        the rule for every channel, else :data:`DEFAULT_INVOICING`."""
        found = self._policies.get((channel, kind))
        if found is None:
            found = self._policies.get(("", kind), DEFAULT_INVOICING[kind])
        return found

    def policies(self) -> dict[tuple[str, OrderKind], Invoicing]:
        """Every rule defined, by (channel, kind) (``""``: every channel)."""
        return dict(self._policies)

    def get(self, invoice: str) -> Invoice | None:
        """One invoice, or ``None``."""
        return self._invoices.get(invoice)

    def __iter__(self) -> Iterator[Invoice]:
        return iter(self._invoices.values())

    def credit_note(self, credit_note: str) -> CreditNote | None:
        """One credit note, or ``None``."""
        return self._notes.get(credit_note)

    def credit_notes(self) -> Iterator[CreditNote]:
        """Every credit note, in the order issued."""
        return iter(self._notes.values())

    def of_order(self, order: str) -> list[Invoice]:
        """The order's invoices, in the order issued."""
        return [self._invoices[i] for i in self._of_order.get(order, ())]

    def notes_of(self, invoice: str) -> list[CreditNote]:
        """The credit notes against ``invoice``, in the order issued."""
        return [self._notes[n] for n in self._notes_of.get(invoice, ())]

    def invoiced_on(self, shipment: str) -> str | None:
        """The invoice that covers ``shipment``, or ``None``."""
        return self._on.get(shipment)

    def credited(self, invoice: Invoice) -> Money:
        """What the credit notes against ``invoice`` credit, in all."""
        amount = sum((n.total.amount for n in self.notes_of(invoice.invoice)), Decimal(0))
        return Money(amount, invoice.total.currency)

    def differences(self, other: Invoices) -> list[str]:
        """How this projection differs from ``other`` (the same: ``[]``)."""
        return [
            f"{name} differ from the log"
            for name in self.__slots__
            if getattr(self, name) != getattr(other, name)
        ]

    def apply(self, event: Event) -> None:
        """Fold one event (policies, invoices and credit notes)."""
        kind = type(event)
        if kind is InvoiceIssued:
            assert isinstance(event, InvoiceIssued)
            self.put_invoice(event.issued)
        elif kind is CreditNoteIssued:
            assert isinstance(event, CreditNoteIssued)
            self.put_credit_note(event.issued)
        elif kind is InvoicingDefined:
            assert isinstance(event, InvoicingDefined)
            command = event.command
            self._policies[(command.channel, command.kind)] = command.invoicing

    def put_invoice(self, invoice: Invoice) -> None:
        """Keep a new invoice (the fold and a snapshot's import call it)."""
        self._invoices[invoice.invoice] = invoice
        self._of_order.setdefault(invoice.order, []).append(invoice.invoice)
        for shipment in invoice.shipments:
            self._on[shipment] = invoice.invoice

    def put_credit_note(self, note: CreditNote) -> None:
        """Keep a new credit note (the fold and a snapshot's import call it)."""
        self._notes[note.credit_note] = note
        self._notes_of.setdefault(note.invoice, []).append(note.credit_note)
