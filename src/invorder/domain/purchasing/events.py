"""Purchasing events. Lines expected, received or cancelled are ledger entries
(``StockPosted``); drafts, ETA changes and supplier terms have events of their own."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import attrs

from invorder.domain.messages import FromCommand
from invorder.domain.purchasing.commands import ChangePurchaseEta, DefineSupplier, DraftPurchase


@attrs.frozen(kw_only=True)
class PurchaseDrafted(FromCommand):
    """A draft purchase order was recorded (no stock moved)."""

    SCHEMA_VERSION: ClassVar[int] = 1
    position: int
    """Index of this event in the log."""
    command: DraftPurchase
    """The command that produced it (it holds the lines)."""


@attrs.frozen(kw_only=True)
class PurchaseEtaChanged(FromCommand):
    """The ETA of a purchase line changed (from ``previous`` to the command's ``eta``)."""

    SCHEMA_VERSION: ClassVar[int] = 1
    position: int
    """Index of this event in the log."""
    command: ChangePurchaseEta
    """The command that produced it."""
    previous: datetime
    """The ETA before the change."""


@attrs.frozen(kw_only=True)
class SupplierDefined(FromCommand):
    """A supplier was defined or its terms replaced."""

    SCHEMA_VERSION: ClassVar[int] = 1
    position: int
    """Index of this event in the log."""
    command: DefineSupplier
    """The command that produced it (it holds the terms)."""
