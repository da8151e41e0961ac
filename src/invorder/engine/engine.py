"""The engine: decides commands against its projections, appends events, answers queries.

A host creates one :class:`Engine` over an :class:`~invorder.ports.EventStore` and calls
:meth:`Engine.execute` from its request handlers; it never reads a clock (commands carry it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from invorder.domain.availability.atp import ChannelAtpExplanation, StockOutRisk, StockPosition
from invorder.domain.availability.channel import Channel, PublishedSet
from invorder.domain.messages import Command, Event
from invorder.domain.model import State
from invorder.domain.orders.alerts import AT_RISK_WINDOW, OrderAlert
from invorder.domain.orders.order import Order
from invorder.domain.orders.rma import Return
from invorder.domain.orders.shipment import Shipment
from invorder.domain.purchasing.purchase import PurchaseLineStatus, PurchaseOrder
from invorder.domain.purchasing.supplier import Supplier
from invorder.domain.purchasing.valuation import Valuation
from invorder.domain.reservations.reservation import Reservation
from invorder.domain.stock.catalog import Sku, SkuId
from invorder.domain.stock.ledger import HistoryLine, Ledger
from invorder.domain.stock.location import Location, LocationId
from invorder.domain.stock.movement import Account, Bucket
from invorder.domain.stock.transfer import Transfer
from invorder.engine import _branch, _closing
from invorder.engine._explain import explain_allocation
from invorder.engine._idempotency import REJECTION_CACHE, outcome_of
from invorder.engine._replica import Replica
from invorder.engine._snapshot import StartupReport
from invorder.engine._verification import verify
from invorder.engine._writer import Outcome, Rejected, Writer
from invorder.engine.views import availability, commerce, orders, purchasing, reservations, stock
from invorder.engine.views import orders as _order_views
from invorder.engine.views import payments as _payment_views
from invorder.ports import EventStore, SnapshotStore
from invorder.routing import AllocationPlan, LocationFacts, RoutingRule

__all__ = ["Engine", "Outcome", "Rejected"]


class Engine:
    """Runs commands against a store and answers questions about the state.

    Each command is decided against the projections, appended with the log position they
    were built from, then folded in. If another writer appended first, the engine reads what
    changed and decides again, up to ``max_attempts`` times, then raises ConcurrencyError.
    A store that fails raises StoreUnavailableError (nothing written: retry) or
    StoreCorruptError; neither is kept as the outcome of the command's key.

    Idempotency: a command whose ``key`` was seen returns the first outcome if it is
    identical (the same events, or the same error for a rejected one) and raises
    :class:`~invorder.IdempotencyConflictError` naming the first differing field if not.
    Both outcomes live in the log (a refusal as a :class:`~invorder.events.CommandRejected`
    record no projection folds), so they hold across restarts and engines; the last
    ``rejection_cache`` rejected keys are also kept decoded in memory (0: none).

    Start-up: with a ``snapshots`` store, the engine loads the latest snapshot of its
    projections and folds only the events after it; without, or when the snapshot does not
    fit the log or cannot be read (see :attr:`startup`), it replays the whole log.
    :meth:`snapshot` saves one; :meth:`verify` checks the projections against a replay. A log
    shorter than its store once held (:class:`~invorder.ports.KeepsHead`) is refused with
    :class:`~invorder.errors.StoreCorruptError` unless ``allow_empty`` (accept it as it is).
    """

    __slots__ = ("_replica", "_store", "_writer")

    def __init__(
        self,
        store: EventStore,
        *,
        snapshots: SnapshotStore | None = None,
        max_attempts: int = 5,
        routing_rule: RoutingRule | None = None,
        location_facts: Mapping[str, LocationFacts] | None = None,
        backorder_priority: Callable[[Order], Any] | None = None,
        allow_empty: bool = False,
        rejection_cache: int = REJECTION_CACHE,
    ) -> None:
        self._store = store
        policies = (routing_rule, location_facts, backorder_priority)
        self._replica = Replica(store, snapshots, policies, allow_empty=allow_empty)
        self._writer = Writer(store, self._replica, max_attempts, rejection_cache)

    @property
    def _state(self) -> State:
        # The projections; the query methods read them (and tests, to set up drift).
        return self._replica.state

    # --- commands ------------------------------------------------------------------------

    @property
    def position(self) -> int:
        """How many events of the log this engine has folded in."""
        return self._replica.position

    def __repr__(self) -> str:
        """The store's type and the position: ``<Engine on MemoryEventStore at 42>``."""
        return f"<Engine on {type(self._store).__name__} at {self.position}>"

    @property
    def retries(self) -> int:
        """How many times a concurrency conflict made this engine decide again."""
        return self._writer.retries

    def execute(self, command: Command) -> Outcome:
        """Decide ``command``, append its events and return them. A command that breaks a
        rule raises its typed error: no projection changes, and the log keeps only the
        refusal, as the key's outcome (a :class:`~invorder.events.CommandRejected`)."""
        return self._writer.execute(command)

    def execute_many(self, commands: Iterable[Command]) -> list[Outcome | Rejected]:
        """Run commands in order, one append each; each is accepted or refused on its own.

        Returns one item per command: its events, or a :class:`Rejected`. Store errors
        (concurrency, unavailable, corrupt) are raised: they concern the store, not the command."""
        return self._writer.execute_many(commands)

    def execute_batch(self, commands: Iterable[Command]) -> list[Outcome | Rejected]:
        """Run commands in order and append all their events in one store call.

        Each command is decided against the state the earlier ones of the batch left, so the
        results are those :meth:`execute_many` would give; but the store sees one atomic
        append, which is what makes a database adapter fast. The batch is all or nothing in
        the log: if another writer appended first, the whole batch is decided again (its
        events taken out of the projections, the other writer's read: no replay), up to
        ``max_attempts`` times, then :class:`~invorder.ConcurrencyError` is raised and
        nothing of the batch is written."""
        return self._writer.execute_batch(commands)

    def snapshot(self) -> int:
        """Save the projections to the snapshot store; return the log position they are at
        (``ValueError`` if the engine was built without a snapshot store)."""
        return self._replica.save_snapshot()

    @property
    def startup(self) -> StartupReport:
        """What the last load of the projections read: the snapshot used, or why the one
        found was refused (also warned as a :class:`~invorder.errors.SnapshotWarning`), and
        how many events were replayed."""
        return self._replica.startup

    branch = _branch.branch
    close, __enter__, __exit__ = _closing.close, _closing.enter, _closing.leave

    def reload(self) -> None:
        """Rebuild the projections from the store (snapshot, then log); if that fails, keep them."""
        self._replica.load()

    def verify(self) -> list[str]:
        """Rebuild every projection from the log and describe any difference (none: ``[]``).

        A health check: a non-empty answer means a projection drifted from the log, the log
        has a gap or a broken chain link (by position), a store's movements index is not the
        log's, or an invariant fails (reserved = open reservations, no real account below
        zero, each SKU summing to zero). It reads the whole log, as a cold start-up does."""
        self._replica.catch_up()
        return verify(self._replica)

    # --- the log -------------------------------------------------------------------------

    def outcome_of(self, key: str) -> Outcome:
        """The events the command with idempotency ``key`` produced (empty if none)."""
        return outcome_of(self._store, self._replica.keys, key)

    def events(self, start: int = 0, stop: int | None = None) -> Iterator[Event]:
        """The events of the log from ``start`` up to ``stop``."""
        return stock.events(self._store, start, stop)

    # --- stock (views.stock) -------------------------------------------------------------

    def balance(self, sku: str, location: str, bucket: Bucket = Bucket.AVAILABLE) -> int:
        """Units of ``sku`` in exactly the account (``location``, ``bucket``)."""
        return stock.balance(self._state, sku, location, bucket)

    def rollup(self, sku: str, location: str, bucket: Bucket = Bucket.AVAILABLE) -> int:
        """Units of ``sku`` in ``bucket`` over ``location`` and every location inside it."""
        return stock.rollup(self._state, sku, location, bucket)

    def on_hand(self, sku: str, location: str) -> int:
        """Physical units of ``sku`` over the subtree of ``location``."""
        return stock.on_hand(self._state, sku, location)

    def balances(self, sku: str) -> dict[Account, int]:
        """Every non-zero account of ``sku`` (virtual ones included), sorted."""
        return stock.balances(self._state, sku)

    def balances_as_of(self, at: datetime) -> Ledger:
        """A fresh ledger (the caller's) of the log up to the first event later than ``at``:
        its queries answer as of then. Times going backwards in the log still give a state
        the ledger really had (a prefix of the log), never a mix that breaks its invariants."""
        return stock.balances_as_of(self._store, at)

    def history(
        self, sku: str, location: str, bucket: Bucket | None = None, *, last: int | None = None
    ) -> list[HistoryLine]:
        """The movements of ``sku`` in and out of ``location`` (its subtree included), each
        with the running balance after it: of ``bucket``, or of the physical buckets. With
        ``last``, the last ``last`` movements only, read from the end of the log."""
        return stock.history(self._state, self._store, sku, location, bucket, last)

    def sku(self, sku: str) -> Sku | None:
        """The catalog entry of ``sku``, or ``None``."""
        return stock.sku(self._state, sku)

    def skus(self) -> list[Sku]:
        """Every SKU in the catalog, in the order defined."""
        return stock.skus(self._state)

    def lookup_barcode(self, barcode: str) -> SkuId:
        """The SKU a scanned barcode identifies (raises if invalid or unknown)."""
        return stock.lookup_barcode(self._state, barcode)

    def location(self, location: str) -> Location | None:
        """The defined location at ``location``, or ``None``."""
        return stock.location(self._state, location)

    def locations(self, within: str | None = None) -> list[LocationId]:
        """Defined real locations, sorted; with ``within``, only that subtree."""
        return stock.locations(self._state, within)

    def transfer(self, transfer: str) -> Transfer | None:
        """The state of a transfer, or ``None`` if it was never shipped."""
        return stock.transfer(self._state, transfer)

    # --- reservations (views.reservations) -----------------------------------------------

    def reservation(self, reservation: str) -> Reservation | None:
        """The reservation with this id (any status), or ``None``."""
        return reservations.reservation(self._state, reservation)

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
        return reservations.reservations(self._state, sku, location, reference, open_only)

    # --- availability and channels (views.availability) ----------------------------------
    # Every ATP question takes the time ``at``: reservations lapsed by then count as expired.

    def atp(self, sku: str, location: str, at: datetime) -> int:
        """Available to promise of ``sku`` (stocked or bundle) over ``location``'s subtree.

        Raises :class:`~invorder.errors.UnknownSkuError` /
        :class:`~invorder.errors.UnknownLocationError` for what was never defined."""
        return availability.atp(self._state, sku, location, at)

    def atp_many(
        self, skus: Iterable[str], locations: Iterable[str], at: datetime
    ) -> dict[str, dict[str, int]]:
        """ATP of every SKU of ``skus`` over every location of ``locations`` in one call,
        ``{sku: {location: atp}}`` (what :meth:`atp` gives each pair; each name is checked
        once): for a host that publishes stock per location."""
        return availability.atp_many(self._state, skus, locations, at)

    def atp_by_date(self, sku: str, location: str, by: datetime, at: datetime) -> int:
        """What will be promisable by ``by``: ATP at ``at`` plus unclaimed incoming due."""
        return availability.atp_by_date(self._state, sku, location, by, at)

    def stock_position(self, sku: str, at: datetime, location: str | None = None) -> StockPosition:
        """On hand, every bucket, incoming by ETA, ATP and ATP per channel for ``sku``."""
        return availability.stock_position(self._state, sku, at, location)

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
        return availability.stock_out_risk(self._state, at, location, threshold, demand, horizon)

    def channel(self, channel: str) -> Channel | None:
        """The channel's current policy, or ``None``."""
        return availability.channel(self._state, channel)

    def channels(self) -> list[Channel]:
        """Every channel, in the order first defined."""
        return availability.channels(self._state)

    def channel_atp(self, channel: str, sku: str, at: datetime) -> int:
        """What ``channel`` may sell of ``sku`` at ``at``."""
        return availability.channel_atp(self._state, channel, sku, at)

    def channel_atp_all(self, channel: str, at: datetime) -> dict[str, int]:
        """Channel ATP of every SKU in the catalog: the set to publish to ``channel``."""
        return availability.channel_atp_all(self._state, channel, at)

    def explain_channel_atp(self, channel: str, sku: str, at: datetime) -> ChannelAtpExplanation:
        """The channel ATP of ``sku`` with the location figures, safety stock and caps."""
        return availability.explain_channel_atp(self._state, channel, sku, at)

    def publish(self, channel: str, at: datetime) -> PublishedSet:
        """The whole set to publish to ``channel`` at ``at``, stamped with the log position."""
        return availability.publish(self._state, self._replica.position, channel, at)

    def publish_diff(
        self, channel: str, at: datetime, previous: PublishedSet | Mapping[str, int]
    ) -> dict[str, int]:
        """The SKUs whose channel ATP at ``at`` differs from ``previous``, with the new figure
        (SKUs gone from the set come back as 0), sorted by SKU.

        With a :class:`PublishedSet` from :meth:`publish`, only the SKUs the log touched
        since its position (bundles over them included) and those whose reservations lapsed
        between its time and ``at`` are recomputed; with a plain mapping (or after the
        channel's policy or the locations changed), every SKU is."""
        position = self._replica.position
        return availability.publish_diff(self._state, self._store, position, channel, at, previous)

    # --- purchasing, prices, invoicing, payments (views.purchasing, .commerce, .payments) --

    def purchase_order(self, purchase_order: str) -> PurchaseOrder | None:
        """The purchase order with this id, or ``None``."""
        return purchasing.purchase_order(self._state, purchase_order)

    def purchase_orders(self) -> list[PurchaseOrder]:
        """Every purchase order (drafts, open and finished), in the order recorded."""
        return purchasing.purchase_orders(self._state)

    def supplier(self, supplier: str) -> Supplier | None:
        """The supplier's current terms, or ``None``."""
        return purchasing.supplier(self._state, supplier)

    def suppliers(self) -> list[Supplier]:
        """Every supplier, in the order first defined."""
        return purchasing.suppliers(self._state)

    def valuation(self, until: datetime | None = None) -> Valuation:
        """Inventory value at weighted-average cost from the log (as of ``until`` if given)."""
        return purchasing.valuation(self._store, until)

    def late_purchase_lines(self, at: datetime) -> list[tuple[PurchaseOrder, PurchaseLineStatus]]:
        """Open purchase lines past their ETA at ``at`` with units still outstanding."""
        return purchasing.late_purchase_lines(self._state, at)

    price_list, price_lists = commerce.price_list, commerce.price_lists
    invoice, invoices = commerce.invoice, commerce.invoices
    credit_notes, invoicing = commerce.credit_notes, commerce.invoicing
    close_outs = commerce.close_outs
    payment, payment_facts = _payment_views.payment, _payment_views.payment_facts

    # --- orders (views.orders) -----------------------------------------------------------

    def order(self, order: str) -> Order | None:
        """One order (with derived statuses), or ``None``."""
        return orders.order(self._state, order)

    def order_by_external(self, channel: str, external_id: str) -> Order | None:
        """The order a channel knows by ``external_id``, or ``None``."""
        return orders.order_by_external(self._state, channel, external_id)

    def orders(self) -> list[Order]:
        """Every order, in capture order."""
        return orders.orders(self._state)

    capture = _order_views.capture

    def shipment(self, shipment: str) -> Shipment | None:
        """One shipment, or ``None``."""
        return orders.shipment(self._state, shipment)

    def shipments(self, order: str) -> list[Shipment]:
        """The shipments of an order, in the order made."""
        return orders.shipments(self._state, order)

    pick_list = _order_views.pick_list

    def rma(self, rma: str) -> Return | None:
        """One RMA (return), or ``None``."""
        return orders.rma(self._state, rma)

    def order_alerts(
        self, at: datetime, at_risk: timedelta = AT_RISK_WINDOW, *, acknowledged: bool = False
    ) -> list[OrderAlert]:
        """Orders that need a person at ``at``, each with its reasons and since when each
        stands (ship-by at risk when it is within ``at_risk``); reasons a person acknowledged
        (:class:`~invorder.AcknowledgeAlert`) are left out unless ``acknowledged``."""
        return orders.order_alerts(self._state, at, at_risk, acknowledged)

    order_exceptions = _order_views.order_exceptions
    promise_replan = _order_views.promise_replan

    def explain_allocation(self, order: str, which: int = -1) -> AllocationPlan | None:
        """Why ``order`` went where it went: the routing rule's plan and its ``explanation``
        for allocation ``which`` (``-1``: the latest), rebuilt on demand by deciding that
        command again on the log before it; ``None`` without a rule or such allocation."""
        return explain_allocation(self._store, self._replica.policies, order, which)
