"""A small order world for the tests: two warehouses, three channels, stock in bins."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import invorder
from invorder import CaptureOrder, Engine, LineItem, MemoryEventStore, Money, OrderKind, Sku
from tests.support.world import T0, at, snapshot

BINS = ("EAST/A/01", "EAST/A/02", "EAST/B/01", "WEST/A/01")
CHANNELS = ("shopify", "amazon", "walmart", "shop", "portal", "wholesale", "wholesale-portal")
"""The channels ``order_world`` defines (every warehouse feeds each)."""


def price(amount: str = "10.00", currency: str = "USD") -> Money:
    """A unit price."""
    return Money(Decimal(amount), currency)


def order_world(
    east: dict[str, int] | None = None, west: dict[str, int] | None = None, **engine: Any
) -> Engine:
    """Bins of EAST and WEST, SKUs MUG and TEE; ``east``/``west`` map a bin to MUG units."""
    e = Engine(MemoryEventStore(), **engine)
    for n, path in enumerate(BINS):
        e.execute(invorder.DefineLocation(key=f"loc-{n}", at=T0, location=path))
    e.execute(invorder.DefineSku(key="sku-mug", at=T0, sku=Sku("MUG", "Mug")))
    e.execute(invorder.DefineSku(key="sku-tee", at=T0, sku=Sku("TEE", "T-shirt")))
    stock = {**(east if east is not None else {"EAST/A/02": 3, "EAST/A/01": 2}),
             **(west if west is not None else {"WEST/A/01": 4})}  # fmt: skip
    for path, units in sorted(stock.items()):
        if units:
            e.execute(invorder.ReceiveStock(key=f"rcv-{path}", at=at(1), sku="MUG",
                                            location=path, quantity=units))  # fmt: skip
    e.execute(invorder.ReceiveStock(key="rcv-tee", at=at(1), sku="TEE", location="WEST/A/01",
                                    quantity=5))  # fmt: skip
    for channel in CHANNELS:  # orders come only from defined channels, fed by both warehouses
        e.execute(invorder.DefineChannel(key=f"ch-{channel}", at=T0, channel=channel,
                                         locations=("EAST", "WEST")))  # fmt: skip
    return e


def capture(
    order: str = "O-1",
    lines: tuple[tuple[str, str, int], ...] = (("1", "MUG", 2),),
    minute: int = 5,
    **fields: Any,
) -> CaptureOrder:
    """A capture command: ``lines`` are (line id, SKU, quantity) at 10.00 USD."""
    fields.setdefault("channel", "shopify")
    fields.setdefault("external_id", f"ext-{order}")
    fields.setdefault("kind", OrderKind.DTC)
    return CaptureOrder(
        key=f"cap-{order}-{minute}", at=at(minute), order=order,
        lines=[LineItem(line_id, sku, qty, price()) for line_id, sku, qty in lines], **fields,
    )  # fmt: skip


def ship(engine: Engine, shipment: str, minute: int = 10) -> None:
    """Pick, pack and ship ``shipment`` at ``at(minute)``."""
    for step in (invorder.StartPicking, invorder.PackShipment):
        engine.execute(step(key=f"{step.__name__}-{shipment}", at=at(minute), shipment=shipment))
    engine.execute(invorder.ShipShipment(key=f"ship-{shipment}", at=at(minute),
                                         shipment=shipment, carrier="UPS"))  # fmt: skip


def identities_hold(engine: Engine) -> None:
    """Assert the line quantity identities and derived statuses of every order."""
    for order in engine.orders():
        for line in order.lines:
            assert min(line.unallocated, line.backordered, line.allocated) >= 0
            assert line.ordered == (
                line.allocated + line.backordered + line.cancelled + line.unallocated
            )
            assert 0 <= line.shipped <= line.allocated
            assert 0 <= line.returned <= line.shipped
            assert line.status == invorder.domain.orders.order.line_status(line)


def state_of(engine: invorder.Engine) -> tuple[Any, ...]:
    """Everything a refused order command must leave alone."""
    return (
        snapshot(engine),
        engine.orders(),
        [engine.shipments(o.order_id) for o in engine.orders()],
        list(engine.reservations()),
        engine.price_lists(),
        [(engine.payment(o.order_id), engine.payment_facts(o.order_id))
         for o in engine.orders()],
    )  # fmt: skip


def clean(engine: Engine) -> None:
    """The log verifies, the identities hold, and a replay of the log gives the same
    orders, shipments and reservations."""
    assert engine.verify() == []
    identities_hold(engine)
    replayed = Engine(MemoryEventStore(list(engine.events())))
    assert replayed.orders() == engine.orders()
    for order in engine.orders():
        assert replayed.shipments(order.order_id) == engine.shipments(order.order_id)
    assert list(replayed.reservations(open_only=False)) == list(
        engine.reservations(open_only=False)
    )
