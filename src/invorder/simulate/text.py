"""Plain-text renderings of KPI reports and comparisons, for a terminal and the CLI."""

from __future__ import annotations

from invorder.simulate.comparison import Comparison, allocation_text, why_text
from invorder.simulate.kpi import KPI_NAMES, Report, money_text


def format_report(rep: Report) -> str:
    """A plain-text KPI table: one column overall, one per channel."""
    columns = {"all": rep.overall, **rep.by_channel}
    rows = [["kpi", *columns]]
    for name in KPI_NAMES:
        rows.append([name, *(_fmt(getattr(k, name)) for k in columns.values())])
    out = [f"rule: {rep.rule}   events: {rep.events}   end: {rep.end.isoformat()}", _table(rows)]
    out.append("stock on hand at the end, at weighted-average cost (cash tied up):")
    stock = [["stock", "units", "value", "unvalued_units"]]
    for where, part in {"all": rep.stock_value, **rep.stock_value_by_warehouse}.items():
        stock.append([where, str(part.units), money_text(part.value), str(part.unvalued_units)])
    out.append(_table(stock))
    if rep.uncosted_received_units:
        out.append(
            f"received without a cost (valued at the average of the moment): "
            f"{rep.uncosted_received_units} units"
        )
    out.append(f"oversold units: {rep.oversold_units}")
    top = ", ".join(f"{s} ({n})" for s, n in list(rep.stock_outs.items())[:5]) or "none"
    out.append(f"stock-outs: {len(rep.stock_outs)} SKUs backordered; most: {top}")
    if rep.rejected:
        out.append("refused commands: " + ", ".join(f"{c} {n}" for c, n in rep.rejected.items()))
    return "\n".join(out) + "\n"


def format_comparison(c: Comparison) -> str:
    """Two runs side by side (overall KPIs) and the decisions that differ."""
    rows = [["kpi", c.a.rule, c.b.rule]]
    for name in KPI_NAMES:
        rows.append([name, _fmt(getattr(c.a.overall, name)), _fmt(getattr(c.b.overall, name))])
    rows.append(["oversold_units", str(c.a.oversold_units), str(c.b.oversold_units)])
    rows.append(["stock_out_skus", str(len(c.a.stock_outs)), str(len(c.b.stock_outs))])
    rows.append(["stock_units", str(c.a.stock_value.units), str(c.b.stock_value.units)])
    rows.append(["stock_value", *(money_text(r.stock_value.value) for r in (c.a, c.b))])
    for w in sorted(c.a.stock_value_by_warehouse.keys() | c.b.stock_value_by_warehouse.keys()):
        sides = [r.stock_value_by_warehouse.get(w) for r in (c.a, c.b)]
        rows.append([f"stock_value {w}", *(money_text(p.value) if p else "-" for p in sides)])
    rows.append(
        ["unvalued_units", str(c.a.stock_value.unvalued_units), str(c.b.stock_value.unvalued_units)]
    )
    out = [
        _table(rows),
        f"this rule change alters {len(c.differing)} of the {c.decided} routing decisions",
    ]
    for order in c.differing[:5]:
        out.append(
            f"  {order}: {c.a.rule} {allocation_text(c.a.decisions.get(order, ()))}"
            f" | {c.b.rule} {allocation_text(c.b.decisions.get(order, ()))}"
        )
        for rep in (c.a, c.b):
            if order in rep.explanations:
                out.append(f"    why under {rep.rule}: {why_text(rep.explanations[order])}")
            later = rep.replans.get(order, ())
            if later:
                out.append(f"    then routed {len(later)} more time(s) under {rep.rule}; "
                           f"last: {why_text(later[-1])}")  # fmt: skip
    return "\n".join(out) + "\n"


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
    return str(value)


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
