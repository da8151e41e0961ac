"""The invoicing projection in a snapshot body: its policies, invoices and credit notes
(the indexes are made again from them, as the fold makes them)."""

from __future__ import annotations

from invorder.domain.invoicing.invoices import Invoices
from invorder.domain.invoicing.values import CreditNote, Invoice, Invoicing
from invorder.domain.orders.ids import OrderKind
from invorder.engine._snapshot_shapes import Data, _checked, _read_records, _records, _rows


def export_invoices(invoices: Invoices) -> Data:
    """Every invoicing rule as (channel, kind, when), every invoice and every credit note,
    in the order issued."""
    return {
        "policies": [[channel, kind.value, when.value]
                     for (channel, kind), when in invoices.policies().items()],
        "invoices": _records(invoices, Invoice),
        "credit_notes": _records(invoices.credit_notes(), CreditNote),
    }  # fmt: skip


def import_invoices(data: object) -> Invoices:
    """The projection :func:`export_invoices` wrote (a credit note must name an invoice of
    the snapshot)."""
    data = _checked(dict, data, "invoices")
    projection = Invoices()
    for channel, kind, when in _rows(data["policies"], 3, "invoices.policies"):
        key = (_checked(str, channel, "invoices.policies"), OrderKind(kind))
        projection._policies[key] = Invoicing(when)
    for invoice in _read_records(data["invoices"], Invoice, "invoices.invoices"):
        projection.put_invoice(invoice)
    for note in _read_records(data["credit_notes"], CreditNote, "invoices.credit_notes"):
        if projection.get(note.invoice) is None:
            raise KeyError(f"credit note {note.credit_note!r} names an invoice not held")
        projection.put_credit_note(note)
    return projection
