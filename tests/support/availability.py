"""Shared set-up for the reservation, availability and channel tests: a small world and
a check that a refused command changed neither state nor log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

import invorder as iv
from tests.support.world import decisions

T = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)


class Keys:
    """Fresh idempotency keys."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> str:
        self.n += 1
        return f"k{self.n}"


def world(stock: dict[tuple[str, str], int] | None = None) -> tuple[iv.Engine, Keys]:
    """Three warehouses (EAST with bins, WEST, CENTRAL), MUG/SAUCER/SPOON and two bundles:
    SET = 2 MUG + 2 SAUCER and GIFT = 1 SET + 1 SPOON (nested, sharing MUG/SAUCER)."""
    engine = iv.in_memory()
    key = Keys()
    for path in ("EAST/A/01", "EAST/A/02", "WEST", "CENTRAL"):
        engine.execute(iv.DefineLocation(key=key(), at=T, location=path))
    for code in ("MUG", "SAUCER", "SPOON"):
        engine.execute(iv.DefineSku(key=key(), at=T, sku=iv.Sku(code)))
    engine.execute(
        iv.DefineSku(
            key=key(),
            at=T,
            sku=iv.Sku("SET", components=[iv.Component("MUG", 2), iv.Component("SAUCER", 2)]),
        )
    )
    engine.execute(
        iv.DefineSku(
            key=key(),
            at=T,
            sku=iv.Sku("GIFT", components=[iv.Component("SET", 1), iv.Component("SPOON", 1)]),
        )
    )
    default = {("MUG", "WEST"): 10, ("SAUCER", "WEST"): 10, ("SPOON", "WEST"): 3}
    for (sku, location), quantity in (stock if stock is not None else default).items():
        engine.execute(
            iv.ReceiveStock(key=key(), at=T, sku=sku, location=location, quantity=quantity)
        )
    return engine, key


def snapshot(engine: iv.Engine) -> tuple[Any, ...]:
    """Everything a refused command must leave alone."""
    return (
        decisions(engine),
        {sku.code: engine.balances(sku.code) for sku in engine.skus()},
        list(engine.reservations(open_only=False)),
        [engine.purchase_order(o.purchase_order) for o in _orders(engine)],
        engine.purchase_orders(),
        engine.suppliers(),
        engine.channels(),
    )


def _orders(engine: iv.Engine) -> list[iv.records.PurchaseOrder]:
    return [
        order
        for order in (engine.purchase_order(f"PO-{n}") for n in range(10))
        if order is not None
    ]


def assert_refused(
    engine: iv.Engine, command: iv.Command, error: type[iv.InvorderError], **fields: Any
) -> iv.InvorderError:
    """Run ``command``, expect ``error`` with ``fields``, and check nothing changed."""
    before = snapshot(engine)
    with pytest.raises(error) as caught:
        engine.execute(command)
    assert type(caught.value) is error
    for name, value in fields.items():
        assert caught.value.fields[name] == value, (name, caught.value.fields)
    assert snapshot(engine) == before
    assert engine.verify() == []
    assert engine.verify() == []
    return caught.value


def open_reserved(engine: iv.Engine, sku: str, location: str) -> int:
    """Units of stocked ``sku`` that open reservations hold on the shelf at ``location``."""
    total = 0
    for r in engine.reservations():
        if r.location == location:
            for leaf, per in r.leaves:
                if leaf == sku:
                    total += per * r.backed
    return total
