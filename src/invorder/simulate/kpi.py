"""KPIs of a simulation run, overall and per channel, with the stock value at the end; a
report renders itself as HTML for notebooks (plain text is in ``invorder.simulate.text``)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import attrs

from invorder._html import items, table
from invorder.domain.money import Money
from invorder.domain.orders.events import OrderAllocated, ShipmentShipped
from invorder.domain.orders.order import Order
from invorder.domain.purchasing.valuation import Valuation
from invorder.domain.stock.movement import Bucket
from invorder.routing import Explanation
from invorder.simulate.collector import fewer_collections, kept_out_of_reach
from invorder.simulate.money import MONEY_KPIS, close_out_reasons, money_kpis, order_money
from invorder.simulate.run import Simulation
from invorder.simulate.table import Value, text


@attrs.frozen(kw_only=True)
class Kpis:
    """Figures for a set of orders at the end of a run."""

    orders: int
    """Orders captured."""
    lines: int
    """Order lines."""
    units: int
    """Units ordered."""
    cancelled_units: int
    """Units cancelled."""
    fill_rate: float
    """Units allocated or shipped over units ordered and not cancelled."""
    first_time_fill_rate: float
    """Share of routed orders whose first allocation left nothing backordered."""
    shipments: int
    """Shipments shipped."""
    split_rate: float
    """Shipments per order that shipped anything."""
    backordered_units: int
    """Units waiting for stock at the end."""
    mean_backorder_age_h: float
    """Mean hours since capture of the orders still waiting at the end."""
    sla_misses: int
    """Shipments shipped after the order's ship-by."""
    distance_km: float
    """Great-circle km from warehouse to ship-to, summed over shipped shipments."""
    invoiced_value: dict[str, Money] = attrs.field(factory=dict)
    """Invoices issued (tax and shipping included), per currency."""
    credited_value: dict[str, Money] = attrs.field(factory=dict)
    """Credit notes issued against them, per currency."""
    captured_value: dict[str, Money] = attrs.field(factory=dict)
    """Payments captured, per currency."""
    refunded_value: dict[str, Money] = attrs.field(factory=dict)
    """Payments refunded, per currency."""
    closed_orders: int = 0
    """Orders closed."""
    open_orders: int = 0
    """Orders not closed: still shipping, or done and held open."""
    orders_not_closable: int = 0
    """Orders done shipping, not closed, and held open by something (see
    ``Report.close_out_reasons``)."""


@attrs.frozen(kw_only=True)
class StockValue:
    """Stock on hand at the end at weighted-average cost: the cash tied up in it."""

    units: int
    """Owned units (every bucket but ``incoming``; reserved and in-transit units included)."""
    value: dict[str, Money]
    """Value of the units whose SKU has a known cost, per currency, rounded to the cent."""
    unvalued_units: int
    """Units of SKUs with no known cost at all: counted here, left out of ``value``."""


@attrs.frozen(kw_only=True, repr=False)
class Report:
    """KPIs of one run: overall, per channel, and what the ledger says at the end."""

    rule: str
    """The rule's name."""
    end: datetime
    """Time of the last step."""
    overall: Kpis
    """All orders."""
    by_channel: dict[str, Kpis]
    """Per channel, sorted by channel id."""
    oversold_units: int
    """Units below zero in any available balance (must be 0)."""
    stock_outs: dict[str, int]
    """Backordered units per SKU at the end, largest first."""
    rejected: dict[str, int]
    """Refused commands by error code."""
    events: int
    """Events in the log."""
    decisions: dict[str, tuple[tuple[str, str, int], ...]]
    """Per order, the units allocated: (warehouse, SKU, units), sorted."""
    stock_value: StockValue
    """Stock on hand at the end, every warehouse (valued by the rules of
    ``invorder.domain.purchasing.valuation``)."""
    stock_value_by_warehouse: dict[str, StockValue]
    """The same per warehouse, sorted by code; warehouse values add up to the total."""
    uncosted_received_units: int
    """Units of costed SKUs received without a cost of their own (initial stock or receipts
    with no ``unit_cost``): they entered at the SKU's average of the moment, an estimate."""
    close_out_reasons: dict[str, int] = attrs.field(factory=dict)
    """Orders done shipping and held open, per reason (a
    :class:`~invorder.records.CloseOutReason` value; an order may count under several)."""
    explanations: dict[str, Explanation] = attrs.field(factory=dict, eq=False, repr=False)
    """Per order, the rule's explanation of its first plan (runs made with ``explain``)."""
    replans: dict[str, tuple[Explanation, ...]] = attrs.field(factory=dict, eq=False, repr=False)
    """Per order, the explanations of the plans made after its first, in order (runs made
    with ``explain``): the final allocation is the sum of all of them."""

    def __repr__(self) -> str:
        """A short summary: the rule, orders, fill rate and backorders."""
        k = self.overall
        return (
            f"<Report {self.rule}: {k.orders:,} orders, fill rate {k.fill_rate:.1%}, "
            f"{k.backordered_units:,} units backordered, {self.events:,} events>"
        )

    def _repr_html_(self) -> str:
        """The KPI table as HTML, for notebooks: one column overall, one per channel; then
        the stock on hand at the end and what the ledger says."""
        columns = {"all": self.overall, **self.by_channel}
        rows = [[name, *(text(name, v) for v in values)]
                for name, values in kpi_rows(list(columns.values()))]  # fmt: skip
        caption = f"rule {self.rule}: {self.events:,} events, end {self.end.isoformat()}"
        top = ", ".join(f"{s} ({n})" for s, n in list(self.stock_outs.items())[:5]) or "none"
        notes = [
            f"oversold units: {self.oversold_units}",
            f"stock-outs: {len(self.stock_outs)} SKUs backordered; most: {top}",
        ]
        if self.close_out_reasons:
            held = ", ".join(f"{r} {n:,}" for r, n in self.close_out_reasons.items())
            notes.append("orders held open: " + held)
        if self.rejected:
            refused = ", ".join(f"{c} {n}" for c, n in self.rejected.items())
            notes.append("refused commands: " + refused)
        stock = [
            [where, f"{part.units:,}", money_text(part.value), f"{part.unvalued_units:,}"]
            for where, part in {"all": self.stock_value, **self.stock_value_by_warehouse}.items()
        ]
        return (
            table(["kpi", *columns], rows, caption=caption, labels=1)
            + table(["stock", "units", "value", "unvalued_units"], stock, labels=1,
                    caption="stock on hand at the end, at weighted-average cost")
            + items(notes)
        )  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """A JSON-compatible dict (decisions are left out: see
        :func:`~invorder.simulate.compare`)."""
        data = attrs.asdict(
            self,
            filter=lambda a, _: a.name not in ("decisions", "explanations", "replans"),
            value_serializer=_decimal_as_text,
        )
        data["end"] = self.end.isoformat()
        return data


def _decimal_as_text(_: object, __: object, value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


_CENT = Decimal("0.01")


def _stock_values(
    valuation: Valuation, holdings: dict[tuple[str, str], int]
) -> tuple[StockValue, dict[str, StockValue], int]:
    """Owned stock overall and per warehouse, and the units of costed SKUs received without
    a cost; ``holdings`` are the ledger's owned units by ``(sku, warehouse)``.

    A SKU's units at a location are valued at its average cost; each warehouse is rounded to
    the cent and the total is the sum of the warehouses', so the table adds up (it differs
    from ``Valuation.total()`` by half a cent per warehouse at most).
    """
    exact: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    skus = [valuation.sku(sku) for sku in valuation.skus()]
    costed = {s.sku for s in skus if s.value is not None}
    for (_, location), money in valuation.by_location().items():
        exact[location.split("/")[0]][money.currency] += money.amount
    units: Counter[str] = Counter()
    unvalued: Counter[str] = Counter()
    for (sku, warehouse), quantity in holdings.items():
        units[warehouse] += quantity
        if sku not in costed:
            unvalued[warehouse] += quantity
    per: dict[str, StockValue] = {}
    for warehouse in sorted(units.keys() | exact.keys()):
        per[warehouse] = StockValue(
            units=units[warehouse],
            value={
                c: Money(a.quantize(_CENT, ROUND_HALF_EVEN), c)
                for c, a in sorted(exact[warehouse].items())
            },
            unvalued_units=unvalued[warehouse],
        )
    # Every currency a SKU is valued in appears, at zero when none of its stock is left.
    totals: dict[str, Decimal] = {c: Decimal("0.00") for c in valuation.total()}
    for part in per.values():
        for currency, money in part.value.items():
            totals[currency] = totals.get(currency, Decimal("0.00")) + money.amount
    overall = StockValue(
        units=sum(units.values()),
        value={c: Money(a, c) for c, a in sorted(totals.items())},
        unvalued_units=sum(unvalued.values()),
    )
    uncosted = sum(s.uncosted_units for s in skus if s.value is not None)
    return overall, per, uncosted


def report(sim: Simulation) -> Report:
    """The KPIs of ``sim`` at its current step (like a run, it keeps the collector off the
    run's state while it reads it: see :mod:`invorder.simulate.collector`)."""
    with fewer_collections(), kept_out_of_reach() as keep:
        keep()
        return _report(sim)


def _report(sim: Simulation) -> Report:
    engine = sim.engine
    header = sim.scenario.header
    coords = {w.code: w.coordinates for w in header.warehouses}
    end = sim.now
    orders: dict[str, Order] = {o.order_id: o for o in engine.orders()}
    first_alloc: dict[str, bool] = {}
    decisions: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    shipped: list[tuple[str, str, datetime]] = []
    valuation = Valuation()  # the fold of Engine.valuation(), in this same pass over the log
    for event in engine.events():
        valuation.apply(event)
        if isinstance(event, OrderAllocated):
            if event.order not in first_alloc:
                first_alloc[event.order] = not any(b.backordered for b in event.backorders)
            for pick in event.picks:
                decisions[event.order][(pick.location.split("/")[0], pick.sku)] += pick.quantity
        elif isinstance(event, ShipmentShipped):
            shipped.append((event.order, event.shipment, event.at))
    groups: dict[str, list[str]] = defaultdict(list)
    for oid, order in orders.items():
        groups[order.capture.channel].append(oid)
    money = order_money(engine, end)
    ship_groups: dict[str, list[tuple[str, str, datetime]]] = defaultdict(list)
    for row in shipped:
        ship_groups[orders[row[0]].capture.channel].append(row)

    def kpis(ids: list[str], ships: list[tuple[str, str, datetime]]) -> Kpis:
        lines = units = cancelled = filled = backordered = 0
        ages: list[float] = []
        for oid in ids:
            order = orders[oid]
            waiting = 0
            for line in order.lines:
                lines += 1
                units += line.ordered
                cancelled += line.cancelled
                filled += line.allocated
                waiting += line.backordered
            backordered += waiting
            if waiting:
                ages.append((end - order.capture.at).total_seconds() / 3600)
        routed = [oid for oid in ids if oid in first_alloc]
        first = sum(1 for oid in routed if first_alloc[oid])
        distance = 0.0
        misses = 0
        shipped_orders = set()
        for oid, sid, at in ships:
            order = orders[oid]
            shipped_orders.add(oid)
            if order.capture.ship_by is not None and at > order.capture.ship_by:
                misses += 1
            shipment = engine.shipment(sid)
            origin = coords.get(shipment.location.split("/")[0]) if shipment else None
            dest = order.capture.ship_to.coordinates
            if origin is not None and dest is not None:
                distance += origin.distance_km(dest)
        live = units - cancelled
        return Kpis(
            orders=len(ids),
            lines=lines,
            units=units,
            cancelled_units=cancelled,
            fill_rate=_ratio(filled, live),
            first_time_fill_rate=_ratio(first, len(routed)),
            shipments=len(ships),
            split_rate=_ratio(len(ships), len(shipped_orders)),
            backordered_units=backordered,
            mean_backorder_age_h=round(sum(ages) / len(ages), 2) if ages else 0.0,
            sla_misses=misses,
            distance_km=round(distance, 1),
            **attrs.asdict(money_kpis(money, ids), recurse=False),
        )

    stock_outs: Counter[str] = Counter()
    for order in orders.values():
        for line in order.lines:
            if line.backordered:
                stock_outs[line.sku] += line.backordered
    oversold = 0
    holdings: Counter[tuple[str, str]] = Counter()
    for sku in engine.skus():
        if sku.components:
            continue
        for account, units in engine.balances(sku.code).items():
            if account.bucket is Bucket.AVAILABLE and units < 0 and "/" in account.location:
                oversold -= units
            if units and account.location[:1] != "@" and account.bucket is not Bucket.INCOMING:
                holdings[(sku.code, account.location.split("/")[0])] += units
    stock_value, by_warehouse, uncosted = _stock_values(valuation, holdings)
    return Report(
        rule=sim.rule_name,
        end=end,
        overall=kpis(list(orders), shipped),
        by_channel={c: kpis(groups[c], ship_groups[c]) for c in sorted(groups)},
        oversold_units=oversold,
        stock_outs=dict(stock_outs.most_common()),
        rejected=dict(sorted(sim.rejected.items())),
        events=engine.position,
        decisions={
            o: tuple(sorted((w, s, n) for (w, s), n in c.items()))
            for o, c in sorted(decisions.items())
        },
        explanations=dict(sim.explanations or {}),
        replans={o: tuple(plans) for o, plans in sorted((sim.replans or {}).items())},
        stock_value=stock_value,
        stock_value_by_warehouse=by_warehouse,
        uncosted_received_units=uncosted,
        close_out_reasons=close_out_reasons(money),
    )


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


KPI_NAMES = (
    "orders",
    "lines",
    "units",
    "cancelled_units",
    "fill_rate",
    "first_time_fill_rate",
    "shipments",
    "split_rate",
    "backordered_units",
    "mean_backorder_age_h",
    "sla_misses",
    "distance_km",
    *MONEY_KPIS,
    "closed_orders",
    "open_orders",
    "orders_not_closable",
)
"""The ``Kpis`` field names, in the order the tables show them (the amounts, in
``MONEY_KPIS``, take a row per currency: see :func:`kpi_rows`)."""


def kpi_rows(columns: list[Kpis]) -> list[tuple[str, list[Value]]]:
    """The rows of a KPI table with a column per item of ``columns``: each KPI by name, in
    the order of :data:`KPI_NAMES`, except the amounts, which take one row per currency
    any column has (``invoiced_value USD``; zero in a column without it), or one row of
    ``None`` when no column has any."""
    rows: list[tuple[str, list[Value]]] = []
    for name in KPI_NAMES:
        if name not in MONEY_KPIS:
            rows.append((name, [getattr(k, name) for k in columns]))
            continue
        amounts: list[dict[str, Money]] = [getattr(k, name) for k in columns]
        currencies = sorted({c for value in amounts for c in value})
        if not currencies:
            rows.append((name, [None for _ in columns]))
        zero = Decimal("0.00")
        for currency in currencies:
            values: list[Value] = [v[currency].amount if currency in v else zero for v in amounts]
            rows.append((f"{name} {currency}", values))
    return rows


def money_text(value: dict[str, Money]) -> str:
    """Amounts per currency on one line (``EUR 1,234.50 + USD 7.00``); ``-`` when there is
    none."""
    return " + ".join(f"{m.currency} {m.amount:,.2f}" for m in value.values()) or "-"
