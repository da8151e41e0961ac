"""The whole domain state as one fold of the log, and the one ``decide`` over all commands.

:class:`State` groups every area's projections. :func:`decide` sends each command to the
decision its area's table names (``DECISIONS`` in each area package), so the table of who
decides what is written once, area by area, and read here, by the codec and by the
hypothesis strategies. Both are pure in the sense of the design: ``decide`` reads the state
and returns events or raises; only ``State.apply`` changes the projections.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from operator import attrgetter
from types import ModuleType
from typing import Any, cast

import attrs

from invorder.domain import (
    availability,
    invoicing,
    orders,
    payments,
    pricing,
    purchasing,
    reservations,
    stock,
)
from invorder.domain.availability.atp import free_incoming
from invorder.domain.availability.channel import Channels
from invorder.domain.invoicing.invoices import Invoices
from invorder.domain.messages import Command, Decision, Event
from invorder.domain.orders.allocator import Allocator, backorder_priority, first_fit
from invorder.domain.orders.book import OrderBook
from invorder.domain.orders.closeout import refuse_if_closed
from invorder.domain.orders.context import Context
from invorder.domain.orders.order import Order
from invorder.domain.orders.ownership import refuse_if_owned
from invorder.domain.orders.reallocate import reallocate_after
from invorder.domain.payments.commands import PaymentFact
from invorder.domain.payments.register import Payments
from invorder.domain.pricing.prices import PriceLists
from invorder.domain.purchasing.costs import COSTED, CostCurrencies
from invorder.domain.purchasing.purchase import Purchases
from invorder.domain.purchasing.suppliers import Suppliers
from invorder.domain.rejection import EVENTS as REJECTION_EVENTS
from invorder.domain.reservations.batch import ReleaseMany
from invorder.domain.reservations.commands import CommitReservation, ReleaseReservation
from invorder.domain.reservations.reservation import Reservations
from invorder.domain.stock.events import Operation, StockPosted
from invorder.domain.stock.ledger import Ledger
from invorder.domain.stock.location import is_virtual

AREAS: tuple[ModuleType, ...] = (
    stock, reservations, purchasing, availability, pricing, orders, payments, invoicing,
)  # fmt: skip
"""The areas of the domain, each depending only on those before it (orders and
availability on each other not at all, pricing on availability only through the channels
it reads; payments read orders and channels; invoicing reads orders)."""


class State:
    """Every projection of the domain, folded from the same log."""

    __slots__ = ("_context", "allocator", "channels", "costs", "invoices", "ledger", "orders",
                 "payments", "prices", "priority", "purchases", "reservations",
                 "suppliers")  # fmt: skip

    def __init__(self) -> None:
        self.ledger = Ledger()
        """Locations, catalog, balances and transfers."""
        self.reservations = Reservations()
        """Every reservation and its status."""
        self.purchases = Purchases()
        """Purchase orders and their incoming lines."""
        self.channels = Channels()
        """Sales channels and their availability policies."""
        self.suppliers = Suppliers()
        """Suppliers and their terms (lead times, minimums, case packs)."""
        self.costs = CostCurrencies()
        """The currency of each SKU's unit costs."""
        self.prices = PriceLists()
        """Price lists and whom each serves."""
        self.orders = OrderBook()
        """Orders and their shipments."""
        self.payments = Payments()
        """The payment provider's facts and each order's payment amounts."""
        self.invoices = Invoices()
        """Invoicing policies, invoices and credit notes."""
        self.allocator: Allocator = first_fit
        """Chooses locations when orders are allocated (not state: never in the log)."""
        self.priority: Callable[[Order], Any] = backorder_priority
        """Order in which backorders are allocated again (not state: never in the log)."""
        self._context: Context | None = None  # see context()

    def apply(self, event: Event) -> None:
        """Fold one event into every projection that follows it."""
        kind = type(event)
        if kind is StockPosted:
            # Journal entries are most of a log: routed by operation too (see _folders).
            operation = event.operation  # type: ignore[attr-defined]  # kind is StockPosted
            names = _ENTRY_FOLDERS.get(operation)
            if names is None:
                names = _ENTRY_FOLDERS[operation] = _folders(kind, operation)
        else:
            names = _FOLDERS.get(kind)
            if names is None:
                names = _FOLDERS[kind] = _folders(kind)
        for name in names:
            getattr(self, name).apply(event)

    def context(self) -> Context:
        """What the order decisions read: the projections and the allocation policies.

        Built once and kept while the projections and policies it holds are the ones in
        place (a spare copy put back, a snapshot read or a new policy makes another): most
        commands read it, and its readers are closures over this state."""
        found = self._context
        if (
            found is not None
            and found.ledger is self.ledger
            and found.orders is self.orders
            and found.reservations is self.reservations
            and found.allocator is self.allocator
            and found.priority is self.priority
        ):
            return found
        self._context = found = self._new_context()
        return found

    def _new_context(self) -> Context:
        def feeding(channel: str) -> tuple[str, ...] | None:
            found = self.channels.get(channel)
            return None if found is None else tuple(found.locations)

        def limit(channel: str) -> Callable[[str, int], int] | None:
            found = self.channels.get(channel)
            return found.sellable if found is not None and found.limits_allocation else None

        def waves(channel: str) -> bool:
            found = self.channels.get(channel)
            return found is not None and found.allocate_in_waves

        return Context(
            ledger=self.ledger, reservations=self.reservations, orders=self.orders,
            channel_locations=feeding, channel_limit=limit, due=self.due, waves=waves,
            allocator=self.allocator, priority=self.priority,
        )  # fmt: skip

    def due(self, order: Order, sku: str, at: datetime, by: datetime) -> int:
        """Units of ``sku`` on open purchase orders due by ``by`` at the locations that
        feed ``order``'s channel (every warehouse if it has none), not claimed by
        pre-orders at ``at``."""
        channel = self.channels.get(order.capture.channel)
        places = (
            channel.locations
            if channel is not None
            else [p for p in self.ledger.locations if "/" not in p and not is_virtual(p)]
        )
        return sum(
            free_incoming(self.ledger, self.reservations, self.purchases, sku, place, at, by)
            for place in places
        )

    def differences(self, other: State) -> list[str]:
        """How this state differs from ``other``, projection by projection (same: ``[]``).

        Every projection slot is compared: with its own ``differences`` method if it has one
        (for detail), else by the records it iterates over (a projection of records by id),
        else with ``==``. A new projection is covered by adding its slot; the policy slots
        (code the host chose) are not compared.
        """
        problems: list[str] = []
        for name in PROJECTIONS:
            mine, theirs = getattr(self, name), getattr(other, name)
            detail = getattr(mine, "differences", None)
            if detail is not None:
                problems.extend(f"{name}: {line}" for line in detail(theirs))
            elif hasattr(mine, "__iter__"):
                if list(mine) != list(theirs):
                    problems.append(f"{name}: the records differ from the log")
            elif mine != theirs:
                problems.append(f"{name}: differs")
        return problems

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, State):
            return NotImplemented
        return not self.differences(other)

    __hash__ = None  # type: ignore[assignment]  # mutable projections are not hashable

    def __getstate__(self) -> dict[str, Any]:
        # Only the projections: the policies are code the engine installs again.
        return {name: getattr(self, name) for name in PROJECTIONS}

    def __setstate__(self, data: dict[str, Any]) -> None:
        self.allocator = first_fit
        self.priority = backorder_priority
        self._context = None
        for name in PROJECTIONS:
            setattr(self, name, data[name])


_PROJECTION_CLASSES: dict[str, type] = {
    name: cls for area in AREAS for name, cls in area.PROJECTIONS.items()
}
"""Every projection class by its slot, in fold order (the order of the areas)."""

POLICIES = ("allocator", "priority")
"""State slots that hold code chosen by the host, not facts from the log."""
PROJECTIONS = tuple(name for name in State.__slots__ if name not in POLICIES and name[0] != "_")
"""State slots that are projections of the log (compared by ``verify``, kept in snapshots)."""
assert set(PROJECTIONS) == set(_PROJECTION_CLASSES), "every area projection has a State slot"

_FOLDERS: dict[type, tuple[str, ...]] = {}
_ENTRY_FOLDERS: dict[Operation, tuple[str, ...]] = {}


def _folders(kind: type, operation: Operation | None = None) -> tuple[str, ...]:
    """The projections that fold events of ``kind`` (journal entries: of ``operation``), in
    fold order. A projection without ``FOLDS`` is given every event; one with
    ``OPERATIONS`` only the journal entries of those operations."""
    return tuple(
        name for name, cls in _PROJECTION_CLASSES.items()
        if kind in getattr(cls, "FOLDS", (kind,))
        and (operation is None or operation in getattr(cls, "OPERATIONS", (operation,)))
    )  # fmt: skip


def _table() -> dict[type[Command], Decision]:
    table: dict[type[Command], Decision] = {}
    readable = {*PROJECTIONS, "context"}
    for area in AREAS:
        for decision in area.DECISIONS:
            if decision.command in table:
                raise AssertionError(f"{decision.command.__name__} is decided twice")
            if not set(decision.reads) <= readable:
                raise AssertionError(f"{decision.command.__name__} reads {decision.reads}")
            table[decision.command] = decision
    return table


DECISIONS: dict[type[Command], Decision] = _table()
"""Who decides what: every command type of every area and its decision."""

COMMANDS: tuple[type[Command], ...] = tuple(DECISIONS)
"""Every command type, area by area, in the order the areas' tables list them."""

EVENTS: tuple[type[Any], ...] = (
    *(event for area in AREAS for event in area.EVENTS),
    *REJECTION_EVENTS,
)
"""Every event type, area by area, then the rejection record (which no projection folds)."""


def decide(state: State, command: Command, position: int) -> tuple[Event, ...]:
    """The events ``command`` produces against ``state``, numbered from ``position``.

    Raises the typed error of the first rule the command breaks; changes nothing. When
    stock arrives, the outcome goes on with the allocation of waiting backorders.
    """
    route = _ROUTES.get(type(command)) or _route(command)
    decision, reads, spread, closable, owned, costed = route
    orders = state.orders
    if closable:
        # A closed order takes a late return, and the provider's facts about its money only.
        refuse_if_closed(orders, command, also=(PaymentFact,))
    if owned:
        # An order's reservations change only through the order (cancel, ship, short pick).
        refuse_if_owned(orders, cast(ReleaseReservation, command).reservation, owned)
    if reads is None:  # the order decisions' context, built for this command
        args = [state.context() if name == "context" else getattr(state, name)
                for name in decision.reads]  # fmt: skip
        result = decision.decide(*args, command, position)
    elif spread:
        result = decision.decide(*reads(state), command, position)
    else:
        result = decision.decide(reads(state), command, position)
    if costed:
        # After the area's own rules: valuation averages a SKU's costs, so a cost in a
        # second currency is refused here (the decision is pure: nothing to undo).
        state.costs.check(command, state.ledger.catalog)
    events: tuple[Event, ...] = result if isinstance(result, tuple) else (result,)
    if decision.arrival and orders.has_backorders():
        more = reallocate_after(state.context(), events, command, position + len(events))
        events = (*events, *more)
    return events


_Route = tuple[Decision, Callable[[State], Any] | None, bool, bool, str, bool]
_ROUTES: dict[type, _Route] = {}
_OWNED_ACTIONS: dict[type, str] = {CommitReservation: "commit", ReleaseReservation: "release"}
_OWNED_ITEMS: dict[type, str] = {ReleaseMany: "release"}
"""Batch commands whose items may name a reservation an order owns, and the action refused:
after what it reads, the decision is given the check that refuses such an item on its own."""


def _checking_owners(
    projection: Callable[[State], Any], action: str
) -> Callable[[State], tuple[Any, Callable[[str], None]]]:
    """The getter of what a batch of :data:`_OWNED_ITEMS` reads (one projection), and the
    check refusing ``action`` on a reservation an order owns."""

    def reads(state: State) -> tuple[Any, Callable[[str], None]]:
        return projection(state), partial(refuse_if_owned, state.orders, action=action)

    return reads


def _route(command: Command) -> _Route:
    """How :func:`decide` handles commands of ``command``'s type, worked out once: the
    decision; the getter of the projections it reads (``None`` if it reads the context)
    and whether it gets several (a tuple to spread); whether the command may name a closed
    order (it has an ``order``); the action an order-owned reservation refuses (``""``:
    none); whether it may carry costs."""
    kind = type(command)
    decision = DECISIONS.get(kind)
    if decision is None:
        raise TypeError(f"not a command invorder knows: {command!r}")
    owned = _OWNED_ACTIONS.get(kind, "")
    closable = hasattr(kind, "order") or "order" in attrs.fields_dict(kind)
    names = decision.reads
    reads: Callable[[State], Any] | None = None if "context" in names else attrgetter(*names)
    spread = len(names) > 1
    action = _OWNED_ITEMS.get(kind)
    if action is not None:
        reads, spread = _checking_owners(attrgetter(*names), action), True
    route = (decision, reads, spread, closable, owned, issubclass(kind, COSTED))
    _ROUTES[kind] = route
    return route
