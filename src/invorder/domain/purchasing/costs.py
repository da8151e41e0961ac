"""The cost currencies projection: the currency of each SKU's unit costs, fixed by the first
cost the log carries for it (a costed receipt, a purchase or receipt line). Valuation averages
a SKU's costs, so every later cost of that SKU must be in the same currency."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from invorder.domain.errors import CurrencyMismatchError, InvalidBarcodeError, UnknownSkuError
from invorder.domain.messages import Command, Event
from invorder.domain.money import Money
from invorder.domain.purchasing.commands import DraftPurchase, ExpectPurchase, ReceivePurchase
from invorder.domain.purchasing.events import PurchaseDrafted
from invorder.domain.stock.catalog import Catalog
from invorder.domain.stock.commands import ReceiveStock
from invorder.domain.stock.events import StockPosted

COSTED = (ReceiveStock, ExpectPurchase, DraftPurchase, ReceivePurchase)
"""The commands that can carry unit costs."""


def costs_of(command: Command, catalog: Catalog) -> Iterator[tuple[str, Money]]:
    """The (SKU, unit cost) pairs ``command`` carries; a SKU given by barcode is looked up,
    and one the catalog does not know is skipped (its command is refused for that anyway)."""
    if isinstance(command, ReceiveStock):
        if command.unit_cost is not None:
            sku = command.sku or _lookup(catalog, command.barcode)
            if sku:
                yield sku, command.unit_cost
        return
    if isinstance(command, ExpectPurchase | ReceivePurchase):  # DraftPurchase is an Expect
        for line in command.lines:
            if line.unit_cost is not None:
                yield line.sku, line.unit_cost


def _lookup(catalog: Catalog, barcode: str) -> str:
    try:
        return catalog.lookup(barcode)
    except (InvalidBarcodeError, UnknownSkuError):  # the decision refuses the command for it
        return ""


class CostCurrencies:
    """The currency of each SKU's unit costs, as the log first gave it."""

    FOLDS: ClassVar[frozenset[type]] = frozenset({StockPosted, PurchaseDrafted})
    """The event types :meth:`apply` folds (others leave it unchanged)."""

    __slots__ = ("_by_sku",)

    def __init__(self) -> None:
        self._by_sku: dict[str, str] = {}

    def currency(self, sku: str) -> str | None:
        """The currency ``sku``'s costs are in, or ``None`` before its first cost."""
        return self._by_sku.get(sku)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._by_sku.items())

    def apply(self, event: Event) -> None:
        """Fold one event: the first cost of each SKU fixes its currency."""
        command = event.command
        if type(command) not in COSTED:
            return
        if isinstance(command, ReceiveStock):
            if command.unit_cost is not None and isinstance(event, StockPosted):
                # The entry's movement names the SKU even when the command gave a barcode.
                sku = command.sku or event.movements[0].sku
                self._by_sku.setdefault(sku, command.unit_cost.currency)
            return
        for line in getattr(command, "lines", ()):
            if line.unit_cost is not None:
                self._by_sku.setdefault(line.sku, line.unit_cost.currency)

    def check(self, command: Command, catalog: Catalog) -> None:
        """Raise :class:`CurrencyMismatchError` if ``command`` gives a SKU a cost in another
        currency than its earlier costs (or two currencies in one command)."""
        seen: dict[str, str] = {}
        for sku, cost in costs_of(command, catalog):
            known = seen.get(sku) or self._by_sku.get(sku)
            if known is not None and known != cost.currency:
                raise CurrencyMismatchError(
                    f"value {sku!r} (its stock is averaged at one cost) at unit costs in",
                    known,
                    cost.currency,
                )
            seen[sku] = cost.currency
