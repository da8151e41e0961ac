"""Ledger events: immutable facts appended to the log; all state is a fold of them."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import ClassVar, Protocol

import attrs

from invorder.domain.catalog import Sku
from invorder.domain.commands import Command, DefineLocation, DefineSku
from invorder.domain.location import LocationId
from invorder.domain.stock import Movement


class Operation(enum.StrEnum):
    """What a journal entry did, for people and for projections that follow one kind."""

    POST = "post"
    RECEIVE = "receive"
    COUNT = "count"
    DAMAGE = "damage"
    QUARANTINE = "quarantine"
    RELEASE_QUARANTINE = "release_quarantine"
    SCRAP = "scrap"
    MOVE = "move"
    TRANSFER_SHIP = "transfer_ship"
    TRANSFER_RECEIVE = "transfer_receive"
    TRANSFER_CLOSE = "transfer_close"
    RESERVE = "reserve"
    COMMIT = "commit"
    RELEASE = "release"
    EXPIRE = "expire"
    PURCHASE_EXPECT = "purchase_expect"
    PURCHASE_RECEIVE = "purchase_receive"
    PURCHASE_CANCEL = "purchase_cancel"
    ASSEMBLE = "assemble"
    DISASSEMBLE = "disassemble"


class _HasCommand(Protocol):
    @property
    def command(self) -> Command: ...


class FromCommand:
    """Base of every event: its ``key`` and ``at`` are those of the command behind it."""

    __slots__ = ()

    @property
    def key(self: _HasCommand) -> str:
        """Idempotency key of the command that produced the event."""
        return self.command.key

    @property
    def at(self: _HasCommand) -> datetime:
        """When the command said it happened."""
        return self.command.at


@attrs.frozen(kw_only=True)
class LocationDefined(FromCommand):
    """A real location (and, implicitly, each of its ancestors) came into use."""

    SCHEMA_VERSION: ClassVar[int] = 1
    position: int
    """Index of this event in the log (0-based, gap-free)."""
    command: DefineLocation
    """The command that produced it."""

    @property
    def location(self) -> LocationId:
        """The path defined."""
        return self.command.location


@attrs.frozen(kw_only=True)
class SkuDefined(FromCommand):
    """A SKU was added to the catalog."""

    SCHEMA_VERSION: ClassVar[int] = 1
    position: int
    """Index of this event in the log."""
    command: DefineSku
    """The command that produced it."""

    @property
    def sku(self) -> Sku:
        """The SKU as defined."""
        return self.command.sku


@attrs.frozen(kw_only=True)
class StockPosted(FromCommand):
    """A journal entry: movements posted together, all or nothing.

    Every event carries the command that produced it, its log position, and (through the
    command) the idempotency key and time; every movement of the entry shares them. An entry
    may hold no movement (a cycle count that matched the shelf is still recorded).
    """

    SCHEMA_VERSION: ClassVar[int] = 1
    position: int
    """Index of this event in the log."""
    command: Command
    """The command that produced it (kept so that a repeated key can be compared)."""
    operation: Operation
    """What kind of stock operation this was."""
    movements: tuple[Movement, ...]
    """The postings, in the order they were given."""
    reference: str = ""
    """The document the entry belongs to (purchase order, transfer, count sheet, ...)."""
    memo: str = ""
    """Free text for people."""


LedgerEvent = LocationDefined | SkuDefined | StockPosted
"""Any event the stock ledger writes."""


class Event(Protocol):
    """What every event offers: its position, the command behind it, its key and time."""

    @property
    def command(self) -> Command:
        """The command that produced the event."""

    @property
    def position(self) -> int:
        """Index of the event in the log."""

    @property
    def key(self) -> str:
        """Idempotency key of the command that produced it."""

    @property
    def at(self) -> datetime:
        """When the command said it happened."""
