"""The whole domain state as one fold of the log, and the one ``decide`` over all commands.

:class:`State` groups the projections of every part of the domain (the stock ledger now;
reservations, orders and the rest add theirs here). :func:`decide` sends each command to the
part that owns it. Both are pure in the sense of the design: ``decide`` reads the state and
returns events or raises; only ``State.apply`` changes the projections.
"""

from __future__ import annotations

from invorder.domain import ledger as _ledger
from invorder.domain.commands import Command
from invorder.domain.events import Event


class State:
    """Every projection of the domain, folded from the same log."""

    __slots__ = ("ledger",)

    def __init__(self) -> None:
        self.ledger = _ledger.Ledger()
        """Locations, catalog, balances and transfers."""

    def apply(self, event: Event) -> None:
        """Fold one event into every projection that follows it."""
        self.ledger.apply(event)

    def differences(self, other: State) -> list[str]:
        """How this state differs from ``other``, projection by projection (same: ``[]``).

        Every slot is a projection and is compared: with its own ``differences`` method if
        it has one (for detail), else with ``==``. A new projection is covered by adding
        its slot.
        """
        problems: list[str] = []
        for name in State.__slots__:
            mine, theirs = getattr(self, name), getattr(other, name)
            detail = getattr(mine, "differences", None)
            if detail is not None:
                problems.extend(f"{name}: {line}" for line in detail(theirs))
            elif mine != theirs:
                problems.append(f"{name}: differs")
        return problems

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, State):
            return NotImplemented
        return not self.differences(other)

    __hash__ = None  # type: ignore[assignment]  # mutable projections are not hashable


def decide(state: State, command: Command, position: int) -> tuple[Event, ...]:
    """The events ``command`` produces against ``state``, numbered from ``position``.

    Raises the typed error of the first rule the command breaks; changes nothing.
    """
    return (_ledger.decide(state.ledger, command, position),)
