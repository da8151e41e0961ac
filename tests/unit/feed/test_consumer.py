"""A named feed consumer over a store: at-least-once delivery from its checkpoint, the
checkpoint moved by compare-and-set, and the bad checkpoints refused (issue 13, item 5)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import invorder as iv
from invorder.adapters.memory import MemoryCheckpointStore
from invorder.errors import CheckpointConflictError, InvalidCheckpointError
from invorder.feed import Feed, notifications
from invorder.feed import _consumer as consumer_module
from tests.support.feed_logs import boundaries, day_log


def store_with(stop: int | None = None) -> iv.MemoryEventStore:
    events = day_log()
    return iv.MemoryEventStore(events[:stop] if stop is not None else events)


def reading(limit: int = 5) -> tuple[iv.MemoryEventStore, MemoryCheckpointStore, Feed]:
    """A consumer ``sync`` over the whole day log that has read a first batch."""
    store, checkpoints = store_with(), MemoryCheckpointStore()
    feed = Feed(store, checkpoints, "sync")
    feed.pending(limit=limit)
    return store, checkpoints, feed


def test_a_consumer_gets_everything_once_when_nothing_fails() -> None:
    store, checkpoints = store_with(), MemoryCheckpointStore()
    feed = Feed(store, checkpoints, "shopify-sync", channel="shopify")
    delivered = []
    while batch := feed.pending(limit=50):
        delivered.extend(batch)
        feed.acknowledge()
    expected = list(notifications(store.read(), channel="shopify"))
    assert delivered == expected
    assert checkpoints.load("shopify-sync") == feed.checkpoint == store.head()


def test_a_crash_before_the_acknowledgement_delivers_again_from_the_checkpoint() -> None:
    store, checkpoints = store_with(), MemoryCheckpointStore()
    first = Feed(store, checkpoints, "sync")
    taken = first.pending(limit=30)
    through = first.acknowledge()
    assert through == taken[-1].position + 1  # whole events: the cut never splits one
    lost = first.pending(limit=30)  # delivered, then the process dies before acknowledging
    again = Feed(store, checkpoints, "sync").pending(limit=30)
    assert again == lost  # the same notifications, the same ids: the channel dedupes


def test_new_events_are_read_on_the_next_call() -> None:
    events = day_log()
    cut = boundaries(events)[len(boundaries(events)) // 2]
    store, checkpoints = iv.MemoryEventStore(events[:cut]), MemoryCheckpointStore()
    feed = Feed(store, checkpoints, "sync")
    early = feed.pending()
    feed.acknowledge()
    store.append(events[cut:], expected_position=cut)
    late = feed.pending()
    assert [*early, *late] == list(notifications(events))
    assert all(n.position >= cut for n in late)


def test_two_consumers_of_one_name_never_both_acknowledge_the_same_notifications() -> None:
    store, checkpoints = store_with(), MemoryCheckpointStore()
    one, two = Feed(store, checkpoints, "sync"), Feed(store, checkpoints, "sync")
    assert one.pending(limit=10) == two.pending(limit=10)  # both may deliver (at least once)
    moved = one.acknowledge()
    with pytest.raises(CheckpointConflictError) as raised:
        two.acknowledge()
    assert raised.value.fields == {"consumer": "sync", "expected": 0, "actual": moved}
    assert checkpoints.load("sync") == moved
    assert two.pending(limit=10)[0].position >= moved  # it reads on from the new checkpoint


def test_a_checkpoint_past_the_head_is_refused_and_nothing_moves() -> None:
    store, checkpoints, feed = reading()
    head = store.head()
    with pytest.raises(InvalidCheckpointError, match=f"past the log's head {head}"):
        feed.acknowledge(head + 1)
    assert checkpoints.load("sync") == 0
    # A log rolled back behind a consumer: its stored checkpoint is refused, not trusted.
    checkpoints.advance("sync", 0, head)
    shorter = store_with(10)
    with pytest.raises(InvalidCheckpointError) as raised:
        Feed(shorter, checkpoints, "sync").pending()
    assert str(raised.value) == f"checkpoint {head} of consumer 'sync' is past the log's head 10"
    assert checkpoints.load("sync") == head


def test_a_checkpoint_behind_the_stored_one_is_refused() -> None:
    _, checkpoints, feed = reading()
    moved = feed.acknowledge()
    with pytest.raises(InvalidCheckpointError, match=f"behind the stored checkpoint {moved}"):
        feed.acknowledge(moved - 1)
    assert checkpoints.load("sync") == moved


@pytest.mark.parametrize(("consumer", "channel"), [("", None), ("sync", " shopify")])
def test_bad_names_are_refused(consumer: str, channel: str | None) -> None:
    with pytest.raises(iv.errors.InvalidIdentifierError):
        Feed(store_with(), MemoryCheckpointStore(), consumer, channel=channel)


@pytest.mark.parametrize("limit", [0, -3, True])
def test_a_limit_below_one_is_refused(limit: int) -> None:
    feed = Feed(store_with(), MemoryCheckpointStore(), "sync")
    with pytest.raises(iv.errors.InvalidFieldError, match="limit"):
        feed.pending(limit=limit)
    assert feed.read_from is None


class CountingStore(iv.MemoryEventStore):
    """Counts the events read from it."""

    read_count = 0

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[iv.Event]:
        for event in super().read(start, stop):
            self.read_count += 1
            yield event


def test_a_limited_batch_reads_pages_of_whole_commands_only_as_far_as_it_needs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(consumer_module, "PAGE", 5)  # shorter than some commands
    store, checkpoints = CountingStore(day_log()), MemoryCheckpointStore()
    feed = Feed(store, checkpoints, "sync")
    first = feed.pending(limit=3)
    assert len(first) >= 3
    assert store.read_count < store.head() // 10  # not the whole log for a small batch
    delivered = list(first)
    feed.acknowledge()
    while batch := feed.pending(limit=3):
        delivered.extend(batch)
        feed.acknowledge()
    assert delivered == list(notifications(day_log()))
    assert store.read_count == store.head()  # every event read once


@pytest.mark.parametrize("through", [-1, "12", 3.0])
def test_a_position_that_is_not_one_is_refused(through: object) -> None:
    _, checkpoints, feed = reading()
    with pytest.raises(iv.errors.InvalidFieldError, match="through"):
        feed.acknowledge(through)  # type: ignore[arg-type]  # the bad input under test
    assert checkpoints.load("sync") == 0
