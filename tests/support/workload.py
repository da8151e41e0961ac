"""The shared scenario of the reliability tests: scarce stock, a command mix, invariants.

Orders do not exist yet, so the ledger's MarkDamaged (takes a unit for good) and MoveStock
(shifts a unit between bins) on a few scarce units stand in for placing orders.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import invorder
from invorder.domain.stock.ledger import Ledger
from invorder.domain.stock.location import is_virtual

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
SKUS = ("MUG", "CUP")
BINS = ("EAST/A/01", "EAST/A/02")
UNITS = 30
"""Units of each SKU received at each bin before the workload starts."""


def setup_commands() -> list[invorder.Command]:
    """Locations, SKUs and the scarce stock."""
    commands: list[invorder.Command] = [
        invorder.DefineLocation(key=f"loc-{b}", at=T0, location=b) for b in BINS
    ]
    commands += [invorder.DefineSku(key=f"sku-{s}", at=T0, sku=invorder.Sku(s)) for s in SKUS]
    commands += [
        invorder.ReceiveStock(key=f"rcv-{s}-{b}", at=T0, sku=s, location=b, quantity=UNITS)
        for s in SKUS
        for b in BINS
    ]
    return commands


def set_up(engine: invorder.Engine) -> None:
    """Run the set-up commands (idempotent: a repeat returns the first outcome)."""
    for command in setup_commands():
        engine.execute(command)


def command(rng: random.Random, key: str, index: int, *, restock: bool = False) -> invorder.Command:
    """One command of the mix: mostly taking a unit, sometimes moving one between bins.

    With ``restock``, one command in five receives three more units instead.
    """
    sku = rng.choice(SKUS)
    at = T0 + timedelta(seconds=index)
    if restock and rng.random() < 0.2:
        location = rng.choice(BINS)
        return invorder.ReceiveStock(key=key, at=at, sku=sku, location=location, quantity=3)
    if rng.random() < 0.75:
        location = rng.choice(BINS)
        quantity = rng.choice((1, 1, 1, 2))
        return invorder.MarkDamaged(key=key, at=at, sku=sku, location=location, quantity=quantity)
    source, destination = rng.sample(BINS, 2)
    return invorder.MoveStock(
        key=key, at=at, sku=sku, source=source, destination=destination, quantity=1
    )


def check_log(store: invorder.EventStore) -> list[str]:
    """Replay the log event by event; list every broken invariant (none: ``[]``).

    Positions are gap-free from 0; after every event no real account is negative; per SKU
    all accounts sum to zero; each idempotency key appears in one run of events only.
    """
    problems: list[str] = []
    ledger = Ledger()
    seen: dict[str, int] = {}
    for index, event in enumerate(store.read()):
        if event.position != index:
            problems.append(f"position {event.position} at index {index}")
        first = seen.setdefault(event.key, index)
        if first != index and first != index - 1:
            problems.append(f"key {event.key!r} appears again at {index} (first at {first})")
        seen[event.key] = index
        ledger.apply(event)
        for sku in SKUS:
            for account, quantity in ledger.balances(sku).items():
                if quantity < 0 and not is_virtual(account.location):
                    problems.append(f"{sku} {account} is {quantity} after position {index}")
    for sku in SKUS:
        total = sum(ledger.balances(sku).values())
        if total:
            problems.append(f"{sku}: accounts sum to {total}, not 0")
    return problems


def taken(store: invorder.EventStore) -> int:
    """Units moved to ``damaged`` (the stand-in for units sold) over all SKUs and bins."""
    ledger = Ledger()
    for event in store.read():
        ledger.apply(event)
    return sum(ledger.balance(s, b, invorder.Bucket.DAMAGED) for s in SKUS for b in BINS)
