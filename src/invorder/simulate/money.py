"""The money side of a run's KPIs: what was invoiced, credited, captured and refunded (per
currency), and which orders closed, stayed open, or are done shipping but cannot close."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

import attrs

from invorder.domain.invoicing.settlement import CloseOutReason
from invorder.domain.money import Money
from invorder.engine import Engine

MONEY_KPIS = ("invoiced_value", "credited_value", "captured_value", "refunded_value")
"""The KPIs that are amounts per currency (a table shows one row per currency)."""


@attrs.frozen(kw_only=True)
class OrderMoney:
    """One order's money at the end of a run."""

    invoiced: Money
    """Its invoices' totals."""
    credited: Money
    """The credit notes against them."""
    captured: Money
    """Payments captured."""
    refunded: Money
    """Payments refunded."""
    closed: bool
    """True when it is closed."""
    reasons: tuple[CloseOutReason, ...]
    """What keeps it from closing (empty unless it is done shipping, not closed and held
    open by something: see :meth:`invorder.Engine.close_outs`)."""


def order_money(engine: Engine, at: datetime) -> dict[str, OrderMoney]:
    """Every order's money as the engine stands, close-out reasons judged at ``at``."""
    stuck = {c.order: c.reasons for c in engine.close_outs(at)}
    out: dict[str, OrderMoney] = {}
    for order in engine.orders():
        oid = order.order_id
        standing = engine.invoicing(oid)
        paid = engine.payment(oid)  # zero amounts for an order without payment facts
        assert paid is not None  # the order is the engine's own
        out[oid] = OrderMoney(
            invoiced=standing.invoiced, credited=standing.credited,
            captured=paid.captured, refunded=paid.refunded,
            closed=order.closed_at is not None, reasons=stuck.get(oid, ()),
        )  # fmt: skip
    return out


@attrs.frozen(kw_only=True)
class MoneyKpis:
    """The money KPIs of a set of orders (the fields :class:`~invorder.simulate.Kpis`
    shares)."""

    invoiced_value: dict[str, Money]
    """Invoices issued (tax and shipping included), per currency."""
    credited_value: dict[str, Money]
    """Credit notes issued against them, per currency."""
    captured_value: dict[str, Money]
    """Payments captured, per currency."""
    refunded_value: dict[str, Money]
    """Payments refunded, per currency."""
    closed_orders: int
    """Orders closed."""
    open_orders: int
    """Orders not closed: still shipping, or done and held open."""
    orders_not_closable: int
    """Orders done shipping, not closed, and held open by something (unpaid or
    uninvoiced, not captured, a credit or refund owed)."""


def money_kpis(per_order: dict[str, OrderMoney], ids: Iterable[str]) -> MoneyKpis:
    """The money KPIs of the orders ``ids`` (keys of ``per_order``)."""
    rows = [per_order[oid] for oid in ids]
    closed = sum(1 for row in rows if row.closed)
    return MoneyKpis(
        invoiced_value=_totals(row.invoiced for row in rows),
        credited_value=_totals(row.credited for row in rows),
        captured_value=_totals(row.captured for row in rows),
        refunded_value=_totals(row.refunded for row in rows),
        closed_orders=closed,
        open_orders=len(rows) - closed,
        orders_not_closable=sum(1 for row in rows if row.reasons),
    )


def close_out_reasons(per_order: dict[str, OrderMoney]) -> dict[str, int]:
    """Orders held open per reason (an order may count under several), in the order of
    :class:`~invorder.records.CloseOutReason`."""
    counts = Counter(reason for row in per_order.values() for reason in row.reasons)
    return {str(reason): counts[reason] for reason in CloseOutReason if counts[reason]}


def _totals(amounts: Iterable[Money]) -> dict[str, Money]:
    """The sum per currency, sorted by currency; a currency whose sum is zero is kept (the
    orders had it), and ``{}`` when there were no orders."""
    sums: dict[str, Decimal] = {}
    for money in amounts:
        sums[money.currency] = sums.get(money.currency, Decimal(0)) + money.amount
    return {c: Money(a.quantize(Decimal("0.01")), c) for c, a in sorted(sums.items())}
