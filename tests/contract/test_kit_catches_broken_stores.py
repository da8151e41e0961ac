"""The contract kit must fail on broken stores: each defect here is caught by name."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from invorder.adapters.memory import MemoryEventStore, MemorySnapshotStore
from invorder.chain import GENESIS, canonical, chain_of
from invorder.codec import Codec
from invorder.domain.messages import Event
from invorder.errors import ConcurrencyError
from invorder.events import CommandRejected
from invorder.ports import EventStore
from invorder.testing.contract import check_event_store
from tests.support.stores import PlainStore


class IgnoresExpectedPosition(MemoryEventStore):
    """Appends whatever it is given, renumbering nothing and checking nothing."""

    __slots__ = ()

    def append(self, events: Sequence[Event], *, expected_position: int) -> int:
        return super().append(events, expected_position=self.head())


class AppendsHalfABatch(MemoryEventStore):
    """Keeps only the first half (rounded up) of each batch."""

    __slots__ = ()

    def append(self, events: Sequence[Event], *, expected_position: int) -> int:
        return super().append(events[: (len(events) + 1) // 2], expected_position=expected_position)


_CODEC = Codec()


class CommitsRowByRow(MemoryEventStore):
    """Encodes and commits each event of a batch on its own (no transaction around it)."""

    __slots__ = ()

    def append(self, events: Sequence[Event], *, expected_position: int) -> int:
        for n, event in enumerate(events):
            json.dumps(_CODEC.event_to_dict(event))  # the row, as a database would be sent it
            super().append([event], expected_position=expected_position + n)
        return self.head()


class DropsTheLastEvent(MemoryEventStore):
    """Reads every event but the last one."""

    __slots__ = ()

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[Event]:
        events = list(super().read(start, stop))
        if stop is None or stop >= self.head():
            events = events[:-1]
        return iter(events)


class ReordersEvents(MemoryEventStore):
    """Reads each pair of events swapped."""

    __slots__ = ()

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[Event]:
        events = list(super().read(start, stop))
        for i in range(0, len(events) - 1, 2):
            events[i], events[i + 1] = events[i + 1], events[i]
        return iter(events)


class InsertOrIgnore(MemoryEventStore):
    """Skips positions it already holds and writes the rest (an ``INSERT OR IGNORE`` bug)."""

    __slots__ = ()

    def append(self, events: Sequence[Event], *, expected_position: int) -> int:
        for event in events:
            if event.position == self.head():
                super().append([event], expected_position=event.position)
        return self.head()


class SkipsRejections(MemoryEventStore):
    """Reads back only the event kinds it was written for: rejection records are skipped
    (a host's store with one table per event kind it knew of)."""

    __slots__ = ()

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[Event]:
        return (e for e in super().read(start, stop) if not isinstance(e, CommandRejected))


_CODEC = Codec()


def _lossy(event: Event, spoil: Callable[[str], str]) -> Event:
    """``event`` stored as JSON by a column that spoils every string."""

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return spoil(value)
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    data = _CODEC.event_to_dict(event)
    kept = {k: (walk(v) if k not in ("type", "schema") else v) for k, v in data.items()}
    return _CODEC.event_from_dict(kept)


class LossyColumns(MemoryEventStore):
    """Stores every event through a column that spoils its strings (see subclasses)."""

    __slots__ = ()

    @staticmethod
    def spoil(text: str) -> str:
        return text

    def append(self, events: Sequence[Event], *, expected_position: int) -> int:
        stored = [_lossy(event, self.spoil) for event in events]
        return super().append(stored, expected_position=expected_position)


class LosesMicroseconds(LossyColumns):
    """A timestamp column without fractions of a second."""

    __slots__ = ()

    @staticmethod
    def spoil(text: str) -> str:
        return re.sub(r"(T\d\d:\d\d:\d\d)\.\d+", r"\1", text)


class CutsTextAt255(LossyColumns):
    """A ``VARCHAR(255)`` column."""

    __slots__ = ()

    @staticmethod
    def spoil(text: str) -> str:
        return text[:255]


class AsciiOnly(LossyColumns):
    """A column in a single-byte encoding: every other character becomes ``?``."""

    __slots__ = ()

    @staticmethod
    def spoil(text: str) -> str:
        return text.encode("ascii", "replace").decode("ascii")


class AcceptsAnEmptyBatchAnywhere(MemoryEventStore):
    """Acknowledges an empty append without looking at the position."""

    __slots__ = ()

    def append(self, events: Sequence[Event], *, expected_position: int) -> int:
        if not events:
            return self.head()
        return super().append(events, expected_position=expected_position)


class DecidesByKey(MemoryEventStore):
    """Reports success for a batch whose keys it already holds (a unique index on the key
    used as the conflict check)."""

    __slots__ = ()

    def append(self, events: Sequence[Event], *, expected_position: int) -> int:
        stored = {event.key for event in self.read()}
        if events and all(event.key in stored for event in events):
            return self.head()
        return super().append(events, expected_position=expected_position)


class CachesItsHead(MemoryEventStore):
    """Answers ``head()`` from the first value it read, for ever."""

    __slots__ = ("cached",)
    cached: int | None

    def head(self) -> int:
        if getattr(self, "cached", None) is None:
            self.cached = super().head()
        assert self.cached is not None
        return self.cached


class ReadsOnePage(MemoryEventStore):
    """Reads at most 100 events from its start (a paging loop that never turns the page)."""

    __slots__ = ()

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[Event]:
        end = start + 100 if stop is None else min(stop, start + 100)
        return super().read(start, end)


class UniqueKeys(MemoryEventStore):
    """Refuses a batch whose events share a key, as a UNIQUE index on the key would, and
    says it lost a race (the engine then retries a command that can never be stored)."""

    __slots__ = ()

    def append(self, events: Sequence[Event], *, expected_position: int) -> int:
        keys = [event.key for event in events]
        if len(set(keys)) != len(keys):
            raise ConcurrencyError(expected_position, self.head())
        return super().append(events, expected_position=expected_position)


class LosesAHash(MemoryEventStore):
    """Keeps no chain hash for the event at position 2 (a column written as NULL)."""

    __slots__ = ()

    def chain_at(self, position: int) -> bytes | None:
        return None if position == 3 else super().chain_at(position)


class AltersAHash(MemoryEventStore):
    """Gives one hash back with a byte flipped (bit rot in the hash column)."""

    __slots__ = ()

    def chain_at(self, position: int) -> bytes | None:
        kept = super().chain_at(position)
        if kept is None or position != 2:
            return kept
        return bytes([kept[0] ^ 1]) + kept[1:]


class KeepsHashesOfRefusedBatches(MemoryEventStore):
    """Hashes each batch into its chain before the position check (not atomic): a refused
    batch leaves its hashes behind and every later one is linked to them."""

    __slots__ = ("hashes",)

    def __init__(self) -> None:
        self.hashes = [GENESIS]
        super().__init__()

    def append(self, events: Sequence[Event], *, expected_position: int) -> int:
        self.hashes.extend(chain_of(events, self.hashes[-1]))
        return super().append(events, expected_position=expected_position)

    def chain_at(self, position: int) -> bytes | None:
        return self.hashes[position] if position < len(self.hashes) else None


class ReadsChained(MemoryEventStore):
    """A memory store that also reads hashes with its events (as the SQL store does)."""

    __slots__ = ()

    def read_chained(
        self, start: int = 0, stop: int | None = None
    ) -> Iterator[tuple[Event, bytes, bytes | None]]:
        for event in list(self.read(start, stop)):
            yield event, canonical(event), self.chain_at(event.position + 1)


class ReadsTheHashBefore(ReadsChained):
    """Reads each event with the hash of the event before it (an off-by-one join)."""

    __slots__ = ()

    def read_chained(
        self, start: int = 0, stop: int | None = None
    ) -> Iterator[tuple[Event, bytes, bytes | None]]:
        for event, data, _ in super().read_chained(start, stop):
            yield event, data, self.chain_at(event.position)


class KeepsAHead(MemoryEventStore):
    """A memory store with a head record (``last_head``) that its subclasses keep wrong."""

    __slots__ = ("kept",)

    def __init__(self) -> None:
        self.kept: tuple[int, bytes | None] | None = None
        super().__init__()

    def last_head(self) -> tuple[int, bytes | None] | None:
        return self.kept


class KeepsTheHeadBefore(KeepsAHead):
    """Keeps its head one append late (written before the batch, not with it)."""

    __slots__ = ()

    def append(self, events: Sequence[Event], *, expected_position: int) -> int:
        if self.head():
            self.kept = (self.head(), self.chain_at(self.head()))
        return super().append(events, expected_position=expected_position)


class KeepsTheHeadOfRefusedBatches(KeepsAHead):
    """Writes its head record before the position check: a refused batch moves it."""

    __slots__ = ()

    def append(self, events: Sequence[Event], *, expected_position: int) -> int:
        head = expected_position + len(events)
        self.kept = (head, chain_of(events, self.chain_at(expected_position) or GENESIS)[-1])
        return super().append(events, expected_position=expected_position)


class ForgetsSnapshots(MemorySnapshotStore):
    """Saves nothing."""

    __slots__ = ()

    def save(self, position: int, data: bytes) -> None:
        return None


def test_the_memory_store_passes_every_check() -> None:
    assert check_event_store(MemoryEventStore, make_snapshot_store=MemorySnapshotStore) == []


def test_a_store_that_reads_hashes_with_its_events_passes_every_check() -> None:
    assert check_event_store(ReadsChained, make_snapshot_store=MemorySnapshotStore) == []


def test_a_store_without_the_chain_passes_every_check() -> None:
    assert check_event_store(PlainStore, make_snapshot_store=MemorySnapshotStore) == []


@pytest.mark.parametrize(
    ("broken", "caught_by"),
    [
        (IgnoresExpectedPosition, "test_stale_expected_position_conflicts"),
        (IgnoresExpectedPosition, "test_two_engines_cannot_oversell"),
        (AppendsHalfABatch, "test_read_after_write"),
        (AppendsHalfABatch, "test_batch_is_appended_whole"),
        (CommitsRowByRow, "test_a_batch_failing_midway_is_stored_whole_or_not_at_all"),
        (DropsTheLastEvent, "test_read_after_write"),
        (DropsTheLastEvent, "test_read_keeps_order_and_ranges"),
        (ReordersEvents, "test_read_keeps_order_and_ranges"),
        (ReordersEvents, "test_read_after_write"),
        (InsertOrIgnore, "test_failed_batch_writes_nothing"),
        (LosesMicroseconds, "test_identifiers_and_times_at_the_edges"),
        (CutsTextAt255, "test_identifiers_and_times_at_the_edges"),
        (AsciiOnly, "test_identifiers_and_times_at_the_edges"),
        (AcceptsAnEmptyBatchAnywhere, "test_an_empty_batch_at_a_stale_position_conflicts"),
        (DecidesByKey, "test_a_stale_append_of_stored_keys_conflicts"),
        (CachesItsHead, "test_two_writers_race"),
        (ReadsOnePage, "test_a_log_of_several_pages"),
        (UniqueKeys, "test_a_command_of_several_events"),
        (SkipsRejections, "test_a_rejection_is_one_outcome_for_ever"),
        (LosesAHash, "test_chain_hashes_round_trip"),
        (AltersAHash, "test_chain_hashes_round_trip"),
        (KeepsHashesOfRefusedBatches, "test_chain_hashes_are_kept_with_their_events"),
        (ReadsTheHashBefore, "test_chain_read_with_events"),
        (ReadsTheHashBefore, "test_idempotency_survives_restart"),
        (KeepsTheHeadBefore, "test_last_head_if_offered"),
        (KeepsTheHeadOfRefusedBatches, "test_last_head_if_offered"),
    ],
)
def test_a_broken_store_is_caught(broken: type[EventStore], caught_by: str) -> None:
    failures = check_event_store(broken, race_seconds=1.0)
    failed = {line.split(":", 1)[0] for line in failures}
    assert caught_by in failed, f"{broken.__name__} passed {caught_by}; failures: {failures}"
    assert all("AssertionError" in line or "Error" in line for line in failures)


def test_a_snapshot_store_that_forgets_is_caught() -> None:
    failures = check_event_store(MemoryEventStore, make_snapshot_store=ForgetsSnapshots)
    failed = {line.split(":", 1)[0] for line in failures}
    assert failed == {"test_snapshot_round_trip", "test_engine_starts_from_snapshot"}


def test_the_pytest_base_class_reports_the_failure(tmp_path: Path) -> None:
    (tmp_path / "test_broken_adapter.py").write_text(
        textwrap.dedent(
            """
            from invorder.adapters.memory import MemoryEventStore
            from invorder.testing.contract import EventStoreContract

            class DropsLast(MemoryEventStore):
                __slots__ = ()
                def read(self, start=0, stop=None):
                    return iter(list(super().read(start, stop))[:-1])

            class TestBroken(EventStoreContract):
                def make_store(self):
                    return DropsLast()
            """
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rf"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stdout
    assert "FAILED test_broken_adapter.py::TestBroken::test_read_after_write" in result.stdout
    assert "passed" in result.stdout, "the checks the store does pass must still pass"
