"""Invoicing: when an order is invoiced (a policy per channel and kind of order), invoices
for what shipped at the prices captured, with tax and shipping the host gives and a due
date from the payment terms, and credit notes against them (returns, price corrections).

================  ====================================================================
module            what it holds
================  ====================================================================
``values``        the policy (:class:`Invoicing`), invoices and credit notes as issued
``commands``      define the policy, issue an invoice, issue a credit note, close the
                  orders that are settled
``events``        ``InvoicingDefined``, ``InvoiceIssued``, ``CreditNoteIssued``
``invoices``      the projection: policies, invoices, credit notes, invoiced shipments
``decide``        every invoicing command
``views``         where an order's invoicing stands
``settlement``    orders done shipping that cannot close yet, and why; the sweep that
                  closes those that can
================  ====================================================================
"""

from __future__ import annotations

from invorder.domain.invoicing import commands as _c
from invorder.domain.invoicing import decide as _d
from invorder.domain.invoicing import events as _e
from invorder.domain.invoicing import settlement as _s
from invorder.domain.invoicing.invoices import Invoices
from invorder.domain.messages import Decision

PROJECTIONS = {"invoices": Invoices}
"""The projections this area folds, by their name in the domain state."""

_READS = ("orders", "invoices")

DECISIONS = (
    Decision(_c.DefineInvoicing, _d.decide_define_invoicing, ("channels",)),
    Decision(_c.IssueInvoice, _d.decide_issue_invoice, _READS),
    Decision(_c.IssueCreditNote, _d.decide_issue_credit_note, _READS),
    Decision(_c.CloseSettledOrders, _s.decide_close_settled, ("orders", "invoices", "payments")),
)
"""Every invoicing command, the function that decides it and what it reads."""

EVENTS: tuple[type, ...] = (_e.InvoicingDefined, _e.InvoiceIssued, _e.CreditNoteIssued)
"""The events this area writes."""
