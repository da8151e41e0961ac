"""Replenishment suggestions: transfers that rebalance warehouses, then purchase order drafts.

:func:`suggest_replenishment` evaluates each :class:`PlanningItem` (a SKU at a location with
its ATP, incoming units, demand rate and policy), moves surplus between locations first
(:class:`TransferSuggestion`), then groups what is still needed by supplier and receiving
location into :class:`PurchaseSuggestion` drafts rounded to case packs and minimums.

Invariants: every suggested quantity is positive; a purchase line is a multiple of its
case pack and at least the minimum order quantity; a transfer never takes a location below
its own target.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

import attrs

from invorder.domain.money import Money
from invorder.domain.purchasing.commands import DraftPurchase, PurchaseLine
from invorder.domain.purchasing.supplier import Supplier
from invorder.domain.stock.catalog import SkuId, sku_id
from invorder.planning.demand import DemandRate
from invorder.planning.policy import Policy, Reason, evaluate


def _arrivals(values: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    return tuple(sorted((int(day), int(units)) for day, units in values))


@attrs.frozen(kw_only=True)
class PlanningItem:
    """One SKU at one location, as the planner sees it."""

    sku: SkuId = attrs.field(converter=sku_id)
    """The SKU."""
    location: str
    """The location (usually a warehouse) that sells and receives it."""
    atp: int
    """Available to promise now."""
    incoming: int = 0
    """Units on open purchase orders (and inbound transfers) for this location."""
    demand: DemandRate
    """Expected daily demand."""
    policy: Policy
    """The reorder policy."""
    supplier: str = ""
    """Who it is bought from (``""``: no supplier terms; the policy must give a lead time)."""
    unit_cost: Money | None = None
    """Current unit cost (average), to value suggestions and reports."""
    arrivals: tuple[tuple[int, int], ...] = attrs.field(default=(), converter=_arrivals)
    """Incoming units by day offset from now ``(day, units)``, for the stock-out report."""


@attrs.frozen
class TransferSuggestion:
    """Move ``quantity`` of ``sku`` from ``origin`` (surplus) to ``destination`` (short)."""

    sku: SkuId
    """The SKU."""
    origin: str
    """Where the surplus is."""
    destination: str
    """Where it is needed."""
    quantity: int
    """Units to transfer (positive)."""
    origin_surplus: int
    """ATP above the origin's own target before this transfer."""
    destination_need: int
    """What the destination needed before this transfer."""


@attrs.frozen
class SuggestedLine:
    """One line of a purchase order draft, with the reason for it."""

    sku: SkuId
    """The SKU."""
    location: str
    """Where it is received."""
    quantity: int
    """Units to order: the need rounded up to case packs and the minimum."""
    need: int
    """Units the policy asked for (after transfers in)."""
    reason: Reason
    """The figures the policy used."""
    transferred_in: int = 0
    """Units covered by suggested transfers instead of buying."""
    unit_cost: Money | None = None
    """Unit cost used to value the line."""


@attrs.frozen
class PurchaseSuggestion:
    """A purchase order draft for one supplier and receiving location."""

    supplier: str
    """The supplier (``""`` when items had none)."""
    location: str
    """The receiving location."""
    lines: tuple[SuggestedLine, ...]
    """The lines, by SKU."""
    lead_time_days: int | None
    """The longest lead time of the lines (for the ETA)."""

    def draft(self, *, key: str, at: datetime, purchase_order: str) -> DraftPurchase:
        """The :class:`DraftPurchase` command for this suggestion, ETA at + lead time."""
        eta = at + timedelta(days=self.lead_time_days or 0)
        return DraftPurchase(
            key=key, at=at, purchase_order=purchase_order, location=self.location,
            supplier=self.supplier,
            lines=tuple(
                PurchaseLine(sku=line.sku, quantity=line.quantity, eta=eta,
                             unit_cost=line.unit_cost)
                for line in self.lines
            ),
        )  # fmt: skip


@attrs.frozen
class ReplenishmentSuggestions:
    """What replenishment suggests: transfers first, then purchases, plus the evaluation of
    every item."""

    transfers: tuple[TransferSuggestion, ...]
    """Rebalancing moves between locations."""
    purchases: tuple[PurchaseSuggestion, ...]
    """Purchase order drafts by supplier and location."""
    reasons: Mapping[tuple[str, str], Reason]
    """The policy evaluation of each ``(sku, location)``."""


def _lead_time(item: PlanningItem, suppliers: Mapping[str, Supplier]) -> int | None:
    supplier = suppliers.get(item.supplier)
    return supplier.lead_time(item.sku) if supplier is not None else None


def evaluate_items(
    items: Iterable[PlanningItem], suppliers: Mapping[str, Supplier]
) -> dict[tuple[str, str], Reason]:
    """Evaluate the policy of every item (raises :class:`MissingLeadTimeError` for the first
    item whose policy needs a lead time nobody gives)."""
    found: dict[tuple[str, str], Reason] = {}
    for item in items:
        found[(item.sku, item.location)] = evaluate(
            item.policy, item.demand, item.atp, item.incoming,
            supplier_lead_time=_lead_time(item, suppliers), sku=item.sku, location=item.location,
        )  # fmt: skip
    return found


def suggest_transfers(
    items: Iterable[PlanningItem], reasons: Mapping[tuple[str, str], Reason]
) -> list[TransferSuggestion]:
    """Rebalance each SKU: locations that need units take them from locations whose ATP is
    above their own target (largest need first, largest surplus first, names break ties)."""
    by_sku: dict[str, list[PlanningItem]] = {}
    for item in items:
        by_sku.setdefault(item.sku, []).append(item)
    found: list[TransferSuggestion] = []
    for sku in sorted(by_sku):
        group = by_sku[sku]
        if len(group) < 2:
            continue
        surplus: dict[str, int] = {}
        needs: dict[str, int] = {}
        for item in group:
            reason = reasons[(item.sku, item.location)]
            if reason.need:
                needs[item.location] = reason.need
            else:
                extra = item.atp - max(reason.target, reason.trigger + 1)
                if extra > 0:
                    surplus[item.location] = extra
        if not needs or not surplus:
            continue
        for destination in sorted(needs, key=lambda loc: (-needs[loc], loc)):
            need = needs[destination]
            for origin in sorted(surplus, key=lambda loc: (-surplus[loc], loc)):
                if not need:
                    break
                have = surplus[origin]
                if not have:
                    continue
                moved = min(have, need)
                found.append(TransferSuggestion(SkuId(sku), origin, destination, moved, have, need))
                surplus[origin] = have - moved
                need -= moved
    return found


def suggest_replenishment(
    items: Iterable[PlanningItem],
    suppliers: Mapping[str, Supplier] | Iterable[Supplier] = (),
    *,
    transfers_first: bool = True,
) -> ReplenishmentSuggestions:
    """Suggest transfers (unless ``transfers_first`` is false), then purchase drafts for what
    is still needed, grouped by supplier and location, rounded to case packs and minimums."""
    terms = suppliers if isinstance(suppliers, Mapping) else {s.supplier: s for s in suppliers}
    items = list(items)
    reasons = evaluate_items(items, terms)
    transfers = suggest_transfers(items, reasons) if transfers_first else []
    inbound: dict[tuple[str, str], int] = {}
    for t in transfers:
        inbound[(t.sku, t.destination)] = inbound.get((t.sku, t.destination), 0) + t.quantity
    groups: dict[tuple[str, str], list[SuggestedLine]] = {}
    leads: dict[tuple[str, str], int | None] = {}
    for item in items:
        reason = reasons[(item.sku, item.location)]
        moved = inbound.get((item.sku, item.location), 0)
        need = reason.need - moved
        if need <= 0:
            continue
        supplier = terms.get(item.supplier)
        quantity = supplier.round_quantity(item.sku, need) if supplier is not None else need
        group = (item.supplier, item.location)
        groups.setdefault(group, []).append(
            SuggestedLine(item.sku, item.location, quantity, need, reason, moved, item.unit_cost)
        )
        lead = reason.lead_time_days
        known = leads.get(group)
        leads[group] = lead if known is None else max(known, lead or 0)
    purchases = tuple(
        PurchaseSuggestion(
            supplier, location, tuple(sorted(groups[(supplier, location)], key=_by_sku)),
            leads[(supplier, location)],
        )
        for supplier, location in sorted(groups)
    )  # fmt: skip
    return ReplenishmentSuggestions(tuple(transfers), purchases, reasons)


def _by_sku(line: SuggestedLine) -> str:
    return line.sku
