"""The contract kit of the :class:`~invorder.ports.CheckpointStore` port (the feed's
consumer checkpoints): subclass :class:`CheckpointStoreContract` in a test module, name the
subclass ``Test...`` and override :meth:`~CheckpointStoreContract.make_checkpoints`."""

from __future__ import annotations

import threading

import pytest

from invorder.domain.errors import CheckpointConflictError
from invorder.ports import CheckpointStore


class CheckpointStoreContract:
    """Every behaviour the feed relies on from a checkpoint store, one test method each.

    Override :meth:`make_checkpoints` (new, empty checkpoints each call) and, if your store
    has connections, :meth:`open_again` (another handle on the same checkpoints, as a
    second process would open them).
    """

    def make_checkpoints(self) -> CheckpointStore:
        """A new checkpoint store with no consumer in it."""
        raise NotImplementedError("override make_checkpoints() in your subclass")

    def open_again(self, checkpoints: CheckpointStore) -> CheckpointStore:
        """Another handle on the same checkpoints (default: the same object)."""
        return checkpoints

    def test_a_new_consumer_starts_at_zero(self) -> None:
        """A consumer that never advanced loads 0."""
        assert self.make_checkpoints().load("shopify-sync") == 0, "a new consumer must load 0"

    def test_advance_moves_the_checkpoint_for_every_handle(self) -> None:
        """An advance from the stored position moves it, as every handle sees."""
        store = self.make_checkpoints()
        store.advance("shopify-sync", 0, 12)
        store.advance("shopify-sync", 12, 40)
        assert store.load("shopify-sync") == 40
        assert self.open_again(store).load("shopify-sync") == 40, "another handle must see it"

    def test_a_stale_expected_position_conflicts_and_changes_nothing(self) -> None:
        """An advance from another position than the stored one is refused, with the facts, and
        changes nothing."""
        store = self.make_checkpoints()
        store.advance("shopify-sync", 0, 12)
        for stale in (0, 5, 13):
            with pytest.raises(CheckpointConflictError) as raised:
                store.advance("shopify-sync", stale, 50)
            assert raised.value.fields == {"consumer": "shopify-sync", "expected": stale,
                                           "actual": 12}  # fmt: skip
        assert store.load("shopify-sync") == 12, "a refused advance must change nothing"

    def test_a_first_advance_from_elsewhere_than_zero_conflicts(self) -> None:
        """A new consumer's first advance must start from 0."""
        store = self.make_checkpoints()
        with pytest.raises(CheckpointConflictError):
            store.advance("shopify-sync", 7, 9)
        assert store.load("shopify-sync") == 0

    def test_consumers_are_independent(self) -> None:
        """Each consumer name has its own checkpoint."""
        store = self.make_checkpoints()
        store.advance("shopify-sync", 0, 3)
        store.advance("amazon-sync", 0, 9)
        assert (store.load("shopify-sync"), store.load("amazon-sync")) == (3, 9)

    def test_names_are_kept_exactly(self) -> None:
        """Long and non-ASCII names are kept as given, case included."""
        store = self.make_checkpoints()
        name = "Ünïcode consumer " + "x" * 300
        store.advance(name, 0, 1)
        assert self.open_again(store).load(name) == 1
        assert store.load(name.lower()) == 0

    def test_racing_consumers_of_one_name_never_both_advance(self) -> None:
        """Threads on separate handles racing to advance one name: each position is left once."""
        store = self.make_checkpoints()
        handles = [self.open_again(store) for _ in range(4)]
        moved: list[int] = []
        lock = threading.Lock()

        def consume(handle: CheckpointStore) -> None:
            for _ in range(25):
                seen = handle.load("race")
                try:
                    handle.advance("race", seen, seen + 1)
                except CheckpointConflictError:
                    continue
                with lock:
                    moved.append(seen)

        threads = [threading.Thread(target=consume, args=(h,)) for h in handles]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(t.is_alive() for t in threads), "an advance hung"
        assert sorted(moved) == list(range(len(moved))), "a checkpoint moved twice from one place"
        assert store.load("race") == len(moved)
