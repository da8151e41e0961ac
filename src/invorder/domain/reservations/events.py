"""Reservation events. Reserving, committing and releasing are ledger entries
(``StockPosted``); a sweep of lapsed holds has an event of its own, and so have the items a
batch command's state refused."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

import attrs

from invorder.domain.errors import InvorderError
from invorder.domain.errors._facts import facts_of, rebuilt
from invorder.domain.messages import Command, Event, FromCommand


@attrs.frozen(kw_only=True)
class ReservationsExpired(FromCommand):
    """Reservations that lapsed and were expired; their held units went back to available.

    It follows the ``StockPosted`` entry (operation ``expire``) that moved the units.
    """

    SCHEMA_VERSION: ClassVar[int] = 1
    position: int
    """Index of this event in the log."""
    command: Command
    """The command that produced it (a sweep, or a reservation that needed the units)."""
    reservations: tuple[str, ...]
    """The ids expired, in the order they were made."""


def expired_reservations(outcome: Iterable[Event]) -> tuple[str, ...]:
    """The reservation ids an outcome expired (from its :class:`ReservationsExpired`)."""
    ids: list[str] = []
    for event in outcome:
        if type(event) is ReservationsExpired:
            ids.extend(event.reservations)
    return tuple(ids)


@attrs.frozen(kw_only=True)
class RefusedItem:
    """One item of a batch command (``ReserveMany``, ``ReleaseMany``) that the state
    refused, with the error it got, kept as data (see :meth:`error`)."""

    index: int
    """The item's place in the command's ``items`` (0-based)."""
    reservation: str
    """The reservation the item named."""
    error_type: str
    """The class name of the error (``InsufficientStockError``)."""
    code: str
    """The error's stable code."""
    message: str
    """The error's message, as raised."""
    facts: str
    """The error's facts as JSON, as :class:`~invorder.events.CommandRejected` keeps them."""

    @classmethod
    def of(cls, index: int, reservation: str, error: InvorderError) -> RefusedItem:
        """The record of item ``index`` (naming ``reservation``) refused with ``error``."""
        return cls(
            index=index, reservation=reservation, error_type=type(error).__name__,
            code=str(error.code), message=error.message, facts=facts_of(error),
        )  # fmt: skip

    def error(self) -> InvorderError:
        """The error the item got, built again: same class, code, message and facts."""
        return rebuilt(self.error_type, self.message, self.facts)


@attrs.frozen(kw_only=True)
class ItemsRefused(FromCommand):
    """The items of a batch command that the state refused, each with its error.

    It is the first event of the batch's outcome (no projection folds it); the entries
    after it carry out the other items, and carry as their command the batch with those
    items only. A batch with no refused item has no such event.
    """

    SCHEMA_VERSION: ClassVar[int] = 1
    position: int
    """Index of this event in the log."""
    command: Command
    """The batch command, as given."""
    items: tuple[RefusedItem, ...]
    """The refused items, in the order of the command's ``items``."""


@attrs.frozen
class ItemResult:
    """The outcome of one item of a batch command: done, or refused with its error."""

    index: int
    """The item's place in the command's ``items`` (0-based)."""
    reservation: str
    """The reservation the item named (made, or released, when :attr:`error` is ``None``)."""
    error: InvorderError | None
    """Why the item was refused; ``None``: it was carried out."""

    @property
    def ok(self) -> bool:
        """True when the item was carried out."""
        return self.error is None


def batch_results(outcome: Sequence[Event]) -> tuple[ItemResult, ...]:
    """Per item of the batch command whose ``outcome`` this is (what ``Engine.execute``
    returned for a ``ReserveMany`` or ``ReleaseMany``, or returns again for a repeat of its
    key), in the order of its items: carried out, or refused with the typed error."""
    if not outcome:
        raise ValueError("an empty outcome is not a batch command's")
    command = outcome[0].command
    items = getattr(command, "items", None)
    if items is None:
        raise ValueError(f"not the outcome of a batch command: {type(command).__name__}")
    refused: dict[int, InvorderError] = {}
    first = outcome[0]
    if type(first) is ItemsRefused:
        assert isinstance(first, ItemsRefused)
        refused = {item.index: item.error() for item in first.items}
    return tuple(ItemResult(n, item.reservation, refused.get(n)) for n, item in enumerate(items))
