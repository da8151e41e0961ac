"""Inventory valuation at weighted-average cost, as a pure fold of the event log.

Rules (per SKU, one average over all locations; a SKU is valued in one currency):

* a receipt from ``@supplier`` (``ReceiveStock``, a purchase receipt or over-receipt,
  a raw ``PostEntry``) enters at its unit cost (the receipt line's, else the purchase
  line's, else ``ReceiveStock.unit_cost``) and moves the average; an uncosted receipt
  enters at the current average (zero if none yet) and is counted in ``uncosted_units``;
* units leaving owned stock (to ``@customer``, ``@scrap``, ``@adjustment``, back to
  ``@supplier``) leave at the current average; the average does not change;
* returns from ``@customer`` and count gains from ``@adjustment`` re-enter at the current
  average (the average does not change);
* damages, quarantine, moves and transfers (``in_transit`` is owned stock) only move
  units between owned accounts: value and average are unchanged;
* kit assembly: components leave at their averages, the kit enters at their sum;
  disassembly splits the kits' value over the components by their average cost x units.

Owned stock = every bucket of a real location except ``incoming``. By construction the
value of a SKU equals what entered at cost minus what left at average cost.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

import attrs

from invorder.domain.errors import InvalidMoneyError
from invorder.domain.messages import Event
from invorder.domain.money import Money
from invorder.domain.purchasing.commands import DraftPurchase, ExpectPurchase, ReceivePurchase
from invorder.domain.purchasing.events import PurchaseDrafted
from invorder.domain.stock.commands import ReceiveStock
from invorder.domain.stock.events import Operation, StockPosted
from invorder.domain.stock.location import PRODUCTION, SUPPLIER
from invorder.domain.stock.movement import Account, Bucket

_ZERO = Decimal(0)


def _owned(account: Account) -> bool:
    return account.location[:1] != "@" and account.bucket is not Bucket.INCOMING


@attrs.frozen
class SkuValue:
    """The valuation of one SKU: units owned, their value and the weighted-average cost."""

    sku: str
    """The SKU."""
    units: int
    """Owned units (every real location, every bucket but ``incoming``)."""
    value: Money | None
    """Their value; ``None`` while no cost is known."""
    average_cost: Money | None
    """Value / units; ``None`` with no units or no cost."""
    received_value: Money | None
    """Everything that ever entered, at cost."""
    issued_value: Money | None
    """Everything that ever left, at average cost."""
    uncosted_units: int
    """Units received without a cost (valued at the average of the moment)."""


class _Sku:
    __slots__ = ("currency", "issued", "last", "received", "uncosted", "units", "value", "where")

    def __init__(self) -> None:
        self.units = 0
        self.value = _ZERO
        self.received = _ZERO
        self.issued = _ZERO
        self.uncosted = 0
        self.last = _ZERO
        self.currency: str | None = None
        self.where: dict[str, int] = {}

    def average(self) -> Decimal:
        # With no units left, the last average stands (returns and disassembly use it).
        return self.value / self.units if self.units else self.last

    def add(self, units: int, value: Decimal) -> None:
        self.units += units
        self.value += value
        self.received += value
        if self.units:
            self.last = self.value / self.units


class Valuation:
    """Weighted-average valuation folded from events (see the module docstring for rules).

    Build it with :func:`value_inventory`; query :meth:`sku`, :meth:`by_location`,
    :meth:`total`.
    """

    __slots__ = ("_costs", "_skus")

    def __init__(self) -> None:
        self._skus: dict[str, _Sku] = {}
        self._costs: dict[tuple[str, str], Money] = {}

    # --- folding -------------------------------------------------------------------------

    def apply(self, event: Event) -> None:
        """Fold one event (purchase definitions for their costs, stock entries for units)."""
        if type(event) is PurchaseDrafted:
            assert isinstance(event, PurchaseDrafted)
            self._remember(event.command)
            return
        if type(event) is not StockPosted:
            return
        assert isinstance(event, StockPosted)
        command = event.command
        if event.operation is Operation.PURCHASE_EXPECT and isinstance(command, ExpectPurchase):
            self._remember(command)
        production = _ZERO
        currency: str | None = None
        produced: list[tuple[_Sku, int, str]] = []
        for m in event.movements:
            state = self._skus.get(m.sku)
            if state is None:
                state = self._skus[m.sku] = _Sku()
            src, dst = _owned(m.source), _owned(m.destination)
            if src:
                state.where[m.source.location] = state.where.get(m.source.location, 0) - m.quantity
            if dst:
                where = m.destination.location
                state.where[where] = state.where.get(where, 0) + m.quantity
            if src and not dst:
                out = state.value if m.quantity == state.units else state.average() * m.quantity
                state.units -= m.quantity
                state.value -= out
                state.issued += out
                if m.destination.location == PRODUCTION:
                    production += out
                    currency = currency or state.currency
            elif dst and not src:
                if m.source.location == PRODUCTION:
                    produced.append((state, m.quantity, m.sku))
                    continue
                bought = m.source.location == SUPPLIER or m.source.bucket is Bucket.INCOMING
                cost = self._cost(event, m.sku) if bought else None
                if cost is not None:
                    self._currency(state, cost.currency, m.sku)
                    amount = cost.amount * m.quantity
                else:
                    if bought:
                        state.uncosted += m.quantity
                    amount = state.average() * m.quantity
                state.add(m.quantity, amount)
        if produced:
            self._produce(produced, production, event.operation, currency)

    def _produce(
        self,
        produced: list[tuple[_Sku, int, str]],
        value: Decimal,
        op: Operation,
        currency: str | None,
    ) -> None:
        if op is Operation.DISASSEMBLE:
            weights = [s.average() * q for s, q, _ in produced]
            total = sum(weights, _ZERO)
            if not total:
                weights = [Decimal(q) for _, q, _ in produced]
                total = sum(weights, _ZERO)
        else:
            weights = [Decimal(1)] * len(produced)
            total = Decimal(len(produced))
        left = value
        for index, (state, quantity, sku) in enumerate(produced):
            if currency is not None:
                self._currency(state, currency, sku)
            share = left if index == len(produced) - 1 else value * weights[index] / total
            left -= share
            state.add(quantity, share)

    def _remember(self, command: ExpectPurchase | DraftPurchase) -> None:
        for line in command.lines:
            if line.unit_cost is not None:
                self._costs[(command.purchase_order, line.sku)] = line.unit_cost

    def _cost(self, event: StockPosted, sku: str) -> Money | None:
        command = event.command
        if isinstance(command, ReceivePurchase):
            for line in command.lines:
                if line.sku == sku and line.unit_cost is not None:
                    return line.unit_cost
            return self._costs.get((command.purchase_order, sku))
        if isinstance(command, ReceiveStock):
            return command.unit_cost
        return None

    @staticmethod
    def _currency(state: _Sku, currency: str, sku: str) -> None:
        if state.currency is None:
            state.currency = currency
        elif state.currency != currency:
            raise InvalidMoneyError(
                "unit_cost",
                currency,
                f"SKU {sku!r} is valued in {state.currency}; a receipt in {currency} cannot be "
                "averaged with it (convert the cost first)",
            )

    # --- queries ---------------------------------------------------------------------------

    def skus(self) -> list[str]:
        """Every SKU that ever had owned stock, sorted."""
        return sorted(self._skus)

    def sku(self, sku: str) -> SkuValue:
        """The valuation of ``sku`` (zero units and ``None`` values if never stocked)."""
        state = self._skus.get(sku) or _Sku()
        currency = state.currency

        def money(amount: Decimal) -> Money | None:
            return None if currency is None else Money(amount, currency)

        return SkuValue(
            sku=sku,
            units=state.units,
            value=money(state.value),
            average_cost=money(state.average()) if state.units else None,
            received_value=money(state.received),
            issued_value=money(state.issued),
            uncosted_units=state.uncosted,
        )

    def by_location(self, within: str | None = None) -> dict[tuple[str, str], Money]:
        """Value by ``(sku, exact location)`` (owned units x average cost), optionally only in
        ``within``'s subtree; costed SKUs only."""
        prefix = None if within is None else within + "/"
        found: dict[tuple[str, str], Money] = {}
        for sku in sorted(self._skus):
            state = self._skus[sku]
            if state.currency is None:
                continue
            average = state.average()
            for location, units in sorted(state.where.items()):
                if not units or (prefix and location != within and not location.startswith(prefix)):
                    continue
                found[(sku, location)] = Money(average * units, state.currency)
        return found

    def total(self) -> dict[str, Money]:
        """Total value of all stock per currency (cash tied up)."""
        totals: dict[str, Decimal] = {}
        for state in self._skus.values():
            if state.currency is not None:
                totals[state.currency] = totals.get(state.currency, _ZERO) + state.value
        return {c: Money(v, c) for c, v in sorted(totals.items())}


def value_inventory(events: Iterable[Event], until: datetime | None = None) -> Valuation:
    """Fold ``events`` (a log, in order) into a :class:`Valuation`; with ``until``, only the
    events at or before that time count (the value "as of")."""
    valuation = Valuation()
    for event in events:
        if until is not None and event.at > until:
            continue
        valuation.apply(event)
    return valuation
