"""Stock events: locations and SKUs defined, and journal entries (``StockPosted``) whose
movements every other area posts through."""

from __future__ import annotations

import enum
from typing import ClassVar

import attrs

from invorder.domain.messages import Command, FromCommand
from invorder.domain.stock.catalog import Sku
from invorder.domain.stock.commands import DefineLocation, DefineSku
from invorder.domain.stock.location import LocationId
from invorder.domain.stock.movement import Movement


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

    SCHEMA_VERSION: ClassVar[int] = 2
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
    schema: int = attrs.field(default=SCHEMA_VERSION, init=False, eq=False, repr=False)
    """The schema version the entry is written in: the current one, or 1 for an entry read
    from a log written at schema 1, which the codec writes again in schema 1, byte for byte,
    so that log's hash chain holds. Not part of the entry's value (equality leaves it out)."""


LedgerEvent = LocationDefined | SkuDefined | StockPosted
"""Any event the stock ledger writes."""
