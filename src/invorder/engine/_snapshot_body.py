"""The body of a snapshot: every projection and the key index as JSON data and back, one
export/import pair per projection (the format is described in docs/howto/storage-adapter.md).

Only plain JSON values are read (objects, arrays, strings, integers); the frozen records a
projection holds (orders, reservations, purchase orders, ...) are built by the strict codec
converter from the types listed in :data:`RECORDS`, never from a name the data gives. Every
import checks the shape it reads and that each index names records that exist, and raises
(``TypeError``, ``ValueError``, ``KeyError`` or a typed error) on anything else: the caller
turns that into a replay, so a projection never holds what its own fold could not build.
"""

from __future__ import annotations

import binascii
import functools
import sys
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import cattrs

from invorder.codec import make_converter
from invorder.domain.availability.channel import Channel, Channels
from invorder.domain.model import PROJECTIONS, State
from invorder.domain.orders.book import OrderBook
from invorder.domain.orders.order import Order
from invorder.domain.orders.refunds import RefundPolicy
from invorder.domain.orders.rma import Return
from invorder.domain.orders.shipment import Shipment
from invorder.domain.orders.standing import AlertMarks
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

T = TypeVar("T")
P = TypeVar("P", Suppliers, Channels)
Data = dict[str, Any]
"""The JSON object of one projection."""

RECORDS: tuple[type[Any], ...] = (
    Sku, Location, Transfer, Reservation, PurchaseOrder, Supplier, Channel, Order, Shipment,
    Return, AlertMarks, RefundPolicy,
)  # fmt: skip
"""The record types a snapshot may build (with the commands and values their fields hold,
which the codec knows by its own tables): nothing else is ever constructed."""


@functools.cache
def _converter() -> cattrs.Converter:
    # Strict: a string for an integer, a float for money, a naive time or an unknown key is
    # refused, as when a command is read from JSON.
    return make_converter(strict=True, detailed=False)


def _records(values: Iterable[Any], cls: type[Any]) -> list[Any]:
    assert cls in RECORDS, f"{cls.__name__} is not a snapshot record"
    unstructure = _converter().unstructure
    return [unstructure(value, cls) for value in values]


def _read_records(data: object, cls: type[T], what: str) -> list[T]:
    assert cls in RECORDS, f"{cls.__name__} is not a snapshot record"
    structure = _converter().structure
    return [structure(item, cls) for item in _checked(list, data, what)]


def _keyed(data: Data, member: str, cls: type[T], id_field: str) -> dict[str, T]:
    # A projection's records by id: the id is read from each record, so key and record agree.
    records = _read_records(data[member], cls, member)
    return {getattr(record, id_field): record for record in records}


def _checked(kind: type[T], value: object, what: str) -> T:
    # ``type(...) is``: a bool is not an int here, nor a subclass of dict a dict.
    if type(value) is not kind:
        raise TypeError(f"{what}: expected {kind.__name__}, got {type(value).__name__}")
    return value


def _strings(value: object, what: str) -> list[str]:
    items = _checked(list, value, what)
    if not all(type(item) is str for item in items):
        raise TypeError(f"{what}: expected strings")
    return items


def _integers(value: object, what: str) -> list[int]:
    items = _checked(list, value, what)
    if not all(type(item) is int for item in items):
        raise TypeError(f"{what}: expected integers")
    return items


def _rows(value: object, width: int, what: str) -> list[list[Any]]:
    rows = _checked(list, value, what)
    for row in rows:
        if type(row) is not list or len(row) != width:
            raise TypeError(f"{what}: expected rows of {width} items")
    return rows


def _known(ids: list[str], records: Mapping[str, object], what: str) -> dict[str, None]:
    missing = [i for i in ids if i not in records]
    if missing:
        raise KeyError(f"{what} names {missing[0]!r}, which the snapshot does not hold")
    return dict.fromkeys(ids)


def _index(value: object, records: Mapping[str, object], what: str) -> dict[str, dict[str, None]]:
    # {name: {record id: None}}: written as [[name, [ids...]], ...] in the index's order.
    return {
        _checked(str, name, what): _known(_strings(ids, what), records, what)
        for name, ids in _rows(value, 2, what)
    }


def _pair_index(
    value: object, records: Mapping[str, object], what: str
) -> dict[tuple[str, str], dict[str, None]]:
    return {
        (_checked(str, a, what), _checked(str, b, what)): _known(_strings(ids, what), records, what)
        for a, b, ids in _rows(value, 3, what)
    }


# Integer arrays travel as base64 of their 8-byte little-endian items: a million log
# positions decode in about 25 ms, five times faster than from a JSON list of numbers.
_ITEM = array("q").itemsize


def _array_out(values: array[int]) -> str:
    if sys.byteorder == "big":  # pragma: no cover  # the format is little-endian everywhere
        values = array("q", values)
        values.byteswap()
    return binascii.b2a_base64(values.tobytes(), newline=False).decode("ascii")


def _array_in(value: object, below: int, what: str) -> array[int]:
    raw = binascii.a2b_base64(_checked(str, value, what), strict_mode=True)
    if _ITEM != 8 or len(raw) % 8:
        raise ValueError(f"{what}: not a whole number of 8-byte integers")
    values, unsigned = array("q"), array("Q")
    values.frombytes(raw)
    unsigned.frombytes(raw)  # read as unsigned, a negative item is huge: one pass checks both
    if sys.byteorder == "big":  # pragma: no cover
        values.byteswap()
        unsigned.byteswap()
    if unsigned and max(unsigned) >= below:
        raise ValueError(f"{what}: a log position outside the snapshot's {below} events")
    return values


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


def export_by_id(projection: Suppliers | Channels) -> Data:
    """Suppliers or channels: the last record defined for each id, in the order first
    defined."""
    return {"records": _records(projection, _BY_ID[type(projection)][0])}


def import_by_id(kind: type[P], data: object) -> P:
    """The suppliers or channels projection (``kind``) :func:`export_by_id` wrote."""
    cls, id_field = _BY_ID[kind]
    projection = kind()
    projection._by_id = _keyed(_checked(dict, data, kind.__name__), "records", cls, id_field)
    return projection


_BY_ID: dict[type[Any], tuple[type[Any], str]] = {
    Suppliers: (Supplier, "supplier"),
    Channels: (Channel, "channel"),
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
    "orders": (export_orders, import_orders),
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
