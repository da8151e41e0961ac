"""A small, deterministic ledger world for the tests, and a snapshot of what must not change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import invorder
from invorder import Bucket, Engine, EventStore, MemoryEventStore, Sku
from invorder.domain.stock.location import is_within
from invorder.engine.views.stock import fold

T0 = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
"""The time every test world starts at."""

MUG_EAN = "5901234123457"
"""A valid EAN-13 carried by the MUG SKU."""

BINS = ("EAST/A/01", "EAST/A/02", "EAST/B/01", "WEST/A/01")
"""The bins defined in the standard world (EAST has two zones, WEST one)."""


def at(minutes: int) -> datetime:
    """``T0`` plus some minutes."""
    return T0 + timedelta(minutes=minutes)


def world(store: EventStore | None = None) -> Engine:
    """An engine with the standard bins and SKUs MUG (barcode ``MUG_EAN``) and TEE."""
    engine = Engine(store if store is not None else MemoryEventStore())
    for n, path in enumerate(BINS):
        engine.execute(invorder.DefineLocation(key=f"loc-{n}", at=T0, location=path))
    engine.execute(invorder.DefineSku(key="sku-mug", at=T0, sku=Sku("MUG", "Mug", (MUG_EAN,))))
    engine.execute(invorder.DefineSku(key="sku-tee", at=T0, sku=Sku("TEE", "T-shirt")))
    return engine


def stocked(store: EventStore | None = None) -> Engine:
    """The standard world with 10 MUG and 5 TEE available at EAST/A/01."""
    engine = world(store)
    engine.execute(
        invorder.ReceiveStock(key="rcv-mug", at=at(1), sku="MUG", location="EAST/A/01", quantity=10)
    )
    engine.execute(
        invorder.ReceiveStock(key="rcv-tee", at=at(1), sku="TEE", location="EAST/A/01", quantity=5)
    )
    return engine


def decisions(engine: Engine) -> list[invorder.Event]:
    """The log without its rejection records: what a refused command leaves alone (it
    appends only its :class:`~invorder.events.CommandRejected`, which changes no state)."""
    return [e for e in engine.events() if not isinstance(e, invorder.events.CommandRejected)]


def refused_once(engine: Engine, before: int, command: invorder.Command) -> bool:
    """Whether the log grew from ``before`` events by exactly the rejection record of
    ``command`` (what a refusal of a new key writes)."""
    events = list(engine.events(before))
    return (engine.position == before + 1 and len(events) == 1
            and isinstance(events[0], invorder.events.CommandRejected)
            and events[0].command == command)  # fmt: skip


def snapshot(engine: Engine) -> tuple[Any, ...]:
    """Everything a refused command must leave alone: the log's decisions, balances,
    transfers."""
    skus = [sku.code for sku in engine.skus()]
    return (
        decisions(engine),
        {sku: engine.balances(sku) for sku in skus},
        engine.skus(),
        engine.locations(),
        {t: engine.transfer(t) for t in ("TR-1", "TR-2")},
    )


def check_invariants(engine: Engine) -> None:
    """Assert the ledger invariants on ``engine``: zero sums, no negative real account,
    roll-ups that add up, and balances equal to a fold of the log."""
    truth = fold(engine.events())
    locations = engine.locations()
    for sku in [sku.code for sku in engine.skus()]:
        balances = engine.balances(sku)
        assert sum(balances.values()) == 0, f"{sku}: accounts sum to {sum(balances.values())}"
        for account, quantity in balances.items():
            assert account.is_virtual or quantity >= 0, f"{sku} at {account}: {quantity}"
        assert balances == truth.balances(sku)
        for location in locations:
            for bucket in Bucket:
                inside = sum(
                    quantity
                    for account, quantity in balances.items()
                    if account.bucket is bucket and is_within(account.location, location)
                )
                assert engine.rollup(sku, location, bucket) == inside
                assert truth.rollup(sku, location, bucket) == inside
    assert engine.position == len(list(engine.events()))
