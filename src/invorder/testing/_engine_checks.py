"""The contract kit's checks through the engine (idempotency across restarts, refusals,
two engines on one log, batches, fields kept exactly) and of the snapshot store; the base
of :class:`~invorder.testing.contract.EventStoreContract`, which adds the store's own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from invorder.domain._checks import MAX_IDENTIFIER_LENGTH
from invorder.domain.errors import (
    IdempotencyConflictError,
    InsufficientStockError,
    InvalidIdentifierError,
)
from invorder.domain.reservations.commands import ExpireReservations, ReserveStock
from invorder.domain.stock.catalog import Sku
from invorder.domain.stock.commands import DefineLocation, DefineSku, MarkDamaged, ReceiveStock
from invorder.domain.stock.events import StockPosted
from invorder.domain.stock.movement import Bucket
from invorder.engine import Engine
from invorder.ports import EventStore, SnapshotStore

_T = datetime(2026, 1, 1, tzinfo=UTC)


class EngineChecks:
    """The checks an engine on the store makes, and the hooks a kit subclass overrides."""

    def make_store(self) -> EventStore:
        """A new, empty event store (override this)."""
        raise NotImplementedError("override make_store() to return a new, empty store")

    def open_again(self, store: EventStore) -> EventStore:
        """Another handle on the log of ``store`` (the same object by default)."""
        return store

    def make_snapshot_store(self) -> SnapshotStore | None:
        """A new, empty snapshot store, or ``None`` to skip the snapshot checks."""
        return None

    # --- through the engine --------------------------------------------------------------

    def _stocked_engine(self, store: EventStore, units: int = 5) -> Engine:
        engine = Engine(store)
        engine.execute(DefineLocation(key="kit-loc", at=_T, location="KIT/A"))
        engine.execute(DefineSku(key="kit-sku", at=_T, sku=Sku("KIT-SKU")))
        engine.execute(
            ReceiveStock(key="kit-rcv", at=_T, sku="KIT-SKU", location="KIT/A", quantity=units)
        )
        return engine

    def test_idempotency_survives_restart(self) -> None:
        """A repeated key returns the first outcome, also from a new engine on the log."""
        store = self.make_store()
        engine = self._stocked_engine(store)
        command = MarkDamaged(key="kit-dmg", at=_T, sku="KIT-SKU", location="KIT/A", quantity=2)
        first = engine.execute(command)
        head = store.head()
        restarted = Engine(self.open_again(store))
        assert restarted.execute(command) == first, "a repeat must return the first outcome"
        assert store.head() == head, "a repeated command must not be appended again"
        other = MarkDamaged(key="kit-dmg", at=_T, sku="KIT-SKU", location="KIT/A", quantity=3)
        with pytest.raises(IdempotencyConflictError):
            restarted.execute(other)
        assert store.head() == head, "an idempotency conflict must write nothing"
        assert restarted.balance("KIT-SKU", "KIT/A") == 3, "the restarted engine lost stock"
        assert restarted.verify() == [], "verify() must be clean after a restart"

    def test_a_rejection_is_one_outcome_for_ever(self) -> None:
        """A refused command appends one rejection record and changes no state; once stock
        arrived, the same key is refused again with the same error, by a restarted engine
        and by an engine that had not seen the refusal (never accepted)."""
        store = self.make_store()
        engine = self._stocked_engine(store, units=1)
        stale = Engine(self.open_again(store))
        head = store.head()
        big = MarkDamaged(key="kit-big", at=_T, sku="KIT-SKU", location="KIT/A", quantity=2)
        with pytest.raises(InsufficientStockError) as first:
            engine.execute(big)
        assert store.head() == head + 1, "a rejection must be kept as one record in the log"
        assert engine.balance("KIT-SKU", "KIT/A") == 1, "a rejection must change no state"
        engine.execute(ReceiveStock(key="kit-more", at=_T, sku="KIT-SKU", location="KIT/A",
                                    quantity=5))  # fmt: skip
        for other in (Engine(self.open_again(store)), stale):
            with pytest.raises(InsufficientStockError) as again:
                other.execute(big)
            assert again.value == first.value, "a repeat must raise the first rejection"
        assert store.head() == head + 2, "a repeated rejection must write nothing"
        assert engine.verify() == [], "verify() must be clean after a rejection"

    def test_two_engines_cannot_oversell(self) -> None:
        """Two engines that read the same stock cannot both take the last unit."""
        store = self.make_store()
        first = self._stocked_engine(store, units=1)
        second = Engine(self.open_again(store))
        first.execute(MarkDamaged(key="kit-a", at=_T, sku="KIT-SKU", location="KIT/A", quantity=1))
        with pytest.raises(InsufficientStockError):
            second.execute(
                MarkDamaged(key="kit-b", at=_T, sku="KIT-SKU", location="KIT/A", quantity=1)
            )
        assert second.balance("KIT-SKU", "KIT/A") == 0, "the second engine did not catch up"
        assert second.verify() == [], "verify() must be clean on the engine that lost"
        assert first.verify() == [], "verify() must be clean on the engine that won"

    def test_batch_through_engine(self) -> None:
        """The engine's one-append batches are stored whole (rejection records included)
        and replay to the same state."""
        store = self.make_store()
        engine = self._stocked_engine(store, units=3)
        commands = [
            MarkDamaged(key=f"kit-b{i}", at=_T, sku="KIT-SKU", location="KIT/A", quantity=1)
            for i in range(5)
        ]
        results = engine.execute_batch(commands)
        accepted = [r for r in results if isinstance(r, tuple)]
        assert len(accepted) == 3, "three of five one-unit commands fit three units"
        head = store.head()
        assert head == 8, f"the batch must store 3 events and 2 rejections (head 8), not {head}"
        assert Engine(self.open_again(store)).balance("KIT-SKU", "KIT/A") == 0
        assert engine.verify() == [], "verify() must be clean after a batch"

    def test_a_command_of_several_events(self) -> None:
        """The events of one command (they share its key) are stored together and read
        back as one outcome, also by a restarted engine (a store must not index keys as
        unique: a command may write several events)."""
        store = self.make_store()
        engine = self._stocked_engine(store)
        lapses = _T + timedelta(minutes=5)
        for n in (1, 2):
            engine.execute(ReserveStock(key=f"kit-hold{n}", at=_T, reservation=f"KIT-R{n}",
                                        sku="KIT-SKU", location="KIT/A", quantity=n,
                                        expires_at=lapses))  # fmt: skip
        sweep = ExpireReservations(key="kit-sweep", at=lapses)
        outcome = engine.execute(sweep)
        assert len(outcome) == 2, f"a sweep writes an entry and a record, got {outcome}"
        restarted = Engine(self.open_again(store))
        assert restarted.execute(sweep) == outcome, "the repeat must give the whole outcome"
        assert restarted.balance("KIT-SKU", "KIT/A") == 5, "the swept units must be back"
        assert restarted.verify() == [], "verify() must be clean"

    def test_postings_if_offered(self) -> None:
        """A store that keeps movements beside the log (``postings``, see
        :class:`~invorder.ports.ReadsMovements`) gives each entry asked for as the log holds
        it: position, time, key, operation and the movements of the SKU asked for, in
        order; an entry of another SKU only if it also moved this one."""
        store = self.make_store()
        postings = getattr(store, "postings", None)
        if postings is None:
            pytest.skip("the store keeps no movements; history decodes the entries")
        engine = self._stocked_engine(store)
        engine.execute(DefineSku(key="kit-sku2", at=_T, sku=Sku("KIT-TWO")))
        for n, sku in enumerate(("KIT-TWO", "KIT-SKU", "KIT-TWO")):
            later = _T + timedelta(seconds=n, microseconds=7)
            engine.execute(ReceiveStock(key=f"kit-in{n}", at=later, sku=sku, location="KIT/A",
                                        quantity=n + 1, reference=f"PO-{n}"))  # fmt: skip
        engine.execute(
            MarkDamaged(key="kit-dmg", at=_T, sku="KIT-SKU", location="KIT/A", quantity=2)
        )
        entries = [e for e in self.open_again(store).read() if isinstance(e, StockPosted)]
        for sku in ("KIT-SKU", "KIT-TWO"):
            expected = [
                (
                    e.position,
                    e.at,
                    e.key,
                    e.operation,
                    tuple(m for m in e.movements if m.sku == sku),
                )
                for e in entries
                if any(m.sku == sku for m in e.movements)
            ]
            wanted = [entry[0] for entry in expected]
            got = list(postings(sku, wanted))
            assert got == expected, f"postings({sku!r}, {wanted}) gave {got}, the log {expected}"
            assert list(postings(sku, wanted[1:2])) == expected[1:2], "one entry of several"

    def test_identifiers_and_times_at_the_edges(self) -> None:
        """Ids of the longest length invorder allows (200 characters), non-ASCII text, long
        free text and times with microseconds are kept exactly: a restarted engine reads
        the same events, answers a repeated key with the first outcome, and the same
        identifier rule refuses a control character before anything reaches the store."""
        store = self.make_store()
        engine = Engine(store)
        at = datetime(2026, 1, 1, 9, 30, 15, 123456, tzinfo=UTC)
        sku = "Tasse-Kaffee-\u2615-\u00fc"  # a cup and an u-umlaut: printable, not ASCII
        key = ("kit-\u00e9\u00e8-" + "k" * MAX_IDENTIFIER_LENGTH)[:MAX_IDENTIFIER_LENGTH]
        reason = "r\u00e9sum\u00e9 " * 60  # 480 characters of free text
        written = [
            *engine.execute(DefineLocation(key="kit-loc", at=at, location="KIT/A")),
            *engine.execute(DefineSku(key="kit-sku", at=at, sku=Sku(sku, "Tasse \u2615"))),
            *engine.execute(
                ReceiveStock(key="kit-rcv", at=at, sku=sku, location="KIT/A", quantity=5)
            ),
        ]
        command = MarkDamaged(key=key, at=at, sku=sku, location="KIT/A", quantity=2, reason=reason)
        first = engine.execute(command)
        written.extend(first)
        restarted = Engine(self.open_again(store))
        read = list(restarted.events())
        assert len(read) == len(written), f"wrote {len(written)} events, read {len(read)}"
        for wrote, got in zip(written, read, strict=True):
            assert got == wrote, f"the store changed an event: wrote {wrote!r}, read {got!r}"
        assert restarted.execute(command) == first, "a repeated 200-character key must match"
        assert restarted.balance(sku, "KIT/A", Bucket.DAMAGED) == 2, "a non-ASCII SKU lost units"
        head = store.head()
        with pytest.raises(InvalidIdentifierError):
            restarted.execute(MarkDamaged(key="kit-\x00", at=at, sku=sku, location="KIT/A",
                                          quantity=1))  # fmt: skip
        assert store.head() == head, "a refused key must write nothing"
        assert restarted.verify() == [], "verify() must be clean"

    # --- snapshots -----------------------------------------------------------------------

    def _snapshot_store(self) -> SnapshotStore:
        snapshots = self.make_snapshot_store()
        if snapshots is None:
            pytest.skip("no snapshot store: override make_snapshot_store() to check one")
        return snapshots

    def test_snapshot_round_trip(self) -> None:
        """A saved snapshot loads back byte for byte; the highest position wins."""
        snapshots = self._snapshot_store()
        assert snapshots.load() is None, "a new snapshot store must hold nothing"
        snapshots.save(3, b"three")
        assert snapshots.load() == (3, b"three"), "load() must return what save() kept"
        snapshots.save(7, b"\x00seven\xff")
        assert snapshots.load() == (7, b"\x00seven\xff"), "the latest snapshot must win"
        snapshots.save(5, b"five")
        loaded = snapshots.load()
        assert loaded is not None, "load() must keep returning a snapshot"
        assert loaded[0] == 7, "load() must give the snapshot with the highest position"

    def test_engine_starts_from_snapshot(self) -> None:
        """An engine restarted from a snapshot plus the tail equals a full replay."""
        snapshots = self._snapshot_store()
        store = self.make_store()
        engine = Engine(store, snapshots=snapshots)
        engine.execute(DefineLocation(key="kit-loc", at=_T, location="KIT/A"))
        engine.execute(DefineSku(key="kit-sku", at=_T, sku=Sku("KIT-SKU")))
        engine.execute(
            ReceiveStock(key="kit-rcv", at=_T, sku="KIT-SKU", location="KIT/A", quantity=9)
        )
        assert engine.snapshot() == 3, "snapshot() must return the position it was taken at"
        saved = snapshots.load()
        assert saved is not None, "the snapshot store lost the engine's snapshot"
        assert saved[0] == 3, f"the snapshot must be at position 3, is at {saved[0]}"
        tail = MarkDamaged(key="kit-tail", at=_T, sku="KIT-SKU", location="KIT/A", quantity=4)
        engine.execute(tail)
        restarted = Engine(self.open_again(store), snapshots=snapshots)
        assert restarted.position == 4, "start-up must fold the events after the snapshot"
        assert restarted.balance("KIT-SKU", "KIT/A") == 5, "snapshot + tail lost stock"
        assert restarted.execute(tail) == engine.outcome_of("kit-tail"), "keys must survive"
        assert restarted.verify() == [], "verify() must be clean after start-up from snapshot"
