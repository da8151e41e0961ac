"""The order book's records against values rebuilt from scratch, under the order machine's
random commands: after every step each cached frozen value (order, line, shipment, RMA)
equals one built again from its record, the book equals a fresh fold of the log, its index
of orders done shipping and open equals a scan of every order, and a copy
of the book taken a step before (sharing its records copy-on-write) was left as it was by
the live book's changes and catches up to it by folding the events since."""

from __future__ import annotations

import copy
from collections.abc import Iterable

from hypothesis.stateful import invariant

from invorder.domain._records import Records
from invorder.domain.invoicing.settlement import done_shipping
from invorder.domain.messages import Event
from invorder.domain.orders._book_records import OrderRecord
from invorder.domain.orders._book_shipments import ReturnRecord, ShipmentRecord
from invorder.domain.orders.book import OrderBook
from invorder.domain.orders.order import Order
from invorder.engine._spares import duplicate
from tests.stateful.test_order_machine import OrderMachine


def rebuilt(record: OrderRecord | ShipmentRecord | ReturnRecord) -> object:
    """The frozen value of ``record`` built again from its facts, no cache used."""
    fresh = record.copy()
    fresh.view = None
    if isinstance(fresh, OrderRecord):
        for line in fresh.lines:
            line.view = None
    return fresh.freeze()


def fold(events: Iterable[Event]) -> OrderBook:
    """A fresh order book folding ``events``."""
    book = OrderBook()
    for event in events:
        book.apply(event)
    return book


def everything(book: OrderBook) -> tuple[object, ...]:
    """What a caller reads of ``book``: its orders, shipments and RMAs."""
    orders = list(book)
    shipments = [book.shipments_of(order) for order in orders]
    rmas = [book.rma(rid) for order in orders for rid in order.returns]
    return orders, shipments, rmas, book.backordered(), book.backordered_skus(), book.settling()


class BookMachine(OrderMachine):
    """The order machine, its engine's order book checked against rebuilt values."""

    def __init__(self) -> None:
        super().__init__()
        self.spare: tuple[int, OrderBook, tuple[object, ...]] | None = None
        """A copy of the live book, the log position it was taken at, and what it read."""

    def _book(self) -> OrderBook:
        return self.engine._state.orders

    @invariant()
    def cached_values_equal_values_rebuilt(self) -> None:
        book = self._book()
        records: list[Records[OrderRecord] | Records[ShipmentRecord] | Records[ReturnRecord]]
        records = [book._order_records, book._shipment_records, book._return_records]
        for kind in records:
            for record in kind.values():
                again = rebuilt(record)
                assert record.view in (None, again)
                if isinstance(record, OrderRecord):
                    assert isinstance(again, Order)
                    for line, fresh in zip(record.lines, again.lines, strict=True):
                        assert line.view in (None, fresh)

    @invariant()
    def the_book_equals_a_fresh_fold(self) -> None:
        fresh = fold(self.engine.events())
        book = self._book()
        assert book.differences(fresh) == []
        assert everything(book) == everything(fresh)

    @invariant()
    def the_settling_index_is_the_orders_done_shipping_and_open(self) -> None:
        book = self._book()
        assert book.settling() == [o for o in book if o.closed_at is None and done_shipping(o)]

    @invariant()
    def a_copy_shares_records_without_seeing_changes(self) -> None:
        book, position = self._book(), self.engine.position
        if self.spare is not None:
            at, spare, read = self.spare
            assert everything(spare) == read  # the live book's changes left it alone
            assert spare.differences(fold(self.engine.events(0, at))) == []
            for event in self.engine.events(at):
                spare.apply(event)
            assert spare.differences(book) == []
            assert everything(spare) == everything(book)
        spare = duplicate(book)[0] if position % 2 else copy.deepcopy(book)
        self.spare = (position, spare, everything(spare))


TestBookMachine = BookMachine.TestCase
