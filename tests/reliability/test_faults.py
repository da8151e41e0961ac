"""A small seeded fault simulation (in the spirit of TigerBeetle's simulator).

A host runs a command workload against a store wrapper that loses acknowledgements (the
append happened, the host hears nothing and retries with the same key), crashes the host
between append and acknowledgement (it restarts its engine from snapshot + log and retries)
and the host delivers duplicates of earlier commands. Every key must get one outcome for
ever (an acknowledged command applied exactly once, a rejected one kept as one rejection
record and answered with the same error on every delivery, across restarts) and every
invariant must hold. A failure names its seed; replay it
with ``INVORDER_FAULT_SEEDS=<seed>``.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator, Sequence

import pytest

import invorder
from invorder.adapters.memory import MemoryEventStore, MemorySnapshotStore
from invorder.domain.messages import Event
from invorder.events import CommandRejected
from tests.support import workload

OPERATIONS = 300
SEEDS = [int(s) for s in os.environ.get("INVORDER_FAULT_SEEDS", "").split(",") if s] or list(
    range(24)
)


class LostAckError(Exception):
    """The append was stored but its acknowledgement never reached the host."""


class CrashError(Exception):
    """The host process died (before or after the store applied the append)."""


class FaultyStore:
    """Wraps a store; each append may be lost before, or its ack lost after, applying."""

    def __init__(self, inner: invorder.EventStore, rng: random.Random) -> None:
        self.inner = inner
        self.rng = rng
        self.faults = {"lost_ack": 0, "crash_before": 0, "crash_after": 0}

    def head(self) -> int:
        return self.inner.head()

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[Event]:
        return self.inner.read(start, stop)

    def chain_at(self, position: int) -> bytes | None:
        # A proxy passes the chain on: its snapshots then fit the store it wraps.
        assert isinstance(self.inner, MemoryEventStore)
        return self.inner.chain_at(position)

    def append(self, events: Sequence[Event], *, expected_position: int) -> int:
        roll = self.rng.random()
        if roll < 0.08:
            self.faults["crash_before"] += 1
            raise CrashError("before the append")
        head = self.inner.append(events, expected_position=expected_position)
        if roll < 0.16:
            self.faults["lost_ack"] += 1
            raise LostAckError()
        if roll < 0.22:
            self.faults["crash_after"] += 1
            raise CrashError("between append and acknowledgement")
        return head


def simulate(seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    base, snapshots = MemoryEventStore(), MemorySnapshotStore()
    store = FaultyStore(base, random.Random(seed * 7919 + 1))
    workload.set_up(invorder.Engine(base))
    engine = invorder.Engine(store, snapshots=snapshots)
    acked: dict[str, object] = {}
    sent: list[invorder.Command] = []
    restarts = duplicates = 0
    for op in range(OPERATIONS):
        if sent and rng.random() < 0.15:
            batch = [rng.choice(sent)]  # a duplicate delivery of an earlier command
            duplicates += 1
        else:
            size = rng.choice((1, 1, 1, 4))
            batch = [
                workload.command(rng, f"s{seed}-{op}-{i}", op, restock=True) for i in range(size)
            ]
            sent += batch
        while True:
            try:
                if len(batch) == 1:
                    try:
                        results: list[object] = [engine.execute(batch[0])]
                    except invorder.RejectedError as error:
                        results = [error]
                else:
                    results = [
                        r.error if isinstance(r, invorder.Rejected) else r
                        for r in engine.execute_batch(batch)
                    ]
            except LostAckError:
                continue  # the host retries with the same keys, on the same engine
            except CrashError:
                restarts += 1
                engine = invorder.Engine(store, snapshots=snapshots)
                continue
            break
        for command, result in zip(batch, results, strict=True):
            first = acked.setdefault(command.key, result)
            assert result == first, f"seed {seed}: {command.key} answered differently"
        if op % 60 == 59:
            engine.snapshot()

    logged: dict[str, list[Event]] = {}
    for event in base.read():
        logged.setdefault(event.key, []).append(event)
    for key, result in acked.items():
        if isinstance(result, tuple):
            assert logged.get(key) == list(result), f"seed {seed}: {key} not applied once"
        else:
            assert isinstance(result, invorder.InvorderError)
            (record,) = logged[key]  # one record, never an acceptance
            assert isinstance(record, CommandRejected), f"seed {seed}: rejected {key} applied"
            assert record.error() == result, f"seed {seed}: {key} recorded another error"
    assert workload.check_log(base) == [], f"seed {seed}"
    assert invorder.Engine(base, snapshots=snapshots).verify() == [], f"seed {seed}"
    assert engine.verify() == [], f"seed {seed}"
    return {"restarts": restarts, "duplicates": duplicates, **store.faults}


@pytest.mark.parametrize("seed", SEEDS)
def test_every_acknowledged_command_is_applied_once(seed: int) -> None:
    try:
        figures = simulate(seed)
    except AssertionError as error:
        raise AssertionError(f"{error}\nreplay: INVORDER_FAULT_SEEDS={seed}") from error
    print(f"\nfaults seed={seed} operations={OPERATIONS}:", figures)
    assert figures["lost_ack"] + figures["crash_after"] > 0, "the simulation injected no fault"
