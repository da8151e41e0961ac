"""The whole domain state as one fold of the log, and the one ``decide`` over all commands.

:class:`State` groups the projections of every part of the domain (the stock ledger,
reservations, purchase orders, channels; orders and the rest add theirs here).
:func:`decide` sends each command to the part that owns it. Both are pure in the sense of
the design: ``decide`` reads the state and returns events or raises; only ``State.apply``
changes the projections.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from invorder.domain import channel as _channel
from invorder.domain import commands as _commands
from invorder.domain import fulfilment as _fulfilment
from invorder.domain import kit as _kit_module
from invorder.domain import ledger as _ledger
from invorder.domain import order as _order
from invorder.domain import picking as _picking
from invorder.domain import procurement as _procurement
from invorder.domain import purchase as _purchase
from invorder.domain import reservation as _reservation
from invorder.domain import returning as _returning
from invorder.domain import returns as _returns
from invorder.domain import shipment as _shipment
from invorder.domain import supplier as _supplier
from invorder.domain.commands import Command
from invorder.domain.events import Event
from invorder.domain.order_book import OrderBook


class State:
    """Every projection of the domain, folded from the same log."""

    __slots__ = ("allocator", "channels", "ledger", "orders", "priority", "purchases",
                 "reservations", "suppliers")  # fmt: skip

    def __init__(self) -> None:
        self.ledger = _ledger.Ledger()
        """Locations, catalog, balances and transfers."""
        self.reservations = _reservation.Reservations()
        """Every reservation and its status."""
        self.purchases = _purchase.Purchases()
        """Purchase orders and their incoming lines."""
        self.channels = _channel.Channels()
        """Sales channels and their availability policies."""
        self.suppliers = _supplier.Suppliers()
        """Suppliers and their terms (lead times, minimums, case packs)."""
        self.orders = OrderBook()
        """Orders and their shipments."""
        self.allocator: _fulfilment.Allocator = _fulfilment.first_fit
        """Chooses locations when orders are allocated (not state: never in the log)."""
        self.priority: Callable[[_order.Order], Any] = _fulfilment.backorder_priority
        """Order in which backorders are allocated again (not state: never in the log)."""

    def apply(self, event: Event) -> None:
        """Fold one event into every projection that follows it."""
        kind = type(event)
        names = _FOLDERS.get(kind)
        if names is None:
            names = _FOLDERS[kind] = _folders(kind)
        for name in names:
            getattr(self, name).apply(event)

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
        self.allocator = _fulfilment.first_fit
        self.priority = _fulfilment.backorder_priority
        for name in PROJECTIONS:
            setattr(self, name, data[name])


_FOLD_ORDER = ("ledger", "reservations", "purchases", "channels", "suppliers", "orders")
# The projection classes, for their FOLDS (the event types each one folds).
_PROJECTION_CLASSES: dict[str, type] = {
    "ledger": _ledger.Ledger, "reservations": _reservation.Reservations,
    "purchases": _purchase.Purchases, "channels": _channel.Channels,
    "suppliers": _supplier.Suppliers, "orders": OrderBook,
}  # fmt: skip
_FOLDERS: dict[type, tuple[str, ...]] = {}


def _folders(kind: type) -> tuple[str, ...]:
    """The projections that fold events of ``kind``, in fold order (a projection without
    ``FOLDS`` is given every event)."""
    return tuple(
        name for name in _FOLD_ORDER
        if kind in getattr(_PROJECTION_CLASSES[name], "FOLDS", (kind,))
    )  # fmt: skip


POLICIES = ("allocator", "priority")
"""State slots that hold code chosen by the host, not facts from the log."""
PROJECTIONS = tuple(name for name in State.__slots__ if name not in POLICIES)
"""State slots that are projections of the log (compared by ``verify``, kept in snapshots)."""


def _reserve(state: State, command: Any, position: int) -> tuple[Event, ...]:
    return _reservation.decide_reserve(
        state.ledger, state.reservations, state.purchases, command, position
    )


def _commit(state: State, command: Any, position: int) -> tuple[Event, ...]:
    return (_reservation.decide_commit(state.reservations, command, position),)


def _release(state: State, command: Any, position: int) -> tuple[Event, ...]:
    return (_reservation.decide_release(state.reservations, command, position),)


def _sweep(state: State, command: Any, position: int) -> tuple[Event, ...]:
    return _reservation.decide_sweep(state.reservations, command, position)


def _expect(state: State, command: Any, position: int) -> tuple[Event, ...]:
    return (_procurement.decide_expect(state.ledger, state.purchases, command, position),)


def _receive(state: State, command: Any, position: int) -> tuple[Event, ...]:
    return _procurement.decide_receive(
        state.ledger, state.reservations, state.purchases, command, position
    )


def _cancel(state: State, command: Any, position: int) -> tuple[Event, ...]:
    return _procurement.decide_cancel(
        state.ledger, state.reservations, state.purchases, command, position
    )


def _draft(state: State, command: Any, position: int) -> tuple[Event, ...]:
    return (_procurement.decide_draft(state.ledger, state.purchases, command, position),)


def _confirm(state: State, command: Any, position: int) -> tuple[Event, ...]:
    return (_procurement.decide_confirm(state.ledger, state.purchases, command, position),)


def _change_eta(state: State, command: Any, position: int) -> tuple[Event, ...]:
    return (_procurement.decide_change_eta(state.purchases, command, position),)


def _define_supplier(state: State, command: Any, position: int) -> tuple[Event, ...]:
    return (_supplier.decide_define(state.ledger, command, position),)


def _kit(state: State, command: Any, position: int) -> tuple[Event, ...]:
    return (_kit_module.decide(state.ledger, command, position),)


def _define_channel(state: State, command: Any, position: int) -> tuple[Event, ...]:
    return (_channel.decide_define(state.ledger, command, position),)


# --- orders and shipments --------------------------------------------------------------------


def _context(state: State) -> _fulfilment.Context:
    def feeding(channel: str) -> tuple[str, ...] | None:
        found = state.channels.get(channel)
        return None if found is None else tuple(found.locations)

    return _fulfilment.Context(
        ledger=state.ledger, reservations=state.reservations, purchases=state.purchases,
        orders=state.orders, channel_locations=feeding, allocator=state.allocator,
        priority=state.priority,
    )  # fmt: skip


def _order_handler(
    rule: Callable[[_fulfilment.Context, Any, int], tuple[Event, ...]],
) -> Callable[[State, Any, int], tuple[Event, ...]]:
    def handle(state: State, command: Any, position: int) -> tuple[Event, ...]:
        return rule(_context(state), command, position)

    return handle


_ORDER_RULES: dict[type[Command], Callable[[_fulfilment.Context, Any, int], tuple[Event, ...]]] = {
    _order.CaptureOrder: _fulfilment.decide_capture,
    _order.PlaceHold: _fulfilment.decide_hold,
    _order.ReleaseHold: _fulfilment.decide_release_hold,
    _order.AllocateOrder: _fulfilment.decide_allocate,
    _order.AllocateBackorders: _fulfilment.decide_backorders,
    _order.CancelOrder: _fulfilment.decide_cancel_order,
    _order.CancelLines: _fulfilment.decide_cancel_lines,
    _shipment.StartPicking: _picking.decide_start_picking,
    _shipment.RecordPick: _picking.decide_record_pick,
    _shipment.PackShipment: _picking.decide_pack,
    _shipment.ShipShipment: _picking.decide_ship,
    _returns.OpenReturn: _returning.decide_open,
    _returns.ReceiveReturn: _returning.decide_receive,
}

_HANDLERS: dict[type[Command], Callable[[State, Any, int], tuple[Event, ...]]] = {
    _reservation.ReserveStock: _reserve,
    _reservation.CommitReservation: _commit,
    _reservation.ReleaseReservation: _release,
    _reservation.ExpireReservations: _sweep,
    _purchase.ExpectPurchase: _expect,
    _purchase.ReceivePurchase: _receive,
    _purchase.CancelPurchase: _cancel,
    _purchase.ClosePurchase: _cancel,
    _purchase.DraftPurchase: _draft,
    _purchase.ConfirmPurchase: _confirm,
    _purchase.ChangePurchaseEta: _change_eta,
    _supplier.DefineSupplier: _define_supplier,
    _kit_module.AssembleKit: _kit,
    _kit_module.DisassembleKit: _kit,
    _channel.DefineChannel: _define_channel,
    **{kind: _order_handler(rule) for kind, rule in _ORDER_RULES.items()},
}


_ARRIVALS: tuple[type[Command], ...] = (
    _commands.ReceiveStock,
    _commands.ReceiveTransfer,
    _commands.ReleaseQuarantine,
    _purchase.ReceivePurchase,
    _returns.ReceiveReturn,
)
"""Commands that can bring units into ``available``: backorders are allocated after them."""


def decide(state: State, command: Command, position: int) -> tuple[Event, ...]:
    """The events ``command`` produces against ``state``, numbered from ``position``.

    Raises the typed error of the first rule the command breaks; changes nothing. When
    stock arrives, the outcome goes on with the allocation of waiting backorders.
    """
    handler = _HANDLERS.get(type(command))
    if handler is not None:
        events = handler(state, command, position)
    else:
        events = (_ledger.decide(state.ledger, command, position),)
    if isinstance(command, _ARRIVALS) and state.orders.has_backorders():
        more = _fulfilment.reallocate_after(
            _context(state), events, command, position + len(events)
        )
        events = (*events, *more)
    return events
