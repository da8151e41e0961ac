"""The engine: decides commands against its projections, appends events, answers queries.

A host creates one :class:`Engine` over an :class:`~invorder.ports.EventStore` and calls
:meth:`Engine.execute` from its request handlers. The engine never reads a clock: every
command carries its time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from invorder.domain import _checks
from invorder.domain.availability import atp as _availability
from invorder.domain.availability.atp import ChannelAtpExplanation, StockOutRisk, StockPosition
from invorder.domain.availability.channel import Channel, PublishedSet, publish_diff
from invorder.domain.availability.events import ChannelDefined
from invorder.domain.errors import (
    ConcurrencyError,
    InvorderError,
    NotFoundError,
    UnknownLocationError,
)
from invorder.domain.messages import Command, Event
from invorder.domain.model import State
from invorder.domain.orders.alerts import AT_RISK_WINDOW, OrderAlert, order_alerts
from invorder.domain.orders.commands import CaptureOrder
from invorder.domain.orders.order import Order
from invorder.domain.orders.rma import Return
from invorder.domain.orders.shipment import Shipment
from invorder.domain.purchasing.purchase import PurchaseLineStatus, PurchaseOrder
from invorder.domain.purchasing.supplier import Supplier
from invorder.domain.purchasing.valuation import Valuation, value_inventory
from invorder.domain.reservations.events import ReservationsExpired
from invorder.domain.reservations.reservation import Reservation
from invorder.domain.stock.catalog import Sku, SkuId
from invorder.domain.stock.events import LocationDefined, SkuDefined, StockPosted
from invorder.domain.stock.ledger import HistoryLine, Ledger
from invorder.domain.stock.location import Location, LocationId, is_within
from invorder.domain.stock.movement import PHYSICAL_BUCKETS, Account, Bucket
from invorder.domain.stock.transfer import Transfer
from invorder.engine import _snapshot
from invorder.engine._idempotency import outcome_of
from invorder.engine._replica import Replica
from invorder.engine._verification import verify
from invorder.engine._writer import Outcome, Rejected, Writer
from invorder.ports import EventStore, SnapshotStore
from invorder.routing import LocationFacts, RoutingRule

__all__ = ["Engine", "Outcome", "Rejected"]


class Engine:
    """Runs commands against a store and answers questions about the state.

    Each command is decided against the engine's projections, appended with the log
    position they were built from, then folded in. If another writer appended first, the
    engine reads what changed and decides again, up to ``max_attempts`` times, then raises
    :class:`~invorder.ConcurrencyError`.

    Idempotency: a command whose ``key`` was seen returns the first outcome if it is
    identical (the same events, or the same error for a rejected one) and raises
    :class:`~invorder.IdempotencyConflictError` naming the first differing field if not.
    Accepted keys live in the log and survive restarts; rejected keys are remembered by
    this engine instance only (a rejection writes nothing).

    Start-up: with a ``snapshots`` store, the engine loads the latest snapshot of its
    projections and folds only the events after it; without, it replays the whole log.
    :meth:`snapshot` saves one; :meth:`verify` checks the projections against a replay.
    """

    __slots__ = ("_replica", "_snapshots", "_store", "_writer")

    def __init__(
        self,
        store: EventStore,
        *,
        snapshots: SnapshotStore | None = None,
        max_attempts: int = 5,
        routing_rule: RoutingRule | None = None,
        location_facts: Mapping[str, LocationFacts] | None = None,
        backorder_priority: Callable[[Order], Any] | None = None,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._store = store
        self._snapshots = snapshots
        policies = (routing_rule, location_facts, backorder_priority)
        self._replica = Replica(store, snapshots, policies)
        self._writer = Writer(store, self._replica, max_attempts)

    @property
    def _state(self) -> State:
        # The projections; the query methods read them (and tests, to set up drift).
        return self._replica.state

    # --- commands ------------------------------------------------------------------------

    @property
    def position(self) -> int:
        """How many events of the log this engine has folded in."""
        return self._replica.position

    @property
    def retries(self) -> int:
        """How many times a concurrency conflict made this engine decide again."""
        return self._writer.retries

    def execute(self, command: Command) -> Outcome:
        """Decide ``command``, append its events and return them.

        Raises the typed error of the first rule the command breaks; then nothing is
        written and no projection changes.
        """
        return self._writer.execute(command)

    def execute_many(self, commands: Iterable[Command]) -> list[Outcome | Rejected]:
        """Run commands in order, one append each; each is accepted or refused on its own.

        Returns one item per command: its events, or a :class:`Rejected`. Concurrency
        errors are not caught (they concern the store, not the command).
        """
        results: list[Outcome | Rejected] = []
        for command in commands:
            try:
                results.append(self.execute(command))
            except ConcurrencyError:
                raise
            except InvorderError as error:
                results.append(Rejected(command, error))
        return results

    def execute_batch(self, commands: Iterable[Command]) -> list[Outcome | Rejected]:
        """Run commands in order and append all their events in one store call.

        Each command is decided against the state the earlier ones of the batch left, so
        the results are those :meth:`execute_many` would give; but the store sees one
        atomic append, which is what makes a database adapter fast. The batch is all or
        nothing in the log: if another writer appended first, the whole batch is decided
        again (after reloading the projections, from the latest snapshot if there is one),
        up to ``max_attempts`` times, then :class:`~invorder.ConcurrencyError` is raised
        and nothing of the batch is written.
        """
        return self._writer.execute_batch(commands)

    def snapshot(self) -> int:
        """Save the projections to the snapshot store; return the log position they are at.

        Raises ``ValueError`` if the engine was built without a snapshot store.
        """
        if self._snapshots is None:
            raise ValueError("this engine has no snapshot store: pass snapshots= to Engine")
        replica = self._replica
        replica.catch_up()
        _snapshot.save(self._snapshots, self._store, replica.position, replica.state, replica.keys)
        return replica.position

    def reload(self) -> None:
        """Rebuild the projections from the store (latest snapshot, then the log after it)."""
        self._replica.load()

    def verify(self) -> list[str]:
        """Rebuild every projection from the log and describe any difference (none: ``[]``).

        A host can run it as a health check; a non-empty answer means a projection
        drifted from the log that is the truth, or the log itself has a gap. It also checks
        that each ``reserved`` balance equals what open reservations hold. It reads the
        whole log, so it takes as long as a start-up without snapshot.
        """
        self._replica.catch_up()
        return verify(self._replica)

    # --- the log -------------------------------------------------------------------------

    def outcome_of(self, key: str) -> Outcome:
        """The events the command with idempotency ``key`` produced (empty if none)."""
        return outcome_of(self._store, self._replica.keys, key)

    def events(self, start: int = 0, stop: int | None = None) -> Iterator[Event]:
        """The events of the log from ``start`` up to ``stop``."""
        return self._store.read(start, stop)

    def balance(self, sku: str, location: str, bucket: Bucket = Bucket.AVAILABLE) -> int:
        """Units of ``sku`` in exactly the account (``location``, ``bucket``)."""
        return self._state.ledger.balance(sku, location, bucket)

    def rollup(self, sku: str, location: str, bucket: Bucket = Bucket.AVAILABLE) -> int:
        """Units of ``sku`` in ``bucket`` over ``location`` and every location inside it."""
        return self._state.ledger.rollup(sku, location, bucket)

    def on_hand(self, sku: str, location: str) -> int:
        """Physical units of ``sku`` over the subtree of ``location``."""
        return self._state.ledger.on_hand(sku, location)

    def balances(self, sku: str) -> dict[Account, int]:
        """Every non-zero account of ``sku`` (virtual ones included), sorted."""
        return self._state.ledger.balances(sku)

    def balances_as_of(self, at: datetime) -> Ledger:
        """A fresh ledger projection of the log up to the first event later than ``at``.

        The result belongs to the caller; its query methods (``balance``, ``rollup``,
        ``on_hand``, ``balances``) answer as of that time. When the host's times go
        backwards in the log, the answer is still a state the ledger really had (a prefix
        of the log), never a mix that breaks its invariants.
        """
        _checks.check_aware("at", at)
        ledger = Ledger()
        for event in self._store.read(0):
            if event.at > at:
                break
            ledger.apply(event)
        return ledger

    def history(self, sku: str, location: str, bucket: Bucket | None = None) -> list[HistoryLine]:
        """The movements of ``sku`` in and out of ``location`` (its subtree included).

        With ``bucket``, only that bucket is followed; without, the physical (on-hand)
        buckets are. Each line carries the running balance after it.
        """
        buckets = (bucket,) if bucket is not None else PHYSICAL_BUCKETS
        lines: list[HistoryLine] = []
        balance = 0
        for position in self._state.ledger.history_positions(sku):
            for event in self._store.read(position, position + 1):
                if not isinstance(event, StockPosted):
                    continue
                for movement in event.movements:
                    if movement.sku != sku:
                        continue
                    change = 0
                    if movement.destination.bucket in buckets and is_within(
                        movement.destination.location, location
                    ):
                        change += movement.quantity
                    if movement.source.bucket in buckets and is_within(
                        movement.source.location, location
                    ):
                        change -= movement.quantity
                    touches = any(
                        account.bucket in buckets and is_within(account.location, location)
                        for account in (movement.source, movement.destination)
                    )
                    if not touches:
                        continue
                    balance += change
                    lines.append(
                        HistoryLine(
                            position=event.position,
                            at=event.at,
                            key=event.key,
                            operation=event.operation,
                            movement=movement,
                            change=change,
                            balance=balance,
                        )
                    )
        return lines

    def sku(self, sku: str) -> Sku | None:
        """The catalog entry of ``sku``, or ``None``."""
        return self._state.ledger.catalog.get(sku)

    def skus(self) -> list[Sku]:
        """Every SKU in the catalog, in the order defined."""
        return list(self._state.ledger.catalog)

    def lookup_barcode(self, barcode: str) -> SkuId:
        """The SKU a scanned barcode identifies (raises if invalid or unknown)."""
        return self._state.ledger.catalog.lookup(barcode)

    def location(self, location: str) -> Location | None:
        """The defined location at ``location``, or ``None``."""
        return self._state.ledger.locations.get(LocationId(location))

    def locations(self, within: str | None = None) -> list[LocationId]:
        """Defined real locations, sorted; with ``within``, only that subtree."""
        if within is None:
            return sorted(self._state.ledger.locations)
        return self._state.ledger.subtree(within)

    def transfer(self, transfer: str) -> Transfer | None:
        """The state of a transfer, or ``None`` if it was never shipped."""
        return self._state.ledger.transfers.get(transfer)

    # --- reservations, availability and channels (issue 3) --------------------------------
    # Read-only queries over the reservations, purchases and channels projections. Every
    # ATP question takes the time ``at``: reservations lapsed by then count as expired.

    def reservation(self, reservation: str) -> Reservation | None:
        """The reservation with this id (any status), or ``None``."""
        return self._state.reservations.get(reservation)

    def reservations(
        self,
        *,
        sku: str | None = None,
        location: str | None = None,
        reference: str | None = None,
        open_only: bool = True,
    ) -> list[Reservation]:
        """Reservations in the order made, filtered by SKU, location subtree, reference
        (the order line) and openness."""
        return [
            r
            for r in self._state.reservations
            if (not open_only or r.held)
            and (sku is None or r.sku == sku)
            and (location is None or is_within(r.location, location))
            and (reference is None or r.reference == reference)
        ]

    def _known_location(self, location: str | None) -> None:
        if location is not None and not self._state.ledger.has_location(location):
            raise UnknownLocationError(location)

    def atp(self, sku: str, location: str, at: datetime) -> int:
        """Available to promise of ``sku`` (stocked or bundle) over ``location``'s subtree.

        Raises :class:`~invorder.UnknownSkuError` / :class:`~invorder.UnknownLocationError`
        for what was never defined.
        """
        self._known_location(location)
        return _availability.location_atp(
            self._state.ledger, self._state.reservations, sku, location, at
        )

    def atp_by_date(self, sku: str, location: str, by: datetime, at: datetime) -> int:
        """What will be promisable by ``by``: ATP at ``at`` plus unclaimed incoming due."""
        self._known_location(location)
        state = self._state
        return _availability.atp_by_date(
            state.ledger, state.reservations, state.purchases, sku, location, by, at
        )

    def stock_position(self, sku: str, at: datetime, location: str | None = None) -> StockPosition:
        """On hand, every bucket, incoming by ETA, ATP and ATP per channel for ``sku``."""
        state = self._state
        return _availability.stock_position(
            state.ledger, state.reservations, state.purchases, state.channels, sku, location, at
        )

    def stock_out_risk(
        self,
        at: datetime,
        *,
        location: str | None = None,
        threshold: int = 1,
        demand: Mapping[str, int] | None = None,
        horizon: datetime | None = None,
    ) -> list[StockOutRisk]:
        """SKUs whose ATP is below ``threshold`` or below ``demand`` by ``horizon``."""
        self._known_location(location)
        state = self._state
        return _availability.stock_out_risk(
            state.ledger, state.reservations, state.purchases, at,
            location=location, threshold=threshold, demand=demand, horizon=horizon,
        )  # fmt: skip

    def purchase_order(self, purchase_order: str) -> PurchaseOrder | None:
        """The purchase order with this id, or ``None``."""
        return self._state.purchases.get(purchase_order)

    def purchase_orders(self) -> list[PurchaseOrder]:
        """Every purchase order (drafts, open and finished), in the order recorded."""
        return list(self._state.purchases)

    def supplier(self, supplier: str) -> Supplier | None:
        """The supplier's current terms, or ``None``."""
        return self._state.suppliers.get(supplier)

    def suppliers(self) -> list[Supplier]:
        """Every supplier, in the order first defined."""
        return list(self._state.suppliers)

    def valuation(self, until: datetime | None = None) -> Valuation:
        """Inventory value at weighted-average cost from the log (as of ``until`` if given)."""
        if until is not None:
            _checks.check_aware("until", until)
        return value_inventory(self.events(), until)

    def late_purchase_lines(self, at: datetime) -> list[tuple[PurchaseOrder, PurchaseLineStatus]]:
        """Open purchase lines past their ETA at ``at`` with units still outstanding."""
        return self._state.purchases.late(at)

    def channel(self, channel: str) -> Channel | None:
        """The channel's current policy, or ``None``."""
        return self._state.channels.get(channel)

    def channels(self) -> list[Channel]:
        """Every channel, in the order first defined."""
        return list(self._state.channels)

    def _channel(self, channel: str) -> Channel:
        found = self._state.channels.get(channel)
        if found is None:
            raise NotFoundError("channel", channel)
        return found

    def channel_atp(self, channel: str, sku: str, at: datetime) -> int:
        """What ``channel`` may sell of ``sku`` at ``at``."""
        state = self._state
        return _availability.channel_atp(
            state.ledger, state.reservations, state.purchases, self._channel(channel), sku, at
        )

    def channel_atp_all(self, channel: str, at: datetime) -> dict[str, int]:
        """Channel ATP of every SKU in the catalog: the set to publish to ``channel``."""
        state = self._state
        return _availability.channel_atp_all(
            state.ledger, state.reservations, state.purchases, self._channel(channel), at
        )

    def explain_channel_atp(self, channel: str, sku: str, at: datetime) -> ChannelAtpExplanation:
        """The channel ATP of ``sku`` with the location figures, safety stock and caps."""
        state = self._state
        return _availability.explain_channel_atp(
            state.ledger, state.reservations, state.purchases, self._channel(channel), sku, at
        )

    def publish(self, channel: str, at: datetime) -> PublishedSet:
        """The whole set to publish to ``channel`` at ``at``, stamped with the log position."""
        return PublishedSet(channel, self._replica.position, at, self.channel_atp_all(channel, at))

    def publish_diff(
        self, channel: str, at: datetime, previous: PublishedSet | Mapping[str, int]
    ) -> dict[str, int]:
        """The SKUs whose channel ATP at ``at`` differs from ``previous``, with the new figure
        (SKUs gone from the set come back as 0), sorted by SKU.

        With a :class:`PublishedSet` from :meth:`publish`, only the SKUs the log touched
        since its position (bundles over them included) and those whose reservations lapsed
        between its time and ``at`` are recomputed; with a plain mapping (or after the
        channel's policy or the locations changed), every SKU is.
        """
        target = self._channel(channel)
        if not isinstance(previous, PublishedSet):
            return publish_diff(previous, self.channel_atp_all(channel, at))
        candidates = self._touched_since(previous, channel, at)
        if candidates is None:
            return publish_diff(previous.quantities, self.channel_atp_all(channel, at))
        state = self._state
        current = _availability.channel_atp_all(
            state.ledger, state.reservations, state.purchases, target, at, sorted(candidates)
        )
        old = previous.quantities
        return {sku: qty for sku, qty in current.items() if old.get(sku) != qty}

    def _touched_since(self, previous: PublishedSet, channel: str, at: datetime) -> set[str] | None:
        if (
            previous.channel != channel
            or previous.position > self._replica.position
            or at < previous.at
        ):
            return None
        reservations = self._state.reservations
        touched: set[str] = set()

        def add_reservation(rid: str) -> None:
            r = reservations.get(rid)
            if r is not None:
                touched.update(leaf for leaf, _per in r.leaves)

        for event in self._store.read(previous.position, self._replica.position):
            kind = type(event)
            if kind is StockPosted:
                assert isinstance(event, StockPosted)
                touched.update(m.sku for m in event.movements)
                add_reservation(event.reference)
            elif kind is ReservationsExpired:
                assert isinstance(event, ReservationsExpired)
                for rid in event.reservations:
                    add_reservation(rid)
            elif kind is SkuDefined:
                assert isinstance(event, SkuDefined)
                touched.add(event.sku.code)
            elif kind is ChannelDefined or kind is LocationDefined:
                return None
        for r in reservations.due(at):
            assert r.expires_at is not None
            if r.expires_at > previous.at:
                touched.update(leaf for leaf, _per in r.leaves)
        catalog = self._state.ledger.catalog
        for sku in list(touched):
            touched.update(catalog.bundles_using(sku))
        return touched

    # --- orders (queries of the order lifecycle) -----------------------------------------

    def order(self, order: str) -> Order | None:
        """One order (with derived statuses), or ``None``."""
        return self._state.orders.get(order)

    def order_by_external(self, channel: str, external_id: str) -> Order | None:
        """The order a channel knows by ``external_id``, or ``None``."""
        return self._state.orders.by_external(channel, external_id)

    def orders(self) -> list[Order]:
        """Every order, in capture order."""
        return list(self._state.orders)

    def capture(self, command: CaptureOrder) -> Order:
        """Capture an order and return it; a repeat with the same content returns the order
        first captured (and writes nothing)."""
        self.execute(command)
        order = self._state.orders.by_external(command.channel, command.external_id)
        assert order is not None
        return order

    def shipment(self, shipment: str) -> Shipment | None:
        """One shipment, or ``None``."""
        return self._state.orders.shipment(shipment)

    def shipments(self, order: str) -> list[Shipment]:
        """The shipments of an order, in the order made."""
        found = self._state.orders.get(order)
        if found is None:
            raise NotFoundError("order", order)
        return self._state.orders.shipments_of(found)

    def rma(self, rma: str) -> Return | None:
        """One RMA (return), or ``None``."""
        return self._state.orders.rma(rma)

    def order_alerts(self, at: datetime, at_risk: timedelta = AT_RISK_WINDOW) -> list[OrderAlert]:
        """Orders that need a person at ``at``, each with its reasons (ship-by at risk when
        it is within ``at_risk``)."""
        _checks.check_aware("at", at)
        return order_alerts(self._state.orders, at, at_risk)


def fold(events: Iterable[Event]) -> Ledger:
    """A ledger projection built from ``events`` alone (replay from empty)."""
    ledger = Ledger()
    for event in events:
        ledger.apply(event)
    return ledger
