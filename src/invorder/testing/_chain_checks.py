"""The contract kit's checks of a store that keeps the log's hash chain (an optional
capability: a store without ``chain_at`` skips them); a base of
:class:`~invorder.testing.contract.EventStoreContract`."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from typing import Any

import pytest

from invorder.adapters.memory import MemorySnapshotStore
from invorder.chain import GENESIS, canonical, chain_of
from invorder.domain.errors import ConcurrencyError
from invorder.domain.messages import Event
from invorder.domain.stock.commands import DefineLocation
from invorder.domain.stock.events import LocationDefined
from invorder.engine import Engine
from invorder.ports import EventStore
from invorder.testing._engine_checks import EngineChecks

_T = datetime(2026, 1, 1, tzinfo=UTC)


def _events(start: int, count: int, tag: str) -> list[Event]:
    # Non-ASCII text too: the hash covers UTF-8 bytes, which a store must keep exactly.
    return [LocationDefined(position=p, command=DefineLocation(
        key=f"kit-{tag}-{p}", at=_T, location=f"KIT/{tag}{p}", name=f"Lager {p} — Süd"))
        for p in range(start, start + count)]  # fmt: skip


def _capability(store: EventStore, name: str) -> Any:
    method = getattr(store, name, None)
    if method is None:
        pytest.skip(f"the store has no {name}: it keeps no hash chain (an optional extra)")
    return method


class ChainChecks(EngineChecks):
    """What a store that claims :class:`~invorder.ports.KeepsChain` (and
    :class:`~invorder.ports.ReadsChain`) must do: keep every event's chain hash, the value
    :mod:`invorder.chain` computes, with the event, all or nothing."""

    def _expected(self, store: EventStore) -> list[bytes]:
        return [GENESIS, *chain_of(store.read())]

    def test_chain_hashes_round_trip(self) -> None:
        """``chain_at(p)`` is the chain hash of the first ``p`` events, from any handle."""
        store = self.make_store()
        chain_at = _capability(store, "chain_at")
        assert chain_at(0) == GENESIS, "chain_at(0) must be 32 zero bytes (the empty log)"
        store.append(_events(0, 3, "c"), expected_position=0)
        store.append(_events(3, 1, "c"), expected_position=3)
        store.append(_events(4, 4, "c"), expected_position=4)
        expected = self._expected(store)
        got = [chain_at(p) for p in range(store.head() + 1)]
        assert got == expected, "chain_at(p) must give the hash invorder.chain computes"
        again = _capability(self.open_again(store), "chain_at")
        assert [again(p) for p in range(store.head() + 1)] == expected, (
            "another handle must read the same chain hashes"
        )

    def test_chain_hashes_are_kept_with_their_events(self) -> None:
        """A refused append keeps no hash; the chain goes on from the events stored."""
        store = self.make_store()
        chain_at = _capability(store, "chain_at")
        store.append(_events(0, 3, "c"), expected_position=0)
        before = chain_at(3)
        with pytest.raises(ConcurrencyError):
            store.append(_events(2, 3, "late"), expected_position=2)
        with pytest.raises(ConcurrencyError):
            store.append(_events(5, 2, "gap"), expected_position=5)
        assert chain_at(3) == before, "a refused append must not change the chain"
        store.append(_events(3, 2, "next"), expected_position=3)
        expected = self._expected(store)
        got = [chain_at(p) for p in range(store.head() + 1)]
        assert got == expected, "after a refused append the chain must link what is stored"

    def test_chain_read_with_events(self) -> None:
        """``read_chained`` gives what ``read`` gives, each event with its canonical bytes
        and the hash kept with it."""
        store = self.make_store()
        read_chained = _capability(store, "read_chained")
        store.append(_events(0, 4, "r"), expected_position=0)
        store.append(_events(4, 3, "r"), expected_position=4)
        events = list(store.read())
        expected = self._expected(store)
        got = list(read_chained())
        assert [e for e, _, _ in got] == events, "read_chained() must give read()'s events"
        assert [d for _, d, _ in got] == [canonical(e) for e in events], (
            "read_chained() must give each event's canonical bytes (invorder.chain.canonical)"
        )
        assert [k for _, _, k in got] == expected[1:], "read_chained() gave wrong hashes"
        part = list(read_chained(2, 5))
        assert [k for _, _, k in part] == expected[3:6], "read_chained(2, 5) is a slice"

    def test_engine_refuses_a_snapshot_of_another_log(self) -> None:
        """On a store that keeps the chain, start-up says so and refuses a snapshot taken
        on another log built with the same keys."""
        theirs = self.make_store()
        _capability(theirs, "chain_at")
        self._stocked_engine(theirs, units=9)
        snapshots = MemorySnapshotStore()
        Engine(theirs, snapshots=snapshots).snapshot()
        ours = self.make_store()  # made last: open_again() may open the latest store made
        self._stocked_engine(ours, units=5)
        with warnings.catch_warnings(record=True):  # the refusal is warned: said below
            warnings.simplefilter("always")
            engine = Engine(self.open_again(ours), snapshots=snapshots)
        assert engine.startup.snapshot is None, "a snapshot of another log must be refused"
        assert "chain hash" in engine.startup.refused, (
            f"the snapshot of another log must be refused for its chain hash, "
            f"not {engine.startup.refused!r}"
        )
        assert engine.startup.chain in ("kept", "checked"), (
            f"start-up on a store that keeps the chain says {engine.startup.chain!r}"
        )
        assert engine.balance("KIT-SKU", "KIT/A") == 5, "the log must be replayed"
