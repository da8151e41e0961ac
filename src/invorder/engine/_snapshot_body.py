"""The body of a snapshot: every projection and the key index as JSON data and back, one
export/import pair per projection (the format is described in docs/howto/storage-adapter.md).

Only plain JSON values are read (objects, arrays, strings, integers); the frozen records a
projection holds (orders, reservations, purchase orders, ...) are built by the strict codec
converter from the types :data:`~invorder.engine._snapshot_shapes.RECORDS` lists, never
from a name the data gives. Every import checks the shape it reads and that each index
names records that exist, and raises (``TypeError``, ``ValueError``, ``KeyError`` or a
typed error) on anything else: the caller turns that into a replay, so a projection never
holds what its own fold could not build.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

from invorder.domain.availability.channel import Channel, Channels
from invorder.domain.model import PROJECTIONS, State
from invorder.domain.orders.book import OrderBook
from invorder.domain.orders.order import Order
from invorder.domain.orders.refunds import RefundPolicy
from invorder.domain.orders.rma import Return
from invorder.domain.orders.shipment import Shipment
from invorder.domain.orders.standing import AlertMarks
from invorder.domain.pricing.price_list import PriceList
from invorder.domain.pricing.prices import PriceLists
from invorder.domain.purchasing.costs import CostCurrencies
from invorder.domain.purchasing.purchase import PurchaseOrder, Purchases
from invorder.domain.purchasing.supplier import Supplier
from invorder.domain.purchasing.suppliers import Suppliers
from invorder.domain.reservations.reservation import Reservation, Reservations
from invorder.domain.stock.catalog import Sku
from invorder.domain.stock.ledger import Ledger
from invorder.domain.stock.location import Location, ancestors_of
from invorder.domain.stock.movement import Bucket
from invorder.domain.stock.transfer import Transfer
from invorder.engine._idempotency import KeyIndex
from invorder.engine._snapshot_invoicing import export_invoices, import_invoices
from invorder.engine._snapshot_payments import export_payments, import_payments
from invorder.engine._snapshot_shapes import (
    Data,
    _array_in,
    _array_out,
    _checked,
    _index,
    _integers,
    _keyed,
    _known,
    _pair_index,
    _read_records,
    _records,
    _rows,
    _strings,
)

P = TypeVar("P", Suppliers, Channels, PriceLists)

# --- the ledger ----------------------------------------------------------------------------


def export_ledger(ledger: Ledger) -> Data:
    """The ledger's facts: catalog, locations, transfers, the exact accounts in the order
    first used, and per SKU the units under each account id and the positions of its entries.

    The ids of roll-up nodes and the look-up tables are not written: :func:`import_ledger`
    makes them again with the ledger's own code, in the same order, so every id is the same.
    """
    return {
        "catalog": _records(ledger.catalog, Sku),
        "locations": _records(ledger.locations.values(), Location),
        "transfers": _records(ledger.transfers.values(), Transfer),
        "accounts": [list(account) for account in ledger._accounts if account is not None],
        "stock": [
            [sku, list(units), list(units.values()), _array_out(positions)]
            for sku, (units, positions) in ledger._books.items()
        ],
    }


def import_ledger(data: object, below: int) -> Ledger:
    """The ledger :func:`export_ledger` wrote (log positions checked to be ``< below``)."""
    data = _checked(dict, data, "ledger")
    ledger = Ledger()
    for sku in _read_records(data["catalog"], Sku, "ledger.catalog"):
        ledger.catalog.check_new(sku)  # bundles after their components, one owner per barcode
        ledger.catalog.add(sku)
    for defined in _read_records(data["locations"], Location, "ledger.locations"):
        ledger.locations[defined.path] = defined
        ledger._lineage[defined.path] = (defined.path, *ancestors_of(defined.path))
    ledger.transfers = _keyed(data, "transfers", Transfer, "transfer")
    accounts = [(_checked(str, location, "ledger.accounts"), Bucket(bucket))
                for location, bucket in _rows(data["accounts"], 2, "ledger.accounts")]  # fmt: skip
    if len(set(accounts)) != len(accounts):
        raise ValueError("ledger.accounts: an account is listed twice")
    for location, bucket in accounts:
        if not ledger.has_location(location):
            raise KeyError(f"ledger.accounts: {location!r} is not a defined location")
        ledger._feed(location, bucket)  # the same ids, in the same order, as the fold made
    size = len(ledger._accounts)
    for sku, ids, units, positions in _rows(data["stock"], 4, "ledger.stock"):
        ids, units = _integers(ids, "ledger.stock"), _integers(units, "ledger.stock")
        if len(ids) != len(units) or not all(0 <= i < size for i in ids):
            raise ValueError(f"ledger.stock: the account ids of {sku!r} do not fit")
        balances = defaultdict(int, zip(ids, units, strict=True))
        ledger._exact[_checked(str, sku, "ledger.stock")] = balances
        ledger._books[sku] = (balances, _array_in(positions, below, "ledger.stock"))
    return ledger


# --- reservations --------------------------------------------------------------------------


def export_reservations(reservations: Reservations) -> Data:
    """Every reservation, and the indexes of those that may lapse and of pre-orders."""
    return {
        "reservations": _records(reservations._by_id.values(), Reservation),
        "with_expiry": list(reservations._with_expiry),
        "expiring": [[*key, list(ids)] for key, ids in reservations._expiring.items()],
        "expiring_skus": [[sku, n] for sku, n in reservations._expiring_skus.items()],
        "preorders": [[*key, list(ids)] for key, ids in reservations._preorders.items()],
    }


def import_reservations(data: object) -> Reservations:
    """The projection :func:`export_reservations` wrote."""
    data = _checked(dict, data, "reservations")
    projection = Reservations()
    by_id = projection._by_id = _keyed(data, "reservations", Reservation, "reservation")
    projection._with_expiry = _known(_strings(data["with_expiry"], "reservations"), by_id,
                                     "reservations.with_expiry")  # fmt: skip
    projection._expiring = _pair_index(data["expiring"], by_id, "reservations.expiring")
    projection._expiring_skus = {
        _checked(str, sku, "reservations.expiring_skus"): _checked(int, n, "an open count")
        for sku, n in _rows(data["expiring_skus"], 2, "reservations.expiring_skus")
    }
    projection._preorders = _pair_index(data["preorders"], by_id, "reservations.preorders")
    return projection


# --- purchasing and availability -----------------------------------------------------------


def export_purchases(purchases: Purchases) -> Data:
    """Every purchase order, and per SKU the orders that carry it."""
    return {
        "purchase_orders": _records(purchases._by_id.values(), PurchaseOrder),
        "by_sku": [[sku, list(ids)] for sku, ids in purchases._by_sku.items()],
    }


def import_purchases(data: object) -> Purchases:
    """The projection :func:`export_purchases` wrote."""
    data = _checked(dict, data, "purchases")
    projection = Purchases()
    projection._by_id = _keyed(data, "purchase_orders", PurchaseOrder, "purchase_order")
    projection._by_sku = _index(data["by_sku"], projection._by_id, "purchases.by_sku")
    return projection


def export_costs(costs: CostCurrencies) -> Data:
    """The currency of each SKU's costs."""
    return {"currencies": dict(costs)}


def import_costs(data: object) -> CostCurrencies:
    """The projection :func:`export_costs` wrote."""
    currencies = _checked(dict, _checked(dict, data, "costs")["currencies"], "costs.currencies")
    _strings(list(currencies.values()), "costs.currencies")
    projection = CostCurrencies()
    projection._by_sku = currencies
    return projection


def export_by_id(projection: Suppliers | Channels | PriceLists) -> Data:
    """Suppliers, channels or price lists: the last record defined for each id, in the
    order first defined."""
    return {"records": _records(projection, _BY_ID[type(projection)][0])}


def import_by_id(kind: type[P], data: object) -> P:
    """The suppliers, channels or price lists projection (``kind``) :func:`export_by_id`
    wrote (each record kept through the projection's own ``put``, as its fold does)."""
    cls, id_field = _BY_ID[kind]
    projection = kind()
    for record in _keyed(_checked(dict, data, kind.__name__), "records", cls, id_field).values():
        projection.put(record)
    return projection


_BY_ID: dict[type[Any], tuple[type[Any], str]] = {
    Suppliers: (Supplier, "supplier"),
    Channels: (Channel, "channel"),
    PriceLists: (PriceList, "price_list"),
}
"""The projections that keep one record per id: the record type and its id field."""


# --- orders --------------------------------------------------------------------------------


def export_orders(book: OrderBook) -> Data:
    """Every order, shipment and return, the channels' ids, the backorder indexes, the
    refund policies, the units given per warehouse and the alert marks."""
    return {
        "orders": _records(book._orders.values(), Order),
        "by_external": [[*key, order] for key, order in book._by_external.items()],
        "shipments": _records(book._shipments.values(), Shipment),
        "returns": _records(book._returns.values(), Return),
        "backordered": list(book._backordered),
        "waiting": [[sku, list(ids)] for sku, ids in book._waiting.items()],
        "refund_policies": _records(book._refunds.values(), RefundPolicy),
        "given": [[w, [x for pair in b.items() for x in pair]] for w, b in book._given.items()],
        "marks": [[order, mark] for order, mark in
                  zip(book._marks, _records(book._marks.values(), AlertMarks), strict=True)],
    }  # fmt: skip


def import_orders(data: object) -> OrderBook:
    """The order book :func:`export_orders` wrote."""
    data = _checked(dict, data, "orders")
    book = OrderBook()
    orders = _keyed(data, "orders", Order, "order_id")
    book._shipments = _keyed(data, "shipments", Shipment, "shipment")
    book._returns = _keyed(data, "returns", Return, "rma")
    for order in orders.values():  # the queries look these up without a default
        _known(list(order.shipments), book._shipments, f"order {order.order_id!r}")
        _known(list(order.returns), book._returns, f"order {order.order_id!r}")
    book._orders = orders
    for channel, external, order in _rows(data["by_external"], 3, "orders.by_external"):
        _known([order], orders, "orders.by_external")
        key = (_checked(str, channel, "orders.by_external"), _checked(str, external, "an id"))
        book._by_external[key] = order
    book._backordered = _known(_strings(data["backordered"], "orders"), orders, "backordered")
    book._waiting = _index(data["waiting"], orders, "orders.waiting")
    book._refunds = _keyed(data, "refund_policies", RefundPolicy, "channel")
    for warehouse, flat in _rows(data["given"], 2, "orders.given"):  # quarter, units, ...
        pairs = _integers(flat, "orders.given")
        book._given[_checked(str, warehouse, "orders.given")] = dict(
            zip(pairs[::2], pairs[1::2], strict=True)  # an odd count is refused
        )
    rows = _rows(data["marks"], 2, "orders.marks")
    _known([_checked(str, order, "orders.marks") for order, _ in rows], orders, "orders.marks")
    marks = _read_records([mark for _, mark in rows], AlertMarks, "orders.marks")
    book._marks = {order: mark for (order, _), mark in zip(rows, marks, strict=True)}
    book.index_settling()  # derived from the orders: not in the snapshot
    return book


# --- the whole state and the key index -----------------------------------------------------


def export_keys(keys: KeyIndex) -> Data:
    """Every idempotency key, sorted and joined by line breaks, and their first positions."""
    joined, positions = keys.frozen()
    return {"keys": joined, "positions": _array_out(positions)}


def import_keys(data: object, below: int) -> KeyIndex:
    """The key index :func:`export_keys` wrote (positions checked to be ``< below``)."""
    data = _checked(dict, data, "keys")
    joined = _checked(str, data["keys"], "keys.keys")
    return KeyIndex(joined, _array_in(data["positions"], below, "keys.positions"))


_PLAIN: dict[str, tuple[Callable[[Any], Data], Callable[[object], Any]]] = {
    "reservations": (export_reservations, import_reservations),
    "purchases": (export_purchases, import_purchases),
    "suppliers": (export_by_id, functools.partial(import_by_id, Suppliers)),
    "costs": (export_costs, import_costs),
    "channels": (export_by_id, functools.partial(import_by_id, Channels)),
    "prices": (export_by_id, functools.partial(import_by_id, PriceLists)),
    "orders": (export_orders, import_orders),
    "invoices": (export_invoices, import_invoices),
    "payments": (export_payments, import_payments),
}
"""The export/import pair of every projection but the ledger (whose import also checks
log positions), by its :class:`State` slot."""


def export_state(state: State, keys: KeyIndex) -> Data:
    """The body of a snapshot: one object per projection (by its slot) and the key index."""
    body = {name: write(getattr(state, name)) for name, (write, _) in _PLAIN.items()}
    body["ledger"] = export_ledger(state.ledger)
    body["keys"] = export_keys(keys)
    return body


def import_state(body: object, below: int) -> tuple[State, KeyIndex]:
    """The projections and key index of a snapshot body of ``below`` events (raises on any
    shape :func:`export_state` does not write)."""
    body = _checked(dict, body, "the snapshot body")
    parts = {*PROJECTIONS, "keys"}
    if set(body) != parts:
        missing, unknown = sorted(parts - set(body)), sorted(set(body) - parts)
        problems = [f"lacks {name}" for name in missing] + [f"has an unknown part {name}"
                                                            for name in unknown]  # fmt: skip
        raise ValueError(f"the snapshot body {', '.join(problems)}")
    state = State()
    state.ledger = import_ledger(body["ledger"], below)
    for name, (_, read) in _PLAIN.items():
        setattr(state, name, read(body[name]))
    return state, import_keys(body["keys"], below)
