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
from invorder.domain import kit as _kit_module
from invorder.domain import ledger as _ledger
from invorder.domain import procurement as _procurement
from invorder.domain import purchase as _purchase
from invorder.domain import reservation as _reservation
from invorder.domain import supplier as _supplier
from invorder.domain.commands import Command
from invorder.domain.events import Event


class State:
    """Every projection of the domain, folded from the same log."""

    __slots__ = ("channels", "ledger", "purchases", "reservations", "suppliers")

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

    def apply(self, event: Event) -> None:
        """Fold one event into every projection that follows it."""
        self.ledger.apply(event)
        self.reservations.apply(event)
        self.purchases.apply(event)
        self.channels.apply(event)
        self.suppliers.apply(event)

    def differences(self, other: State) -> list[str]:
        """How this state differs from ``other``, projection by projection (same: ``[]``).

        Every slot is a projection and is compared: with its own ``differences`` method if
        it has one (for detail), else by the records it iterates over (a projection of
        records by id), else with ``==``. A new projection is covered by adding its slot.
        """
        problems: list[str] = []
        for name in State.__slots__:
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
}


def decide(state: State, command: Command, position: int) -> tuple[Event, ...]:
    """The events ``command`` produces against ``state``, numbered from ``position``.

    Raises the typed error of the first rule the command breaks; changes nothing.
    """
    handler = _HANDLERS.get(type(command))
    if handler is not None:
        return handler(state, command, position)
    return (_ledger.decide(state.ledger, command, position),)
