"""The order book: every order, shipment and return, folded from the log into the book's
own mutable records (:mod:`invorder.domain.orders._book_records`); the frozen values
callers read are built when asked and cached until the record next changes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from operator import attrgetter
from typing import ClassVar

from invorder.domain._records import Records
from invorder.domain.messages import Event
from invorder.domain.orders._book_fold import FOLD, quarter
from invorder.domain.orders._book_records import OrderRecord, frozen_part
from invorder.domain.orders._book_shipments import ReturnRecord, ShipmentRecord
from invorder.domain.orders.order import Order
from invorder.domain.orders.refunds import RefundPolicy
from invorder.domain.orders.rma import Return
from invorder.domain.orders.shipment import Shipment
from invorder.domain.orders.standing import AlertMarks, standing


class OrderBook:
    """Every order and shipment, folded from the log."""

    FOLDS: ClassVar[frozenset[type]]
    """The event types :meth:`apply` folds (others leave it unchanged)."""

    __slots__ = (
        "_backordered", "_by_external", "_given", "_marks", "_order_records", "_refunds",
        "_return_records", "_settling", "_shipment_records", "_waiting",
    )  # fmt: skip

    def __init__(self) -> None:
        # Kept in Records, which the engine's copies of a projection copy in one pass.
        self._order_records: Records[OrderRecord] = Records()
        self._by_external: dict[tuple[str, str], str] = {}
        self._shipment_records: Records[ShipmentRecord] = Records()
        self._return_records: Records[ReturnRecord] = Records()
        self._backordered: dict[str, None] = {}
        # Per line SKU (stocked or bundle), the orders with backordered units of it.
        self._waiting: dict[str, dict[str, None]] = {}
        # Per order with an alert standing or acknowledged: since when, and by whom.
        self._marks: dict[str, AlertMarks] = {}
        self._refunds: dict[str, RefundPolicy] = {}
        # Per warehouse, units allocated there per quarter of an hour (UTC), for capacity:
        # every time zone's midnight falls on a quarter hour, so any local day is a range.
        self._given: dict[str, dict[int, int]] = {}
        self._settling: dict[str, None] = {}

    # The snapshot codec reads and writes the frozen values by these names.
    _orders = frozen_part("_order_records", OrderRecord)
    _shipments = frozen_part("_shipment_records", ShipmentRecord)
    _returns = frozen_part("_return_records", ReturnRecord)

    def get(self, order: str) -> Order | None:
        """One order, or ``None``."""
        record = self._order_records.get(order)
        return None if record is None else record.freeze()

    def by_external(self, channel: str, external_id: str) -> Order | None:
        """The order a channel knows by ``external_id``, or ``None``."""
        order = self._by_external.get((channel, external_id))
        return None if order is None else self._order_records[order].freeze()

    def __iter__(self) -> Iterator[Order]:
        return (record.freeze() for record in self._order_records.values())

    def differences(self, other: OrderBook) -> list[str]:
        """How this projection differs from ``other`` (the same: ``[]``), part by part
        (orders, shipments and returns compared as the frozen values callers read)."""
        return [f"{_PARTS.get(name, name.lstrip('_'))} differ from the log"
                for name in self.__slots__
                if getattr(self, name) != getattr(other, name)]  # fmt: skip

    def settling(self) -> list[Order]:
        """Orders whose every unit is shipped or cancelled and that are not closed, in
        capture order (an index: an order done shipping stays so until it is closed)."""
        records = [self._order_records[o] for o in self._settling]
        records.sort(key=attrgetter("position"))
        return [record.freeze() for record in records]

    def index_settling(self) -> None:
        """Rebuild the index :meth:`settling` reads (a snapshot does not store it)."""
        self._settling = {o: None for o, record in self._order_records.items()
                          if record.settling()}  # fmt: skip

    def has_backorders(self) -> bool:
        """True when some order has backordered units (a quick check before re-allocating)."""
        return bool(self._backordered)

    def backordered(self) -> list[Order]:
        """Orders with backordered units (in no promised order; sort them by priority)."""
        return [self._order_records[o].freeze() for o in self._backordered]

    def backordered_skus(self) -> list[str]:
        """The line SKUs (stocked or bundle) some order has backordered units of."""
        return list(self._waiting)

    def waiting_for(self, skus: Iterable[str]) -> list[Order]:
        """Orders with backordered units of any of ``skus`` (line SKUs), each once, in
        capture order (sort them by priority)."""
        return self.in_capture_order(self.waiting_ids(skus))

    def waiting_ids(self, skus: Iterable[str]) -> dict[str, None]:
        """The ids of :meth:`waiting_for`'s orders, in no particular order."""
        found: dict[str, None] = {}
        for sku in skus:
            found.update(self._waiting.get(sku, {}))
        return found

    def in_capture_order(self, ids: Iterable[str]) -> list[Order]:
        """The orders of ``ids`` (known ones), in capture order."""
        orders = [self._order_records[o].freeze() for o in ids]
        orders.sort(key=attrgetter("position"))
        return orders

    def unchanged(self, order: Order) -> bool:
        """True when ``order`` is the book's current value of that order: the very value it
        last built, its record not changed since (a value equal to it is not enough)."""
        record = self._order_records.get(order.order_id)
        return record is not None and record.view is order

    def shipment(self, shipment: str) -> Shipment | None:
        """One shipment, or ``None``."""
        record = self._shipment_records.get(shipment)
        return None if record is None else record.freeze()

    def shipments_of(self, order: Order) -> list[Shipment]:
        """The order's shipments, in order made."""
        return [self._shipment_records[s].freeze() for s in order.shipments]

    def units_given(self, warehouse: str, start: datetime, end: datetime) -> int:
        """Units allocated at ``warehouse`` by commands timed from ``start`` up to ``end``
        (both on a quarter hour), for its capacity."""
        buckets = self._given.get(warehouse)
        if not buckets:
            return 0
        first, last = quarter(start), quarter(end)
        if last - first > len(buckets):
            return sum(n for q, n in buckets.items() if first <= q < last)
        return sum(buckets.get(q, 0) for q in range(first, last))

    def refund_policies(self) -> dict[str, RefundPolicy]:
        """The refund policies by channel (``""``: the default), as last defined."""
        return dict(self._refunds)

    def marks(self, order: str) -> AlertMarks | None:
        """Since when the order's alerts stand and which were acknowledged (``None``:
        nothing standing nor acknowledged). The record is the projection's own: read it."""
        return self._marks.get(order)

    def apply(self, event: Event) -> None:
        """Fold one event (others are ignored)."""
        handler = FOLD.get(type(event))
        if handler is None:
            return
        order = handler(self, event)
        if order is None:
            return  # the event changed neither an order's lines nor its holds
        # Every other event folded here changes an order's lines or holds: its alerts too.
        reasons = standing(order)
        order_id = order.capture.order
        marks = self._marks.get(order_id)
        if marks is None:
            if not reasons:
                return
            marks = self._marks[order_id] = AlertMarks()
        marks.track(reasons, event.at)
        if not marks:
            del self._marks[order_id]

    def rma(self, rma: str) -> Return | None:
        """One RMA, or ``None``."""
        record = self._return_records.get(rma)
        return None if record is None else record.freeze()

    def expected_back(self, order: Order, line_id: str) -> int:
        """Units of a line expected on the order's RMAs and not received yet."""
        total = 0
        for rid in order.returns:
            r = self._return_records[rid].freeze()
            total += r.expected_of(line_id) - r.received_of(line_id)
        return total


_PARTS = {"_order_records": "orders", "_shipment_records": "shipments",
          "_return_records": "returns"}  # fmt: skip
"""The names :meth:`OrderBook.differences` gives the parts kept as records."""


OrderBook.FOLDS = frozenset(FOLD)
