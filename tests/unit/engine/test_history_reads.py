"""``Engine.history()`` reads the log a few times, not once per movement (issue 19, item 9),
and start-up refuses a log whose events are out of place (issue 18)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

import invorder as iv
from invorder.domain.messages import Event
from tests.support.world import T0, at


class PlainStore:
    """A store with only the port's three methods (no ``read_at``), counting reads."""

    def __init__(self, events: Sequence[Event] = ()) -> None:
        self.inner = iv.MemoryEventStore(list(events))
        self.reads: list[tuple[int, int | None]] = []

    def head(self) -> int:
        return self.inner.head()

    def append(self, events: Sequence[Event], *, expected_position: int) -> int:
        return self.inner.append(events, expected_position=expected_position)

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[Event]:
        self.reads.append((start, stop))
        return self.inner.read(start, stop)


def _log() -> list[Event]:
    engine = iv.in_memory()
    engine.execute(iv.DefineLocation(key="l", at=T0, location="EAST/A/01"))
    for sku in ("MUG", "TEE"):
        engine.execute(iv.DefineSku(key=f"s-{sku}", at=T0, sku=iv.Sku(sku)))
    for n, sku in enumerate(["MUG", "MUG", "TEE", "MUG", "TEE", "TEE", "MUG", "MUG"]):
        engine.execute(iv.ReceiveStock(key=f"r{n}", at=at(n + 1), sku=sku,
                                       location="EAST/A/01", quantity=n + 1))  # fmt: skip
    return list(engine.events())


def test_a_store_without_read_at_is_read_once_per_run_of_positions() -> None:
    events = _log()
    expected = iv.Engine(iv.MemoryEventStore(events)).history("MUG", "EAST")
    store = PlainStore(events)
    engine = iv.Engine(store)
    store.reads.clear()
    assert engine.history("MUG", "EAST") == expected
    # MUG moved at positions 3, 4, 6, 9, 10: three runs, three reads.
    assert store.reads == [(3, 5), (6, 7), (9, 11)]
    assert [line.balance for line in expected] == [1, 3, 7, 14, 22]


def test_the_memory_store_reads_scattered_positions_at_once() -> None:
    store = iv.MemoryEventStore(_log())
    assert [e.position for e in store.read_at([3, 6, 10])] == [3, 6, 10]


class Shuffled(PlainStore):
    """Gives back positions 4 and 5 swapped (a store that loses the order)."""

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[Event]:
        events = list(super().read(start, stop))
        index = {e.position: n for n, e in enumerate(events)}
        if 4 in index and 5 in index:
            events[index[4]], events[index[5]] = events[index[5]], events[index[4]]
        return iter(events)


def test_start_up_refuses_an_event_out_of_place() -> None:
    with pytest.raises(iv.errors.StoreCorruptError) as caught:
        iv.Engine(Shuffled(_log()))
    assert caught.value.code == "store_corrupt"
    assert caught.value.fields == {
        "position": 4, "problem": "the store gave the event of position 5 there",
    }  # fmt: skip
