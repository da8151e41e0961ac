"""Invoicing events: a policy defined, an invoice issued, a credit note issued (each with
the record as issued)."""

from __future__ import annotations

from typing import ClassVar

import attrs

from invorder.domain.invoicing.commands import DefineInvoicing, IssueCreditNote, IssueInvoice
from invorder.domain.invoicing.values import CreditNote, Invoice
from invorder.domain.messages import FromCommand


@attrs.frozen(kw_only=True)
class InvoicingDefined(FromCommand):
    """When a channel's orders of a kind are invoiced was set (the command says)."""

    SCHEMA_VERSION: ClassVar[int] = 1
    position: int
    """Index of this event in the log."""
    command: DefineInvoicing
    """The command that produced it."""


@attrs.frozen(kw_only=True)
class InvoiceIssued(FromCommand):
    """An invoice was issued."""

    SCHEMA_VERSION: ClassVar[int] = 1
    position: int
    """Index of this event in the log."""
    command: IssueInvoice
    """The command that produced it."""
    issued: Invoice
    """The invoice, as issued."""


@attrs.frozen(kw_only=True)
class CreditNoteIssued(FromCommand):
    """A credit note was issued."""

    SCHEMA_VERSION: ClassVar[int] = 1
    position: int
    """Index of this event in the log."""
    command: IssueCreditNote
    """The command that produced it."""
    issued: CreditNote
    """The credit note, as issued."""
