"""The payments projection in a snapshot body: the provider's facts in the order recorded
(each order's amounts are counted again from them on import, as the fold counts them)."""

from __future__ import annotations

from invorder.domain.payments.payment import Payment
from invorder.domain.payments.register import Payments
from invorder.engine._snapshot_shapes import Data, _checked, _read_records, _records


def export_payments(projection: Payments) -> Data:
    """Every payment fact, in the order recorded."""
    return {"records": _records(projection, Payment)}


def import_payments(data: object) -> Payments:
    """The payments projection :func:`export_payments` wrote (a reference given twice is
    refused: the log records a reference once)."""
    projection = Payments()
    records = _read_records(_checked(dict, data, "payments")["records"], Payment, "records")
    for record in records:
        projection.put(record)
    return projection
