"""The pieces a snapshot body is read and written with: the record types it may build, the
strict converter that builds them, checks of the JSON shapes it reads, and integer arrays as
base64 (see :mod:`invorder.engine._snapshot_body`)."""

from __future__ import annotations

import binascii
import functools
import sys
from array import array
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import cattrs

from invorder.codec import make_converter
from invorder.domain.availability.channel import Channel
from invorder.domain.invoicing.values import CreditNote, Invoice
from invorder.domain.orders.order import Order
from invorder.domain.orders.refunds import RefundPolicy
from invorder.domain.orders.rma import Return
from invorder.domain.orders.shipment import Shipment
from invorder.domain.orders.standing import AlertMarks
from invorder.domain.payments.payment import Payment
from invorder.domain.pricing.price_list import PriceList
from invorder.domain.purchasing.purchase import PurchaseOrder
from invorder.domain.purchasing.supplier import Supplier
from invorder.domain.reservations.reservation import Reservation
from invorder.domain.stock.catalog import Sku
from invorder.domain.stock.location import Location
from invorder.domain.stock.transfer import Transfer

T = TypeVar("T")
Data = dict[str, Any]
"""The JSON object of one projection."""

RECORDS: tuple[type[Any], ...] = (
    Sku, Location, Transfer, Reservation, PurchaseOrder, Supplier, Channel, Order, Shipment,
    Return, AlertMarks, RefundPolicy, PriceList, Invoice, CreditNote, Payment,
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
