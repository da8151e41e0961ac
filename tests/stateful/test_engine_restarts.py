"""Engines that write, batch, snapshot, restart and race on one store never drift, and
give each key one outcome for ever.

A state machine drives two engines on one in-memory store (with snapshots) through random
commands, batches, snapshots and restarts; after every step each engine's projections,
caught up, equal a fresh replay of the log, and no real account is negative. Every answer
for a key (events, or a rejection's class, code and message) is the first one, whichever
engine gives it, after restarts and after stock arrived.
"""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import invorder
from invorder.adapters.memory import MemoryEventStore, MemorySnapshotStore
from invorder.domain.stock.location import is_virtual

Answer = tuple[object, ...]

T = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
BINS = ("EAST/A/01", "EAST/A/02")
KEYS = st.sampled_from([f"k{i}" for i in range(25)])


def stock_command(kind: int, key: str, bin_index: int, quantity: int) -> invorder.Command:
    location = BINS[bin_index]
    if kind == 0:
        return invorder.ReceiveStock(key=key, at=T, sku="MUG", location=location, quantity=quantity)
    if kind == 1:
        return invorder.MarkDamaged(key=key, at=T, sku="MUG", location=location, quantity=quantity)
    return invorder.MoveStock(
        key=key, at=T, sku="MUG", source=location, destination=BINS[1 - bin_index], quantity=1
    )


commands = st.builds(stock_command, st.integers(0, 2), KEYS, st.integers(0, 1), st.integers(1, 5))


class EnginesOnOneStore(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.store = MemoryEventStore()
        self.snapshots = MemorySnapshotStore()
        self.engines = [invorder.Engine(self.store, snapshots=self.snapshots) for _ in range(2)]
        self.answers: dict[str, tuple[invorder.Command, Answer]] = {}
        for command in (
            invorder.DefineLocation(key="loc-1", at=T, location=BINS[0]),
            invorder.DefineLocation(key="loc-2", at=T, location=BINS[1]),
            invorder.DefineSku(key="sku", at=T, sku=invorder.Sku("MUG")),
        ):
            self.engines[0].execute(command)

    def answered(self, command: invorder.Command, result: object) -> int:
        """Check ``result`` is the first answer for ``command``'s key (or a conflict with
        the first command); the number of events it added to the log."""
        if isinstance(result, invorder.IdempotencyConflictError):
            assert self.answers[command.key][0] != command
            return 0
        if isinstance(result, invorder.InvorderError):
            answer: Answer = ("rejected", type(result), result.code, str(result))
        else:
            assert isinstance(result, tuple)
            answer = ("accepted", *result)
        new = command.key not in self.answers
        first = self.answers.setdefault(command.key, (command, answer))
        assert first == (command, answer), f"{command.key}: {answer} after {first}"
        if not new:
            return 0
        return 1 if answer[0] == "rejected" else len(answer) - 1

    @rule(which=st.integers(0, 1), command=commands)
    def execute(self, which: int, command: invorder.Command) -> None:
        try:
            outcome = self.engines[which].execute(command)
        except (invorder.RejectedError, invorder.IdempotencyConflictError) as error:
            self.answered(command, error)
        else:
            self.answered(command, outcome)

    @rule(which=st.integers(0, 1), batch=st.lists(commands, max_size=6))
    def execute_batch(self, which: int, batch: list[invorder.Command]) -> None:
        head = self.store.head()
        results = self.engines[which].execute_batch(batch)
        assert len(results) == len(batch)
        added = sum(
            self.answered(c, r.error if isinstance(r, invorder.Rejected) else r)
            for c, r in zip(batch, results, strict=True)
        )
        assert self.store.head() == head + added

    @rule(which=st.integers(0, 1))
    def snapshot(self, which: int) -> None:
        assert self.engines[which].snapshot() == self.store.head()

    @rule(which=st.integers(0, 1))
    def restart(self, which: int) -> None:
        self.engines[which] = invorder.Engine(self.store, snapshots=self.snapshots)
        assert self.engines[which].position == self.store.head()

    @invariant()
    def projections_equal_a_replay(self) -> None:
        for engine in self.engines:
            assert engine.verify() == []

    @invariant()
    def no_real_account_is_negative(self) -> None:
        replay = invorder.Engine(MemoryEventStore(list(self.store.read())))
        for account, quantity in replay.balances("MUG").items():
            assert quantity >= 0 or is_virtual(account.location), (account, quantity)


EnginesOnOneStore.TestCase.settings = settings(settings(), stateful_step_count=20)
TestEnginesOnOneStore = EnginesOnOneStore.TestCase
